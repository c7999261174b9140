"""Symmetry breaking checked by generators (issue 13, item 3).

Lex-leader clauses against a brute-force statement of the lex order; which
permutations of the parameters are syntactic automorphisms of the default
encoding (derived by hand from the sum trees, not by the code under test);
and one tiny real claim (identity on 3 features, codes in [-1, 1], n = 1)
given a ``gen/`` proof, then tampered with: each alteration rejected with
its reason.
"""

import gzip
import itertools
import json
import shutil
from types import SimpleNamespace

import pytest

from conftest import copy_bundle

from superpos_formal.certify.bundles import verify as Bn
from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.certify.proofcheck.add_base_proof import attach_base_proof
from superpos_formal.certify.bundles.certificate_kind import KIND_ARGUMENT, KIND_GENERATORS
from superpos_formal.certify.proofcheck.add_generator_proof import attach_generator_proof
from superpos_formal.certify.proofcheck.generators import pack, read_generators, unpack
from superpos_formal.cli.proofs import format_table
from superpos_formal.encode.automorphisms import candidate_generators, syntactic_generators
from superpos_formal.encode.lexleader import (automorphism_failure, extend_permutation,
                                              lex_leader_clauses, perm_failure)
from superpos_formal.encode.sat import encode_sat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.runner import solve_cnf
from superpos_formal.tasks import identity

TASK = identity(3)
SHAPE = Shape("superposed", "relu", n=1, L=0, B=1, B_code=1, codes="free")


# ------------------------------------------------------------ lex-leader

def _lex_geq(a, b):
    return tuple(a) >= tuple(b)


PERMS = [
    {1: 2, 2: 1},                    # swap
    {1: -1},                         # sign flip of the first variable
    {2: -3, 3: -2},                  # swap with negation
    {1: 2, 2: 3, 3: 1},              # 3-cycle
    {1: 3, 3: 1, 2: -2},             # swap and flip
    {2: 4, 4: 2, 1: -1},
]


@pytest.mark.parametrize("g", PERMS)
@pytest.mark.parametrize("K", [2, 4])
def test_lex_leader_clauses_accept_exactly_the_lex_leaders(g, K):
    """For every assignment of 4 variables, the clauses (aux existential) hold
    iff V[1..K] >=_lex (V^g)[1..K], with V^g(x) = V(g(x))."""
    from pysat.solvers import Solver

    clauses, top = lex_leader_clauses([g], K, 4)
    for bits in itertools.product([0, 1], repeat=4):
        V = {i + 1: b for i, b in enumerate(bits)}
        val = lambda l: V[abs(l)] if l > 0 else 1 - V[abs(l)]
        img = g.get
        lhs = [V[x] for x in range(1, K + 1)]
        rhs = [val(img(x, x)) for x in range(1, K + 1)]
        with Solver(bootstrap_with=clauses) as s:
            ok = s.solve(assumptions=[x if V[x] else -x for x in range(1, 5)])
        assert ok == _lex_geq(lhs, rhs), (g, K, bits)


def test_lex_leader_is_deterministic_and_numbers_from_top():
    a = lex_leader_clauses([{1: 2, 2: 1}], 2, 10)
    assert a == lex_leader_clauses([{1: 2, 2: 1}], 2, 10)
    assert a == ([[1, -2], [-1, -2, 11], [1, 2, 11]], 11)


def test_automorphism_and_permutation_failures():
    F = [[1], [2, 3], [-2, -3]]
    assert automorphism_failure(F, 3, {2: 3, 3: 2}) is None
    assert "not in the formula" in automorphism_failure(F, 3, {2: -2})
    assert "both map to variable 3" in perm_failure({1: 3, 2: 3}, 3)
    assert "not moved itself" in perm_failure({1: 2}, 3)
    assert "outside variables" in perm_failure({1: 7}, 3)


def test_runs_round_trip_and_reject_malformed():
    g = {2: -5, 3: -4, 7: 8, 8: 9, 9: 10, 12: -12}
    assert unpack(pack(g)) == g
    for bad in ([[1, 0, 2, 1]], [[1, 2, 3, 2]], [[1, 1, 0, 1]], [["1", 1, 2, 1]],
                [[1, 2, 5, 1], [2, 1, 9, 1]]):
        with pytest.raises(InputError):
            unpack(bad)


# ------------------------------------------------------------ which are syntactic

def test_syntactic_symmetries_of_the_default_encoding():
    """identity(5), n = 3, L = 0: ``M_ji = sum_r R_jr E_ri`` is a sum tree
    over three products that adds products 0 and 1 first and product 2 to
    their sum. So swapping coordinates 0 and 1 maps the tree onto itself,
    swapping 1 and 2 does not; sign flips fix every product; relabelling
    features and outputs together maps ``M_ji`` to ``M_j'i'``, an identical
    tree."""
    task = identity(5)
    enc = encode_sat(task, Shape("superposed", "relu", n=3, L=0, B=1, B_code=1,
                                 codes="free"), symmetry=False)
    good, bad = syntactic_generators(enc, [task])
    names = {n for n, *_ in good}
    assert names == ({"code coordinates 0,1", "code sign 0", "code sign 1", "code sign 2"}
                     | {f"features {i},{i + 1} with outputs" for i in range(4)})
    assert [n for n, _ in bad] == ["code coordinates 1,2"]


def test_hidden_neuron_swap_is_not_syntactic():
    """L = 1: the output sum adds the readout bias first, then the neurons in
    order, so swapping two neurons of a member is no automorphism."""
    from superpos_formal.encode.automorphisms import _swap

    task = identity(3)
    enc = encode_sat(task, Shape("superposed", "relu", n=2, L=1, B=1, B_bias=1, B_code=1,
                                 codes="free"), symmetry=False)
    mem = enc._members[0]
    (W, b), V = mem["layers"][0], mem["V"]
    g = {}
    for i in range(2):
        _swap(g, W[0][i], W[1][i])
    _swap(g, b[0], b[1])
    for r in range(2):
        _swap(g, V[r][0], V[r][1])
    full, _ = extend_permutation(enc.clauses, enc.nvars, g)
    assert automorphism_failure(enc.clauses, enc.nvars, full) is not None
    # while the code-coordinate swaps of n = 2 (two-leaf adders) are
    good = {n for n, *_ in syntactic_generators(enc, [task])[0]}
    assert {"input code coordinates 0,1", "output code coordinates 0,1"} <= good


# ------------------------------------------------------------ bundles

def _solve(clauses, nvars, path):
    r = solve_cnf(clauses, nvars, proof_path=str(path))
    assert r.status == "UNSAT"
    return r


@pytest.fixture(scope="module")
def gb(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gen")
    enc = encode_sat(TASK, SHAPE)
    r = _solve(enc.clauses, enc.nvars, tmp / "sb.drat")
    sb = Bn.make_bundle(tmp / "sb", r, task=TASK, shape=SHAPE, encoding=enc,
                        checkers=("native",))
    base = encode_sat(TASK, SHAPE, symmetry=False)
    gens, _ = syntactic_generators(base, [TASK])
    sbc, top = _sb(base, gens)
    rg = _solve(base.clauses + sbc, top, tmp / "gen.drat")
    g = tmp / "g"
    shutil.copytree(sb, g)
    attach_generator_proof(g, base, gens, rg.proof_path, solve_seconds=rg.seconds,
                           solver={"name": "cadical195"}, checkers=("native",))
    return SimpleNamespace(tmp=tmp, sb=sb, g=g, base=base, gens=gens)


def _sb(base, gens):
    return lex_leader_clauses([g for _, g, _ in gens], [K for *_, K in gens], base.nvars)


def _forged(base):
    """Swap two code entries of one feature, without the readout."""
    E = base._E
    bad = dict(zip(E[0][0].lits, E[0][1].lits))
    bad.update(zip(E[0][1].lits, E[0][0].lits))
    return ("forged", bad, max(bad))


def _claim(p):
    return json.loads((p / "claim.json").read_text())


def _set_claim(p, c):
    (p / "claim.json").write_text(json.dumps(c, indent=1, sort_keys=True) + "\n")
    Bn.write_manifest(p)


def _fails(rep):
    return "\n".join(rep.all_failures())


def _write_gens(b, doc, update_claim=True):
    text = json.dumps(doc, separators=(",", ":")) + "\n"
    D.write_gz(b / "gen" / "generators.json.gz", text)
    if update_claim:
        c = _claim(b)
        c["generator_proof"]["generators"]["sha256"] = D.sha256_text(text)
        _set_claim(b, c)
    else:
        Bn.write_manifest(b)


def _gens_doc(b):
    return json.loads(gzip.decompress((b / "gen" / "generators.json.gz").read_bytes()))


def _write_formula(b, clauses, nvars):
    text = D.clauses_to_dimacs(clauses, nvars)
    D.write_gz(b / "gen" / "formula.cnf.gz", text)
    c = _claim(b)
    c["generator_proof"]["formula"]["sha256"] = D.sha256_text(text)
    _set_claim(b, c)


def test_generator_bundle_verifies_and_states_its_kind(gb):
    c = _claim(gb.g)
    assert c["certificate_kind"] == KIND_GENERATORS
    # identity(3), n = 1: two feature/output relabellings and the sign flip
    assert sorted(c["generator_proof"]["generators"]["names"]) == [
        "code sign 0", "features 0,1 with outputs", "features 1,2 with outputs"]
    rep = Bn.verify_bundle(gb.g, checkers=("native",))
    assert rep.ok, _fails(rep)
    assert rep.certificate == KIND_GENERATORS
    assert {"automorphisms", "lex-leader", "F+SB(gen):native:verified"} <= set(rep.checks)
    assert "F+SB(gen)" in format_table([rep])


def test_altered_generators_are_rejected(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    doc = _gens_doc(b)
    run = doc["generators"][0]["runs"][0]
    run[2] = run[2] + 1 if run[2] > 0 else run[2] - 1
    _write_gens(b, doc, update_claim=False)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "gen/generators.json.gz: sha256 differs" in msg


def test_generator_that_is_not_an_automorphism_is_rejected(gb, tmp_path):
    """A forger who also updates the hashes: swapping two code entries of one
    feature without the readout is no automorphism."""
    b = copy_bundle(gb.g, tmp_path)
    forged = _forged(gb.base)
    gens = gb.gens + [forged]
    doc = _gens_doc(b)
    doc["generators"].append({"name": "forged", "compare_variables": forged[2],
                              "runs": pack(forged[1])})
    _write_gens(b, doc)
    sbc, top = _sb(gb.base, gens)
    _write_formula(b, gb.base.clauses + sbc, top)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "generator 'forged' is not an automorphism of F" in msg


def test_sb_clauses_that_do_not_match_the_generators_are_rejected(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    nv, cl = D.parse_dimacs(D.read_text(b / "gen" / "formula.cnf.gz"))
    cl[-1] = cl[-1][:-1]                 # weaken the last lex-leader clause
    _write_formula(b, cl, nv)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "do not match the lex-leader clauses regenerated from the generators" in msg


def test_dropped_generator_is_rejected(gb, tmp_path):
    """SB for three generators, generators file listing two."""
    b = copy_bundle(gb.g, tmp_path)
    doc = _gens_doc(b)
    doc["generators"] = doc["generators"][:-1]
    _write_gens(b, doc)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "do not match the lex-leader clauses" in msg


def test_extra_clauses_in_f_are_rejected(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    nv, cl = D.parse_dimacs(D.read_text(b / "gen" / "formula.cnf.gz"))
    nb = len(gb.base.clauses)
    cl[nb - 1] = [2]                     # a unit clause that is not in F
    _write_formula(b, cl, nv)
    msg = _fails(Bn.verify_bundle(b, checkers=("native",)))
    assert "are not F regenerated from claim.json (1 clause(s) not in F)" in msg


@pytest.mark.parametrize("edit,expect", [
    (lambda d: d.update(generators=[]), "generators: expected a non-empty list"),
    (lambda d: d.update(extra=1), "generators.json: fields"),
    (lambda d: d.update(order="descending"), "only 'ascending variable number'"),
    (lambda d: d.update(nvars=d["nvars"] + 1), "nvars"),
    (lambda d: d["generators"][0].update(runs=[[1, 1, 1, 3]]), "step +-1"),
    (lambda d: d["generators"][0].update(compare_variables=0), "compare_variables"),
    (lambda d: d["generators"][0].pop("compare_variables"), "expected name, compare_var"),
])
def test_malformed_generators_are_rejected(gb, tmp_path, edit, expect):
    b = copy_bundle(gb.g, tmp_path)
    doc = _gens_doc(b)
    edit(doc)
    _write_gens(b, doc)
    assert expect in _fails(Bn.verify_bundle(b, checkers=("native",)))


def test_kinds_must_match_the_evidence(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    c = _claim(b)
    c["certificate_kind"] = KIND_ARGUMENT
    _set_claim(b, c)
    assert "gen/: a generator proof is present" in _fails(
        Bn.verify_bundle(b, checkers=("native",)))
    b2 = copy_bundle(gb.g, tmp_path / "y")
    c = _claim(b2)
    del c["generator_proof"]
    _set_claim(b2, c)
    assert "has no gen/ directory and generator_proof" in _fails(
        Bn.verify_bundle(b2, checkers=("native",)))


def test_generator_options_must_be_f(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    c = _claim(b)
    c["generator_proof"]["options"]["symmetry"] = True
    _set_claim(b, c)
    assert "generator_proof.options are not the claim's options" in _fails(
        Bn.verify_bundle(b, checkers=("native",)))


def test_altered_generator_proof_is_rejected(gb, tmp_path):
    b = copy_bundle(gb.g, tmp_path)
    p = b / "gen" / "proof.drat.gz"
    D.write_gz(p, "\n".join(D.read_text(p).splitlines()[:1]) + "\n")
    Bn.write_manifest(b)
    assert "gen/proof.drat.gz: rejected by native" in _fails(
        Bn.verify_bundle(b, checkers=("native",)))


def test_attach_refuses_a_non_automorphism(gb, tmp_path):
    b = copy_bundle(gb.sb, tmp_path)
    before = (b / "manifest.json").read_text()
    with pytest.raises(InputError, match="not an automorphism"):
        attach_generator_proof(b, gb.base, [_forged(gb.base)], gb.tmp / "gen.drat",
                               solve_seconds=0, solver={}, checkers=("native",))
    assert (b / "manifest.json").read_text() == before and not (b / "gen").exists()


def test_candidates_cover_the_question_symmetries():
    enc = encode_sat(TASK, SHAPE, symmetry=False)
    assert sorted(candidate_generators(enc, [TASK])) == [
        "code sign 0", "features 0,1 with outputs", "features 1,2 with outputs"]


# ------------------------------------------------------------ tree-sym sums

L1 = Shape("superposed", "relu", n=2, L=1, B=1, B_bias=1, B_code=1, codes="free")


def test_neuron_swap_is_syntactic_with_symmetric_output_sums():
    """``sums="tree-sym"`` merges the two neuron terms of an output sum first
    and the readout bias last, so the swap maps every output tree onto
    itself (the default merges the bias with neuron 0 first)."""
    task = identity(3)
    names = lambda sums: {n for n, *_ in syntactic_generators(
        encode_sat(task, L1, symmetry=False, sums=sums), [task])[0]}
    assert "member 0 neurons 0,1" in names("tree-sym")
    assert "member 0 neurons 0,1" not in names("tree")


@pytest.mark.parametrize("task,n", [(identity(3), 1), (identity(3), 2), (identity(4), 1)])
def test_tree_sym_answers_like_tree(task, n):
    """Same question, another sum encoding: the same answer, and a SAT model
    decodes to a network that computes the task (exact re-verification)."""
    from pysat.solvers import Solver

    from superpos_formal.verify import verify

    shape = Shape("superposed", "relu", n=n, L=1, B=1, B_bias=1, B_code=1, codes="free")
    answers = []
    for sums in ("tree", "tree-sym"):
        enc = encode_sat(task, shape, symmetry=False, sums=sums)
        with Solver(bootstrap_with=enc.clauses) as s:
            ok = s.solve()
            if ok:
                assert verify(enc.decode(s.get_model()), task).ok
        answers.append(ok)
    assert answers[0] == answers[1]


def test_generator_proof_over_tree_sym_f_verifies(tmp_path):
    """identity(3) with one hidden layer of 1 neuron (UNSAT), F encoded with
    ``tree-sym``: the claim's own options say ``tree``; any sum encoding is
    the same question, a bogus one is rejected."""
    task = identity(3)
    shape = Shape("superposed", "relu", n=1, L=1, B=1, B_bias=1, B_code=1, codes="free")
    enc = encode_sat(task, shape)
    r = _solve(enc.clauses, enc.nvars, tmp_path / "sb.drat")
    b = Bn.make_bundle(tmp_path / "b", r, task=task, shape=shape, encoding=enc,
                       checkers=("native",))
    base = encode_sat(task, shape, symmetry=False, sums="tree-sym")
    gens, _ = syntactic_generators(base, [task])
    sbc, top = _sb(base, gens)
    rg = _solve(base.clauses + sbc, top, tmp_path / "g.drat")
    attach_generator_proof(b, base, gens, rg.proof_path, solve_seconds=rg.seconds,
                           solver={}, checkers=("native",))
    assert _claim(b)["generator_proof"]["options"]["sums"] == "tree-sym"
    rep = Bn.verify_bundle(b, checkers=("native",))
    assert rep.ok, _fails(rep)
    c = _claim(b)
    c["generator_proof"]["options"]["sums"] = "abacus"
    _set_claim(b, c)
    assert "generator_proof.options are not the claim's" in _fails(
        Bn.verify_bundle(b, checkers=("native",)))
