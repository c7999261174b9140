"""Peer models for the frontier benchmark: what a user would run instead of the
SAT path (the literal z3 model, the literal OR-Tools CP-SAT model). Not part of
the package; OR-Tools comes from the optional ``bench`` extra."""
