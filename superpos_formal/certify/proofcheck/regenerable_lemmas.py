"""UNSAT claims refuted through the cut lemmas, recorded as regenerable.

The cut-lemma route (:mod:`superpos_formal.solve.cut_lemmas`) proves the
separation and summability lemmas from ``F``, breaks the cut problem's
symmetries in DRAT steps and refutes what is left: one DRAT proof of ``F``
itself, but far over the size guideline (parity of 5 bits at width 4: 1.73 M
lines, 13 MB gzipped). Such a claim is committed as a bundle of
``claim.json`` and ``manifest.json`` with ``"certificate":
"regenerable-lemmas"`` and the record ``claim.json`` ``regenerable_lemmas``:
the fields of a regenerable record (:mod:`.regenerable_unsat`: ``options``,
``formula``, ``proof``, ``solver``, ``checks``, ``timings``) and

    route       ``name`` (``"cut-lemmas"``, the only route) and ``breaks``
                (true or false): how the proof was made

Every field is required and no other is accepted; an unknown route, or a
``breaks`` that is not a boolean, is a rejection.

``superpos verify`` does what it does for a regenerable record (form,
options and formula equal to the claim's, ``F`` rebuilt and hashed; without
``--regenerate-proofs`` the claim is ``PASS (not re-checked)``), except that
``--regenerate-proofs`` re-makes the proof by the route, with the claim's one
task, instead of by a plain solve; an answer other than UNSAT, another
sha256 or a proof the native engine does not verify fails, as there. Why
the record certifies: the proof is a DRAT proof of ``F`` (the route only
decides which steps it contains), the route is deterministic, and the hash
ties the re-made proof to the one checked when the record was made.

Examples
--------
>>> check_record({"options": {}})[0].startswith("claim.json: regenerable_lemmas: fields")
True
"""

from ...solve.cut_lemmas import ROUTE, refute_by_cut_lemmas
from ..bundles.check_claim import ALLOWED_FILES
from ..bundles.claims import CERTIFICATE_FIELDS, register_certificate
from . import regenerable_unsat as RU

__all__ = ["CERT", "FIELD", "RECORD_FIELDS", "check_record", "regenerable_lemmas_from_bundle",
           "verify_regenerable_lemmas"]

CERT = "regenerable-lemmas"
FIELD = "regenerable_lemmas"
RECORD_FIELDS = RU.RECORD_FIELDS | {"route"}
_ROUTE = {"name", "breaks"}
_SECTIONS = dict(RU._SECTIONS, route=_ROUTE)


def check_record(meta):
    """Failure reasons of a ``regenerable_lemmas`` record's form (empty: well formed).

    Examples
    --------
    >>> rec = {"options": {}, "formula": {"sha256": "0" * 64, "nvars": 1, "clauses": 1},
    ...        "proof": {"sha256": "0" * 64, "lines": 1, "additions": 1, "deletions": 0,
    ...                  "gz_bytes": 9},
    ...        "solver": {"name": "cadical195", "version": "1"},
    ...        "checks": [{"checker": "native", "verdict": "VERIFIED"}],
    ...        "timings": {"solve_seconds": 1.0},
    ...        "route": {"name": "cut-lemmas", "breaks": True}}
    >>> check_record(rec)
    []
    >>> check_record(dict(rec, route={"name": "guess", "breaks": 1}))
    ["claim.json: regenerable_lemmas.route.name: 'guess' is not a known route ('cut-lemmas')", 'claim.json: regenerable_lemmas.route.breaks: expected true or false']
    """
    where = f"claim.json: {FIELD}"
    out = RU.check_record(meta, fields=RECORD_FIELDS, sections=_SECTIONS, where=where)
    if not out:
        route = meta["route"]
        if route["name"] != ROUTE:
            out.append(f"{where}.route.name: {route['name']!r} is not a known route "
                       f"({ROUTE!r})")
        if not isinstance(route["breaks"], bool):
            out.append(f"{where}.route.breaks: expected true or false")
    return out


def regenerable_lemmas_from_bundle(bundle, out_dir, *, breaks, load_average=None,
                                   overwrite=False):
    """Write ``out_dir``: the UNSAT bundle ``bundle``, whose proof the
    cut-lemma route made (``breaks`` as it was run), as a record
    (:func:`.regenerable_unsat.regenerable_from_bundle`; verified, without
    the re-solve, before it is renamed into place)."""
    return RU.regenerable_from_bundle(bundle, out_dir, load_average=load_average,
                                      overwrite=overwrite, certificate=(CERT, FIELD),
                                      extra={"route": {"name": ROUTE, "breaks": bool(breaks)}})


def verify_regenerable_lemmas(path, claim, rep, shape, members, options, checkers,
                              regenerate, budget, limit=None):
    """Check a ``regenerable-lemmas`` UNSAT claim into ``rep`` (module docstring)."""
    rep.checks.append("regenerable-record")
    rep.certificate = f"{rep.certificate}; {RU.LABEL}"
    if len(members) != 1:
        rep.failures.append(f"claim.json: {FIELD}: the cut-lemma route refutes one task, "
                            f"the claim has {len(members)}")
        return
    opened = RU.open_record(claim, rep, field=FIELD, check=check_record,
                            what="a regenerable lemma-route refutation", members=members,
                            shape=shape, options=options, regenerate=regenerate,
                            budget=budget)
    if opened is None:
        return
    meta, enc, again = opened
    if not again:
        rep.unrechecked.append(RU.record_not_rechecked(meta))
        return
    task, breaks = members[0], meta["route"]["breaks"]
    RU.resolve_record(enc, meta, rep,
                      solve=lambda prf: refute_by_cut_lemmas(enc, task, prf, breaks=breaks)[0])


# the verifier accepts "certificate": "regenerable-lemmas" (claim.json only)
ALLOWED_FILES[CERT] = {"claim.json"}
CERTIFICATE_FIELDS[CERT] = {FIELD}
register_certificate(CERT, verify_regenerable_lemmas)
