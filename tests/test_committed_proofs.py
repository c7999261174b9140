"""Re-check every committed claim bundle under proofs/ (what CI runs).

Each bundle is re-verified from scratch: manifest hashes, the network
evaluated exhaustively (SAT), the CNF regenerated from claim.json with the
current encoder and compared by hash, and the DRAT proof re-checked by
dratify's native engine and, within a CI-sized budget, its Python engine and
drup (UNSAT). The drup verdicts recorded when headline bundles were made
stay in their claim.json and logs/.
"""

from pathlib import Path

import pytest

from superpos_formal.certify.bundles.verify import find_bundles, verify_bundle
from superpos_formal.certify.proofcheck.drat import CheckerPolicy

PROOFS = Path(__file__).resolve().parent.parent / "proofs"
BUNDLES = ([p for p in find_bundles([PROOFS]) if p.relative_to(PROOFS).parts[0] not in ("work", "large")]
           if PROOFS.is_dir() else [])

# base/ and gen/ proofs (certify/bundles/certificate_kind.py): native only in CI; their python
# and drup verdicts at creation are in claim.json and base/logs/, gen/logs/
CI_BUDGET = CheckerPolicy(python_max_lines=50_000, drup_max_additions=2_000,
                   drup_max_work=1_000_000, drup_headline_max_work=1_000_000,
                   base_checkers=("native",))


def test_there_are_committed_claims():
    assert BUNDLES, "proofs/ holds no claim bundles"


@pytest.mark.parametrize("bundle", BUNDLES, ids=[str(p.relative_to(PROOFS)) for p in BUNDLES])
def test_committed_bundle_verifies(bundle):
    rep = verify_bundle(bundle, budget=CI_BUDGET)
    assert rep.ok, str(rep)
