"""Check every committed result against the explicit lower bounds.

Two sources, both plain files:

* ``proofs/**/minimum.json`` (a certified minimum: its SAT bundle's
  ``claim.json`` gives the subject and shape) and every SAT ``claim.json``
  (a verified network of width ``n`` exists, so ``n >= n_lb`` too);
* campaign records ``search/results/*.jsonl``: each row's ``minimum`` (a
  certified minimum, or a solver claim when ``certified`` is false) and
  ``best_n`` (the width of a verified network).

A value below its bound raises :class:`~superpos_formal.errors.SoundnessError`
(:func:`~superpos_formal.bounds.explicit.check_minimum_against_bound`). An
empty scan, an unreadable record or an unknown field is an
:class:`~superpos_formal.errors.InputError`: the check never passes vacuously.

Examples
--------
>>> subject, shape = subject_from_cell({"task": {"kind": "uand", "m": 5},
...     "shape": {"mode": "explicit", "activation": "step", "B": 2}})
>>> from superpos_formal.bounds.explicit import check_minimum_against_bound
>>> check_minimum_against_bound(4, subject, shape)
4
"""

import json
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from ..schema import family_from_dict, load_json, task_from_dict
from ..shape import Shape
from .. import tasks
from .explicit import check_minimum_against_bound

__all__ = ["CheckedValue", "subject_from_claim", "subject_from_cell", "scan_results"]


@dataclass
class CheckedValue:
    """One committed value checked against its bound."""

    source: str
    subject: str
    shape: dict
    quantity: str
    value: int
    bound: int
    kind: str          # "certified minimum", "verified network", "claimed minimum"

    def row(self):
        return {"source": self.source, "subject": self.subject, "quantity": self.quantity,
                "value": self.value, "n_lb": self.bound, "kind": self.kind}


def subject_from_claim(claim):
    """``(subject, Shape)`` of a ``claim.json`` document."""
    if not isinstance(claim, dict) or "shape" not in claim:
        raise InputError("claim: expected an object with a shape")
    if "family" in claim:
        subject = family_from_dict(claim["family"])
    elif "task" in claim:
        subject = task_from_dict(claim["task"])
    else:
        raise InputError("claim: neither task nor family")
    return subject, Shape.from_dict(claim["shape"])


_TASKS = {"uand": lambda c: tasks.uand(c["m"], c.get("s", 2)),
          "identity": lambda c: tasks.identity(c["m"], c.get("s", 1)),
          "parity": lambda c: tasks.parity(c["m"], c.get("s")),
          "majority": lambda c: tasks.majority(c["m"], c.get("s"))}
_FAMILIES = {"permutations": lambda c: tasks.permutation_family(c["m"], c.get("s", 1)),
             "pair-sets": lambda c: tasks.pair_set_family(c["m"], c["m_out"], c.get("s", 2),
                                                          c.get("op", "and")),
             "pair_sets": lambda c: tasks.pair_set_family(c["m"], c["m_out"], c.get("s", 2),
                                                          c.get("op", "and"))}
_SHAPE_KEYS = {"mode", "activation", "L", "B", "B_bias", "B_code", "theta", "codes",
               "tolerance"}


def subject_from_cell(cell):
    """``(subject, Shape)`` of a campaign cell (``search/*.json`` grid entry)."""
    if "task" in cell:
        d, table = cell["task"], _TASKS
    elif "family" in cell:
        d, table = cell["family"], _FAMILIES
    else:
        raise InputError("cell: neither task nor family")
    if d.get("kind") not in table:
        raise InputError(f"cell: unknown kind {d.get('kind')!r}")
    subject = table[d["kind"]](d)
    sh = dict(cell["shape"])
    extra = set(sh) - _SHAPE_KEYS
    if extra:
        raise InputError(f"cell.shape: unknown field {sorted(extra)[0]!r}")
    if sh.get("codes") not in (None, "free") and sh.get("mode") == "superposed":
        raise InputError(f"cell.shape: codes={sh['codes']!r} has no minimum to check")
    if sh.get("mode") == "superposed":
        sh["codes"] = "free"
    return subject, Shape(n=1, **sh)


def _check(out, source, subject, shape, value, kind, quantity="n"):
    lb = check_minimum_against_bound(value, subject, shape, quantity)
    sd = {k: v for k, v in shape.to_dict().items() if k not in ("E", "R")}
    out.append(CheckedValue(str(source), subject.name, sd, quantity, value, lb, kind))


def _scan_proofs(root, out):
    for mfile in sorted(root.rglob("minimum.json")):
        mdoc = load_json(mfile)
        if mdoc.get("format") != "superpos-formal/minimum":
            raise InputError(f"{mfile}: format: not a minimum")
        q = {"n": "n", "params": "params", "bits": "bits"}.get(mdoc.get("quantity"))
        if q is None:
            raise InputError(f"{mfile}: quantity: unknown {mdoc.get('quantity')!r}")
        claim = load_json(mfile.parent / mdoc["sat"] / "claim.json")
        subject, shape = subject_from_claim(claim)
        if q == "n" and shape.n != mdoc["value"]:
            raise InputError(f"{mfile}: value {mdoc['value']} differs from the SAT "
                             f"bundle's n = {shape.n}")
        _check(out, mfile.parent, subject, shape, mdoc["value"], "certified minimum", q)
    for cfile in sorted(root.rglob("claim.json")):
        claim = load_json(cfile)
        if claim.get("answer") != "SAT":
            continue
        subject, shape = subject_from_claim(claim)
        _check(out, cfile.parent, subject, shape, shape.n, "verified network")


def _scan_jsonl(path, out):
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}:{i}: not valid JSON ({e.msg})") from None
        if "cell" not in row:
            raise InputError(f"{path}:{i}: cell: missing")
        if row.get("minimum") is None and row.get("best_n") is None:
            continue
        subject, shape = subject_from_cell(row["cell"])
        if row.get("minimum") is not None:
            kind = "claimed minimum" if row.get("certified") is False else "certified minimum"
            _check(out, f"{path}:{i}", subject, shape, row["minimum"], kind)
        if row.get("best_n") is not None:
            _check(out, f"{path}:{i}", subject, shape, row["best_n"], "verified network")


def scan_results(paths):
    """Check every committed value under ``paths`` (directories holding proof
    bundles and/or ``*.jsonl`` campaign records, or such files); return the
    :class:`CheckedValue` rows. Raises ``SoundnessError`` on a violation and
    ``InputError`` when nothing was found."""
    out = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise InputError(f"{p}: no such file or directory")
        if p.is_file():
            if p.suffix != ".jsonl":
                raise InputError(f"{p}: expected a .jsonl campaign record or a directory")
            _scan_jsonl(p, out)
            continue
        _scan_proofs(p, out)
        for j in sorted(p.rglob("*.jsonl")):
            _scan_jsonl(j, out)
    if not out:
        raise InputError(f"no committed minimum or verified network under "
                         f"{', '.join(map(str, paths))}")
    return out
