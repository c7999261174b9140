"""The best-known registry in the SQLite store (store.py ``best_known`` table,
certify/best_known.py entries and exports).

The networks used are not produced by the code under test: the committed
2-neuron network of the proof-checked minimum of uand(m=3), explicit step,
B=2 (proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1/n2-sat)
and the hand-written 3-neuron one-per-output network below.
"""

import json
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
