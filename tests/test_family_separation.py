"""The separation clauses (solve/family_separation.py) and the member loop
that asks them first (MemberChoice(separate=True)): the clauses hold
exactly for the codes that tell apart every pair of inputs some member
tells apart (counted here with plain loops over every small code), and the
loop answers what the plain loop answers: SAT verified member by member,
UNSAT only from an actual subfamily's checked proof."""

import json
from itertools import combinations, product

import pytest
from pysat.solvers import Solver

from conftest import pair_sets_minimum

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.domain import domain
from superpos_formal.encode.sat import encode_family_sat
from superpos_formal.errors import InputError
from superpos_formal.options import SolveOptions
from superpos_formal.results import Status
from superpos_formal.shape import Shape
from superpos_formal.solve.equivariant import family_decider
from superpos_formal.solve.family import MemberChoice, decide_family
from superpos_formal.solve.family_separation import (separating_differences,
                                                     separation_clauses)
from superpos_formal.solve import family as F
from superpos_formal.tasks import explicit_family, pair_set_family, permutation_family
from superpos_formal.verify import verify

SEP = MemberChoice("far", 2, separate=True)


def _shape(n, codes="free"):
    return Shape("superposed", "relu", n=n, L=1, B=1, B_bias=1, B_code=1, theta=1,
                 codes=codes)


def _separates(E, members):
    """Plain loops: E x != E x' for every pair some member maps differently."""
    X = list(domain(members[0].m, members[0].s))
    for x, y in combinations(X, 2):
        if any(t(x) != t(y) for t in members):
            if all(sum(e * a for e, a in zip(row, x)) == sum(e * a for e, a in zip(row, y))
                   for row in E):
                return False
    return True


@pytest.mark.parametrize("fam", [pair_set_family(3, 1), pair_set_family(3, 2),
                                 permutation_family(3)], ids=["ps31", "ps32", "perm3"])
def test_clauses_hold_exactly_for_separating_codes(fam):
    members = fam.member_list()
    enc = encode_family_sat(members[:1], _shape(2))
    sep, top = separation_clauses(enc._E, separating_differences(members), enc.nvars + 1)
    seen = {True: 0, False: 0}
    with Solver(name="cadical195", bootstrap_with=[[1]] + sep) as s:
        for vals in product((-1, 0, 1), repeat=2 * fam.m):
            E = [list(vals[:fam.m]), list(vals[fam.m:])]
            units = [(e.ge(v) if v > -1 else -e.ge(0)) for row, vr in zip(enc._E, E)
                     for e, v in zip(row, vr)]
            # pin each entry: >= v and not >= v + 1
            units += [-e.ge(v + 1) for row, vr in zip(enc._E, E) for e, v in zip(row, vr)
                      if v < 1]
            want = _separates(E, members)
            assert s.solve(assumptions=[u for u in units if abs(u) != 1]) == want, E
            seen[want] += 1
    assert seen[True] and seen[False]  # both kinds of code were met


def test_differences_hand_count():
    """AND of one pair over 3 features: X(3, 2) has 7 inputs; no member
    tells apart two inputs without a pair (0, e_0, e_1, e_2: 6 pairs), so
    15 pairs remain, and ({0, 1}, {1}) and ({0, 2}, {2}) (likewise for
    e_1, e_2) share their difference: 15 - 3 = 12 vectors."""
    diffs = separating_differences(pair_set_family(3, 1).member_list())
    assert len(diffs) == 12
    assert ((0, 1),) in diffs and ((0, 1), (1, 1)) in diffs and ((0, 1), (1, -1)) in diffs
    assert all(d[0][1] == 1 for d in diffs)


@pytest.mark.parametrize("fam,n,want", [
    (permutation_family(2), 1, "SAT"), (permutation_family(3), 1, "UNSAT"),
    (pair_set_family(3, 1), 1, "UNSAT"), (pair_set_family(3, 1), 2, "SAT"),
    (pair_set_family(4, 2), 1, "UNSAT"), (pair_set_family(4, 2), 3, "SAT"),
    (permutation_family(5), 1, "UNSAT")],
    ids=["perm2-1", "perm3-1", "ps31-1", "ps31-2", "ps42-1", "ps42-3", "perm5-1"])
def test_separated_loop_answers_like_the_plain_loop(fam, n, want, tmp_path):
    """The expected answers are the committed minima (search/results/
    families.md: perm2 1, perm3 2, ps(3,1) 2, ps(4,2) 3) and the n = 1 brute
    force of test_family.py; both loops must give them, the UNSAT one with
    a checked proof of an actual subfamily's plain formula."""
    members = fam.member_list()
    for pick in (MemberChoice(), SEP):
        cell = decide_family(fam, _shape(n), SolveOptions(), checker=check_unsat,
                             proof_path=str(tmp_path / "p.drat"),
                             cnf_path=str(tmp_path / "f.cnf"), choice=pick)
        assert cell.status == want, pick
        if want == Status.SAT:
            assert len(cell.networks) == len(members)
            for t, net in zip(members, cell.networks):
                assert verify(net, t).ok and [list(r) for r in net.E] == \
                    [list(r) for r in cell.codes[0]]
        else:
            assert cell.certified
            names = {t.name for t in members}
            assert cell.core and {t.name for t in cell.core} <= names
            # the checked CNF is the plain formula of that subfamily
            plain = encode_family_sat(cell.core, _shape(n),
                                      family_symmetry=cell.options.get("family_symmetry"))
            assert (tmp_path / "f.cnf").read_text() == plain.to_dimacs()


def test_separate_is_refused_where_it_does_not_apply():
    with pytest.raises(InputError, match="separate"):
        MemberChoice("far", 2, separate="yes")
    with pytest.raises(InputError, match="separate and inline apply to the incremental loop"):
        decide_family(pair_set_family(3, 1), _shape(2),
                      SolveOptions(family_incremental=False), choice=SEP)


def test_bundle_made_with_sep_verifies_and_names_no_method(tmp_path, capsys):
    """``--family-method sep`` writes the same bundle kinds as the member
    loop: the UNSAT half is the plain subfamily formula (regenerated by
    ``superpos verify``), and a claim naming the method is refused."""
    b = pair_sets_minimum(tmp_path, capsys, "sep")
    u = b / "n1-unsat"
    claim = json.loads((u / "claim.json").read_text())
    assert "separate" not in claim["options"]
    claim["options"]["separate"] = True
    (u / "claim.json").write_text(json.dumps(claim))
    Bn.write_manifest(u)
    Bn.write_manifest(b)
    rep = Bn.verify_bundle(b, checkers=("native",))
    assert not rep.ok and "options.separate: unknown option" in "\n".join(rep.all_failures())


def test_orbits_sep_skips_groups_that_reduce_nothing():
    """Pair sets (3, 3) have one member (all three pairs): S3 applies
    (m' = m) but leaves that member its own orbit, so ``orbits-sep`` goes
    straight to the separated loop; on permutations of 4 (24 members,
    D4 x flip / D4 orbits) the orbit method still answers."""
    fam = pair_set_family(3, 3)
    assert len(fam.member_list()) == 1
    cell = family_decider("orbits-sep")(fam, _shape(3), SolveOptions())
    assert cell.status == Status.SAT and verify(cell.networks[0], fam.member_list()[0]).ok
    assert any("s3: skipped" in t for t in cell.info["orbits_tried"])
    perm = permutation_family(4)
    cell = family_decider("orbits-sep")(perm, _shape(3), SolveOptions())
    assert cell.status == Status.SAT and cell.info.get("method") == "orbits"
    assert all(verify(n, t).ok for n, t in zip(cell.networks, perm.member_list()))


def test_inline_sweep_answers_like_the_child_sweep():
    """The members asked in this process (``inline``) and in a child of
    their own: whether a member is served by a fixed code is a fact about
    that member, so both sweeps must fail exactly the same members and
    serve the rest with verified networks. The codes are those of each
    member alone (its one-member formula), some of which fail others."""
    fam = pair_set_family(4, 2)
    members = fam.member_list()
    pick = MemberChoice("index", 99)
    fails = 0
    for k in (0, 5, 9):
        cell = decide_family(explicit_family([members[k]]), _shape(3), SolveOptions())
        nets = [None] * len(members)
        nets[k] = cell.networks[0]
        out = []
        for inline in (False, True):
            networks, failed, stop = F._test_members_assumed(
                members, list(nets), cell.codes, _shape(3), SolveOptions(), None, pick, inline)
            assert stop is None
            for i, net in enumerate(networks):
                if net is not None:
                    assert verify(net, members[i]).ok
            out.append((sorted(failed or []), [i for i, n in enumerate(networks) if n is None]))
        assert out[0] == out[1], k
        fails += len(out[0][0])
    assert fails  # some member failed some code: the comparison saw both kinds
