"""Export to PyTorch / safetensors / ONNX: every committed bundle, run on
every input, against the exact evaluator and the task (docs/BRIDGE.md).

Expected values come from :func:`superpos_formal.verify.evaluate_all`
(Python integers) and the tasks' truth tables, never from the bridge; the
precision tests use hand-made networks whose float32 rounding is wrong.
"""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("safetensors")

from superpos_formal.bridge import export as X  # noqa: E402
from superpos_formal.bridge._deps import need  # noqa: E402
from superpos_formal.bridge.source import from_network, load_source  # noqa: E402
from superpos_formal.certify.bundles.verify import find_bundles  # noqa: E402
from superpos_formal.domain import domain  # noqa: E402
from superpos_formal.errors import InputError  # noqa: E402
from superpos_formal.network import Network  # noqa: E402
from superpos_formal.tasks import uand  # noqa: E402
from superpos_formal.verify import evaluate_all  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PROOFS = ROOT / "proofs"
BUNDLES = [p for p in find_bundles([PROOFS])
           if p.relative_to(PROOFS).parts[0] not in ("work", "large")] if PROOFS.is_dir() else []


def _exact(src):
    """(inputs, int8 array (inputs, members, m')) by the Python-integer evaluator,
    and the same from the tasks' truth tables."""
    net = src.network
    Xs = domain(net.m, src.s)
    nets = np.stack([np.asarray(evaluate_all(n, Xs), dtype=np.int8) for n in src.networks], 1)
    tasks = np.stack([np.asarray([t(x) for x in Xs], dtype=np.int8) for t in src.members], 1)
    return Xs, nets, tasks


@pytest.mark.parametrize("bundle", [b for b in BUNDLES if (b / "minimum.json").exists()
                                    or json.loads((b / "claim.json").read_text())["answer"]
                                    == "SAT"],
                         ids=lambda p: str(p.relative_to(PROOFS)))
def test_every_bundle_exports_and_runs_exactly(bundle, tmp_path):
    src = load_source(bundle)
    Xs, want, task = _exact(src)
    assert (want == task).all()  # the committed network computes its task
    for suffix in (".pt", ".safetensors", ".onnx"):
        out = tmp_path / f"model{suffix}"
        meta = X.export_source(src, out)
        model, meta2 = X.load_export(out)
        assert meta2["network_ids"] == meta["network_ids"]
        got = X.run_export(model, Xs, meta["dtype"])  # one batch: every input
        if not src.is_family:
            got = got[:, None, :]
        assert got.shape == want.shape, suffix
        assert (got == want).all(), (suffix, np.argwhere(got != want)[:1])
    assert meta["source"]["manifest_sha256"]
    assert meta["certificate"]
    assert meta["subject"]["kind"] in ("and_pairs", "permutations", "pair_sets", "identity",
                                       "explicit", "permutation", "parity", "majority")


def test_every_committed_bundle_is_covered():
    """Every committed bundle is exported above, except lone UNSAT bundles
    (refutations a lower bound rests on: proofs/midrange/, and the recorded
    relu uand(6) cube refutation at n = 3, whose copy is the UNSAT half of
    the minimum uand-m6-...-relu-...-theta1, exported above), which hold no
    network: exporting one is refused with the reason."""
    assert len(BUNDLES) >= 50
    unsat_only = [b for b in BUNDLES if (b / "claim.json").exists()
                  and json.loads((b / "claim.json").read_text())["answer"] != "SAT"]
    lone = {"proofs/uand-explicit/uand-m6-s2-explicit-relu-L1-B2-bias2-theta1-n3-unsat"}
    assert all(b.relative_to(PROOFS).parts[0] == "midrange"
               or b.relative_to(PROOFS.parent).as_posix() in lone
               for b in unsat_only), unsat_only
    for b in unsat_only:
        with pytest.raises(InputError, match="an UNSAT bundle holds no network"):
            load_source(b)


# ------------------------------------------------------------------ precision

def _big(theta):
    """One relu neuron: h = relu(2^12 x), z = 2^12 h = 2^24 x, y = [z >= theta]."""
    return Network.explicit(1, 1, "relu", [([[2 ** 12]], [0])], [[2 ** 12]], [0],
                            B=2 ** 12, theta=theta)


def test_float32_rounding_is_refused_and_float64_is_exact(tmp_path):
    # exact: 2^24 >= 2^24 + 1 is false, so y(1) = 0; float32 rounds theta to 2^24 -> 1
    net = _big(2 ** 24 + 1)
    assert net.evaluate((1,)) == (0,)
    assert float(np.float32(2 ** 24 + 1)) == 2 ** 24  # the trap is real
    mod = net.to_torch()
    assert mod.metadata["dtype"] == "float64"
    assert mod(torch.tensor([[0.0], [1.0]])).tolist() == [[0.0], [0.0]]
    with pytest.raises(InputError, match="2\\^24"):
        net.to_torch(dtype="float32")
    out = tmp_path / "big.onnx"
    X.export(net, out)
    sess, meta = X.load_export(out)
    assert X.run_export(sess, [(0,), (1,)], meta["dtype"]).tolist() == [[0], [0]]


def test_beyond_2_53_is_refused():
    net = Network.explicit(1, 1, "relu", [([[2 ** 27]], [0])], [[2 ** 27]], [0], B=2 ** 27)
    with pytest.raises(InputError, match="2\\^53"):
        net.to_torch()


def test_step_threshold_semantics():
    # step(t) = [t > 0]: t = 0 gives 0. h = step(x0 + x1 - 1): 1 only on (1, 1)
    net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    mod = net.to_torch()
    x = torch.tensor([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    assert mod(x)[:, 0].tolist() == [0.0, 0.0, 0.0, 1.0]
    tr = mod.trace(x)
    assert tr["h1"][:, 0].tolist() == [0.0, 0.0, 0.0, 1.0]


def test_wrong_network_is_not_exported_as_the_task():
    bad = Network.explicit(2, 1, "step", [([[1, 1]], [0])], [[1]], [0], B=1)  # OR, not AND
    with pytest.raises(InputError, match=r"x=\[1, 0\]"):
        from_network(bad, uand(2))


# ------------------------------------------------------------------ without our package

def test_pt_loads_with_plain_torch(tmp_path):
    """The .pt holds plain tensors: weights_only load, forward written here."""
    src = load_source(PROOFS / "uand-explicit" / "uand-m4-s2-explicit-relu-L1-B2-bias2-theta1")
    out = tmp_path / "u4.pt"
    X.export_source(src, out)
    d = torch.load(out, weights_only=True)
    sd = d["state_dict"]
    meta = json.loads(d["metadata"])
    assert meta["theta"] == 1 and meta["bounds"] == {"B": 2, "B_bias": 2, "B_code": 2}
    xs = torch.tensor(domain(4, 2), dtype=torch.float32)
    h = torch.relu(xs @ sd["E"].T @ sd["W1"].T + sd["b1"])
    y = ((h @ sd["V"].T + sd["c"]) @ sd["R"].T >= sd["theta"]).to(torch.int64)
    task = uand(4)
    assert y.tolist() == [list(task(tuple(int(v) for v in x))) for x in xs.tolist()]


def test_safetensors_header_has_metadata(tmp_path):
    from safetensors import safe_open
    src = load_source(PROOFS / "families" /
                      "permutations-m3-mout3-s1-superposed-relu-L1-B1-bias1-code1-theta1")
    out = tmp_path / "p3.safetensors"
    X.export_source(src, out)
    with safe_open(str(out), framework="np") as f:
        meta = json.loads(f.metadata()["superpos-formal"])
        assert f.get_tensor("W1").shape[0] == 6  # one weight set per member
    assert meta["family_members"] == 6
    assert len(meta["E"]) == 2 and len(meta["E"][0]) == 3  # shared code, n x m


# ------------------------------------------------------------------ missing extra, CLI

def test_missing_extra_is_one_line(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", None)
    with pytest.raises(InputError, match=r"pip install '\.\[torch\]'"):
        need("torch")


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "superpos_formal", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_cli_export(tmp_path):
    b = PROOFS / "uand-explicit" / "uand-m3-s2-explicit-step-L1-B2-bias2-theta1"
    r = _cli("export", str(b), "-o", str(tmp_path / "u3.onnx"))
    assert r.returncode == 0, r.stderr
    assert "B=2 bias=2" in r.stdout and "theta=1" in r.stdout
    assert "checked: the written file equals the exact network on all 7 inputs" in r.stdout
    r = _cli("export", str(b / "n1-unsat"), "-o", str(tmp_path / "u.pt"))
    assert r.returncode == 2 and r.stderr.startswith("superpos: error:") and "UNSAT" in r.stderr
    r = _cli("export", str(b), "-o", str(tmp_path / "u.h5"))
    assert r.returncode == 2 and "unknown format" in r.stderr


def test_cli_export_bare_network_sparsity(tmp_path):
    # a bare network file has no task: X(m, m) by default, X(m, s) with --s
    net = tmp_path / "and2.json"
    net.write_text(json.dumps(Network.explicit(3, 1, "step", [([[1, 1, 0]], [-1])], [[1]], [0],
                                               B=1).to_dict()))
    r = _cli("export", str(net), "-o", str(tmp_path / "a.onnx"))
    assert r.returncode == 0 and "all 8 inputs of X(m=3, s=3)" in r.stdout, r.stderr
    r = _cli("export", str(net), "-o", str(tmp_path / "b.onnx"), "--s", "1")
    assert r.returncode == 0 and "all 4 inputs of X(m=3, s=1)" in r.stdout, r.stderr
    r = _cli("export", str(net), "-o", str(tmp_path / "c.onnx"), "--s", "4")
    assert r.returncode == 2 and "--s: must be in 0..m=3" in r.stderr


def test_onnx_then_proof_checker_in_one_process():
    # a fresh process (the test process already holds drup): export to ONNX
    # goes through need("onnxruntime"), then a proof check loads drup
    code = ("from superpos_formal.bridge._deps import need; need('onnxruntime'); "
            "import drup; print('ok')")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1])
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr[-300:]


def test_torch_ops_then_proof_checker_in_one_process():
    # torch's first operation has the same effect on drup as onnxruntime:
    # importing superpos_formal first (which loads drup) keeps a later check alive
    code = ("import superpos_formal, torch; (torch.randn(64, 64) @ torch.randn(64, 64)).sum(); "
            "import drup; from superpos_formal.certify.bundles.verify import verify_bundle; "
            "r = verify_bundle('proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1', "
            "checkers=('drup',)); print(r.ok)")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       cwd=Path(__file__).resolve().parents[1], timeout=300)
    assert p.returncode == 0 and p.stdout.strip() == "True", p.stderr[-300:]
