"""Claim bundles: one directory per answer, re-checkable by anyone.

Layout of a bundle (one claim: one task or family, one shape, one answer)::

    claim.json        format "superpos-formal/claim", version 1
    network.json      SAT: the network (schema.network_to_dict); for a family,
                      a "superpos-formal/network-set" with one network per member
    formula.cnf.gz    UNSAT: the CNF the proof refutes (deterministic gzip)
    proof.drat.gz     UNSAT: CaDiCaL's DRAT proof (deterministic gzip)
    logs/<checker>.log   what each proof checker printed
    manifest.json     sha256 of every other file

What each claim kind asserts and what is checked is stated once, in
:mod:`.claims` (and ``proofs/README.md``); one bundle is checked by
:mod:`.claimcheck`, a minimum claim (a parent directory with ``minimum.json``) by
:mod:`.minclaim`, bundles are written by :mod:`.make`. This module finds
bundles and dispatches; it re-exports the public names.

Examples
--------
>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> find_bundles([d]) == [d]  # no bundle: listed, and fails verification
True
>>> verify_bundle(d).failures
['not a bundle (no claim.json or minimum.json here or below)']
"""

import time
from pathlib import Path

from ..proofcheck import drat
from .check_claim import NETWORK_SET_FORMAT, BundleReport, verify_claim
from .claims import CLAIM_FORMAT, QUANTITIES, QUESTIONS
from .make_claim import make_bundle
from .manifest import check_manifest, write_manifest
from .minimum_claim import (MINIMUM_FORMAT, looks_like_minimum, make_minimum, verify_minimum,
                      verify_orphan, write_minimum_manifest)
from .claims import CERTIFICATES, register_certificate
from .encoders import ENCODERS, register_encoder

__all__ = [
    "CLAIM_FORMAT", "MINIMUM_FORMAT", "NETWORK_SET_FORMAT", "QUESTIONS", "QUANTITIES",
    "make_bundle", "make_minimum", "verify_bundle", "cached_verifier", "find_bundles", "write_manifest",
    "write_minimum_manifest", "check_manifest", "BundleReport", "register_encoder",
    "ENCODERS", "register_certificate", "CERTIFICATES",
]


def verify_bundle(path, *, checkers=drat.DEFAULT_CHECKERS, regenerate=True, budget=None,
                  max_unzipped=None):
    """Re-check a bundle (or a minimum directory); returns a :class:`BundleReport`.

    Never raises for a bad bundle: every problem is a one-line entry of
    ``report.failures`` that names the file. ``regenerate=False`` leaves an
    UNSAT claim *not verified* (``report.unverified``, ``report.ok`` false).
    ``max_unzipped`` bounds the uncompressed size of a formula or proof
    (default :data:`.jsonio.MAX_TEXT_BYTES`).
    """
    path = Path(path)
    t0 = time.perf_counter()
    args = (checkers, regenerate, budget, max_unzipped)
    if path.is_dir() and not path.is_symlink() and (path / "minimum.json").exists():
        rep = verify_minimum(path, *args)
    elif path.is_dir() and not path.is_symlink() and looks_like_minimum(path):
        rep = verify_orphan(path, *args)
    else:
        rep = verify_claim(path, checkers=checkers, regenerate=regenerate, budget=budget,
                           limit=max_unzipped)
    rep.seconds = time.perf_counter() - t0
    return rep


def cached_verifier(**kw):
    """``verified(path) -> BundleReport``: :func:`verify_bundle` with ``kw``,
    each bundle verified once however many claims or rows rest on it (the
    registry and the lower-bound claims share sub-question bundles).

    >>> v = cached_verifier(checkers=("native",))
    >>> v("/nonexistent") is v("/nonexistent"), v("/nonexistent").ok
    (True, False)
    """
    cache = {}

    def verified(path):
        key = Path(path).resolve()
        if key not in cache:
            cache[key] = verify_bundle(path, **kw)
        return cache[key]
    return verified


def find_bundles(paths):
    """Bundle and minimum directories under ``paths`` (recursively, sorted).

    A minimum's own bundles are verified as part of it, not listed again; a
    directory holding ``n<k>-sat``/``n<k>-unsat`` bundles without
    ``minimum.json`` is listed as one (and fails: no minimum was checked).
    A symlinked directory met on the way is listed (and fails). A path that
    is neither a bundle nor contains one is returned as is (and fails
    verification with a clear message).
    """
    out = []

    def walk(p):
        if p.is_symlink():
            out.append(p)
            return True
        if (p / "minimum.json").exists() or (p / "claim.json").exists() \
                or looks_like_minimum(p):
            out.append(p)
            return True
        found = False
        for q in sorted(x for x in p.iterdir() if x.is_dir() and not x.name.startswith(".")):
            found = walk(q) or found
        return found

    for p in map(Path, paths):
        if not p.is_dir() or not walk(p):
            out.append(p)
    return out
