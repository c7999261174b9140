"""``superpos improve`` and the best-known registry (certify/best_known.py).

The certified minima asserted here are the committed campaign results,
copied by hand: uand(m=3) explicit step B=2 has minimum 2
(proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1/minimum.json), uand(m=6)
explicit step B=2 has minimum 5 (search/results/uand-explicit.jsonl, UNSAT at
4 checked, SAT half committed).
"""

import json
from pathlib import Path

import pytest

from conftest import naive_eval
from superpos_formal.certify.best_known import (certified_minima, load_registry,
                                                lookup_certified, make_entry, render)
from superpos_formal.certify.bundles.verify import verify_bundle
from superpos_formal.cli import main
from superpos_formal.schema import load, write_json
from superpos_formal.solve.improve import baseline, improve
from superpos_formal.tasks import uand

REPO = Path(__file__).resolve().parent.parent


def _run(argv, capsys):
    try:
        rc = main(argv)
    except SystemExit as e:  # a usage error (argparse): exit 2, one line
        rc = e.code
    out, err = capsys.readouterr()
    return rc, out, err


def test_cli_improves_and_records(tmp_path, capsys):
    reg, roots, net = tmp_path / "bk", tmp_path / "proofs", tmp_path / "net.json"
    store = tmp_path / "s.sqlite"
    rc, out, err = _run(["improve", "--task", "uand", "--m", "3", "--activation", "step",
                         "--budget", "30", "--target", "2", "--registry", str(reg),
                         "--store", str(store), "--bundle-root", str(roots),
                         "-o", str(net)], capsys)
    assert rc == 0, err
    assert "B=2 B_bias=2 theta=1" in out and "minimality: UNKNOWN" in out
    assert "step 1:" in err  # progress on stderr
    n = load(net, "network")
    assert n.widths == (2,)
    task = uand(3)
    assert all(naive_eval(n, x) == task(x) for x in task.inputs)
    entries = load_registry(reg)
    assert len(entries) == 1 and entries[0]["best"]["hidden_neurons"] == 2
    assert entries[0]["start"]["hidden_neurons"] == 3
    assert verify_bundle(entries[0]["best"]["bundle"]).ok
    assert "uand(m=3)" in (reg / "README.md").read_text()
    # a worse run (no move at all), with a fresh store: the export's entry
    # is taken in first and not replaced
    before = (reg / "registry.json").read_text()
    rc, out, err = _run(["improve", "--task", "uand", "--m", "3", "--activation", "step",
                         "--budget", "30", "--max-steps", "1", "--no-sparsify",
                         "--registry", str(reg), "--store", str(tmp_path / "fresh.sqlite"),
                         "--bundle-root", str(roots)], capsys)
    assert rc == 0, err
    assert "kept (not beaten)" in out
    after = json.loads((reg / "registry.json").read_text())
    assert after["entries"] == json.loads(before)["entries"]


def test_cli_starts_from_a_construction(tmp_path, capsys):
    """``--from construction:explicit`` (issue 11's one-neuron-per-output
    network, B = 1) loosened to B = 2: the start is recorded as such and the
    search reaches the certified minimum 2 (uand(m=3) step B=2)."""
    reg = tmp_path / "bk"
    rc, out, err = _run(["improve", "--task", "uand", "--m", "3", "--activation", "step",
                         "--from", "construction:explicit", "--B", "2", "--budget", "30",
                         "--target", "2", "--registry", str(reg),
                         "--store", str(tmp_path / "s.sqlite"),
                         "--bundle-root", str(tmp_path / "pr")], capsys)
    assert rc == 0, err
    assert "start (construction:explicit): 3 hidden neurons" in out
    (e,) = load_registry(reg)
    assert e["start"]["name"] == "construction:explicit"
    assert e["best"]["hidden_neurons"] == 2 and e["bounds"]["B"] == 2
    assert "construction:explicit 3->2" in (reg / "README.md").read_text()


def test_certified_minima_from_committed_results():
    minima = certified_minima(REPO / "proofs")
    for m, act, want in ((3, "step", 2), (4, "step", 3)):
        net = baseline([uand(m)], "explicit", act, B=2)[0]
        got = lookup_certified(uand(m), net, minima)
        assert got is not None and got[0] == want
    # m = 6: a minimum bundle whose UNSAT half is a regenerable record (issue 24)
    # is committed and read; m = 8 has only a campaign record / best network:
    # a results line is not a proof, so nothing certifies it (issue 21)
    net = baseline([uand(6)], "explicit", "step", B=2)[0]
    assert lookup_certified(uand(6), net, minima) == (
        5, "proofs/uand-explicit/uand-m6-s2-explicit-step-L1-B2-bias2-theta1")
    net = baseline([uand(8)], "explicit", "step", B=2)[0]
    assert lookup_certified(uand(8), net, minima) is None
    # other bounds: no certified minimum claimed
    net = baseline([uand(3)], "explicit", "step", B=3)[0]
    assert lookup_certified(uand(3), net, minima) is None


def test_record_marks_certified_minimum(tmp_path):
    minima = certified_minima(REPO / "proofs")
    task = uand(3)
    res = improve(task, baseline([task], "explicit", "step", B=2)[0], seed=0, budget=30,
                  target=2)
    doc = make_entry(res, bundle_root=tmp_path / "proofs", minima=minima)
    assert doc["minimality"] == "CERTIFIED"
    assert doc["certified_minimum"]["n"] == 2
    assert doc["bounds"] == {"mode": "explicit", "activation": "step", "L": 1, "B": 2,
                             "B_bias": 2, "theta": 1}
    assert "CERTIFIED" in render([doc])


@pytest.mark.parametrize("argv,needle", [
    (["improve", "--task", "uand", "--family", "permutations", "--m", "3"], "exactly one"),
    (["improve", "--task", "uand"], "--m"),
    (["improve", "--task", "uand", "--m", "3", "--budget", "0"], "budget"),
    (["improve", "--task", "uand", "--m", "3", "--start", "/nonexistent/net.json"],
     "no such file"),
    (["improve", "--task", "uand", "--m", "3", "--B", "0"], "B"),
    (["improve", "--family", "permutations", "--m", "3", "--mode", "explicit"],
     "superposed"),
    (["improve", "--task", "uand", "--m", "3", "--sample", "2"], "--sample"),
    (["improve", "--task", "uand", "--m", "3", "--from", "construction:nope"], "nope"),
    (["improve", "--task", "uand", "--m", "3", "--from", "construction:explicit:n"], "k=v"),
    (["improve", "--task", "uand", "--m", "3", "--from", "construction:explicit",
      "--B", "0"], "below"),
])
def test_cli_bad_input(argv, needle, capsys):
    rc, out, err = _run(argv, capsys)
    assert rc == 2
    lines = err.strip().splitlines()
    assert lines[-1].startswith("superpos: error:") and needle in lines[-1]
    assert "Traceback" not in err


def test_cli_start_file_bounds_must_match(tmp_path, capsys):
    p = tmp_path / "start.json"
    write_json(baseline([uand(3)], "explicit", "step", B=2)[0], p)
    rc, out, err = _run(["improve", "--task", "uand", "--m", "3", "--start", str(p),
                         "--B", "3"], capsys)
    assert rc == 2 and "--B: 3 differs" in err
    wrong = tmp_path / "wrong.json"
    write_json(baseline([uand(3)], "explicit", "step", B=2)[0], wrong)
    rc, out, err = _run(["improve", "--task", "uand", "--m", "4", "--start", str(wrong)],
                        capsys)
    assert rc == 2 and "superpos: error:" in err


def test_cli_family_starts_from_the_shared_code_construction(tmp_path, capsys):
    """``--from construction:family``: issue 11's shared-code family
    construction (one code for every member), named as the start."""
    out_file = tmp_path / "nets.json"
    rc, out, err = _run(["improve", "--family", "permutations", "--m", "3", "--from",
                         "construction:family", "--B-bias", "1", "--budget", "30",
                         "--max-steps", "2", "--no-sparsify", "-o", str(out_file)], capsys)
    assert rc == 0, err
    assert "start (construction:family(" in out
    doc = json.loads(out_file.read_text())
    from superpos_formal.schema import network_from_dict
    from superpos_formal.tasks import permutation_family
    nets = [network_from_dict(d) for d in doc["networks"]]
    fam = list(permutation_family(3).members())
    assert len(nets) == len(fam) == 6
    assert all(n.E == nets[0].E and n.R == nets[0].R for n in nets)
    assert all(all(naive_eval(n, x) == t(x) for x in t.inputs) for n, t in zip(nets, fam))


def test_cli_starts_from_a_minimum_directory(tmp_path, capsys):
    # the committed uand(4) step minimum (3): --start reads its SAT half
    mini = REPO / "proofs/uand-explicit/uand-m4-s2-explicit-step-L1-B2-bias2-theta1"
    assert (mini / "minimum.json").is_file()
    rc, out, err = _run(["improve", "--task", "uand", "--m", "4", "--start", str(mini),
                         "--budget", "1", "-o", str(tmp_path / "o.json")], capsys)
    assert rc == 0, err
    assert "3 hidden neurons" in out
    # a minimum.json naming no SAT half here is refused with the reason
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "minimum.json").write_text(json.dumps({"sat": "nowhere"}))
    rc, out, err = _run(["improve", "--task", "uand", "--m", "4", "--start", str(bad)],
                        capsys)
    assert rc == 2 and "names no SAT half" in err and "Traceback" not in err
