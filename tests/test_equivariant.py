"""The orbit method (solve/equivariant.py): groups, orbits, SAT answers
checked member by member, and what an UNSAT of the reduced formula means."""

import pytest

from superpos_formal.domain import domain
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.results import Status
from superpos_formal.shape import Shape
from superpos_formal.solve import equivariant as eq
from superpos_formal.tasks import pair_set_family, permutation_family
from superpos_formal.verify import verify
from superpos_formal.options import SolveOptions
from superpos_formal.solve.equivariant import OrbitMethod


def _shape(n):
    return Shape("superposed", "relu", n=n, L=1, B=1, B_bias=1, B_code=1, theta=1,
                 codes="free")


def _table(t):
    return tuple(tuple(t(x)) for x in domain(t.m, t.s))


def _apply(e, t):
    """``e . t`` as a table, written out here from the definition
    ``(e.f)(P_g x)[h j] = f(x)[j]`` (not with the module's helper)."""
    g, _, _, h = e
    out = {}
    for x in domain(t.m, t.s):
        y = t(x)
        x2 = [0] * t.m
        for i in range(t.m):
            x2[g[i]] = x[i]
        y2 = [0] * len(y)
        for j in range(len(y)):
            y2[h[j]] = y[j]
        out[tuple(x2)] = tuple(y2)
    return tuple(out[x] for x in domain(t.m, t.s))


def _apply_table(e, table, m, s):
    g, _, _, h = e
    X = list(domain(m, s))
    out = {}
    for x, y in zip(X, table):
        x2 = [0] * m
        for i in range(m):
            x2[g[i]] = x[i]
        y2 = [0] * len(y)
        for j in range(len(y)):
            y2[h[j]] = y[j]
        out[tuple(x2)] = tuple(y2)
    return tuple(out[x] for x in X)


def _brute_partition(members, gens):
    """Members grouped by the set of tables reachable from theirs by the
    generators (a search over all functions, members or not)."""
    t0 = members[0]
    tables = [_table(t) for t in members]
    parts = []
    for a, ta in enumerate(tables):
        seen, todo = {ta}, [ta]
        while todo:
            cur = todo.pop()
            for e in gens:
                nxt = _apply_table(e, cur, t0.m, t0.s)
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        parts.append(frozenset(b for b, tb in enumerate(tables) if tb in seen))
    return sorted(set(parts), key=min)


def test_group_orders():
    fam = permutation_family(5)
    # |D4| = 8, |C4| = 4, |S3| = 6
    assert eq.group_for(fam, 3, "d4").order == 8
    assert eq.group_for(fam, 3, "c4").order == 4
    assert eq.group_for(fam, 3, "s3").order == 6


@pytest.mark.parametrize("m,n,name", [(3, 3, "s3"), (4, 3, "d4"), (4, 3, "c4"),
                                      (4, 4, "s3"), (5, 3, "d4")])
def test_orbits_match_brute_force(m, n, name):
    fam = permutation_family(m)
    members = fam.member_list()
    g = eq.group_for(fam, n, name)
    orbits = eq.member_orbits(members, g)
    got = sorted((frozenset(j for j, _ in orb) for _, orb in orbits), key=min)
    assert got == _brute_partition(members, g.generators)
    # each listed element really maps the representative to the member
    for k, orb in orbits:
        assert k == min(j for j, _ in orb)
        for j, e in orb:
            assert _apply(e, members[k]) == _table(members[j])


def test_orbits_of_a_non_closed_family_against_brute_force():
    # pair sets: the image of a member is often no member (outputs in another
    # order); the orbits are still those of the brute-force closure
    fam = pair_set_family(4, 2)
    members = fam.member_list()
    swap = ((1, 0, 2, 3), (0, 1, 2), (1, 1, 1), (0, 1))
    cyc = ((1, 2, 3, 0), (0, 1, 2), (1, 1, 1), (1, 0))
    g = eq.CodeGroup(4, 2, 3, [swap, cyc], "test")
    orbits = eq.member_orbits(members, g)
    got = sorted((frozenset(j for j, _ in orb) for _, orb in orbits), key=min)
    assert got == _brute_partition(members, [swap, cyc])
    assert len(got) < len(members)


def test_conjugation_classes_of_s3():
    # S3 acting alike on inputs and outputs conjugates: 3 classes of S3
    fam = permutation_family(3)
    assert len(eq.member_orbits(fam.member_list(), eq.group_for(fam, 3, "s3"))) == 3


def test_bad_generator_refused():
    with pytest.raises(InputError):
        eq.CodeGroup(3, 3, 2, [((0, 0, 1), (0, 1), (1, 1), (0, 1, 2))])
    with pytest.raises(InputError):
        eq.group_for(pair_set_family(4, 2), 3, "d4")


def _check_answer(members, E, R, nets, shape):
    assert len(nets) == len(members)
    for t, net in zip(members, nets):
        assert [list(r) for r in net.E] == [list(r) for r in E]
        assert [list(r) for r in net.R] == [list(r) for r in R]
        v = verify(net, t)
        assert v.ok, (t.name, v.counterexamples[:1])
        for W, _ in net.layers:
            assert all(abs(w) <= shape.B for row in W for w in row)


def test_incremental_orbit_loop_reports_its_rounds_with_the_group_name():
    # the rounds come from the loop's child as they end (runner.run_streamed)
    fam = permutation_family(3)
    g = eq.group_for(fam, 3, "s3")
    lines = []
    r = eq.solve_orbits(fam.member_list(), _shape(3), g,
                        SolveOptions(time_limit=120, progress=lines.append),
                        cegis=True, incremental=True)
    assert r.status == Status.SAT
    rounds = [x for x in lines if x.startswith("  s3 round ")]
    assert len(rounds) == r.info["rounds"] >= 1
    assert rounds[0].startswith("  s3 round 1: tied code for 1 representative(s) found")
    assert rounds[-1].split("; ")[-1].startswith("the others all served")


@pytest.mark.parametrize("cegis,incremental", [(False, False), (True, False), (True, True)])
def test_every_member_of_an_orbit_answer_checked(cegis, incremental):
    fam = permutation_family(3)
    members = fam.member_list()
    sh = _shape(3)
    g = eq.group_for(fam, 3, "s3")
    r = eq.solve_orbits(members, sh, g, SolveOptions(time_limit=120), cegis=cegis, incremental=incremental)
    assert r.status == Status.SAT
    assert len(r.reps) == 3 < len(members)
    assert eq.is_equivariant(r.E, r.R, g)
    _check_answer(members, r.E, r.R, r.networks, sh)


def test_family_cell_and_min_neurons_orbits():
    from superpos_formal.solve.family import min_neurons_family

    fam = permutation_family(3)
    res = min_neurons_family(fam, _shape(1), SolveOptions(time_limit=120), n_min=1, n_max=3, decide=eq.decide_family_orbits)
    # the loop's committed minimum for permutations of 3 (search/results/families.md)
    assert res.minimum == 2
    _check_answer(fam.member_list(), *res.best.codes, res.best.networks,
                  res.best.shape)
    from superpos_formal import api

    with pytest.raises(InputError, match="family_method"):
        api.min_neurons(fam, n_max=1, mode="superposed", codes="free", B=1,
                        family_method="nope")


@pytest.mark.parametrize("cegis", [False, True])
def test_code_for_representatives_only_is_caught(monkeypatch, cegis):
    """Solve the representatives with a *free* code (the tie switched off)
    and pretend it is equivariant: the networks built by the transformation
    fail some non-representative member, and the exhaustive check says so."""
    fam = permutation_family(4)
    members = fam.member_list()
    sh = _shape(3)
    g = eq.group_for(fam, 3, "d4")
    trivial = eq.CodeGroup(4, 4, 3, [], "trivial")
    real_encode = eq.encode_equivariant
    monkeypatch.setattr(eq, "encode_equivariant",
                        lambda tasks, shape, group, **kw: real_encode(tasks, shape, trivial))
    # first line of defence: the code is checked against the group
    with pytest.raises(SoundnessError, match="not equivariant"):
        eq.solve_orbits(members, sh, g, SolveOptions(time_limit=120), cegis=cegis)
    # second: with that check switched off too, the member-by-member check
    monkeypatch.setattr(eq, "is_equivariant", lambda E, R, group: True)
    with pytest.raises(SoundnessError, match="fails it"):
        eq.solve_orbits(members, sh, g, SolveOptions(time_limit=120), cegis=cegis)


def test_broken_transformation_is_caught(monkeypatch):
    fam = permutation_family(3)
    g = eq.group_for(fam, 3, "s3")
    monkeypatch.setattr(eq, "transform_network", lambda net, e: net)
    with pytest.raises(SoundnessError, match="fails it"):
        eq.solve_orbits(fam.member_list(), _shape(3), g, SolveOptions(time_limit=120))


def test_transform_network_is_the_stated_map():
    fam = permutation_family(3)
    members = fam.member_list()
    r = eq.solve_orbits(members, _shape(3), eq.group_for(fam, 3, "s3"), SolveOptions(time_limit=120))
    net = r.networks[0]
    e = ((1, 2, 0), (1, 2, 0), (1, 1, 1), (1, 2, 0))
    net2 = eq.transform_network(net, e)
    W, W2 = net.layers[0][0], net2.layers[0][0]
    # W1' = W1 q^T: column r moves to column p[r]
    assert all(W2[k][e[1][r]] == W[k][r] for k in range(3) for r in range(3))
    assert all(net2.V[e[1][r]] == net.V[r] for r in range(3))


def test_unsat_of_representatives_is_a_subfamily_refutation_only():
    fam = permutation_family(3)
    members = fam.member_list()
    # a sign-flip group at n = 1: features 0 and 1 swapped, coordinate negated
    g = eq.CodeGroup(3, 3, 1, [((1, 0, 2), (0,), (-1,), (1, 0, 2))], "flip")
    r = eq.solve_orbits(members, _shape(1), g, SolveOptions(time_limit=60))
    assert eq.solve_orbits(members, _shape(1), g, SolveOptions(time_limit=60), cegis=True).status == \
        "NO_EQUIVARIANT"
    assert eq.solve_orbits(members, _shape(1), g, SolveOptions(time_limit=60), cegis=True, incremental=True).status == "NO_EQUIVARIANT"
    # the tied formula's UNSAT is not an answer to the question
    assert r.status == "NO_EQUIVARIANT" and r.status != Status.UNSAT
    cell = eq.decide_family_orbits(fam, _shape(1), SolveOptions(time_limit=60), method=OrbitMethod(group=g, fallback=False))
    assert cell.status == Status.UNKNOWN
    cell = eq.decide_family_orbits(fam, _shape(1), SolveOptions(time_limit=60), method=OrbitMethod(group=g, fallback=False, refute_representatives=True))
    assert cell.status == Status.UNSAT
    tables = {_table(t) for t in members}
    assert cell.core and all(_table(t) in tables for t in cell.core)
    assert len(cell.core) == len(r.reps) < len(members)
    assert cell.info["method"] == "orbits: refuted subfamily"


def test_cli_family_method_needs_a_family(capsys):
    from superpos_formal.cli import main

    rc = main(["min-neurons", "--task", "uand", "--m", "3", "--family-method", "orbits"])
    assert rc == 2
    err = capsys.readouterr().err
    assert err.startswith("superpos: error: --family-method")


def test_cli_min_neurons_orbits(tmp_path, capsys):
    from superpos_formal.cli import main

    rc = main(["min-neurons", "--family", "permutations", "--m", "3", "--mode", "superposed",
               "--codes", "free", "--B", "1", "--B-bias", "1", "--B-code", "1",
               "--family-method", "orbits", "--n-max", "3", "--out", str(tmp_path / "o")])
    cap = capsys.readouterr()
    out = cap.out + cap.err
    assert rc == 0
    # the committed minimum for permutations of 3 (search/results/families.md)
    assert "minimum n = 2" in out
    assert "orbits c2: SAT" in out


def test_constructed_code_serving_representatives_only_is_caught():
    """A code built to serve the representatives of D4 on permutations of 4
    (their ordinary family formula, code free, no tie): every
    representative's own network is right, yet the code is not
    equivariant, and a network carried along an orbit to a
    non-representative member fails it; member_networks says which."""
    from superpos_formal.encode.sat import encode_family_sat
    from superpos_formal.solve.runner import solve_cnf

    fam = permutation_family(4)
    members = fam.member_list()
    g = eq.group_for(fam, 3, "d4")
    orbits = eq.member_orbits(members, g)
    reps = [members[k] for k, _ in orbits]
    enc = encode_family_sat(reps, _shape(3))
    res = solve_cnf(enc.clauses, enc.nvars, time_limit=120)
    assert res.status == Status.SAT
    E, R, nets = enc.decode_all(res.model)
    assert all(verify(n, t).ok for n, t in zip(nets, reps))  # serves the representatives
    assert not eq.is_equivariant(E, R, g)
    with pytest.raises(SoundnessError, match="fails it") as err:
        eq.member_networks(members, orbits, nets)
    rep_names = {t.name for t in reps}
    failed = str(err.value).split("built for ")[1].split(" fails")[0]
    assert failed not in rep_names
