"""The hypercube cut problem's symmetries, broken inside a DRAT proof.

The separation and summability lemmas (:mod:`superpos_formal.encode.lemmas`)
pose the cut problem on the hidden units' truth tables ``h_k(x)``: ``n``
threshold functions on the ``m``-cube such that every edge has ends with
different hidden vectors. Its clause set is invariant under

* complementing one unit (``h_k -> not h_k``: separation patterns map to
  patterns, and the summability clauses of a quad map to those of the
  reversed quad);
* permuting the units;
* the cube's own symmetries: permuting coordinates (edges map to edges,
  ``a + b = c + d`` is kept).

Three families of breaks follow, each a canonical form every model can be
moved into by those symmetries, in this order (each later family's
symmetries keep the earlier breaks):

A. ``h_k(0) = 0`` for every unit (complement unit ``k`` when ``h_k(0) = 1``);
B. the bits ``h_1(e_1) >= h_2(e_1) >= ... >= h_n(e_1)`` (permute units;
   complementing is done, and a unit permutation keeps ``h(0) = 0``);
C. the vectors ``h(e_2) <=lex h(e_3) <=lex ... <=lex h(e_m)`` (permute
   coordinates 2..m, which fix the vertices ``0`` and ``e_1``).

:func:`break_cut_symmetries` writes them as DRAT steps
(:mod:`.drat_symmetry`: B and C as sorting networks of conditional swaps,
the sortedness of the last renaming derived from the definitions), after
first renaming the lemmas' literals to fresh variables ``t_k(x)``. On parity
of 5 bits at width 4, the cut problem with the three breaks is refuted in
seconds (about 185,000 conflicts); without them, three runs of over an hour
of CPU each did not end (search/results/dense-parity5-n4.md).
"""

from itertools import product

from ..errors import InputError
from .drat_symmetry import DratSteps

__all__ = ["break_cut_symmetries", "odd_even_network"]


def odd_even_network(k):
    """Comparators ``(i, i + 1)`` of odd-even transposition sort on ``k``
    items: ``k`` rounds sort any sequence (Knuth, TAOCP vol. 3, 5.3.4,
    exercise 37).

    Examples
    --------
    >>> odd_even_network(3)
    [(0, 1), (1, 2), (0, 1)]
    """
    return [(i, i + 1) for r in range(k) for i in range(r % 2, k - 1, 2)]


def break_cut_symmetries(lemmas, h, m, n, next_var):
    """DRAT steps from ``lemmas`` to the cut problem with breaks A, B, C.

    Parameters
    ----------
    lemmas : list of clauses
        The separation and summability lemmas (already in the proof).
    h : dict
        ``h[(k, x)]``: the literal of "unit ``k`` is on at vertex ``x``" in
        the lemmas, for ``k < n`` and every ``x in {0,1}^m``; distinct
        ``(k, x)`` must have distinct variables.
    next_var : int
        The first variable the proof may introduce (above every variable
        of the formula).

    Returns ``(steps, final, units)``: a :class:`~.drat_symmetry.DratSteps`
    whose ``lines`` go after the lemmas in the proof, the clauses (over fresh
    variables) that the proof then has to refute, and ``units[(k, x)]``, the
    variable standing for ``h_k(x)`` in them.

    Examples
    --------
    >>> from superpos_formal.tasks import parity
    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.encode.sat import encode_sat
    >>> from superpos_formal.encode.lemmas import (separation_lemmas,
    ...     summability_lemmas, unit_literals)
    >>> enc = encode_sat(parity(3), Shape("explicit", "step", n=2, B=3, B_bias=3),
    ...                  symmetry=False)
    >>> lemmas = separation_lemmas(enc, parity(3)) + summability_lemmas(enc)
    >>> steps, final, units = break_cut_symmetries(lemmas, unit_literals(enc), 3, 2,
    ...                                            enc.nvars + 1)
    >>> [c for c in final if len(c) == 1] == [(-units[(0, (0, 0, 0))],),
    ...                                       (-units[(1, (0, 0, 0))],)]
    True
    """
    cube = list(product((0, 1), repeat=m))
    if set(h) != {(k, x) for k in range(n) for x in cube}:
        raise InputError("cut symmetry: need a literal for every unit and vertex")
    lits = list(h.values())
    if any(not isinstance(l, int) or l == 0 for l in lits) or \
            len({abs(l) for l in lits}) != len(lits):
        raise InputError("cut symmetry: the units' literals must be distinct variables "
                         "(no constants)")
    st = DratSteps(next_var)
    # rename to fresh t_k(x) = h_k(x): RAT definitions, each lemma's copy is
    # RUP from them and the lemma; then the lemmas and the links are deleted
    t, links = {}, []
    for key in sorted(h):
        v, l = st.fresh(), h[key]
        t[key] = v
        for c in ((v, -l), (-v, l)):
            st.add(c)
            links.append(c)
    sub = {abs(l): (t[key] if l > 0 else -t[key]) for key, l in h.items()}
    G = []
    for c in lemmas:
        if any(abs(l) not in sub for l in c):
            raise InputError(f"cut symmetry: lemma {tuple(c)} has a literal that is not "
                             f"a unit's")
        c2 = tuple(sub[l] if l > 0 else -sub[-l] for l in c)
        st.add(c2)
        G.append(c2)
    for c in list(lemmas) + links:
        st.delete(tuple(c))
    zero = (0,) * m
    unit = [tuple(int(j == i) for j in range(m)) for i in range(m)]

    def relabel(new):
        for key in t:
            t[key] = new.get(t[key], t[key])

    # A: complement unit k when h_k(0) = 1
    for k in range(n):
        sigma = {t[(k, x)]: -t[(k, x)] for x in cube}
        S = t[(k, zero)]
        G, new, defs = st.conditional_rename(G, sigma, S)
        relabel(new)
        G.append(st.derive(defs, (-t[(k, zero)],)))
        for c in defs:
            st.delete(c)
    # B: sort the units by their bit at e_1, ones first (swap i, j when
    # h_i(e_1) = 0 and h_j(e_1) = 1)
    if m >= 1 and n >= 2:
        chain = []
        for i, j in odd_even_network(n):
            S = st.define_and([-t[(i, unit[0])], t[(j, unit[0])]])
            sigma = {}
            for x in cube:
                sigma[t[(i, x)]], sigma[t[(j, x)]] = t[(j, x)], t[(i, x)]
            G, new, defs = st.conditional_rename(G, sigma, S)
            relabel(new)
            chain += st.definitions(S) + defs
        for i in range(n - 1):
            G.append(st.derive(chain, (t[(i, unit[0])], -t[(i + 1, unit[0])])))
        for c in chain:
            st.delete(c)
    # C: sort h(e_2), ..., h(e_m) lexicographically (unit 0 most significant)
    # by transposing coordinates a, b when h(e_a) >lex h(e_b)
    if m >= 3:
        chain = []
        for i, j in odd_even_network(m - 1):
            a, b = i + 1, j + 1
            S, defs_S = _lex_greater(st, [t[(k, unit[a])] for k in range(n)],
                                     [t[(k, unit[b])] for k in range(n)])
            sigma = {}
            for x in cube:
                y = list(x)
                y[a], y[b] = x[b], x[a]
                y = tuple(y)
                if y != x:
                    for k in range(n):
                        sigma[t[(k, x)]] = t[(k, y)]
            G, new, defs = st.conditional_rename(G, sigma, S)
            relabel(new)
            chain += defs_S + defs
        for a in range(1, m - 1):
            p = [t[(k, unit[a])] for k in range(n)]
            q = [t[(k, unit[a + 1])] for k in range(n)]
            for pv, qv in product(product((0, 1), repeat=n), repeat=2):
                if pv > qv:
                    # "not (h(e_a) = pv and h(e_a+1) = qv)"
                    clause = tuple([-l if bit else l for l, bit in zip(p, pv)]
                                   + [-l if bit else l for l, bit in zip(q, qv)])
                    G.append(st.derive(chain, clause))
        for c in chain:
            st.delete(c)
    return st, G, dict(t)


def _lex_greater(st, p, q):
    """Fresh ``S = [p >lex q]`` (index 0 most significant) and its definitions."""
    eqs, gts, defs = [], [], []
    for i in range(len(p)):
        g = st.define_and([p[i], -q[i]] + eqs)
        gts.append(g)
        defs += st.definitions(g)
        e = st.define_xnor(p[i], q[i])
        eqs.append(e)
        defs += st.definitions(e)
    S = st.define_or(gts)
    return S, defs + st.definitions(S)
