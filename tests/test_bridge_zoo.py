"""The zoo: build a small one (three committed bundles, constructions up to
m' = 10), load three entries back and check them on every input; a changed
file is refused on load."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")
pytest.importorskip("safetensors")

from superpos_formal.bridge import zoo  # noqa: E402
from superpos_formal.bridge.export import run_export  # noqa: E402
from superpos_formal.errors import InputError  # noqa: E402
from superpos_formal.tasks import uand  # noqa: E402

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
PICK = ["uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1",
        "families/permutations-m3-mout3-s1-superposed-relu-L1-B1-bias1-code1-theta1",
        "best-known/uand_m7-explicit-step-L1-B2-Bb2-t1"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("zoo")
    proofs = root / "proofs"
    for rel in PICK:
        shutil.copytree(PROOFS / rel, proofs / rel)
    out = root / "zoo"
    index = zoo.build(out, proofs=proofs, max_m_out=10, log=lambda s: None)
    return out, index


def test_index_lists_every_picked_bundle_and_a_ladder(built):
    out, index = built
    names = [r["name"] for r in index["entries"]]
    assert [n for n in names if n.startswith("proofs/")] == sorted(f"proofs/{p}" for p in PICK)
    assert not index["left_out"]
    assert any(n.startswith("constructions/family-permutations-m8") for n in names)
    assert all(r["m_out"] <= 10 for r in index["entries"] if r["kind"] != "certified minimum"
               and not r["name"].startswith("proofs/"))
    md = (out / "index.md").read_text()
    assert "| `proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1` | certified minimum" in md
    on_disk = json.loads((out / "index.json").read_text())
    assert on_disk["entries"] == index["entries"]


def test_load_three_entries_and_check_them(built):
    out, index = built
    m3 = zoo.load("proofs/uand-explicit/uand-m3-s2-explicit-step-L1-B2-bias2-theta1", root=out)
    # the certified minimum of uand(3), step, B=2 is n=2 (proofs/README.md)
    assert m3.meta["minimum"]["value"] == 2 and m3.network.widths == (2,)
    assert m3.tasks[0].name == "uand(m=3)"
    fam = zoo.load("proofs/families/permutations-m3-mout3-s1-superposed-relu-L1-B1-bias1-code1-theta1",
                   root=out)
    assert len(fam.networks) == 6 and fam.meta["question"] == "family"
    star = next(r["name"] for r in index["entries"] if r["name"].startswith("constructions/stars-uand-m4"))
    st = zoo.load(star, root=out)
    for e in (m3, fam, st):
        checks = e.check()
        assert all(c.ok for c in checks.values()), checks
    # independent of the bridge: run the ONNX model of the star network on uand(4)
    sess = st.onnx_session()
    t = uand(4)
    y = run_export(sess, t.inputs, st.meta["dtype"])
    assert y.tolist() == [list(t(x)) for x in t.inputs]
    neurons = json.loads((st.path / "neurons.json").read_text())["members"][0]["neurons"]
    # stars with t = 3 on uand(4): the neuron centred at x0 fires on {0,1}, {0,2}, {0,3}
    assert neurons[0]["fires_on"] == [[0, 1], [0, 2], [0, 3]]
    assert neurons[0]["rule"].startswith("star centre x0")


def test_changed_file_is_refused(built, tmp_path):
    out, index = built
    copy = tmp_path / "zoo"
    shutil.copytree(out, copy)
    name = "proofs/best-known/uand_m7-explicit-step-L1-B2-Bb2-t1"
    p = copy / name / "network.json"
    d = json.loads(p.read_text())
    d["layers"][0]["b"][0] += 1
    p.write_text(json.dumps(d))
    with pytest.raises(InputError, match="sha256 differs"):
        zoo.load(name, root=copy)
    with pytest.raises(InputError, match="no entry"):
        zoo.load("proofs/nope", root=copy)


def test_cli_zoo_build_without_proofs_is_one_line(tmp_path):
    import subprocess
    import sys
    r = subprocess.run([sys.executable, "-m", "superpos_formal", "zoo", "build", "-o",
                        str(tmp_path / "z"), "--proofs", str(tmp_path / "none")],
                       cwd=PROOFS.parent, capture_output=True, text=True, timeout=120)
    assert r.returncode == 2
    assert r.stderr.startswith("superpos: error: --proofs:")
