"""superpos-formal: exact, checked facts about neural computation in superposition.

Import it as ``sf`` and ask questions::

    import superpos_formal as sf
    res = sf.min_neurons(sf.uand(4), activation="relu", B=2)
    res.minimum, res.network.draw()
    sf.certify(res, "out/uand4")     # a checked claim bundle
    sf.verify("out/uand4")           # re-check it

Tasks and families: :func:`uand`, :func:`permutations`, :func:`pair_sets`,
:func:`identity`, :func:`parity`, :func:`majority`, :func:`truth_table`
(and :func:`task`, :func:`family` by name). Questions: :func:`decide`,
:func:`min_neurons`, :func:`min_params`, :func:`min_bits`, :func:`count`,
:func:`capacity`. Evidence: :func:`certify`, :func:`verify`, :func:`check`.
Beyond the exact searches: :func:`improve` (shrink a correct network by
large-neighbourhood search, SAT-repaired and verified) and :func:`cubes`
(decide one hard cell by cube and conquer, every cube's proof checked).
Every answer is an :class:`Answer` whose ``status`` is a :class:`Status`.

The package is layered, each layer importing only those before it
(docs/MODEL.md, "Layers"):

* model: :mod:`~superpos_formal.domain`, :mod:`~superpos_formal.tasks`,
  :mod:`~superpos_formal.codes`, :mod:`~superpos_formal.network`,
  :mod:`~superpos_formal.verify`, :mod:`~superpos_formal.schema`,
  :mod:`~superpos_formal.shape`, :mod:`~superpos_formal.graph`,
  :mod:`~superpos_formal.bounds`, :mod:`~superpos_formal.results`;
* :mod:`superpos_formal.encode`: task + shape -> CNF / z3 formula, no solving;
* :mod:`superpos_formal.solve`: solver runs, minimum searches, families,
  counting, capacity;
* :mod:`superpos_formal.certify`: DRAT proof checking and claim bundles;
* :mod:`superpos_formal.api` (this front door) and
  :mod:`superpos_formal.campaign`;
* :mod:`superpos_formal.cli`: the ``superpos`` command.
"""

from .api import (campaign, capacity, certify, check, count, decide, family, identity,
                  majority, min_bits, min_neurons, min_params, pair_sets, parity,
                  permutations, shape, task, truth_table, uand, verify)
from .api import cubes, improve
from .bridge import zoo  # torch is imported only when a zoo model is loaded
from .bridge.importer import from_torch  # likewise: torch only when called
from .errors import InputError, SoundnessError
from .network import Network
from .options import SolveOptions
from .request import RandomCodes
from .results import Activation, Answer, CodeKind, Mode, ResultTable, Status
from .schema import load, write_json
from .shape import Shape
from .tasks import Family, Task
from .version import __version__

__all__ = [
    "uand", "permutations", "pair_sets", "identity", "parity", "majority",
    "truth_table", "task", "family",
    "decide", "min_neurons", "min_params", "min_bits", "count", "capacity",
    "certify", "verify", "check", "shape", "campaign", "improve", "cubes",
    "Answer", "Status", "Mode", "Activation", "CodeKind", "ResultTable",
    "Task", "Family", "Network", "Shape", "SolveOptions", "RandomCodes", "load", "write_json",
    "InputError", "SoundnessError", "__version__", "zoo", "from_torch",
]
