"""Symmetry breaks written as DRAT steps (solve/drat_symmetry.py,
solve/cut_symmetry.py): the checkers accept them when they are right and
reject them when they are not, and the breaks keep a point of every orbit."""

from itertools import permutations, product

import pytest

from superpos_formal.certify.proofcheck.drat import REJECTED, VERIFIED, check_drat
from superpos_formal.encode.lemmas import (separation_lemmas, summability_lemmas,
                                           unit_literals)
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve import drat_symmetry
from superpos_formal.solve.cut_symmetry import break_cut_symmetries, odd_even_network
from superpos_formal.solve.drat_symmetry import DratSteps, check_symmetry
from superpos_formal.solve.lemma_proof import refute_with_lemmas
from superpos_formal.tasks import parity

CHECKERS = ("native", "python", "drup")


def _refutation(steps, final):
    """``steps`` then a CaDiCaL refutation of ``final``, as DRAT text."""
    from pysat.solvers import Solver
    with Solver(name="cadical195", bootstrap_with=[list(c) for c in final],
                with_proof=True) as s:
        assert not s.solve()
        tail = s.get_proof()
    return "\n".join(steps.lines + tail) + "\n"


def test_a_break_through_a_symmetry_verifies():
    # the unsatisfiable PHP(3, 2), the swap of pigeons 1 and 2 broken
    # (variables p_ij: pigeon i in hole j)
    p = {(i, j): 1 + 2 * i + j for i in range(3) for j in range(2)}
    F = [(p[(i, 0)], p[(i, 1)]) for i in range(3)]
    F += [(-p[(a, j)], -p[(b, j)]) for j in range(2) for a in range(3) for b in range(a + 1, 3)]
    st = DratSteps(next_var=7)
    S = st.define_and([-p[(0, 0)], p[(1, 0)]])
    sigma = {}
    for j in range(2):
        sigma[p[(0, j)]], sigma[p[(1, j)]] = p[(1, j)], p[(0, j)]
    G, new, defs = st.conditional_rename(F, sigma, S)
    brk = st.derive(defs + st.definitions(S), (new[p[(0, 0)]], -new[p[(1, 0)]]))
    text = _refutation(st, G + [brk])
    for r in check_drat([list(c) for c in F], text=text, checkers=CHECKERS):
        assert r.verdict == VERIFIED, (r.checker, r.reason)


def test_a_map_that_is_not_a_symmetry_is_refused_and_its_steps_rejected(monkeypatch):
    # (1 or 2) and (not 1) is satisfiable (1 = 0, 2 = 1). "Breaking" the swap
    # of 1 and 2 (not a symmetry) would add 1' >= 2' and make it UNSAT.
    F = [(1, 2), (-1,)]
    with pytest.raises(InputError, match="not a clause of the formula"):
        check_symmetry(F, {1: 2, 2: 1})
    st = DratSteps(next_var=3)
    S = st.define_and([-1, 2])
    with pytest.raises(InputError, match="symmetry"):
        st.conditional_rename(F, {1: 2, 2: 1}, S)
    # with the check bypassed, the steps are written, and the checkers refuse them
    monkeypatch.setattr(drat_symmetry, "check_symmetry", lambda clauses, sigma: None)
    st = DratSteps(next_var=3)
    S = st.define_and([-1, 2])
    G, new, defs = st.conditional_rename(F, {1: 2, 2: 1}, S)
    brk = st.derive(defs + st.definitions(S), (new[1], -new[2]))
    text = _refutation(st, G + [brk])
    for r in check_drat([list(c) for c in F], text=text, checkers=CHECKERS):
        assert r.verdict == REJECTED, r.checker


def test_derive_refuses_a_clause_the_definitions_do_not_imply():
    st = DratSteps(next_var=3)
    S = st.define_and([1, 2])
    with pytest.raises(InputError, match="not implied"):
        st.derive(st.definitions(S), (-S,))
    assert st.derive(st.definitions(S), (-S, 1)) == (-S, 1)


def test_check_symmetry_refuses_a_map_that_is_not_a_permutation():
    with pytest.raises(InputError, match="not a permutation"):
        check_symmetry([(1, 2)], {1: 2, 2: 2})


def test_odd_even_network_sorts_every_01_sequence():
    for k in range(1, 7):
        net = odd_even_network(k)
        for bits in product((0, 1), repeat=k):
            b = list(bits)
            for i, j in net:
                if b[i] > b[j]:
                    b[i], b[j] = b[j], b[i]
            assert b == sorted(bits)


def _cut_problem(m, n):
    enc = encode_sat(parity(m), Shape("explicit", "step", n=n, B=m, B_bias=m),
                     symmetry=False)
    lemmas = separation_lemmas(enc, parity(m)) + summability_lemmas(enc)
    return enc, lemmas, unit_literals(enc)


@pytest.mark.parametrize("m, n", [(3, 2), (4, 3)])
def test_the_cut_breaks_in_a_proof_of_F_verify(tmp_path, m, n):
    enc, lemmas, h = _cut_problem(m, n)
    steps, final, _ = break_cut_symmetries(lemmas, h, m, n, enc.nvars + 1)
    path = tmp_path / "p.drat"
    res, _ = refute_with_lemmas(enc.clauses, lemmas, str(path), final=final,
                                bridge=steps.lines)
    assert res.status == "UNSAT"
    checkers = ("native", "python") if m == 3 else ("native",)
    for r in check_drat(enc, str(path), checkers=checkers):
        assert r.verdict == VERIFIED, (r.checker, r.reason)


def test_a_false_break_in_the_bridge_is_rejected(tmp_path):
    # the cut problem of the 3-cube with 3 units is satisfiable (the three
    # coordinate hyperplanes); a bridge that adds a clause no symmetry
    # justifies ("unit 0 is on at e_1" after A says it is off at 0, and B
    # sorts, so make every unit off at e_1) ends in a refutation the
    # checker must refuse
    m, n = 3, 3
    enc, lemmas, h = _cut_problem(m, n)
    steps, final, units = break_cut_symmetries(lemmas, h, m, n, enc.nvars + 1)
    e1 = (1, 0, 0)
    bad = [(-units[(k, e1)],) for k in range(n)]
    steps.lines += [f"{c[0]} 0" for c in bad]
    path = tmp_path / "p.drat"
    res, _ = refute_with_lemmas(enc.clauses, lemmas, str(path), final=final + bad,
                                bridge=steps.lines)
    assert res.status == "UNSAT"
    for r in check_drat(enc, str(path), checkers=("native", "python")):
        assert r.verdict == REJECTED, r.checker


def _tables(m):
    """Every truth table on the m-cube that satisfies the summability lemmas
    (2-asummable), as tuples over the cube in product order."""
    cube = list(product((0, 1), repeat=m))
    quads = [(a, b, c, d) for a in cube for b in cube for c in cube for d in cube
             if a < b and c < d and (a, b) != (c, d)
             and all(p + q == r + s for p, q, r, s in zip(a, b, c, d))]
    idx = {x: i for i, x in enumerate(cube)}
    out = []
    for bits in product((0, 1), repeat=len(cube)):
        if all(not (bits[idx[a]] and bits[idx[b]] and not bits[idx[c]] and not bits[idx[d]])
               for a, b, c, d in quads):
            out.append(bits)
    return cube, out


def _orbit_hits(extra=None):
    """Brute force over the 3-cube cut problem with 3 units: for every
    solution (found without the code under test), whether some image under
    complements, unit permutations and permutations of coordinates 2..m
    satisfies every final clause (plus ``extra(units)``, a list of clauses);
    and how many solutions satisfy them as they are."""
    import numpy as np
    m, n = 3, 3
    enc, lemmas, h = _cut_problem(m, n)
    _, final, units = break_cut_symmetries(lemmas, h, m, n, enc.nvars + 1)
    final = final + (extra(units) if extra else [])
    cube, tables = _tables(m)
    idx = {x: i for i, x in enumerate(cube)}
    edges = [(idx[x], idx[y]) for x in cube for y in cube
             if sum(a != b for a, b in zip(x, y)) == 1 and x < y]
    cut = [sum(1 << e for e, (i, j) in enumerate(edges) if t[i] != t[j]) for t in tables]
    full = (1 << len(edges)) - 1
    sols = np.array([[tables[a], tables[b], tables[c]]
                     for a in range(len(tables)) for b in range(len(tables))
                     for c in range(len(tables))
                     if cut[a] | cut[b] | cut[c] == full], dtype=np.uint8)
    assert len(sols) > 0  # the coordinate hyperplanes, among others
    var_of = {v: key for key, v in units.items()}
    assert all(abs(l) in var_of for c in final for l in c)
    # each final clause as (unit, vertex, wanted value) triples
    lits = [[(var_of[abs(l)][0], idx[var_of[abs(l)][1]], int(l > 0)) for l in c]
            for c in final]

    def satisfied(T):
        ok = np.ones(len(T), dtype=bool)
        for c in lits:
            ok &= np.any(np.stack([T[:, k, i] == want for k, i, want in c]), axis=0)
        return ok

    hit = np.zeros(len(sols), dtype=bool)
    for perm in [(0,) + p for p in permutations(range(1, m))]:
        vp = [idx[tuple(x[perm[i]] for i in range(m))] for x in cube]
        moved = sols[:, :, vp]
        for flips in product((0, 1), repeat=n):
            comp = moved ^ np.array(flips, dtype=np.uint8)[None, :, None]
            for order in permutations(range(n)):
                hit |= satisfied(comp[:, list(order), :])
    return hit, int(satisfied(sols).sum())


def test_every_orbit_of_cut_solutions_keeps_a_point_that_satisfies_the_emitted_breaks():
    """The soundness argument against the clauses emitted."""
    hit, kept = _orbit_hits()
    assert hit.all()
    # and the breaks do cut: most solutions are not canonical themselves
    assert 0 < kept < len(hit)


def test_the_orbit_check_catches_a_break_that_loses_orbits():
    # after A (h(0) = 0) and B (ones first at e_1), "unit 0 is off at e_1"
    # leaves e_1 uncut in every canonical point: no orbit keeps one
    hit, kept = _orbit_hits(lambda units: [(-units[(0, (1, 0, 0))],)])
    assert not hit.any() and kept == 0
