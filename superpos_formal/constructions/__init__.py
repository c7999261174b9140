"""Constructions: integer networks built by rule, accepted only by the exact
verifier. See docs/CONSTRUCTIONS.md."""
