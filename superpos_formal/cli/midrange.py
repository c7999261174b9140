"""Mid-range commands: ``superpos lower-bound`` (restriction lower bounds from
verified minima) and ``superpos compose`` (networks for larger ``m`` from
smaller verified ones).

``lower-bound`` verifies every minimum directory and every lone UNSAT
bundle (a refutation at ``n``: the bound ``n + 1``) under ``--proofs`` with
the existing verifier (:func:`~superpos_formal.certify.bundles.verify.verify_bundle`:
files, manifest, regenerated CNF, DRAT check) and uses only those that
``PASS``; a claim restricted by an option (``max_nonzero``) or with given
codes is not used. Each question asked gets the best restriction lower bound
(:mod:`superpos_formal.bounds.restriction`) with its certificate and
argument; a question no verified minimum restricts to gets none (it is
never rounded to a number).
"""

import json
import sys
import time
from pathlib import Path

from ..bounds.restriction import restriction_lower_bound, subject_from_dict
from ..certify.best_known import bounds_slug
from ..certify.lower_bound import make_claim, sub_question
from ..certify.bundles.verify import verify_bundle
from ..constructions.compose import best_composition
from ..errors import InputError
from ..schema import dump, load
from ..schema import family_from_dict, task_from_dict
from ..tasks import build_family, build_task, uand
from ..verify import verify
from .args import parse_range

__all__ = ["register", "verified_minima", "lower_bound_rows", "question_shape",
           "cmd_compose", "certificate", "check_lower_bounds", "write_claims"]

_SHAPE_FIELDS = ("mode", "activation", "L", "B", "B_bias", "B_code", "theta", "codes",
                 "tolerance")


def question_shape(shape):
    """The shape fields that define a question (everything but ``n``)."""
    return {k: shape.get(k) for k in _SHAPE_FIELDS}


def certificate(path, checkers=("native",)):
    """``(Subject, shape, value)`` of a minimum directory (value: its
    minimum) or an UNSAT claim bundle (value: its ``n + 1``) that verifies
    (PASS) and may bound other questions; InputError with the reason
    otherwise (:func:`~superpos_formal.certify.lower_bound.sub_question`)."""
    path = Path(path)
    if not ((path / "minimum.json").is_file() or (path / "claim.json").is_file()):
        raise InputError(f"{path}: not a minimum directory or a claim bundle")
    rep = verify_bundle(path, checkers=checkers)
    if not rep.ok:
        raise InputError(f"{path}: does not verify: " + "; ".join(
            rep.all_failures() + rep.all_unverified())[:300])
    try:
        subj, shape, value, _ = sub_question(path)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None
    return subj, question_shape(shape), value


def verified_minima(root, checkers=("native",), log=None):
    """``[(Subject, shape, value, path)]`` for every minimum directory under
    ``root`` that verifies (PASS) and is usable as a lower-bound certificate,
    plus ``[(path, reason)]`` for the ones not used."""
    used, skipped = [], []
    mins = sorted(d.parent for d in Path(root).rglob("minimum.json"))
    # lone refutations too (an UNSAT bundle that is not a minimum's half)
    lone = sorted(c.parent for c in Path(root).rglob("claim.json")
                  if not (c.parent.parent / "minimum.json").exists()
                  and json.loads(c.read_text()).get("answer") == "UNSAT")
    for path in mins + lone:
        t0 = time.perf_counter()
        try:
            subj, shape, value = certificate(path, checkers)
        except InputError as e:
            skipped.append((str(path), str(e).split(": ", 1)[1]))
            continue
        finally:
            if log:
                log(f"  {time.perf_counter() - t0:7.1f} s  {path}")
        used.append((subj, shape, value, str(path)))
    return used, skipped


_ROW_KEYS = {"question", "subject", "spec", "bounds", "lower_bound"}
_LB_KEYS = {"n", "certificate", "argument", "source"}


def check_lower_bounds(doc, root=".", checkers=("native",)):
    """Re-derive every lower bound of a ``superpos-formal/lower-bounds`` file:
    the certificate must verify now, restrict to the row's question (the rule
    regenerated, its argument text equal), have bounds at least as wide and
    the stated value. Returns ``[(row index, reason)]``; empty when all hold.
    Unknown fields, a missing subject spec and an unknown source fail."""
    out = []
    if not isinstance(doc, dict) or doc.get("format") != "superpos-formal/lower-bounds" \
            or doc.get("version") != 1:
        return [(None, "not a superpos-formal/lower-bounds v1 file")]
    cache = {}
    rows = doc.get("rows")
    if not isinstance(rows, list) or not rows:
        return [(None, "rows: missing or empty")]
    for k, row in enumerate(rows):
        try:
            if not isinstance(row, dict) or set(row) - _ROW_KEYS or "spec" not in row:
                raise InputError(f"row fields must be {sorted(_ROW_KEYS)}")
            lb = row["lower_bound"]
            if lb is None:
                continue
            if not isinstance(lb, dict) or set(lb) != _LB_KEYS:
                raise InputError(f"lower_bound fields must be {sorted(_LB_KEYS)}")
            if lb["source"] != "restriction":
                raise InputError(f"unknown source {lb['source']!r}")
            subj = subject_from_dict(row["question"], row["spec"])
            if subj is None or subj.name != row["subject"]:
                raise InputError(f"subject {row['subject']!r} is not the spec's")
            path = Path(root) / lb["certificate"]
            if str(path) not in cache:
                try:
                    cache[str(path)] = certificate(path, checkers)
                except InputError as e:
                    cache[str(path)] = e
            got = cache[str(path)]
            if isinstance(got, InputError):
                raise got
            csub, cshape, value = got
            best = restriction_lower_bound(subj, question_shape(row["bounds"]),
                                           [(csub, cshape, value, lb["certificate"])])
            if best is None:
                raise InputError(f"{lb['certificate']} does not restrict to {subj.name} "
                                 f"at these bounds")
            if best.value != lb["n"]:
                raise InputError(f"n: the certificate gives {best.value}, the file says "
                                 f"{lb['n']}")
            if best.argument != lb["argument"]:
                raise InputError(f"argument: regenerated {best.argument!r}, the file says "
                                 f"{lb['argument']!r}")
        except InputError as e:
            out.append((k, str(e)))
        except (KeyError, TypeError) as e:
            out.append((k, f"malformed row ({type(e).__name__}: {e})"))
    return out


def write_claims(rows, folder, root=".", counting=()):
    """One ``superpos-formal/lower-bound`` claim per row whose restriction
    bound rests on another question's minimum and beats the row's counting
    bound (``rows`` from :func:`lower_bound_rows`; ``counting[i]`` the
    counting bound of row ``i``, when known); certificate paths relative to
    ``root``. Returns the paths written."""
    out = []
    counting = list(counting) + [None] * (len(rows) - len(counting))
    for r, cb in zip(rows, counting):
        lb = r["lower_bound"]
        if lb is None or lb["argument"].startswith("the certified minimum itself"):
            continue
        if cb is not None and lb["n"] <= cb:
            continue
        q = r["question"]
        subject = family_from_dict(r["spec"]) if q == "family" else task_from_dict(r["spec"])
        path = Path(lb["certificate"])
        rel = path.resolve().relative_to(Path(root).resolve()).as_posix()
        _, _, value, claim = sub_question(path)
        small = claim.family if claim.family is not None else claim.task
        bounds = {k: r["bounds"][k] for k in ("mode", "activation", "L", "B", "B_bias",
                                              "theta")}
        if bounds["mode"] == "superposed":
            bounds["B_code"] = r["bounds"]["B_code"]
        doc = make_claim(subject, bounds, lb["n"], rel, small, value)
        f = Path(folder) / f"{bounds_slug(subject, bounds)}.json"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
        out.append(f)
    return out


def lower_bound_rows(questions, certified):
    """One row per ``(question kind, subject dict, shape dict)``: the subject's
    name, the shape, and the best restriction bound (or None)."""
    rows = []
    for q, d, shape in questions:
        subj = subject_from_dict(q, d)
        lb = None if subj is None else restriction_lower_bound(subj, question_shape(shape),
                                                               certified)
        rows.append({"question": q, "subject": subj.name if subj else str(d.get("kind")),
                     "spec": d,
                     "bounds": question_shape(shape),
                     "lower_bound": None if lb is None else {
                         "n": lb.value, "certificate": lb.certificate,
                         "argument": lb.argument, "source": "restriction"}})
    return rows


def _bounds_text(b):
    code = f" code={b['B_code']}" if b.get("mode") == "superposed" else ""
    return (f"{b['mode']}/{b['activation']} L={b['L']} B={b['B']} bias={b['B_bias']}"
            f"{code} theta={b['theta']}")


def _registry_questions(path):
    reg = json.loads(Path(path).read_text())
    out = []
    for e in reg.get("entries", []):
        q = e["question"]
        d = e.get("family") if q == "family" else e.get("task")
        shape = dict(e["bounds"])
        shape.setdefault("codes", "identity" if shape.get("mode") == "explicit" else "free")
        shape.setdefault("tolerance", 0)
        if shape.get("mode") == "explicit":
            shape.setdefault("B_code", max(shape["B"], 1))
        out.append((q, d, shape))
    return out


def cmd_lower_bound(a):
    if a.check:
        try:
            doc = json.loads(Path(a.check).read_text())
        except (OSError, ValueError) as e:
            raise InputError(f"--check: cannot read {a.check} ({e})") from None
        fails = check_lower_bounds(doc, a.root, tuple(a.checkers))
        n = sum(1 for r in doc.get("rows", []) if isinstance(r, dict) and r.get("lower_bound"))
        for k, why in fails:
            print(f"FAIL row {k}: {why}")
        print(f"{n - len({k for k, _ in fails})}/{n} lower bounds re-derived: "
              f"{'PASS' if not fails else 'FAIL'}")
        return 0 if not fails else 1
    questions = []
    if a.registry:
        questions += _registry_questions(a.registry)
    for spec in a.question or []:
        questions.append(_parse_question(spec))
    if not questions:
        raise InputError("lower-bound: give --registry FILE and/or --question SPEC")
    certified, skipped = [], []
    for root in a.proofs or ["proofs"]:
        print(f"verifying minima under {root} (checkers: {','.join(a.checkers)})")
        used, skip = verified_minima(root, tuple(a.checkers), log=print)
        certified += used
        skipped += skip
    rows = lower_bound_rows(questions, certified)
    if a.claims:
        counting = [e["lower_bound"].get("counting", e["lower_bound"]["n"])
                    for e in json.loads(Path(a.registry).read_text())["entries"]
                    ] if a.registry else []
        for path in write_claims(rows, a.claims, a.root, counting):
            print(f"wrote {path}")
    for r in rows:
        lb = r["lower_bound"]
        txt = "none" if lb is None else f"n >= {lb['n']} ({lb['certificate']})"
        print(f"{r['question']:9s} {r['subject']:34s} {_bounds_text(r['bounds']):40s} {txt}")
    for p, why in skipped:
        print(f"not used: {p}: {why}")
    if a.output:
        Path(a.output).parent.mkdir(parents=True, exist_ok=True)
        Path(a.output).write_text(json.dumps({
            "format": "superpos-formal/lower-bounds", "version": 1,
            "certificates": [{"subject": s.name, "bounds": b, "value": v, "path": p}
                             for s, b, v, p in certified],
            "not_used": [{"path": p, "reason": w} for p, w in skipped],
            "rows": rows}, indent=1, sort_keys=True) + "\n")
        print(f"wrote {a.output}")
    return 0


def _parse_question(spec):
    """``KIND:M[:K]:MODE:ACT:B:BIAS[:CODE]:THETA`` (KIND uand, perms, pairsets)."""
    parts = spec.split(":")
    try:
        kind = parts[0]
        if kind == "uand":
            m, mode, act, B, bias = int(parts[1]), parts[2], parts[3], int(parts[4]), int(parts[5])
            rest = parts[6:]
            d = build_task("uand", m).to_dict()
            q = "instance"
        elif kind in ("perms", "pairsets"):
            m = int(parts[1])
            k = int(parts[2]) if kind == "pairsets" else None
            off = 3 if kind == "pairsets" else 2
            mode, act, B, bias = parts[off], parts[off + 1], int(parts[off + 2]), int(parts[off + 3])
            rest = parts[off + 4:]
            fam = build_family("permutations" if kind == "perms" else "pair-sets", m, k)
            d, q = fam.to_dict(), "family"
        else:
            raise ValueError(kind)
        code = int(rest[0]) if mode == "superposed" else max(B, 1)
        theta = int(rest[-1])
    except (ValueError, IndexError):
        raise InputError(f"--question: cannot parse {spec!r} (uand:M:MODE:ACT:B:BIAS[:CODE]:"
                         f"THETA, perms:M:..., pairsets:M:K:...)") from None
    shape = {"mode": mode, "activation": act, "L": 1, "B": B, "B_bias": bias, "B_code": code,
             "theta": theta, "codes": "identity" if mode == "explicit" else "free",
             "tolerance": 0}
    return q, d, shape



def cmd_compose(a):
    bases = []
    for path in a.base or []:
        net = load(path, "network")
        if not verify(net, uand(net.m)).ok:  # a base is used only once verified
            raise InputError(f"--base: {path} does not compute uand(m={net.m})")
        bases.append((path, net))
    rows = []
    print(f"compose uand explicit/{a.activation} L=1 B={a.B} bias={a.bias} theta={a.theta}")
    for m in parse_range(a.m, "m", low=2):
        net, how = best_composition(bases, m, a.activation, a.B, a.bias, a.theta)
        ok = verify(net, uand(m)).ok
        print(f"  m={m:3d}  width {net.widths[0]:4d}  verified={'yes' if ok else 'NO'}  {how}")
        if not ok:  # pragma: no cover - the constructions are proved; fail closed
            raise InputError(f"compose: the network for m={m} fails the verifier")
        rows.append((m, net, how))
        if a.output:
            out = Path(a.output) / f"uand_m{m}-explicit-{a.activation}-L1-B{a.B}-Bb{a.bias}-t{a.theta}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            d = dump(net)
            d["meta"] = {"found_by": "superpos compose", "how": how}
            out.write_text(json.dumps(d, indent=1) + "\n")
    if a.output:
        print(f"wrote {len(rows)} networks to {a.output}")
    return 0


def register(sub):
    p = sub.add_parser("lower-bound", help="restriction lower bounds from verified minima",
                       description=__doc__.split("\n\n")[1])
    p.add_argument("--proofs", action="append",
                   help="folder of minimum directories (repeatable; default proofs)")
    p.add_argument("--claims", metavar="DIR",
                   help="write a lower-bound claim (certify/lower_bound.py) per row whose "
                        "restriction bound comes from a smaller question and beats counting")
    p.add_argument("--registry", help="best-known registry.json: one row per entry")
    p.add_argument("--question", action="append",
                   help="uand:M:MODE:ACT:B:BIAS[:CODE]:THETA, perms:M:..., pairsets:M:K:...")
    p.add_argument("--checkers", nargs="+", default=["native"],
                   choices=["native", "python", "drup"],
                   help="proof checkers run on each minimum's UNSAT half (default native)")
    p.add_argument("-o", "--output", help="write the table as JSON here")
    p.add_argument("--check", metavar="FILE",
                   help="re-derive every lower bound of FILE (exit 1 on any failure)")
    p.add_argument("--root", default=".", help="with --check: certificates are relative to it")
    p.set_defaults(func=cmd_lower_bound)

    p = sub.add_parser("compose", help="uand networks for larger m from verified smaller ones",
                       description="Explicit universal AND, one hidden layer: the narrowest "
                                   "of indicators (width m), add_pairs and add_features "
                                   "(constructions/compose.py) from the --base networks; "
                                   "every network is verified over all of X(m, 2).")
    p.add_argument("--m", required=True, help="M or LO..HI")
    p.add_argument("--activation", choices=["step", "relu"], required=True,
                   help="hidden activation")
    p.add_argument("--B", type=int, default=2, help="weight bound (default 2)")
    p.add_argument("--bias", type=int, default=2, help="bias bound (default 2)")
    p.add_argument("--theta", type=int, default=1, help="readout threshold (default 1)")
    p.add_argument("--base", action="append", help="network.json of a smaller uand network")
    p.add_argument("-o", "--output", help="folder for the composed networks")
    p.set_defaults(func=cmd_compose)


def main(argv=None):  # pragma: no cover - `python -m superpos_formal.cli.midrange`
    import argparse
    ap = argparse.ArgumentParser(prog="superpos")
    sub = ap.add_subparsers(dest="command", required=True)
    register(sub)
    a = ap.parse_args(argv)
    try:
        return a.func(a)
    except InputError as e:
        print(f"superpos: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
