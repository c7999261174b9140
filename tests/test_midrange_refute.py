"""search/midrange_refute.py writes a refutation bundle that verifies.

The script called ``decide`` with a keyword it no longer takes and nothing
ran it; this runs it on a case small enough for the fast subset (uand(3),
explicit step, B = 2, at n = 1: one neuron cannot compute three ANDs, so
the claim must come out UNSAT and pass ``superpos verify``)."""

from conftest import search_script

from superpos_formal.api import verify


def test_refutation_bundle_verifies(tmp_path):
    out = tmp_path / "uand3-n1"
    rc = search_script("midrange_refute").main(
        [str(out), "3", "explicit", "step", "2", "2", "0", "1", "1"])
    assert rc == 0
    report = verify(out)
    assert report.ok, report
    assert '"UNSAT"' in (out / "claim.json").read_text()


def test_a_satisfiable_width_writes_nothing(tmp_path):
    out = tmp_path / "uand3-n3"
    assert search_script("midrange_refute").main(
        [str(out), "3", "explicit", "step", "2", "2", "0", "1", "3"]) == 1
    assert not out.exists()
