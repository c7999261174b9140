"""Certificates: DRAT proofs, independent checkers, claim bundles."""

# registers the cube-and-conquer certificate with the bundle verifier
from . import cubes  # noqa: F401
