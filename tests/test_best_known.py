"""The best-known registry in the SQLite store (store.py ``best_known`` table,
certify/best_known.py entries and exports).

The networks used are not produced by the code under test: the committed
2-neuron network of the proof-checked minimum of uand(m=3), explicit step,
B=2 (proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1/n2-sat)
and the hand-written 3-neuron one-per-output network below.
"""

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from superpos_formal.certify import best_known as BK
from superpos_formal.errors import InputError
from superpos_formal.network import Network
from superpos_formal.schema import network_from_dict, network_to_dict
from superpos_formal.store import _SCHEMA, Store, sync_best_known
from superpos_formal.tasks import uand

REPO = Path(__file__).resolve().parent.parent
MIN2 = REPO / "proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1/n2-sat"

#: y_{ij} = [x_i + x_j - 1 > 0], one neuron per pair, weights within B=2
THREE = Network.explicit(3, 3, "step", [([[1, 1, 0], [1, 0, 1], [0, 1, 1]], [-1, -1, -1])],
                         [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], B=2, B_bias=2)


class _Result:
    """What make_entry reads from an Improvement."""

    def __init__(self, net, seed=0):
        self.subject = uand(3)
        self.networks = [net]
        self.start = [THREE]
        self.seed, self.steps, self.seconds, self.stopped = seed, 1, 0.1, "test"
        self.first_improvement_seconds = None
        self.options = {}


def _two():
    return network_from_dict(json.loads((MIN2 / "network.json").read_text()))


def _entry(net, tmp_path):
    return BK.make_entry(_Result(net), bundle_root=tmp_path / "pr", start_name="test",
                         minima={})


def test_keeps_the_smaller_network(tmp_path):
    two = _two()
    assert two.widths == (2,) and THREE.widths == (3,)
    with Store(tmp_path / "s.sqlite") as st:
        assert st.put_best_known(_entry(THREE, tmp_path))          # first: stored
        assert st.put_best_known(_entry(two, tmp_path))            # smaller: replaces
        assert not st.put_best_known(_entry(THREE, tmp_path))      # larger: kept out
        assert not st.put_best_known(_entry(two, tmp_path))        # tie: old kept
        (e,) = st.best_known()
        assert e["best"]["hidden_neurons"] == 2
        assert network_from_dict(e["networks"][0]) == two
        # every offer is logged, kept or not: no network is lost
        runs = st.db.execute("SELECT best_n, kept FROM best_known_runs ORDER BY rowid").fetchall()
        assert runs == [(3, 1), (2, 1), (3, 0), (2, 0)]


@pytest.mark.parametrize("spoil,needle", [
    (lambda e: e["networks"][0]["layers"][0]["W"][0].__setitem__(0, 0), "does not compute"),
    (lambda e: e["best"].__setitem__("hidden_neurons", 1), "best counts"),
    (lambda e: e.__setitem__("extra", 1), "unknown field"),
    (lambda e: e.pop("provenance"), "missing field"),
    (lambda e: e.__setitem__("minimality", "CERTIFIED"), "CERTIFIED"),
    (lambda e: e["bounds"].__setitem__("B", 3), "bounds"),
    (lambda e: e.__setitem__("version", 1), "version"),
])
def test_rejects_an_unverified_or_malformed_entry(tmp_path, spoil, needle):
    good = _entry(THREE, tmp_path)
    bad = json.loads(json.dumps(good))
    spoil(bad)
    with Store(tmp_path / "s.sqlite") as st:
        with pytest.raises(InputError, match=needle):
            st.put_best_known(bad)
        assert st.best_known() == []
        assert st.db.execute("SELECT COUNT(*) FROM best_known_runs").fetchone()[0] == 0


def test_failed_write_changes_nothing(tmp_path):
    """A bundle that cannot be written (on_win raises inside the transaction)
    leaves the stored entry, the run log and the old bundle as they were."""
    three = _entry(THREE, tmp_path)
    with Store(tmp_path / "s.sqlite") as st:
        assert st.put_best_known(three, on_win=lambda: BK.write_bundle(three))
        bundle = Path(three["best"]["bundle"])
        before = (bundle / "network.json").read_text()

        def boom():
            raise OSError("disk full")

        with pytest.raises(OSError):
            st.put_best_known(_entry(_two(), tmp_path), on_win=boom)
        (e,) = st.best_known()
        assert e["best"]["hidden_neurons"] == 3
        assert st.db.execute("SELECT COUNT(*) FROM best_known_runs").fetchone()[0] == 1
    assert (bundle / "network.json").read_text() == before
    # and the store is still usable and consistent afterwards
    with Store(tmp_path / "s.sqlite") as st:
        assert st.put_best_known(_entry(_two(), tmp_path))
        assert st.best_known()[0]["best"]["hidden_neurons"] == 2


def test_version1_store_is_upgraded_or_read_as_empty(tmp_path):
    p = tmp_path / "old.sqlite"
    db = sqlite3.connect(p, isolation_level=None)
    db.executescript("BEGIN;" + _SCHEMA + "INSERT INTO schema_version VALUES (1); COMMIT;")
    db.close()
    with Store(p, readonly=True) as st:
        assert st.best_known() == []
        with pytest.raises(InputError, match="version 1"):
            st.put_best_known(_entry(THREE, tmp_path))
    with Store(p) as st:
        assert st.db.execute("SELECT version FROM schema_version").fetchone()[0] == 2
        assert st.put_best_known(_entry(THREE, tmp_path))
    with Store(p, readonly=True) as st:
        assert len(st.best_known()) == 1


def test_sync_never_shrinks_the_export(tmp_path):
    """A fresh (empty) store first takes in the committed export, so an
    export rewritten from it still has every entry; a worse export entry
    does not replace the store's better one."""
    reg = tmp_path / "bk"
    with Store(tmp_path / "a.sqlite") as st:
        two = _entry(_two(), tmp_path)
        st.put_best_known(two, on_win=lambda: BK.write_bundle(two))
        sync_best_known(st, reg)
    assert [e["best"]["hidden_neurons"] for e in BK.load_registry(reg)] == [2]
    with Store(tmp_path / "b.sqlite") as st:      # empty store, worse network
        st.put_best_known(_entry(THREE, tmp_path))
        entries = sync_best_known(st, reg)
    assert [e["best"]["hidden_neurons"] for e in entries] == [2]
    assert [e["best"]["hidden_neurons"] for e in BK.load_registry(reg)] == [2]
    text = (reg / "README.md").read_text()
    assert "uand(m=3)" in text and "explicit/step L=1 B=2 B_bias=2 theta=1" in text
    assert (reg / "registry.csv").read_text().splitlines()[1].startswith("uand(m=3),0,explicit")


def test_sync_into_an_empty_store_keeps_the_exports_run_log(tmp_path):
    """The run summary of the export is the only record of earlier runs
    when the store starts empty (the store is not committed): a later sync
    from a fresh store must keep those rows, not rewrite them as []."""
    reg = tmp_path / "bk"
    with Store(tmp_path / "a.sqlite") as st:
        three = _entry(THREE, tmp_path)
        st.put_best_known(three, on_win=lambda: BK.write_bundle(three))
        sync_best_known(st, reg)
    (slug,) = BK.load_registry_runs(reg)
    assert BK.load_registry_runs(reg)[slug] == [
        {"start_name": three["start"]["name"], "start_n": three["start"]["hidden_neurons"],
         "best_n": 3}]
    with Store(tmp_path / "b.sqlite") as st:      # fresh store, a better run
        two = _entry(_two(), tmp_path)
        st.put_best_known(dict(two, start=dict(two["start"], name="other start")),
                          on_win=lambda: BK.write_bundle(two))
        sync_best_known(st, reg)
    rows = BK.load_registry_runs(reg)[slug]
    assert {(r["start_name"], r["best_n"]) for r in rows} == {
        (three["start"]["name"], 3), ("other start", 2)}
    assert "other start" in (reg / "README.md").read_text()


def test_export_with_a_malformed_run_log_is_refused(tmp_path):
    doc = {"format": BK.EXPORT_FORMAT, "version": 1, "entries": [],
           "runs": {"x": [{"start_name": "a", "best_n": "3"}]}}
    (tmp_path / "registry.json").write_text(json.dumps(doc))
    with pytest.raises(InputError, match="runs"):
        BK.load_registry_runs(tmp_path)


def test_sync_after_a_better_network_replaced_the_bundle(tmp_path):
    """The export names the bundle path of the old entry; once a better
    network has won (and rewritten that bundle), the stale export entry is
    skipped, not read against the new bundle, and the export is updated."""
    reg = tmp_path / "bk"
    three, two = _entry(THREE, tmp_path), _entry(_two(), tmp_path)
    assert three["best"]["bundle"] == two["best"]["bundle"]
    with Store(tmp_path / "s.sqlite") as st:
        st.put_best_known(three, on_win=lambda: BK.write_bundle(three))
        sync_best_known(st, reg)
        sync_best_known(st, reg)
        assert st.put_best_known(two, on_win=lambda: BK.write_bundle(two))
        sync_best_known(st, reg)
    assert [e["best"]["hidden_neurons"] for e in BK.load_registry(reg)] == [2]
    (e,) = BK.load_registry(reg, with_networks=True)
    BK.check_entry(e)


def test_export_refuses_unknown_format(tmp_path):
    (tmp_path / "registry.json").write_text(json.dumps({"format": "x", "entries": []}))
    with pytest.raises(InputError, match="format"):
        BK.load_registry(tmp_path)


def test_committed_registry_is_consistent():
    """Every committed best-known entry verifies exactly, names an existing
    SAT bundle whose network is the entry's, and the committed table is the
    rendering of the committed export."""
    reg = REPO / "search" / "best-known"
    entries = BK.load_registry(reg, with_networks=True, root=REPO)
    assert entries, "the committed registry export is empty"
    for d in entries:
        BK.check_entry(d)
        bdir = REPO / d["best"]["bundle"]
        claim = json.loads((bdir / "claim.json").read_text())
        assert claim["answer"] == "SAT"
        assert claim["shape"]["n"] == d["best"]["hidden_neurons"]
        for k, v in d["bounds"].items():
            assert claim["shape"][k] == v, (bdir, k)
        if d["minimality"] == "CERTIFIED":
            assert d["certified_minimum"]["n"] == d["best"]["hidden_neurons"]
        s = d["start"]
        assert (s["hidden_neurons"], s["params_nonzero"], s["bits"]) >= BK.entry_counts(d)
    body = json.loads((reg / "registry.json").read_text())
    assert (reg / "README.md").read_text() == BK.render(entries, _runs(body, entries))
    assert (reg / "registry.csv").read_text() == BK.render_csv(entries)


def _runs(body, entries):
    if "runs" not in body:
        return None
    return {BK.entry_key(e): body["runs"][BK.slug_of(e)] for e in entries}


def test_network_dict_round_trip_is_what_is_stored(tmp_path):
    e = _entry(THREE, tmp_path)
    assert e["networks"] == [network_to_dict(THREE)]


# ------------------------------------------------------------ issue 21: the registry is a claim

NATIVE = ("native",)
UAND3_MIN = "proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1"
PERM3_MIN = "proofs/families/permutations-m3-mout3-s1-superposed-relu-L1-B1-bias1-code1-theta1"
RESTRICTED = "proofs/restricted/uand3-step-B2-max-nonzero-11"


@pytest.fixture(scope="module")
def material(tmp_path_factory):
    """A repository-shaped folder: two committed minima (uand(3) step B=2:
    2; permutations(3): 2), a genuine minimum of the *restricted* question
    uand(3) step B=2 with at most 11 nonzero parameters (3: n = 2 needs
    more), and the SAT bundles of the 2- and 3-neuron networks."""
    from superpos_formal.certify.bundles.minimum_claim import make_minimum
    from superpos_formal.shape import Shape
    from superpos_formal.solve.search import decide
    root = tmp_path_factory.mktemp("repo")
    for rel in (UAND3_MIN, PERM3_MIN):
        shutil.copytree(REPO / rel, root / rel)
    sh = Shape("explicit", "step", n=3, B=2)
    sat = decide(uand(3), sh, max_nonzero=11)
    uns = decide(uand(3), sh.with_n(2), max_nonzero=11, proof_path=str(root / "u.drat"))
    assert (sat.status, uns.status) == ("SAT", "UNSAT")
    make_minimum(root / RESTRICTED, sat, uns, shape=sh, task=uand(3), checkers=NATIVE)
    for name, net in (("two", _two()), ("three", THREE)):
        BK.write_bundle(_row(net, name), root)
    return root


def _row(net, name, **changes):
    e = BK.make_entry(_Result(net), bundle_root="proofs/best-known", start_name="test",
                      minima={})
    e["best"]["bundle"] = f"proofs/best-known/{name}"
    e.update(changes)
    return e


def _registry(material, tmp_path, rows):
    """``tmp_path/repo`` with the material and ``search/best-known`` holding ``rows``."""
    root = tmp_path / "repo"
    shutil.copytree(material, root)
    BK.write_exports(rows, root / "search" / "best-known")
    return root


def _failures(root, **kw):
    rep = BK.verify_registry(root / "search" / "best-known", checkers=NATIVE, **kw)
    return rep, "\n".join(rep.all_failures())


def test_a_genuine_registry_verifies(material, tmp_path, capsys):
    from superpos_formal.cli import main
    root = _registry(material, tmp_path, [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": UAND3_MIN},
             minimality="CERTIFIED")])
    rep, f = _failures(root)
    assert rep.ok, f
    # without regeneration the minimum's refutation is tied to no question
    rep2, _ = _failures(root, regenerate=False)
    assert rep2.status == "NOT VERIFIED" and not rep2.children[0].failures
    assert "certified_minimum: " in rep2.all_unverified()[0]
    [(row, ok, why)] = BK.check_registry(root / "search" / "best-known", checkers=NATIVE)
    assert ok and why == "" and row["minimality"] == "CERTIFIED"
    assert main(["verify", str(root / "search" / "best-known" / "registry.json"),
                 "--checkers", "native"]) == 0
    assert "CERTIFIED (certified min 2)" in capsys.readouterr().out


def test_certified_pointer_to_another_tasks_minimum(material, tmp_path, capsys):
    """Passed check_entry on e148d23: permutations(3)'s minimum 2 named as
    the certified minimum of uand(3)."""
    from superpos_formal.cli import main
    root = _registry(material, tmp_path, [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": PERM3_MIN},
             minimality="CERTIFIED")])
    rep, f = _failures(root)
    assert not rep.ok
    assert f"certified_minimum {PERM3_MIN}: a minimum of another question" in f
    assert main(["verify", str(root / "search" / "best-known"), "--checkers", "native"]) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out and "a minimum of another question" in out


def test_certified_minimum_of_a_restricted_question(material, tmp_path):
    """A minimum under max_nonzero=11 (3) is not the unrestricted minimum
    (2): CERTIFIED on the 3-neuron network is false. certified_minima()
    keyed it on subject and bounds only on e148d23."""
    root = _registry(material, tmp_path, [
        _row(THREE, "three", certified_minimum={"n": 3, "bundle": RESTRICTED},
             minimality="CERTIFIED")])
    rep, f = _failures(root)
    assert not rep.ok
    assert "not this row's question: n3-sat: restricted by max_nonzero=11" in f
    minima = BK.certified_minima(root / "proofs")
    assert BK.lookup_certified(uand(3), THREE, minima)[1] == UAND3_MIN


def test_network_below_its_recorded_certified_minimum(material, tmp_path):
    bad = _row(_two(), "two", certified_minimum={"n": 3, "bundle": RESTRICTED})
    with pytest.raises(InputError, match="below its recorded certified minimum 3"):
        BK.check_entry(bad)
    root = _registry(material, tmp_path, [bad])
    rep, f = _failures(root)
    assert not rep.ok and "below its recorded certified minimum 3" in f


def test_certified_by_a_results_line_without_a_proof(material, tmp_path):
    """A forged campaign line ``"certified": true`` naming the SAT bundle
    made a row CERTIFIED on e148d23; no proof of the bound below exists."""
    root = _registry(material, tmp_path, [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": "proofs/best-known/two"},
             minimality="CERTIFIED")])
    res = root / "search" / "results"
    res.mkdir(parents=True)
    (res / "forged.jsonl").write_text(json.dumps(
        {"certified": True, "minimum": 2, "bundle": "proofs/best-known/two"}) + "\n")
    shutil.rmtree(root / UAND3_MIN)  # no minimum of uand(3) step B=2 is left
    assert BK.lookup_certified(uand(3), _two(), BK.certified_minima(root / "proofs")) is None
    rep, f = _failures(root)
    assert not rep.ok
    assert ("certified_minimum proofs/best-known/two: not a minimum bundle (no "
            "minimum.json)") in f


def test_rows_pointing_outside_or_at_a_spoiled_bundle(material, tmp_path):
    root = _registry(material, tmp_path, [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": "../x"}),
        _row(THREE, "three")])  # a made-up lower bound: test_lower_bound_fields_are_checked
    (root / "proofs" / "best-known" / "three" / "claim.json").write_text("{}")
    rep, f = _failures(root)
    assert "certified_minimum.bundle: '../x' is not a plain relative path" in f
    assert "[1]: best.bundle: proofs/best-known/three: changed file: claim.json" in f
    assert "the same question as row 0" in f


def test_committed_registry_verifies():
    """Every committed row against its bundle, every certified minimum
    against its minimum bundle (native checker)."""
    rep = BK.verify_registry(REPO / "search" / "best-known", checkers=NATIVE)
    assert rep.ok, "\n".join(rep.all_failures())
    assert len(rep.children) == len(BK.load_registry(REPO / "search" / "best-known"))


def test_report_refuses_a_registry_row_that_does_not_verify(material, tmp_path):
    from superpos_formal.report import refuse_unverified_registry, write_report
    good = _registry(material, tmp_path / "g", [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": UAND3_MIN},
             minimality="CERTIFIED")])
    refuse_unverified_registry(good / "search" / "best-known")  # nothing raised
    bad = _registry(material, tmp_path / "b", [
        _row(_two(), "two", certified_minimum={"n": 2, "bundle": PERM3_MIN},
             minimality="CERTIFIED")])
    out = tmp_path / "out"
    with pytest.raises(InputError, match="1 row.s. do not verify .* a minimum of another"):
        write_report(out, quick=True, best_known=bad / "search" / "best-known")
    assert not out.exists()  # refused before anything was written


# ------------------------------------------------------------ issue 24: the band in the registry

def _per_pair(m):
    """One step neuron per pair, [x_i + x_j - 1 > 0]: C(m, 2) neurons."""
    from itertools import combinations
    pairs = list(combinations(range(m), 2))
    W = [[1 if f in p else 0 for f in range(m)] for p in pairs]
    eye = [[int(i == j) for j in range(len(pairs))] for i in range(len(pairs))]
    return Network.explicit(m, len(pairs), "step", [(W, [-1] * len(pairs))], eye,
                            [0] * len(pairs), B=2, B_bias=2)


def _row_for(m, net, name):
    r = _Result(net)
    r.subject, r.start = uand(m), [net]
    e = BK.make_entry(r, bundle_root="proofs/best-known", start_name="test", minima={},
                      claims={})
    e["best"]["bundle"] = f"proofs/best-known/{name}"
    return e


def test_ratio_is_exact():
    assert BK.ratio_of(10, 4) == {"exact": "5/2", "decimal": "2.50"}
    assert BK.ratio_of(5, 3) == {"exact": "5/3", "decimal": "1.67"}
    assert BK.ratio_of(1, 8) == {"exact": "1/8", "decimal": "0.13"}  # 0.125 rounds up
    assert BK.ratio_of(3, None) is None


def test_inconsistent_pair_of_rows_is_refused(material, tmp_path):
    """uand(4) with 6 neurons (one per pair) beside uand(3) with 2: the
    composition of the 2-neuron network plus one neuron per new pair has 5,
    so the pair of rows is refused by `superpos verify search/best-known`."""
    from superpos_formal.cli import main
    wide = _per_pair(4)
    BK.write_bundle(_row_for(4, wide, "wide4"), material)
    rows = [_row(_two(), "two"), _row_for(4, wide, "wide4")]
    root = _registry(material, tmp_path, rows)
    rep, f = _failures(root)
    assert all(c.ok for c in rep.children), f  # each row on its own verifies
    assert not rep.ok
    assert ("uand(m=4): best width 6 exceeds the composition of uand(m=3)'s 2 plus a "
            "neuron per new pair (5)") in f
    assert main(["verify", str(root / "search" / "best-known"), "--checkers", "native"]) == 1


def test_lower_bound_below_a_restrictions_is_refused():
    """Rows as the consistency check reads them: uand(4)'s lower bound 1
    below uand(3)'s 2 (restriction: every uand(4) network is one for uand(3))."""
    def row(m, lower, best):
        return {"question": "instance", "task": uand(m).to_dict(), "subject": uand(m).name,
                "bounds": {"mode": "explicit", "activation": "step", "L": 1, "B": 2,
                           "B_bias": 2, "theta": 1},
                "lower_bound": {"n": lower}, "best": {"hidden_neurons": best}}
    assert BK.registry_consistency([row(3, 2, 2), row(4, 3, 3)]) == []
    why = BK.registry_consistency([row(3, 2, 2), row(4, 1, 3)])
    assert why == ["uand(m=4): lower bound 1 is below uand(m=3)'s 2 (restriction)"]
    why = BK.registry_consistency([row(3, 2, 3), row(4, 2, 2)])
    assert "uand(m=3): best width 3 exceeds uand(m=4)'s 2" in why[0]


def test_lower_bound_fields_are_checked(tmp_path):
    e = _entry(THREE, tmp_path)
    assert e["lower_bound"]["source"] == "counting" and e["ratio"]["exact"] == "3/1"
    for spoil, needle in [
            (lambda d: d["lower_bound"].update(extra=1), "lower_bound: expected"),
            (lambda d: d["lower_bound"].update(source="made up"), "lower_bound: expected"),
            (lambda d: d.update(ratio={"exact": "1/1", "decimal": "1.00"}), "ratio"),
            (lambda d: d["lower_bound"].update(n=4), "below its recorded lower bound 4")]:
        bad = json.loads(json.dumps(e))
        spoil(bad)
        with pytest.raises(InputError, match=needle):
            BK.check_entry(bad)


def test_row_resting_on_a_restriction_claim(material, tmp_path):
    """A uand(4) row whose lower bound 2 is a restriction claim on the
    uand(3) minimum verifies; the claim for another question, or a bound it
    does not give, is refused."""
    from superpos_formal.certify.lower_bound import make_claim
    from superpos_formal.constructions.compose import indicators
    ind = indicators(4, "step", B=2, B_bias=2)  # 4 neurons; check_entry verifies it
    BK.write_bundle(_row_for(4, ind, "ind4"), material)
    row = _row_for(4, ind, "ind4")
    bounds = row["bounds"]
    claim = make_claim(uand(4), bounds, 2, UAND3_MIN, uand(3), 2)
    path = "proofs/lower-bounds/uand_m4.json"
    lb = BK.band_lower_bound(row["lower_bound"]["counting"], claim=(2, path))
    good = dict(row, lower_bound=lb, ratio={"exact": "2/1", "decimal": "2.00"})
    root = _registry(material, tmp_path / "g", [good])
    (root / "proofs/lower-bounds").mkdir(parents=True)
    (root / path).write_text(json.dumps(claim))
    rep, f = _failures(root)
    assert rep.ok, f
    assert BK.lower_bound_claims(root / "proofs") == {BK.entry_key(good): (2, path)}
    # the same claim about uand(5) does not bound the uand(4) row
    other = make_claim(uand(5), bounds, 2, UAND3_MIN, uand(3), 2)
    (root / path).write_text(json.dumps(other))
    rep, f = _failures(root)
    assert "a lower bound of another question" in f
    (root / path).write_text(json.dumps(dict(claim, n=1)))
    rep, f = _failures(root)
    assert "claims n >= 1, the row records 2" in f
