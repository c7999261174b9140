"""Certificates: DRAT proofs, independent checkers, claim bundles."""
