"""Reproducible search campaigns: a JSON file of cells in, a result table out.

A campaign file (``search/*.json``)::

    {"format": "superpos-formal/campaign", "version": 1,
     "name": "uand-explicit",
     "time_limit": 600,                  # seconds per solve (hard; UNKNOWN past it)
     "proof": true,                      # bundle each established minimum
     "family_method": "orbits-far",      # optional: how family cells are decided
     "cells": [
        {"task": {"kind": "uand", "m": 4},            # or "family": {...}
         "shape": {"mode": "explicit", "activation": "step", "n": 1, "B": 2},
         "n_max": 8}, ...]}

``task`` takes the arguments of the CLI's task builder (``kind``, ``m``,
``s``, ``pairs``, ``pi``, ``m_out``, ``seed``); ``family`` is ``{"kind":
"permutations" | "pair-sets", "m": .., "m_out": .., "s": .., "op": ..}``.

``family_method`` (optional, one of
:data:`~superpos_formal.options.FAMILY_METHODS`, default ``"cegis"``) says how
the family cells are decided per width. Like ``time_limit`` it is a property
of the attempt, not of the question: every method answers SAT with every
member's network verified and UNSAT only with an actual subfamily's checked
refutation, so it is not part of a cell's id; each record names it.

Each cell is a min-neurons search; its record (stable ``id`` = hash of the
cell) is appended to ``<results>/<name>.jsonl`` as soon as it is decided, so
an interrupted campaign resumes where it stopped and nothing already stored
is rewritten. ``<results>/<name>.md`` is regenerated from the records.
"""

import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .certify.proofcheck.unsat import check_unsat
from .certify.bundles.make_claim import publish
from .certify.from_answer import bundle_minimum
from .errors import InputError
from .schema import load_json
from .shape import Shape
from .ids import stable_id
from .options import FAMILY_METHODS, SolveOptions
from .results import Mode, Status, bounds_label
from .solve.equivariant import family_decider
from .solve.family import min_neurons_family
from .solve.search import min_neurons
from .tables import pipe_table
from .tasks import Family, all_pairs, build_family, build_task

__all__ = ["load_campaign", "run_campaign", "run_cell", "render_table", "check_record",
           "subject_label", "scratch_paths"]


#: fields a campaign file and a cell may have (anything else is refused:
#: a misspelt option must not be silently ignored)
CAMPAIGN_FIELDS = {"format", "version", "name", "description", "time_limit", "proof", "cells",
                   "family_method"}
CELL_FIELDS = {"task", "family", "shape", "n_min", "n_max"}
#: a campaign name becomes a file name under --results: one path component
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


def _is_int(v, lo):
    return isinstance(v, int) and not isinstance(v, bool) and v >= lo


def load_campaign(path):
    """Read and validate a campaign file; InputError naming the field, the
    value and what was expected (nothing is run before all of it passes).

    Checked: the header; ``name`` (one safe path component: it names files
    under ``--results``); ``time_limit`` (a finite positive number or null);
    ``proof`` (boolean); ``family_method`` (one of
    :data:`~superpos_formal.options.FAMILY_METHODS`); every cell (an object
    with exactly one of ``task`` / ``family``, both objects, a ``shape``
    object that makes a shape, integer ``1 <= n_min <= n_max``); no unknown
    fields; no two cells that are the same question (they would be solved
    twice and stored under one id).
    """
    d = load_json(path)
    if not isinstance(d, dict) or d.get("format") != "superpos-formal/campaign":
        raise InputError(f"{path}: format: expected 'superpos-formal/campaign'")
    extra = sorted(set(d) - CAMPAIGN_FIELDS)
    if extra:
        raise InputError(f"{path}: {extra[0]}: unknown field (a campaign has "
                         f"{', '.join(sorted(CAMPAIGN_FIELDS))})")
    if d.get("version", 1) != 1:
        raise InputError(f"{path}: version: unsupported {d['version']!r} (this reads 1)")
    name = d.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or ".." in name:
        raise InputError(f"{path}: name: {name!r} is not a plain name (letters, digits, "
                         f"'.', '_', '-'; it names files under --results)")
    tl = d.get("time_limit")
    if tl is not None and not (isinstance(tl, (int, float)) and not isinstance(tl, bool)
                               and math.isfinite(tl) and 0 < tl <= 365 * 24 * 3600):
        raise InputError(f"{path}: time_limit: {tl!r} is not a positive number of seconds")
    if not isinstance(d.get("proof", False), bool):
        raise InputError(f"{path}: proof: {d['proof']!r} is not true or false")
    if not isinstance(d.get("description", ""), str):
        raise InputError(f"{path}: description: expected a string")
    if d.get("family_method", "cegis") not in FAMILY_METHODS:
        raise InputError(f"{path}: family_method: {d['family_method']!r} is not one of "
                         f"{', '.join(FAMILY_METHODS)}")
    if not isinstance(d.get("cells"), list) or not d["cells"]:
        raise InputError(f"{path}: cells: expected a non-empty list")
    seen = {}
    for i, c in enumerate(d["cells"]):
        where = f"{path}: cells[{i}]"
        if not isinstance(c, dict):
            raise InputError(f"{where}: expected an object, got {type(c).__name__}")
        extra = sorted(set(c) - CELL_FIELDS)
        if extra:
            raise InputError(f"{where}.{extra[0]}: unknown field (a cell has "
                             f"{', '.join(sorted(CELL_FIELDS))})")
        if ("task" in c) == ("family" in c):
            raise InputError(f"{where}: give exactly one of task or family")
        for key in ("task", "family", "shape"):
            if key in c and not isinstance(c[key], dict):
                raise InputError(f"{where}.{key}: expected an object, got "
                                 f"{type(c[key]).__name__}")
        if "shape" not in c:
            raise InputError(f"{where}.shape: missing")
        for key, lo in (("n_min", 1), ("n_max", 1)):
            if key in c and not _is_int(c[key], lo):
                raise InputError(f"{where}.{key}: {c[key]!r} is not an integer >= {lo}")
        if c.get("n_min", 1) > c.get("n_max", 8):
            raise InputError(f"{where}: n_min {c.get('n_min', 1)} exceeds n_max "
                             f"{c.get('n_max', 8)}")
        _subject(c, where)
        if "B" not in c["shape"]:
            # the weight bound's default changed (1 -> 2, issue 23): a file
            # that leaves it out would silently ask another question
            raise InputError(f"{where}.shape.B: missing (a campaign states its weight bound)")
        try:
            Shape.from_dict(dict(c["shape"], n=c["shape"].get("n", 1)))
        except (InputError, TypeError, ValueError) as e:
            raise InputError(f"{where}.shape: {e}") from None
        # the normalised question (defaults written out), as the store keys it
        key = stable_id(question_of(c))
        if key in seen:
            raise InputError(f"{where}: the same cell as cells[{seen[key]}] once defaults "
                             f"are filled in (it would be solved twice and stored under "
                             f"one id)")
        seen[key] = i
    return d


#: what a stored width row may say
ROW_STATUSES = ("SAT", "UNSAT", "UNKNOWN", "NOCODE")
#: integers stored in SQLite columns must fit 64 bits; widths and sizes far
#: below that are all a record can honestly hold
_MAX_INT = 2 ** 62


def _num(v, lo=0.0):
    return (isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
            and lo <= v <= _MAX_INT)


def _int(v, lo=0):
    return isinstance(v, int) and not isinstance(v, bool) and lo <= v <= _MAX_INT


def check_record(rec):
    """Check a campaign record (from the store, a JSONL file or a worker)
    before it is stored or rendered; InputError naming the field.

    A record is data from disk: every field the store and the tables read
    is checked for presence and type here, once, so a tampered or truncated
    record is refused with its name instead of crashing a table later.
    Returns ``rec``.
    """
    def bad(field, why):
        raise InputError(f"{field}: {why}")

    if not isinstance(rec, dict):
        bad("record", f"expected an object, got {type(rec).__name__}")
    cell = rec.get("cell")
    if not isinstance(cell, dict):
        bad("cell", "missing or not an object")
    if "shape" not in cell or not isinstance(cell["shape"], dict):
        bad("cell.shape", "missing or not an object")
    if ("task" in cell) == ("family" in cell):
        bad("cell", "needs exactly one of task or family")
    subj = cell.get("task", cell.get("family"))
    where = "cell.task" if "task" in cell else "cell.family"
    if not isinstance(subj, dict):
        bad(where, "expected an object")
    if not isinstance(subj.get("kind"), str):
        bad(f"{where}.kind", f"{subj.get('kind')!r} is not a task kind")
    if not _int(subj.get("m"), 1):
        bad(f"{where}.m", f"{subj.get('m')!r} is not an integer >= 1")
    for key in ("n_min", "n_max"):
        if key in cell and not _int(cell[key], 1):
            bad(f"cell.{key}", f"{cell[key]!r} is not an integer >= 1")
    try:
        Shape.from_dict(dict(cell["shape"], n=cell.get("n_min", 1)))
    except (InputError, KeyError, TypeError, ValueError, OverflowError) as e:
        bad("cell.shape", str(e))
    err = rec.get("error")
    if err is not None and not isinstance(err, str):
        bad("error", "expected a string")
    subject = rec.get("subject")
    if not isinstance(subject, str) and not (subject is None and err):
        bad("subject", f"{subject!r} is not a string")
    table = rec.get("table")
    if not isinstance(table, list):
        bad("table", "missing or not a list")
    for i, row in enumerate(table):
        if not isinstance(row, dict):
            bad(f"table[{i}]", f"expected an object, got {type(row).__name__}")
        if not _int(row.get("n"), 0):
            bad(f"table[{i}].n", f"{row.get('n')!r} is not a width")
        if row.get("status") not in ROW_STATUSES:
            bad(f"table[{i}].status", f"{row.get('status')!r} is not one of "
                                      f"{', '.join(ROW_STATUSES)}")
        if not _num(row.get("seconds")):
            bad(f"table[{i}].seconds", f"{row.get('seconds')!r} is not a number of seconds")
        for key in ("B", "vars", "clauses"):
            if row.get(key) is not None and not _int(row[key], 0):
                bad(f"table[{i}].{key}", f"{row[key]!r} is not a non-negative integer")
        if row.get("proof") is not None and not isinstance(row["proof"], str):
            bad(f"table[{i}].proof", "expected a string")
    if "minimum" not in rec:
        bad("minimum", "missing (null when no width was SAT)")
    if rec["minimum"] is not None and not _int(rec["minimum"], 0):
        bad("minimum", f"{rec['minimum']!r} is not an integer or null")
    if not _num(rec.get("seconds")) and not (err and rec.get("seconds") is None):
        bad("seconds", f"{rec.get('seconds')!r} is not a number of seconds")
    tl = rec.get("time_limit")
    if tl is not None and not (_num(tl) and tl > 0):
        bad("time_limit", f"{tl!r} is not a positive number or null")
    if not isinstance(rec.get("certified", False), bool):
        bad("certified", f"{rec['certified']!r} is not true or false")
    for key in ("note", "bundle_note", "bundle", "id", "minimum_bundle", "regenerate",
                "family_method"):
        if rec.get(key) is not None and not isinstance(rec[key], str):
            bad(key, f"{rec[key]!r} is not a string")
    bc = rec.get("best_counts")
    if bc is not None:
        if not isinstance(bc, dict):
            bad("best_counts", f"expected an object, got {type(bc).__name__}")
        for key in ("params_nonzero", "bits"):
            if not _int(bc.get(key), 0):
                bad(f"best_counts.{key}", f"{bc.get(key)!r} is not a non-negative integer")
    for key in ("best_n", "bytes", "minimum_bytes"):
        if rec.get(key) is not None and not _int(rec[key], 0):
            bad(key, f"{rec[key]!r} is not a non-negative integer")
    if rec.get("sat_only") and not _int(rec.get("minimum_bytes"), 0):
        bad("minimum_bytes", "missing for a sat_only bundle")
    if rec.get("cut") is not None and not isinstance(rec["cut"], str):
        bad("cut", "expected a string")
    return rec


def subject_label(cell):
    """The subject's name of a cell (``uand(m=3)``), or a plain description
    when the cell does not build (a record of a failed attempt still needs
    a label)."""
    try:
        task, fam = _subject(cell)
        return task.name if task else fam.name
    except InputError:
        subj = cell.get("task") or cell.get("family") or {}
        return f"{subj.get('kind', '?')}(m={subj.get('m', '?')})"


def question_of(cell):
    """The question a campaign cell asks, with every bound resolved.

    The shape is normalised through :class:`~superpos_formal.shape.Shape`
    so defaults (``B_bias = B``, ``B_code``, ``theta``) are written out: two
    cells that differ only in how a default is spelt ask one question.

    >>> q = question_of({"task": {"kind": "uand", "m": 3},
    ...                  "shape": {"mode": "explicit", "activation": "step", "B": 2}})
    >>> q["shape"]["B_bias"], q["shape"]["theta"], q["n_min"], q["n_max"]
    (2, 1, 1, 8)
    """
    sh = Shape.from_dict(dict(cell["shape"], n=cell.get("n_min", 1))).to_dict()
    sh.pop("n", None)
    q = {"question": "min-neurons", "shape": sh,
         "n_min": cell.get("n_min", 1), "n_max": cell.get("n_max", 8)}
    if "task" in cell:
        q["task"] = cell["task"]
    else:
        q["family"] = cell["family"]
    return q


def _subject(cell, where="cell"):
    try:
        if "task" in cell:
            t = dict(cell["task"])
            kind = t.pop("kind", None)
            m = t.pop("m", None)
            if m is None:
                raise InputError("task.m: missing")
            return build_task(kind, m, **t), None
        f = dict(cell["family"])
        kind = f.pop("kind", None)
        m = f.pop("m", None)
        if m is None:
            raise InputError("family.m: missing")
        return None, build_family(kind, m, **f)
    except (KeyError, TypeError) as e:
        raise InputError(f"{where}: malformed cell ({e})") from None
    except InputError as e:
        raise InputError(f"{where}: {e}") from None


def _done(path, report=None):
    """The records already stored in ``path`` (JSONL), by id.

    A last line without its newline is what a runner killed in the middle of
    an append leaves: it is dropped (the file is cut back to its last
    complete record, so the next append starts on a fresh line), reported
    through ``report``, and that cell is run again. Any other malformed
    line is an InputError naming the line: complete records are never
    dropped silently.
    """
    out = {}
    if not path.exists():
        return out
    if not path.is_file():
        raise InputError(f"{path}: exists and is not a file")
    data = path.read_bytes()
    end = data.rfind(b"\n") + 1
    if end < len(data):
        torn = data[end:]
        if report is not None:
            report(f"{path}: dropped a torn last line ({len(torn)} bytes, cut off in the "
                   f"middle of an append); its cell runs again")
        with open(path, "r+b") as fh:
            fh.truncate(end)
        data = data[:end]
    for k, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
            out[r["id"]] = r
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{k}: malformed record ({e})") from None
    return out


def _append(path, rec):
    """Append one record as one write of one line, flushed to disk."""
    line = (json.dumps(rec) + "\n").encode()
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)


def run_campaign(path, results_dir="search/results", proofs_dir=None, progress=None,
                 only=None):
    """Run (or resume) the campaign at ``path``; returns the records."""
    camp = load_campaign(path)
    name = camp["name"]
    limit = camp.get("time_limit")
    res_dir = Path(results_dir)
    if res_dir.exists() and not res_dir.is_dir():
        raise InputError(f"--results: {res_dir} exists and is not a directory")
    res_dir.mkdir(parents=True, exist_ok=True)
    store = res_dir / f"{name}.jsonl"
    done = _done(store, report=progress or (lambda m: print(m, file=sys.stderr)))
    records = []
    for i, cell in enumerate(camp["cells"]):
        cid = stable_id({"cell": cell, "time_limit": limit})
        if cid in done:
            records.append(done[cid])
            continue
        if only is not None and i not in only:
            continue
        if progress:
            progress(f"[{i + 1}/{len(camp['cells'])}]")
        rec = run_cell(camp, cell, cid, proofs_dir=proofs_dir, progress=progress)
        _append(store, rec)
        records.append(rec)
        (res_dir / f"{name}.md").write_text(render_table(camp, records))
    (res_dir / f"{name}.md").write_text(render_table(camp, records))
    return records


def run_cell(camp, cell, cid, proofs_dir=None, progress=None):
    """Decide one campaign cell (a min-neurons search); returns its record.

    Writes nothing but the cell's bundle (built in a temporary folder and
    renamed when complete); storing the record is the caller's job, so a
    Dask worker can run this and hand the record back to the one writer.
    The record names every bound of the question (``bounds``).
    """
    limit = camp.get("time_limit")
    task, fam = _subject(cell)
    shape = Shape.from_dict(dict(cell["shape"], n=cell.get("n_min", 1)))
    n_max = cell.get("n_max", 8)
    label = task.name if task else fam.name
    if progress:
        progress(f"{label} {shape.mode}/{shape.activation} L={shape.L} {bounds_label(shape)}")
    proof_dir = None
    want_proof = camp.get("proof") and proofs_dir
    if want_proof:
        proof_dir = str(Path(proofs_dir) / "work" / cid)
    t0 = time.perf_counter()
    method = camp.get("family_method", "cegis")
    opts = SolveOptions(time_limit=limit, progress=progress,
                        family_method=method if fam is not None else "cegis")
    if fam is not None:
        # the per-width decision is passed in: min_neurons_family does not
        # read options.family_method (solve/family.py imports no method)
        res = min_neurons_family(fam, shape, opts, checker=check_unsat,
                                 n_min=cell.get("n_min", 1), n_max=n_max,
                                 proof_dir=proof_dir, decide=family_decider(method))
    else:
        res = min_neurons(task, shape, opts, checker=check_unsat,
                          n_min=cell.get("n_min", 1), n_max=n_max, proof_dir=proof_dir)
    table = res.table()
    for row, c in zip(table, res.cells):
        if row["status"] == "UNKNOWN":
            # which limit stopped it (time, budget, memory) and why: a cell cut
            # by a budget or a memory cap did not reach its time limit
            row["limit"] = c.limit
            row["reason"] = c.reason or ""
    rec = {
        "id": cid, "cell": cell, "subject": label, "bounds": bounds_label(shape),
        "minimum": res.minimum, "certified": res.certified, "note": res.note,
        "table": table, "seconds": round(time.perf_counter() - t0, 2),
        "time_limit": limit,
    }
    if fam is not None and "family_method" in camp:
        rec["family_method"] = method
    if res.best is not None:
        b = res.best
        rec["best_counts"] = b.networks[0].counts()
        rec["best_n"] = b.shape.n
    if want_proof and res.minimum is not None and not res.certified:
        below = [c for c in res.cells if c.status == Status.UNSAT]
        rec["bundle_note"] = below[-1].check_note if below else ""
    elif want_proof and res.minimum is not None:
        rec.update(_bundle(res, task, fam, Path(proofs_dir) / camp["name"] /
                           label_slug(task or fam, shape), cell, cid,
                           method=rec.get("family_method")))
    if proof_dir:
        shutil.rmtree(proof_dir, ignore_errors=True)
    return rec


def label_slug(subject, shape):
    """A bundle folder name a person can read and a shell needs no quotes
    for, naming the subject and every bound of the question.

    >>> from superpos_formal.tasks import pair_set_family, uand
    >>> from superpos_formal.shape import Shape
    >>> label_slug(uand(4), Shape("explicit", "relu", n=1, B=2))
    'uand-m4-s2-explicit-relu-L1-B2-bias2-theta1'
    >>> label_slug(pair_set_family(3, 1), Shape("superposed", "relu", n=1, B=1, codes="free"))
    'and-pair-sets-m3-mout1-s2-superposed-relu-L1-B1-bias1-code1-theta1'
    """
    p = dict(subject.params)
    if isinstance(subject, Family):
        kind = {"pair_sets": f"{p.get('op', 'and')}-pair-sets"}.get(subject.kind, subject.kind)
        head = f"{kind}-m{subject.m}-mout{subject.m_out}-s{subject.s}"
        if subject.sample:
            sp = dict(subject.sample)
            head += f"-sample{sp['k']}-seed{sp['seed']}"
    elif subject.kind == "and_pairs" and p.get("pairs") == all_pairs(subject.m):
        head = f"uand-m{subject.m}-s{subject.s}"
    elif subject.kind in ("and_pairs", "or_pairs", "xor_pairs"):
        pairs = "_".join(f"{i}{j}" if subject.m <= 10 else f"{i}x{j}" for i, j in p["pairs"])
        head = f"{subject.kind.replace('_', '-')}-m{subject.m}-s{subject.s}-p{pairs}"
    elif subject.kind == "permutation":
        head = f"permutation-m{subject.m}-s{subject.s}-pi{'_'.join(map(str, p['pi']))}"
    else:
        head = f"{subject.kind}-m{subject.m}-mout{subject.m_out}-s{subject.s}"
        if subject.kind == "table":
            head += f"-{subject.id[:8]}"
    bounds = [f"B{shape.B}"]
    if shape.L > 0:
        bounds.append(f"bias{shape.B_bias}")
    if shape.mode == Mode.SUPERPOSED:
        bounds.append(f"code{shape.B_code}")
    bounds.append(f"theta{shape.theta}")
    s = f"{head}-{shape.mode}-{shape.activation}-L{shape.L}-{'-'.join(bounds)}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", s).strip("-")[:120]


#: bundles larger than this are not committed (proofs/README.md): the SAT
#: half is kept, the whole minimum goes to proofs/large/ (git-ignored) and
#: the record carries the command that regenerates it.
MAX_COMMITTED_BYTES = 2_000_000


def _size(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def scratch_paths(proofs_dir, camp_name, cid):
    """The scratch a cell's run makes under ``proofs_dir`` (its proof work
    folder, its bundle's temporary build folders): what a run cut before
    it could clean up leaves behind, removed by the caller."""
    root = Path(proofs_dir)
    return [root / "work" / cid, *sorted((root / camp_name).glob(f".tmp-{cid}-*"))]


def _bundle(res, task, fam, dest, cell=None, cid="x", method=None):
    best = res.best
    # built and verified in a temporary sibling, then renamed: a run killed
    # at any point leaves either no bundle or a complete, verified one
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    # named by the cell id: scratch_paths finds it after a cut run
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{cid}-", dir=dest.parent))
    try:
        bundle_minimum(res, tmp, task=task, family=fam, overwrite=True, headline=True)
        publish(tmp, dest)  # the old bundle is removed only after the move
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    out = {"bundle": str(dest), "bytes": _size(dest)}
    if out["bytes"] > MAX_COMMITTED_BYTES:
        dest = Path(dest)
        parts = dest.parts
        i = parts.index(dest.parent.name)
        large = Path(*parts[:i]) / "large" / Path(*parts[i:])
        if large.exists():
            shutil.rmtree(large)
        large.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(dest), str(large))
        sat = large / f"n{best.shape.n}-sat"
        shutil.copytree(sat, dest)
        out = {"bundle": str(dest), "bytes": _size(dest), "sat_only": True,
               "minimum_bundle": str(large), "minimum_bytes": _size(large),
               "regenerate": regenerate_command(cell, best.shape.n, method)}
    return out


def regenerate_command(cell, n, family_method=None):
    """The ``superpos min-neurons`` call that re-derives a minimum claim
    (with ``--family-method`` when the campaign named one: the default loop
    may not decide the cell in any reasonable time).

    >>> regenerate_command({"family": {"kind": "permutations", "m": 6},
    ...                     "shape": {"mode": "superposed", "activation": "relu", "B": 1}},
    ...                    3, "orbits-far").split(" --n-min ")[1]
    '2 --n-max 3 --family-method orbits-far --proof -o out/regen'
    """
    if cell is None:
        return None
    sh = cell["shape"]
    args = ["superpos", "min-neurons"]
    if "task" in cell:
        t = cell["task"]
        args += ["--task", t["kind"], "--m", str(t["m"])]
        for k in ("s", "m_out", "seed"):
            if k in t:
                args += [f"--{k.replace('_', '-')}", str(t[k])]
    else:
        f = cell["family"]
        args += ["--family", f["kind"], "--m", str(f["m"])]
        for k in ("s", "m_out", "op"):
            if k in f:
                args += [f"--{k.replace('_', '-')}", str(f[k])]
    args += ["--mode", sh["mode"], "--activation", sh["activation"]]
    for k in ("L", "B", "B_bias", "B_code", "theta", "codes"):
        if k in sh:
            args += [f"--{k.replace('_', '-')}", str(sh[k])]
    args += ["--n-min", str(max(1, n - 1)), "--n-max", str(n)]
    if family_method and family_method != "cegis":
        args += ["--family-method", family_method]
    args += ["--proof", "-o", "out/regen"]
    return " ".join(args)


def render_table(camp, records):
    """Markdown: one row per cell, the per-n answers and the conclusion."""
    lines = [f"# Campaign `{camp['name']}`", "",
             camp.get("description", ""), "",
             f"Per-solve limit: {camp.get('time_limit')} s. Answers per width: "
             "S = SAT (verified network), U = UNSAT (DRAT proof checked by dratify's "
             "native engine unless marked unchecked), ? = UNKNOWN (limit), with seconds.",
             ""]
    methods = sorted({r["family_method"] for r in records if r.get("family_method")})
    if methods:
        lines[-1:-1] = [f"Family cells decided with `family_method` {', '.join(methods)} "
                        "(every SAT member verified; UNSAT from a subfamily's checked "
                        "refutation, shown as `members k/N` by `superpos verify`).", ""]
    rows = []
    for r in records:
        sh = r["cell"]["shape"]
        shape = Shape.from_dict(dict(sh, n=1))
        shp = f"{shape.mode}/{shape.activation} L={shape.L} {bounds_label(shape)}"
        if shape.mode == Mode.SUPERPOSED:
            shp += f" codes={shape.codes}"
        per = " ".join(f"{row['n']}:{row['status'][0] if row['status'] != 'UNKNOWN' else '?'}"
                       f"{'' if row.get('proof') != 'unchecked' else '(unchecked)'}"
                       f"({row['seconds']}s)" for row in r["table"])
        if r["minimum"] is None:
            mn = f"UNKNOWN ({r.get('note') or 'no SAT'})"
        elif r["minimum"] > 1 and not r.get("certified", bool(r.get("bundle"))):
            mn = (f"{r['minimum']} if the UNSAT at n={r['minimum'] - 1} holds "
                  f"(its proof is not checked: {r.get('bundle_note', '')})")
        else:
            mn = str(r["minimum"])
        bc = r.get("best_counts")
        best = f"{bc['params_nonzero']} / {bc['bits']}" if bc else "-"
        bundle = r.get("bundle") or "-"
        if r.get("sat_only"):
            bundle += f" (SAT half; full minimum {r['minimum_bytes'] // 1_000_000} MB: regenerate)"
        subj = r["cell"].get("task") or r["cell"].get("family")
        label = (r["subject"] or subject_label(r["cell"])) + (f", s={subj['s']}" if "s" in subj
                                                               else "")
        if r.get("error"):
            # a failed attempt: no answer, rerun by the next campaign run
            mn = f"UNKNOWN (the attempt failed: {r['error'][:80]}; rerun)"
        rows.append([label, shp, per, mn, best, bundle])
    lines.append(pipe_table(rows, ["subject", "shape", "per-n answers", "minimum n",
                                   "best: params nz / bits", "bundle"]))
    return "\n".join(lines) + "\n"
