"""Encoders: pure functions from (task, shape) to formulas and decoders."""
