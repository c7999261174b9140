"""The cut-lemma route: one deterministic DRAT proof of ``F`` through the cut problem.

For one hidden layer of step units the formula ``F`` implies the separation
and summability lemmas (:mod:`superpos_formal.encode.lemmas`): the hidden
units' truth tables are threshold functions that cut every cube edge along
which the task changes. The route proves each lemma from ``F`` inside one
proof (:mod:`.lemma_proof`), optionally breaks the cut problem's symmetries
in DRAT steps (:mod:`.cut_symmetry`), and refutes the result in a fresh
solver. Every step is CaDiCaL's or written here deterministically, so the
same formula gives the same proof, byte for byte: what lets a refutation too
large to commit be recorded by its hash and re-made on demand
(:mod:`superpos_formal.certify.proofcheck.regenerable_lemmas`).

Measured (search/results/dense-parity5-n4.md): parity of 5 bits at width 4,
with the breaks, 61 s to a proof of 1.73 M lines that dratify's native engine
verified in 160 s; without them, three runs of over an hour of CPU each
ended UNKNOWN.
"""

from ..encode.lemmas import separation_lemmas, summability_lemmas, unit_literals
from ..errors import InputError
from .cut_symmetry import break_cut_symmetries
from .lemma_proof import refute_with_lemmas

__all__ = ["ROUTE", "refute_by_cut_lemmas", "cut_problem"]

#: the route's name in a record (claim.json ``regenerable_lemmas.route.name``)
ROUTE = "cut-lemmas"


def refute_by_cut_lemmas(enc, task, proof_path, *, breaks=True, time_limit=None):
    """Refute ``enc`` (``encode_sat`` of ``task``, one member, step units,
    ``L = 1``, no symmetry break needed) through the cut lemmas.

    Returns ``(result, info)`` as :func:`.lemma_proof.refute_with_lemmas`
    does, with ``info`` also holding the lemma counts and, with ``breaks``,
    the bridge's line count. An UNSAT result's proof at ``proof_path`` still
    has to be checked.

    Examples
    --------
    >>> import os, tempfile
    >>> from superpos_formal.encode.sat import encode_sat
    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.tasks import parity
    >>> enc = encode_sat(parity(3), Shape("explicit", "step", n=2, B=3, B_bias=3),
    ...                  symmetry=False)
    >>> res, info = refute_by_cut_lemmas(enc, parity(3),
    ...                                  os.path.join(tempfile.mkdtemp(), "p.drat"))
    >>> res.status, info["separation"], info["summability"]
    ('UNSAT', 48, 48)
    """
    lemmas, final, bridge, info = cut_problem(enc, task, breaks=breaks)
    res, more = refute_with_lemmas(enc.clauses, lemmas, proof_path, final=final,
                                   bridge=bridge, time_limit=time_limit)
    info.update(more)
    return res, info


def cut_problem(enc, task, *, breaks=True):
    """The route up to its final solve: ``(lemmas, final, bridge, info)``.

    ``lemmas`` are proved from ``enc``'s formula first; ``bridge`` (``None``
    without ``breaks``) are the DRAT lines after them; ``final`` is what the
    last solve refutes; ``info`` holds the counts.
    """
    h = unit_literals(enc)
    if not h:
        raise InputError("cut lemmas: the formula has no hidden units")
    m = len(next(iter(h))[1])
    sep = separation_lemmas(enc, task)
    summ = summability_lemmas(enc)
    lemmas = sep + summ
    final, bridge = lemmas, None
    info = {"separation": len(sep), "summability": len(summ)}
    if breaks:
        steps, final, _ = break_cut_symmetries(lemmas, h, m, enc.shape.n, enc.nvars + 1)
        bridge = steps.lines
        info["bridge_lines"] = len(bridge)
    return lemmas, final, bridge, info
