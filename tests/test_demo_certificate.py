"""The demo's refutation carries a proof of F (issue 21): the search solves
with symmetry breaks, so its own proof is F+SB(arg); the demo adds a checked
proof of F alone, as the committed claims have."""

import json

from superpos_formal.certify.bundles.verify import verify_bundle
from superpos_formal.certify.bundles.certificate_kind import KIND_ARGUMENT, KIND_F
from superpos_formal.cli import main
from superpos_formal.cli.search import demo_proof_of_f
from superpos_formal.tasks import uand


def test_demo_proof_of_f_turns_f_sb_arg_into_proof_of_f(tmp_path, capsys):
    out = tmp_path / "u3"
    assert main(["min-neurons", "--task", "uand", "--m", "3", "--mode", "explicit",
                 "--activation", "relu", "--B", "2", "--proof", "-o", str(out)]) == 0
    mdir = out / "minimum"
    unsat = json.loads((mdir / "minimum.json").read_text())["unsat"]
    before = verify_bundle(mdir, checkers=("native",))
    assert before.ok and before.certificate == KIND_ARGUMENT
    line = demo_proof_of_f(mdir, uand(3))
    assert line.endswith("certificate proof of F"), line
    claim = json.loads((mdir / unsat / "claim.json").read_text())
    assert claim["certificate_kind"] == KIND_F and claim["base_proof"]["options"] == {
        "sums": claim["options"]["sums"], "symmetry": False}
    after = verify_bundle(mdir, checkers=("native",))
    assert after.ok and after.certificate == KIND_F, after.all_failures()
    assert any(c.startswith("F:native:verified") for c in after.children[1].checks)


def test_the_readme_names_the_default_certificate():
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    for doc in ("README.md", "docs/MODEL.md"):
        text = " ".join((root / doc).read_text().split())
        assert "DRAT proof of the exact formula" not in text, doc
        assert "proof of the exact formula" not in text, doc
        assert "default certificate" in text, doc
