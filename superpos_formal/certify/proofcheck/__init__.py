"""Proof checking: DRAT storage and checkers, the checker handed to the solve
layer, and the proofs added to stored bundles (base/, gen/, regenerable)."""
