"""Literal permutations of a CNF and their lex-leader clauses.

A *generator* is a permutation of the literals of a CNF that commutes with
negation, written as a map ``var -> literal`` over the variables it moves
(every other variable maps to itself). It is a *syntactic automorphism* of
a clause multiset ``F`` when it maps ``F`` onto itself.

Lex-leader constraint (Crawford, Ginsberg, Luks, Roy, "Symmetry-breaking
predicates for search problems", KR 1996): fix a total order of the
variables, here *ascending variable number*. For an assignment ``V`` and a
generator ``g`` write ``V^g`` for the assignment ``x -> V(g(x))``. If every
``g`` in a set ``G`` is an automorphism of ``F``, every model ``V`` of ``F``
has in its orbit under the group ``<G>`` a lexicographically *largest*
member ``W`` (a model again: ``W`` satisfies a clause ``C`` exactly when
``V`` satisfies ``g(C)``, which is in ``F``), and ``W >=_lex W^g`` for every
``g``. So ``F`` and "``V >=_lex V^g`` for each ``g`` in ``G``" are
equisatisfiable. Comparing only the first ``K`` variables of the order (a
*truncated* lex-leader) is implied by the full comparison, so it is sound as
well.

:func:`lex_leader_clauses` writes that constraint for variables ``1..K``:
positions ``x`` with ``g(x) = x`` are always equal and are skipped; at each
other position ``x`` (with ``y = g(x)``), with ``e`` meaning "every earlier
position is equal" (``e`` true at the start):

* ``e -> (x >= y)``, the clause ``(~e | x | ~y)``;
* ``e & (x = y) -> e'``, the clauses ``(~e | ~x | ~y | e')`` and
  ``(~e | x | y | e')``, ``e'`` a fresh variable.

The second position of a pair that ``g`` swaps (``g(x) = y``, ``g(y) = x``
up to sign, ``|y| < x``) is skipped: equality there follows from equality
at ``|y|``.
``W`` with every ``e`` set to "the prefix is equal" satisfies them. After a
position with ``y = ~x`` equality is impossible and the constraint ends.

The encoder emits these clauses and the checker (:mod:`superpos_formal.
certify.proofcheck.generators`) regenerates them from the stored generators and
compares; :func:`automorphism_failure` is the checker's test (a) and
:func:`extend_permutation` finds a generator's action on the auxiliary
variables from its action on the parameters.

Examples
--------
>>> F = [[1], [2, 3], [-2, -3]]               # 2 xor 3; swap 2 <-> 3
>>> g = {2: 3, 3: 2}
>>> automorphism_failure(F, 3, g) is None
True
>>> cls, top = lex_leader_clauses([g], 3, 3)
>>> cls
[[2, -3], [-2, -3, 4], [2, 3, 4]]
>>> automorphism_failure(F, 3, {2: -2})
'generator maps clause [2, 3] to [-2, 3], which is not in the formula'
"""

from collections import Counter, defaultdict

__all__ = ["lex_leader_clauses", "automorphism_failure", "extend_permutation",
           "image", "perm_failure", "clause_multiset"]


def image(g, lit):
    """``g(lit)`` for a generator ``g`` (a ``var -> literal`` map)."""
    v = g.get(abs(lit), abs(lit))
    return v if lit > 0 else -v


def perm_failure(g, nvars):
    """Why ``g`` is not a negation-commuting permutation of ``1..nvars``, or None."""
    seen = {}
    for v, w in g.items():
        if not isinstance(v, int) or not isinstance(w, int) or isinstance(v, bool) \
                or isinstance(w, bool):
            return f"entry {v!r} -> {w!r}: not integers"
        if not 1 <= v <= nvars or w == 0 or abs(w) > nvars:
            return f"entry {v} -> {w}: outside variables 1..{nvars}"
        if abs(w) in seen:
            return f"variables {seen[abs(w)]} and {v} both map to variable {abs(w)}"
        seen[abs(w)] = v
    for w, v in seen.items():
        if w not in g and w != v:
            return (f"variable {v} maps to variable {w}, which is not moved itself "
                    f"(not a permutation)")
    return None


def clause_multiset(clauses):
    """The clause multiset :func:`automorphism_failure` compares against."""
    return Counter(frozenset(c) for c in clauses)


def automorphism_failure(clauses, nvars, g, have=None):
    """Why ``g`` does not map the clause multiset onto itself, or None.

    ``have``: :func:`clause_multiset` of ``clauses``, to share between
    generators.
    """
    bad = perm_failure(g, nvars)
    if bad:
        return bad
    if have is None:
        have = clause_multiset(clauses)
    for c in have:
        if not any(abs(l) in g for l in c):
            continue
        im = frozenset(image(g, l) for l in c)
        if have.get(im) != have[c]:
            shown = sorted(image(g, l) for l in c)
            return (f"generator maps clause {sorted(c, key=abs)} to "
                    f"{sorted(shown, key=abs)}, which is not in the formula"
                    if im not in have else
                    f"generator maps clause {sorted(c, key=abs)} ({have[c]}x) to one "
                    f"present {have[im]}x")
    return None


def lex_leader_clauses(generators, K, top):
    """Clauses of ``V >=_lex V^g`` on variables ``1..K``, for each generator.

    ``K`` is one bound for all, or a list with one bound per generator (each
    generator's constraint is a truncation of its own full comparison, so
    each may stop elsewhere). Fresh variables are numbered from ``top + 1``;
    returns ``(clauses, new_top)``. Deterministic: the same generators give
    the same clauses.
    """
    out = []
    Ks = K if isinstance(K, (list, tuple)) else [K] * len(generators)
    if len(Ks) != len(generators):
        raise ValueError("one bound per generator")
    for g, Kg in zip(generators, Ks):
        e = None                     # None: the empty prefix (always equal)
        for x in sorted(v for v in g if v <= Kg):
            y = image(g, x)
            if y == x or (abs(y) < x and image(g, y) == x):
                # fixed, or the second of a swapped pair: equal once the
                # first was (V(x) = V(g(y)) = V(y)^... = V(g(x)))
                continue
            ne = [] if e is None else [-e]
            out.append(ne + [x, -y])
            if y == -x:
                break
            top += 1
            out.append(ne + [-x, -y, top])
            out.append(ne + [x, y, top])
            e = top
    return out, top


def extend_permutation(clauses, nvars, primary):
    """Extend ``primary`` (a ``var -> literal`` map) to every variable.

    Variables are visited in increasing order; a variable not in
    ``primary`` is mapped by its *definition*: the clauses in which it is
    the largest variable. Their image (every other literal mapped) must be
    the definition of one unused variable ``w`` (then ``v -> w``) or of
    ``~w``. Returns ``(map, unmapped variables)``; the result is only a
    candidate: :func:`automorphism_failure` decides.
    """
    defs = defaultdict(list)
    for c in clauses:
        if c:
            defs[max(abs(l) for l in c)].append(c)
    g = dict(primary)               # every visited variable, identities included

    def key(v, mapping):
        out = []
        for c in defs[v]:
            lits = []
            for l in c:
                if abs(l) == v:
                    lits.append("+X" if l > 0 else "-X")
                else:
                    if mapping is None:
                        lits.append(l)
                    elif abs(l) in mapping:
                        lits.append(image(mapping, l))
                    else:
                        return None          # a smaller variable is unmapped
                    
            out.append(frozenset(lits))
        return frozenset(out)

    index = defaultdict(list)
    for v in range(1, nvars + 1):
        if defs[v]:
            index[key(v, None)].append(v)
    used = {abs(w) for w in g.values()}
    unmapped = []
    flip = lambda k: frozenset(frozenset({"+X": "-X", "-X": "+X"}.get(l, l) for l in c)
                               for c in k)
    for v in range(1, nvars + 1):
        if v in g:
            continue
        k = key(v, g) if defs[v] else None
        hit = None
        if k is None:
            # no definition (a parameter's first order literal), or one
            # over an unmapped variable: keep it fixed if that is free
            if v in used:
                unmapped.append(v)
            else:
                used.add(v)
                g[v] = v
            continue
        for sign, kk in ((1, k), (-1, flip(k))):
            for w in index.get(kk, ()):
                if w not in used:
                    hit = sign * w
                    break
            if hit:
                break
        if hit is None:
            if v in used:
                unmapped.append(v)
            else:
                used.add(v)
                g[v] = v
            continue
        used.add(abs(hit))
        g[v] = hit
    return {v: w for v, w in g.items() if w != v}, unmapped
