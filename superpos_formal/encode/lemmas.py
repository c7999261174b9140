"""Separation lemmas: clauses implied by the formula, about hidden step units.

With one hidden layer of step units (and no tolerance), the output at an
input ``x`` is ``y_j(x) = [c'_j + sum_k U_jk h_k(x) >= theta]``: a function
of the hidden vector ``h(x)`` alone (``E``, ``R``, ``V``, ``c`` do not depend
on ``x``). So two inputs ``u, v`` whose required outputs differ must get
different hidden vectors: in every model of the formula, ``h(u) != h(v)``.

In clauses over the formula's own variables (``h_k(x)`` is the literal
``[a_k(x) >= 1]`` of the encoder's first-layer activation), "``h(u) = h(v) =
p`` is impossible" for one pattern ``p in {0,1}^n`` is the clause

    ``OR_k ( h_k(u) != p_k  or  h_k(v) != p_k )``

(``2 n`` literals), and the ``2^n`` such clauses together say ``h(u) !=
h(v)``. Each is implied by the formula, by the argument above; none is added
to the formula of a claim. They are *lemmas*: :mod:`superpos_formal.solve.lemma_proof`
derives each one inside a DRAT proof of the unchanged formula (so a checker,
not this argument, is what certifies the refutation), and
``tests/test_dense_lemmas.py`` holds the argument against the clauses
emitted: every lemma is refuted-when-negated by the solver on small
instances, and a clause that is not implied is refused.

Summability lemmas (:func:`summability_lemmas`) hold for any first hidden
layer: unit ``k`` is on at ``x`` iff its pre-activation ``w.x + b >= 1``
(``[relu(t) >= 1] = [t >= 1]``, ``[step(t) >= 1] = [t >= 1]``; in superposed
mode ``w = W_1 E``, still linear in ``x``). If ``a + b = c + d`` as integer
vectors, ``h(a) = h(b) = 1`` gives ``w.(a + b) + 2 b >= 2`` and ``h(c) = h(d)
= 0`` gives ``w.(c + d) + 2 b <= 0``: both cannot hold, so the clause
``-h(a) or -h(b) or h(c) or h(d)`` is implied (2-asummability of threshold
functions; Elgot 1961, Chow 1961; Muroga, "Threshold logic and its
applications", 1971, ch. 3). With the separation lemmas they pose the cut
problem on the hidden units' truth tables alone, with no weight in it.

Why edges: for parity every edge ``(u, u + e_i)`` of the cube has differing
outputs, so the lemmas say that the ``n`` hyperplanes of the hidden units
slice every edge of the ``m``-cube: the hypercube cut number, which is
``m`` for ``m <= 4`` and, by a computer proof (CCCG 2000; M. Ziegler's group
at Paderborn, whose CUBECUTS page states it), 5 for the 5-cube;
Emamy-Khansary and Ziegler, "New bounds for hypercube slicing numbers",
DM-CCG 2001, showed that 4 hyperplanes slice at most 78 of its 80 edges.
"""

from itertools import product

from ..errors import InputError
from ..results import Activation
from .ints import FALSE, TRUE

__all__ = ["separation_pairs", "separation_lemmas", "summability_quads", "summability_lemmas",
           "unit_literals"]


def separation_pairs(task, inputs, max_distance=1):
    """Pairs ``(u, v)`` of ``inputs`` (``u`` first in their order) at Hamming
    distance at most ``max_distance`` whose required outputs differ.

    Examples
    --------
    >>> from superpos_formal.tasks import parity
    >>> from superpos_formal.domain import domain
    >>> pairs = separation_pairs(parity(2), domain(2, 2))
    >>> pairs
    [((0, 0), (1, 0)), ((0, 0), (0, 1)), ((1, 0), (1, 1)), ((0, 1), (1, 1))]
    """
    xs = [tuple(x) for x in inputs]
    out = []
    for i, u in enumerate(xs):
        for v in xs[i + 1:]:
            d = sum(a != b for a, b in zip(u, v))
            if 0 < d <= max_distance and tuple(task(u)) != tuple(task(v)):
                out.append((u, v))
    return out


def _first_layer(encoding, what):
    """The one member's first-layer activations ``{x: [a_k(x)]}``; a family's
    encoding, or one without them, is refused (``what`` names the caller)."""
    members = encoding._members
    if len(members) != 1:
        raise InputError(f"lemmas: {what} are for one task, not a family")
    act = members[0].get("act1")
    if act is None:
        raise InputError("lemmas: the encoding has no first-layer activations")
    return act


def _literal(expr):
    """``[a >= 1]`` of a 0/1 activation (``TRUE``/``FALSE`` if constant)."""
    return expr.ge(1)


def separation_lemmas(encoding, task, pairs=None):
    """The ``2^n`` clauses "``h(u) != h(v)``" of each pair, in pair order.

    ``encoding`` is :func:`~superpos_formal.encode.sat.encode_sat`'s output for
    ``task`` (one member, step units, ``L = 1``, tolerance 0); ``pairs``
    defaults to :func:`separation_pairs` over the encoded inputs. A pair with
    an input the formula does not constrain, or equal required outputs, is
    refused: its clauses would not be implied.

    Examples
    --------
    >>> from superpos_formal.tasks import parity
    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.encode.sat import encode_sat
    >>> enc = encode_sat(parity(2), Shape("explicit", "step", n=2, B=2, B_bias=2),
    ...                  symmetry=False)
    >>> lemmas = separation_lemmas(enc, parity(2))
    >>> len(lemmas), sorted(len(c) for c in lemmas)[0]
    (16, 4)
    """
    sh = encoding.shape
    if sh.activation != Activation.STEP or sh.L != 1:
        raise InputError("lemmas: separation lemmas need one hidden layer of step units")
    if sh.tolerance:
        raise InputError("lemmas: with a tolerance, two inputs may share a hidden vector "
                         "(one of them wrong), so the lemmas are not implied")
    act = _first_layer(encoding, "separation lemmas")
    if pairs is None:
        pairs = separation_pairs(task, list(act))
    n = sh.n
    out = []
    for u, v in pairs:
        u, v = tuple(u), tuple(v)
        for x in (u, v):
            if x not in act:
                raise InputError(f"lemmas: input {x} is not constrained by the formula")
        if tuple(task(u)) == tuple(task(v)):
            raise InputError(f"lemmas: {u} and {v} have the same required output")
        hu = [_literal(act[u][k]) for k in range(n)]
        hv = [_literal(act[v][k]) for k in range(n)]
        for p in product((0, 1), repeat=n):
            # "h_k(x) != p_k" is the literal -h_k(x) when p_k = 1, else h_k(x)
            lits = []
            for k in range(n):
                for h in (hu[k], hv[k]):
                    lits.append(-h if p[k] else h)
            if TRUE in lits:
                continue
            out.append([l for l in lits if l != FALSE])
    return out


def unit_literals(encoding):
    """``{(k, x): literal}``: "hidden unit ``k`` is on at input ``x``" in the
    formula (``TRUE``/``FALSE`` where the activation is constant), the
    literals both kinds of lemma are written in.

    Examples
    --------
    Two units on the 3-cube: one literal per unit and vertex.

    >>> from superpos_formal.encode.sat import encode_sat
    >>> from superpos_formal.shape import Shape as Sh
    >>> from superpos_formal.tasks import majority
    >>> h = unit_literals(encode_sat(majority(3), Sh("explicit", "step", n=2, B=3, B_bias=3),
    ...                              symmetry=False))
    >>> len(h), sorted(h)[:2]
    (16, [(0, (0, 0, 0)), (0, (0, 0, 1))])
    """
    act = _first_layer(encoding, "unit literals")
    return {(k, tuple(x)): _literal(act[x][k]) for x in act
            for k in range(encoding.shape.n)}


def summability_quads(inputs):
    """Ordered pairs of distinct input pairs ``((a, b), (c, d))`` with
    ``a + b = c + d`` (all four in ``inputs``; ``a != b``, ``c != d``).

    Examples
    --------
    >>> summability_quads([(0, 0), (1, 0), (0, 1), (1, 1)])
    [(((0, 0), (1, 1)), ((1, 0), (0, 1))), (((1, 0), (0, 1)), ((0, 0), (1, 1)))]
    """
    xs = [tuple(x) for x in inputs]
    by_sum = {}
    for i, a in enumerate(xs):
        for b in xs[i + 1:]:
            by_sum.setdefault(tuple(p + q for p, q in zip(a, b)), []).append((a, b))
    out = []
    for prs in by_sum.values():
        for P in prs:
            for Q in prs:
                if P != Q:
                    out.append((P, Q))
    return out


def summability_lemmas(encoding, units=None):
    """Clauses ``-h_k(a) or -h_k(b) or h_k(c) or h_k(d)`` for every unit ``k``
    (of ``units``, default all) and every :func:`summability_quads` quadruple
    of the encoded inputs, unit by unit; clauses made true by a constant
    activation are left out.

    Examples
    --------
    >>> from superpos_formal.tasks import parity
    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.encode.sat import encode_sat
    >>> enc = encode_sat(parity(2), Shape("explicit", "step", n=2, B=2, B_bias=2),
    ...                  symmetry=False)
    >>> [len(c) for c in summability_lemmas(enc)]
    [4, 4, 4, 4]
    """
    if encoding.shape.L < 1:
        raise InputError("lemmas: summability lemmas need a hidden layer")
    act = _first_layer(encoding, "summability lemmas")
    quads = summability_quads(list(act))
    out = []
    for k in (range(encoding.shape.n) if units is None else units):
        for (a, b), (c, d) in quads:
            lits = [-_literal(act[a][k]), -_literal(act[b][k]),
                    _literal(act[c][k]), _literal(act[d][k])]
            if TRUE in lits:
                continue
            out.append(list(dict.fromkeys(l for l in lits if l != FALSE)))
    return out
