"""The member loop's choice of members (solve/family.MemberChoice) and
the family methods built on it ("far", "orbits-far"): the same question,
SAT answers verified member by member here, UNSAT only from an actual
subfamily's checked proof, bundles that verify and refuse tampering."""

import json

import pytest

from conftest import pair_sets_minimum

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.domain import domain
from superpos_formal.errors import InputError
from superpos_formal.options import FAMILY_METHODS, SolveOptions
from superpos_formal.results import Status
from superpos_formal.shape import Shape
from superpos_formal.solve.equivariant import family_decider
from superpos_formal.solve.family import MemberChoice, decide_family
from superpos_formal.tasks import pair_set_family, permutation_family
from superpos_formal.verify import verify


def _shape(n):
    return Shape("superposed", "relu", n=n, L=1, B=1, B_bias=1, B_code=1, theta=1,
                 codes="free")


def _bits(t):
    return [b for x in domain(t.m, t.s) for b in t(x)]


@pytest.mark.parametrize("order, batch, start", [("near", 1, 1), ("far", 0, 1),
                                                 ("far", True, 1), ("index", 1.5, 1),
                                                 ("far", 1, 0)])
def test_bad_choice_is_refused(order, batch, start):
    with pytest.raises(InputError, match="choice:"):
        MemberChoice(order, batch, start)


def test_far_order_against_hamming_distances():
    members = pair_set_family(4, 2).member_list()
    bits = [_bits(t) for t in members]
    core = [0, 5]
    order = MemberChoice("far").order_of(members, core)
    # the distance of each member to the subfamily, counted here over the
    # truth tables (wrong bits): non-increasing along the order
    dist = [min(sum(a != b for a, b in zip(bits[i], bits[c])) for c in core) for i in order]
    assert sorted(order) == list(range(len(members)))
    assert dist == sorted(dist, reverse=True)
    assert dist[0] > 0 and dist[-1] == 0  # the core members themselves come last
    assert MemberChoice().order_of(members, core) == list(range(len(members)))


@pytest.mark.parametrize("pick", [MemberChoice("far"), MemberChoice("index", 2),
                                  MemberChoice("far", 3), MemberChoice("far", 2, start=3)])
@pytest.mark.parametrize("incremental", [True, False])
def test_sat_answer_serves_every_member(pick, incremental):
    fam = pair_set_family(4, 2)
    cell = decide_family(fam, _shape(3), SolveOptions(family_incremental=incremental),
                         choice=pick)
    assert cell.status == Status.SAT  # the committed minimum (search/results/families.md)
    members = fam.member_list()
    assert len(cell.networks) == len(members) == 15
    E, R = cell.codes
    for t, net in zip(members, cell.networks):
        assert net.E == tuple(map(tuple, E)) and net.R == tuple(map(tuple, R))
        assert verify(net, t).ok, t.name


@pytest.mark.parametrize("pick", [MemberChoice("far"), MemberChoice("far", 2)])
def test_unsat_rests_on_an_actual_subfamily_proof(pick, tmp_path):
    fam = pair_set_family(4, 2)
    cell = decide_family(fam, _shape(1), SolveOptions(), checker=check_unsat,
                         proof_path=str(tmp_path / "p.drat"), cnf_path=str(tmp_path / "f.cnf"),
                         choice=pick)
    assert cell.status == Status.UNSAT and cell.certified
    tables = {tuple(_bits(t)) for t in fam.member_list()}
    assert cell.core and all(tuple(_bits(t)) in tables for t in cell.core)


def test_every_family_method_has_a_decider():
    assert set(FAMILY_METHODS) == {"cegis", "orbits", "far", "orbits-far", "sep", "orbits-sep"}
    for name in FAMILY_METHODS:
        assert callable(family_decider(name))
    with pytest.raises(InputError, match="family_method: unknown"):
        family_decider("fastest")


def test_orbits_far_answers_permutations_of_4():
    fam = permutation_family(4)
    cell = family_decider("orbits-far")(fam, _shape(3), SolveOptions())
    assert cell.status == Status.SAT
    assert all(verify(n, t).ok for n, t in zip(cell.networks, fam.member_list()))


def test_bundle_made_with_far_verifies_and_refuses_tampering(tmp_path, capsys):
    b = pair_sets_minimum(tmp_path, capsys, "far")
    # the method is no encoding option: a claim naming it is refused, and so is
    # a changed encoding option (the regenerated formula is another)
    cases = [(lambda o: o.update(counterexamples="far"),
              "options.counterexamples: unknown option"),
             (lambda o: o.update(symmetry=not o.get("symmetry", True)),
              "the halves pose different questions: option symmetry")]
    for i, (edit, why) in enumerate(cases):
        u = b / "n1-unsat"
        claim = json.loads((u / "claim.json").read_text())
        keep = json.dumps(claim)
        edit(claim["options"])
        (u / "claim.json").write_text(json.dumps(claim))
        Bn.write_manifest(u)
        Bn.write_manifest(b)
        rep = Bn.verify_bundle(b, checkers=("native",))
        assert not rep.ok and why in "\n".join(rep.all_failures()), i
        (u / "claim.json").write_text(keep)
        Bn.write_manifest(u)
        Bn.write_manifest(b)
    assert Bn.verify_bundle(b, checkers=("native",)).ok
