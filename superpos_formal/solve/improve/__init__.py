"""Make a correct network smaller: neuron removal with SAT repair, inside a
large-neighbourhood search (LNS).

Exact minimum search stops at about ``m = 5-6``; beyond it the best a
researcher can have is the best network *found* and verified. This module
takes a correct network (a construction, a campaign result, a file) and
shrinks it while keeping it exactly correct.

Moves
-----
*Removal with repair* (one hidden neuron less). Drop hidden neuron ``h``
(in superposed mode also one input-code and one output-code coordinate, so
``d = d' = n`` stays true), then free a *window* -- the incoming and outgoing
weights of ``w`` other neurons (the ones most related to ``h``: sharing
outputs and inputs with it; or a random subset), plus the output biases, and
in superposed mode the code rows/columns of ``w`` coordinates -- fix every
other parameter to its current value, and solve the small formula of the
existing encoder (:func:`~superpos_formal.encode.sat.encode_family_sat` with
``fixed=...``: fixed parameters are constants, so the formula only grows with
the window). This is the LNS scheme of Shaw, "Using constraint programming
and local search methods to solve vehicle routing problems" (CP 1998),
with the repair done by a complete SAT solver on the neighbourhood.

In explicit mode the window is solved on the *sub-question* of the outputs
the window's neurons feed (and the neurons that feed those outputs), then
spliced back: every other output sees only fixed weights, so it is
unchanged (argued at
:func:`~superpos_formal.solve.improve.members._repair_rows`), and the spliced network
is verified on the whole task all the same. When every window of the
largest size fails, the search asks the fresh exact question at ``n - 1``
(the encoder with its symmetry breaks, nothing fixed) under a conflict
budget that grows by 4x each time it is not enough; for a family, the exact
family question of :mod:`superpos_formal.solve.family` with the rest of the
budget. So the search is never weaker than restarting from scratch, only
(usually) faster.

*Sparsification* (same width, fewer nonzero parameters): free a window and
bound the total nonzero count by the current one minus one (the encoder's
``max_nonzero`` cardinality constraint).

Every repair is counterexample guided (start from the inputs the damaged
network gets wrong plus the inputs of weight <= 1, add the failures of each
candidate), and a candidate is accepted only when the exact verifier
(:func:`~superpos_formal.verify.verify`, Python integers, every input of
``X(m, s)``) accepts it. The objective is lexicographic: hidden neurons, then
nonzero parameters, then bits (as in the exact searches).

Families with shared codes (member-CEGIS, as in
:mod:`superpos_formal.solve.family`): a window is solved for a *core* of
members together (shared codes free in the window, each core member's
weights free in the window); the new codes are then fixed and every other
member is repaired alone (its own weights windowed, then fully free); a
member that cannot be repaired joins the core and the step is retried.

Determinism: every choice comes from ``random.Random(seed)`` and every SAT
call is CaDiCaL under a *conflict* budget (not a time limit; each window is
encoded and solved in a child process that is killed only when the overall
wall-clock budget runs out, which ends the run), so
the same seed and ``max_steps`` give the same trajectory and result on any
machine. The wall-clock ``budget`` only decides when to stop; a run that
stops on it reports what it has, and minimality is always UNKNOWN here (a
minimum needs the UNSAT side, :mod:`superpos_formal.solve.search`).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> task = uand(3)
>>> start = baseline([task], "explicit", "step", B=2)[0]
>>> start.counts()["hidden_neurons"]
3
>>> res = improve(task, start, seed=0, budget=20, max_steps=30)
>>> res.counts["hidden_neurons"]
2
>>> res.minimality
'UNKNOWN'
"""

from .loop import improve, improve_family, restart
from .moves import drop_neuron
from .repair import PORTFOLIO, SAT_OPTIONS, SOLVER
from .result import Improvement, objective
from .starts import CONSTRUCTION_PARAMS, STARTS, baseline, check_construction_params, \
    construction_start, widen
from .loop import LNS, LNSOptions, run_lns  # noqa: F401
# not in __all__: the racers' benchmark, the torch importer's repair and the tests use these
from .repair import (WindowQuestion, _encode_solve, _phases, repair, shape_of,  # noqa: F401
                     wall_clock, wrong_inputs)

__all__ = ["improve", "improve_family", "baseline", "Improvement", "objective",
           "drop_neuron", "SOLVER", "PORTFOLIO", "STARTS", "construction_start", "widen",
           "restart"]
