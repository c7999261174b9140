"""Certificates: DRAT proofs, independent checkers, claim bundles."""

# registers the cube-and-conquer certificate with the bundle verifier
from . import cubes  # noqa: F401
# and the regenerable refutation certificate (claim.json + record only)
from .proofcheck import regenerable_unsat  # noqa: F401
from .proofcheck import regenerable_cubes  # noqa: F401
from .proofcheck import regenerable_lemmas  # noqa: F401
