"""Import of trained torch networks: the committed trained state
(tests/data/uand4_trained.json, made by tests/data/make_uand4_trained.py)
computes uand(m=4) and is imported to a verified integer network; the same
state with one output bias lowered is wrong on exactly one input bit, which
is reported with that input, and repaired."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")

from superpos_formal.bridge.importer import Repair, from_torch, step_module  # noqa: E402
from superpos_formal.errors import InputError  # noqa: E402
from superpos_formal.tasks import permutation, uand  # noqa: E402
from superpos_formal.verify import verify  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / "tests" / "data" / "uand4_trained.json"


def _trained():
    sd = json.loads(STATE.read_text())["state_dict"]
    net = torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 6))
    net.load_state_dict({k: torch.tensor(v) for k, v in sd.items()})
    return net


def test_trained_uand4_imports_to_a_verified_integer_network():
    res = from_torch(_trained(), uand(4), theta=0.5)
    assert res.trained_correct and res.wrong_bits == 0 and res.first_wrong is None
    assert res.status in ("exact", "repaired")
    assert res.network is not None and res.network.widths == (6,)
    assert verify(res.network, uand(4)).ok  # independent re-check
    assert "computes the task exactly" in res.summary()


def test_network_wrong_on_one_input_is_reported_with_it():
    net = _trained()
    with torch.no_grad():
        net[2].bias[0] -= 10.0  # output 0 = x0 AND x1 can no longer reach 0.5
    # uand(4)'s output 0 is the pair (0, 1): it is 1 only on x = (1, 1, 0, 0),
    # so that is the one wrong bit (expected 1, got 0); all others keep their values
    res = from_torch(net, uand(4), theta=0.5, repair=Repair(seconds=60))
    assert not res.trained_correct
    assert res.wrong_bits == 1
    assert res.first_wrong == ((1, 1, 0, 0), 0, 1, 0)
    assert "x=[1, 1, 0, 0], output 0: expected 1, got 0" in res.summary()
    assert res.status == "repaired" and res.changed >= 1
    assert verify(res.network, uand(4)).ok


def test_exact_rational_check_not_float_rounding():
    # y = [relu(x0) * w >= 1/2] with w = 0.5 exactly: on x0 = 1 the readout is exactly
    # 1/2 >= 1/2, so it fires; w one float32 ulp below 0.5 makes it not fire
    for w, fires in ((0.5, 1), (float(torch.tensor(0.5).nextafter(torch.tensor(0.0))), 0)):
        lin1, lin2 = torch.nn.Linear(1, 1), torch.nn.Linear(1, 1)
        with torch.no_grad():
            lin1.weight.fill_(1.0), lin1.bias.fill_(0.0)
            lin2.weight.fill_(w), lin2.bias.fill_(0.0)
        net = torch.nn.Sequential(lin1, torch.nn.ReLU(), lin2)
        res = from_torch(net, permutation(1, [0]), theta=0.5, repair=False)
        assert res.trained_correct == bool(fires)


def test_step_network_and_bad_modules():
    # step(x0 + x1 - 1.5) then identity readout: x0 AND x1 on X(2, 2)
    l1, l2 = torch.nn.Linear(2, 1), torch.nn.Linear(1, 1)
    with torch.no_grad():
        l1.weight.fill_(1.0), l1.bias.fill_(-1.5), l2.weight.fill_(1.0), l2.bias.fill_(0.0)
    res = from_torch(torch.nn.Sequential(l1, step_module(), l2), uand(2), theta=0.5)
    assert res.trained_correct and res.status == "exact"
    assert str(res.network.activation) == "step"
    with pytest.raises(InputError, match="not Linear, ReLU or a step"):
        from_torch(torch.nn.Sequential(l1, torch.nn.Tanh(), l2), uand(2))
    with pytest.raises(InputError, match="input_code"):
        from_torch(torch.nn.Sequential(l1, torch.nn.ReLU(), l2), uand(3))


def test_cli_import_torch(tmp_path):
    out = tmp_path / "net.json"
    r = subprocess.run([sys.executable, "-m", "superpos_formal", "import-torch", str(STATE),
                        "--task", "uand", "--m", "4", "-o", str(out)], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "trained network: computes the task exactly" in r.stdout
    assert out.is_file()
    r = subprocess.run([sys.executable, "-m", "superpos_formal", "import-torch", str(STATE),
                        "--task", "uand", "--m", "5"], cwd=ROOT,
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 2 and r.stderr.startswith("superpos: error:")


def test_no_integer_network_at_these_bounds():
    # x0 XOR x1 with ONE step neuron: no weights at all compute it (a single
    # threshold unit is linearly separable, XOR is not), so whatever the rounded
    # bounds, the repair ends in a checked UNSAT
    from superpos_formal.tasks import xor_pairs
    l1, l2 = torch.nn.Linear(2, 1), torch.nn.Linear(1, 1)
    with torch.no_grad():
        l1.weight.fill_(1.0), l1.bias.fill_(-0.5), l2.weight.fill_(1.0), l2.bias.fill_(0.0)
    task = xor_pairs(2, [(0, 1)], s=2)
    res = from_torch(torch.nn.Sequential(l1, step_module(), l2), task, theta=0.5, repair=Repair(seconds=60))
    # the trained net is OR: wrong only on (1, 1), output 0 (expected 0, got 1)
    assert res.first_wrong == ((1, 1), 0, 0, 1) and res.wrong_bits == 1
    assert res.status == "no integer network" and res.network is None
    assert "none at these bounds" in res.summary()


def test_family_member_by_member_with_a_shared_code():
    # permutations of 2 features, s = 1, shared E = I, R = I: member "identity"
    # is y = x (V = I), member "swap" y = (x1, x0) (V = swap); the swap module is
    # then broken on output 0 (bias -10): only x = (0, 1) -> y0 = 1 is lost
    from superpos_formal.tasks import permutation_family

    def mlp(V, c0=0.0):
        l1, l2 = torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)
        with torch.no_grad():
            l1.weight.copy_(torch.eye(2)), l1.bias.zero_()
            l2.weight.copy_(torch.tensor(V)), l2.bias.copy_(torch.tensor([c0, 0.0]))
        return torch.nn.Sequential(l1, torch.nn.ReLU(), l2)

    fam = permutation_family(2)
    I2 = [[1, 0], [0, 1]]
    ok = from_torch([mlp([[1.0, 0.0], [0.0, 1.0]]), mlp([[0.0, 1.0], [1.0, 0.0]])], fam,
                    input_code=I2, readout=I2)
    assert ok.trained_correct and ok.networks is not None and len(ok.networks) == 2
    assert all(verify(n, t).ok for n, t in zip(ok.networks, fam.members()))
    bad = from_torch([mlp([[1.0, 0.0], [0.0, 1.0]]), mlp([[0.0, 1.0], [1.0, 0.0]], -10.0)], fam,
                     input_code=I2, readout=I2, repair=Repair(seconds=60))
    assert not bad.trained_correct
    assert bad.members[1].first_wrong == ((0, 1), 0, 1, 0)
    assert "first member 1" in bad.summary() and "x=[0, 1], output 0" in bad.summary()
    with pytest.raises(InputError, match="one per member"):
        from_torch([mlp(I2)], fam, input_code=I2, readout=I2)


def test_pt_files_state_dict_and_module(tmp_path):
    net = _trained()
    torch.save(net.state_dict(), tmp_path / "sd.pt")
    torch.save(net, tmp_path / "mod.pt")
    for f in ("sd.pt", "mod.pt"):
        res = from_torch(tmp_path / f, uand(4))
        assert res.trained_correct and res.network is not None, f
    (tmp_path / "junk.pt").write_bytes(b"not a torch file")
    with pytest.raises(InputError, match="cannot load"):
        from_torch(tmp_path / "junk.pt", uand(4))
