"""superpos-formal: exact, checked facts about neural computation in superposition.

The pipeline is task -> encode -> solve -> certify -> report:

* :mod:`superpos_formal.domain`, :mod:`~superpos_formal.tasks`,
  :mod:`~superpos_formal.codes`, :mod:`~superpos_formal.network`,
  :mod:`~superpos_formal.verify`, :mod:`~superpos_formal.schema`,
  :mod:`~superpos_formal.graph`: the model of MODEL.md and its exact checker;
* :mod:`superpos_formal.encode`: SAT (CNF) and SMT (z3) encodings;
* :mod:`superpos_formal.solve`: minimum-size searches, families, counting;
* :mod:`superpos_formal.certify`: DRAT proofs, checkers, claim bundles.
"""

__version__ = "0.1.0"
