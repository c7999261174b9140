"""Syntactic automorphisms of a base formula, found from the parameters.

The symmetries of the question (docs/MODEL.md) act on the *parameters*:
relabelling features or outputs (which maps a family member to another
member), permuting code coordinates, negating one. This module writes each
as a map on the parameters' order literals (:func:`candidate_generators`),
extends it to the auxiliary variables by their definitions
(:func:`~superpos_formal.encode.lexleader.extend_permutation`) and keeps
those that map the clause set of ``F`` onto itself
(:func:`syntactic_generators`). Which survive depends on the encoding: with
the default sum trees, which pair terms by position, a swap of two
neurons or of two of three code coordinates is *not* syntactic; the
relabellings, the swap of two code coordinates whose products are the two
leaves of one adder, and the sign flips are; with ``sums="tree-sym"`` the
swap of the two neurons of an ``n = 2`` member is too (tested, and measured
in ``benchmarks/bench_certificates.py``).

Every candidate is only a candidate: the checker
(:mod:`superpos_formal.certify.proofcheck.generators`) re-checks the full literal
permutation against the regenerated formula.
"""

from ..domain import domain
from ..results import CodeKind, Mode
from .ints import IntVar
from .lexleader import automorphism_failure, clause_multiset, extend_permutation

__all__ = ["candidate_generators", "syntactic_generators"]


def _map(x, y, negate=False):
    """Order literals of ``x`` -> those of ``y`` (of ``-y`` when ``negate``)."""
    if not isinstance(x, IntVar):
        return {}
    if not negate:
        return dict(zip(x.lits, y.lits))
    # [-y >= v] = ~[y >= 1 - v]; the domains are symmetric (all bounds are)
    return {a: -y.ge(1 - v) for v, a in zip(x.dom[1:], x.lits)}


def _swap(g, x, y):
    g.update(_map(x, y))
    g.update(_map(y, x))


def _members_swap(g, enc, perm):
    """Member ``a``'s weights -> member ``perm[a]``'s, index by index."""
    for a, b in enumerate(perm):
        A, B = enc._members[a], enc._members[b]
        pairs = []
        for (W, bb), (W2, bb2) in zip(A["layers"], B["layers"]):
            pairs += [(x, y) for r1, r2 in zip(W, W2) for x, y in zip(r1, r2)]
            pairs += list(zip(bb, bb2))
        if A["V"] is not None:
            pairs += [(x, y) for r1, r2 in zip(A["V"], B["V"]) for x, y in zip(r1, r2)]
            pairs += list(zip(A["c"], B["c"]))
        for x, y in pairs:
            g.update(_map(x, y))


def _relabel(tasks, X, f):
    """Member permutation induced by ``f`` (task -> its outputs over ``X``), or None."""
    table = {tuple(tuple(t(x)) for x in X): i for i, t in enumerate(tasks)}
    perm = [table.get(f(t)) for t in tasks]
    return None if None in perm or len(set(perm)) != len(perm) else perm


def candidate_generators(enc, tasks):
    """``{name: primary literal map}`` of the question's symmetries.

    ``enc`` is a base formula (no symmetry break) of ``tasks`` with free
    codes. Feature (output) transpositions of neighbours are included when
    they map the member set onto itself; code-coordinate neighbour swaps and
    sign flips always; with one hidden layer, neighbour-neuron swaps in
    each member (syntactic with ``sums="tree-sym"`` and ``n = 2``).
    """
    sh = enc.shape
    if sh.mode == Mode.EXPLICIT or sh.codes != CodeKind.FREE:
        return {}
    E, R, n = enc._E, enc._R, sh.n
    m, m_out = len(E[0]), len(R)
    X = list(domain(m, tasks[0].s))
    L0 = sh.L == 0
    out = {}

    for i in range(m - 1):
        k = i + 1
        swap_in = {i: k, k: i}

        def f(t, swap_in=swap_in):
            img = {tuple(x[swap_in.get(q, q)] for q in range(m)): tuple(t(x)) for x in X}
            return tuple(img[x] for x in X)
        perm = _relabel(tasks, X, f)
        if L0 and perm is None and m == m_out:
            # a representation task relabelled in features and outputs alike
            def f2(t, swap_in=swap_in):
                img = {tuple(x[swap_in.get(q, q)] for q in range(m)):
                       tuple(t(x)[swap_in.get(q, q)] for q in range(m_out)) for x in X}
                return tuple(img[x] for x in X)
            perm = _relabel(tasks, X, f2)
            if perm is not None:
                g = {}
                for r in range(n):
                    _swap(g, E[r][i], E[r][k])
                    _swap(g, R[i][r], R[k][r])
                _members_swap(g, enc, perm)
                out[f"features {i},{k} with outputs"] = g
            continue
        if perm is None:
            continue
        g = {}
        for r in range(len(E)):
            _swap(g, E[r][i], E[r][k])
        _members_swap(g, enc, perm)
        out[f"features {i},{k}"] = g
    if not L0:
        for j in range(m_out - 1):
            k = j + 1
            sw = {j: k, k: j}

            def f(t, sw=sw):
                return tuple(tuple(t(x)[sw.get(q, q)] for q in range(m_out)) for x in X)
            perm = _relabel(tasks, X, f)
            if perm is None:
                continue
            g = {}
            for r in range(len(R[0])):
                _swap(g, R[j][r], R[k][r])
            _members_swap(g, enc, perm)
            out[f"outputs {j},{k}"] = g
    for r in range(n - 1):
        s = r + 1
        g = {}
        for i in range(m):
            _swap(g, E[r][i], E[s][i])
        if L0:
            for j in range(m_out):
                _swap(g, R[j][r], R[j][s])
            out[f"code coordinates {r},{s}"] = g
            continue
        for mem in enc._members:
            W = mem["layers"][0][0]
            for kk in range(n):
                _swap(g, W[kk][r], W[kk][s])
        out[f"input code coordinates {r},{s}"] = g
        g = {}
        for j in range(m_out):
            _swap(g, R[j][r], R[j][s])
        for mem in enc._members:
            _swap(g, mem["c"][r], mem["c"][s])
            for kk in range(n):
                _swap(g, mem["V"][r][kk], mem["V"][s][kk])
        out[f"output code coordinates {r},{s}"] = g
    if sh.L == 1:
        # neurons k, k+1 of one member: rows of W_1 and b_1, columns of V
        for a, mem in enumerate(enc._members):
            (W, bb), V = mem["layers"][0], mem["V"]
            for k in range(n - 1):
                g = {}
                for i in range(len(W[k])):
                    _swap(g, W[k][i], W[k + 1][i])
                _swap(g, bb[k], bb[k + 1])
                for r in range(len(V)):
                    _swap(g, V[r][k], V[r][k + 1])
                out[f"member {a} neurons {k},{k + 1}"] = g
    for r in range(n):
        g = {}
        for i in range(m):
            g.update(_map(E[r][i], E[r][i], True))
        if L0:
            for j in range(m_out):
                g.update(_map(R[j][r], R[j][r], True))
            out[f"code sign {r}"] = g
            continue
        for mem in enc._members:
            W = mem["layers"][0][0]
            for kk in range(n):
                g.update(_map(W[kk][r], W[kk][r], True))
        out[f"input code sign {r}"] = g
        g = {}
        for j in range(m_out):
            g.update(_map(R[j][r], R[j][r], True))
        for mem in enc._members:
            g.update(_map(mem["c"][r], mem["c"][r], True))
            for kk in range(n):
                g.update(_map(mem["V"][r][kk], mem["V"][r][kk], True))
        out[f"output code sign {r}"] = g
    return out


def syntactic_generators(enc, tasks):
    """``([(name, full literal map, K)], [(name, reason)])``: the candidates
    of :func:`candidate_generators` that are automorphisms of
    ``enc.clauses``, and why the others are not.

    ``K`` is where the generator's lex-leader constraint stops: after the
    code variables (they come first) when it moves a code entry, else just
    before the first variable it moves that is not a parameter (each
    member's parameters come before its auxiliaries). Ordering the members'
    weights as well for a relabelling was measured slower (permutations
    m = 4, n = 2: 8.3 s against 2.1 s).
    """
    code_end = _code_end(enc)
    have = clause_multiset(enc.clauses)
    good, bad = [], []
    for name, prim in candidate_generators(enc, tasks).items():
        g, _ = extend_permutation(enc.clauses, enc.nvars, prim)
        why = automorphism_failure(enc.clauses, enc.nvars, g, have)
        if why is None:
            aux = [v for v in g if v not in prim]
            K = (min(aux) - 1) if aux else max(g)
            if min(g) <= code_end:
                K = min(K, code_end)
            good.append((name, g, K))
        else:
            bad.append((name, why))
    return good, bad


def _code_end(enc):
    """The last variable of the free codes ``E``, ``R`` (created first)."""
    top = 1
    for row in list(enc._E) + list(enc._R):
        for x in row:
            if isinstance(x, IntVar):
                top = max([top] + list(x.lits))
    return top
