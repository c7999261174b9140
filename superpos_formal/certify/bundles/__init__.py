"""Claim bundles: what a claim asserts, writing, manifests, certificate kinds,
the encoder registry, and verifying one bundle or a minimum directory."""
