"""DRAT proofs: deterministic storage and checking by independent checkers.

An UNSAT answer is only ever a result once a checker that shares no code with
the solver has replayed its DRAT proof against the formula. DRAT (deletion
resolution asymmetric tautology) is the clausal proof format of Wetzler,
Heule, Hunt, "DRAT-trim: Efficient checking and trimming using expressive
clausal proofs", SAT 2014: each added clause must be RUP or RAT with respect
to the formula so far, and the proof ends in the empty clause. Three
checkers, three roles (docs/MODEL.md 6, "Answers and evidence"):

``native``
    dratify's forward checker in Rust (from ``cdclkit-native``, registered
    with ``dratify.register_native``). Fast; runs on every proof. It is fed
    the proof step by step (:mod:`.native_check`), never as a list of Python
    objects: that list cost ~1 KB per proof line (GBs on a cube worker).
``python``
    dratify's pure-Python forward checker: an independent implementation of
    the same rules. Runs when the proof has at most
    ``CheckerPolicy.python_max_lines`` lines (default 200,000).
``drup``
    the ``drup`` package (a checker extracted from verified code). It ignores
    deletions, which makes it slow on long proofs (time grows much faster than
    linearly); it runs for headline claims (``CheckerPolicy.headline``) and for
    proofs with at most ``CheckerPolicy.drup_max_additions`` added clauses (default
    2,000).

The thresholds come from one measurement on 2026-11-25, a shared 2-core
x86-64 machine, one checker process at a time (CaDiCaL 1.9.5 proofs via
python-sat; load not recorded, so read the rows as ratios between the
checkers; per-line costs of the forward checkers grow with formula size):

==============================  =======  ========  =======  ========  ========
formula                         clauses  lines     native   python    drup
==============================  =======  ========  =======  ========  ========
PHP(6)                          133      1,971     0.01 s   0.03 s    0.36 s
PHP(7)                          204      14,414    0.07 s   0.41 s    37.9 s
PHP(8)                          297      69,147    0.55 s   4.3 s     (skip)
random 3-SAT n=200 (4.6n)       919      25,934    0.24 s   2.0 s     --
explicit uand m=5 n=3 step B=2  --       410,779   7.4 s    157 s     --
==============================  =======  ========  =======  ========  ========

(The last row was measured on an earlier version of the encoder.) The Python engine costs about
55-400 microseconds per proof line, so 200,000 lines is at most about 80 s;
drup took 38 s on PHP(7)'s 7,474 additions and 0.36 s on PHP(6)'s 1,099, so
2,000 additions keeps it to seconds. Skipped checkers are recorded as
``SKIPPED`` with the reason; a headline claim runs drup up to
``CheckerPolicy.drup_headline_max_work`` (about three minutes).

Feeding drup. drup's string parser (``check_proof_from_strings`` /
``check_proof_from_files``) deletes newlines rather than turning them into
spaces, drops every piece that starts with ``c``, ``d`` or ``p`` (so a comment
line before the header swallows the first clause) and drops the empty clause.
We never give it text: :func:`check_drat` parses the formula and the proof
itself (line breaks are whitespace, as in drat-trim), drops deletion steps
explicitly (which is what drup does anyway; sound, since RUP is monotone in
the clause set), keeps the steps up to and including the first empty clause,
and calls ``drup.check_proof(formula_clauses, proof_clauses)`` with lists.

Time limits and signals. Each checker can be bounded on its own
(:func:`checker_time_limit`, or ``CheckerPolicy.checker_seconds``; ``superpos
verify --checker-seconds``): the checker then runs in a forked child
(:func:`superpos_formal.solve.runner.run`) that is killed at the limit, or
at what is left of the command's ``--budget``, and the checker is recorded
``SKIPPED`` with a reason that starts with :data:`LIMIT_REASON`; the other
checkers still run. drup runs in a child always (when this process may
fork): it is a long call that Python signal handlers cannot interrupt, so
in-process it held off SIGTERM / SIGINT for minutes; a child is killed at
once. A proof whose checkers were all cut is *not verified*, never passed
(:func:`record_checks`).

Storage. Proofs and formulas are stored gzipped with ``mtime=0`` and no file
name in the header, so the same text always gives the same bytes and the same
sha256 (:func:`gzip_bytes`, :func:`write_gz`).

Examples
--------
>>> recs = check_drat([[1, 2], [-1, 2], [1, -2], [-1, -2]], text="1 0\\n0\\n")
>>> [(r.checker, r.verdict) for r in recs]
[('native', 'VERIFIED'), ('python', 'VERIFIED'), ('drup', 'VERIFIED')]
>>> bad = check_drat([[1, 2], [-1, 2]], text="0\\n")
>>> sorted({r.verdict for r in bad})
['REJECTED']
"""

import gzip
import hashlib
import io
import multiprocessing as mp
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ...errors import InputError, SoundnessError
from ...solve.runner import run
from .native import _lines, check_native, iter_proof_steps

__all__ = [
    "CHECKERS", "DEFAULT_CHECKERS", "VERIFIED", "REJECTED", "SKIPPED",
    "CheckerPolicy", "CheckRecord", "check_drat", "require_verified", "record_checks",
    "gzip_bytes", "write_gz", "read_text", "sha256_bytes", "sha256_file",
    "sha256_text", "parse_dimacs", "clauses_to_dimacs", "proof_stats",
    "checker_versions", "checker_time_limit", "LIMIT_REASON",
]

#: how a checker cut by a time, budget or memory limit starts its reason
LIMIT_REASON = "cut by a limit: "

#: per-checker time limit in seconds when ``CheckerPolicy.checker_seconds`` is None
#: (set by :func:`checker_time_limit`; None: no limit)
_CHECKER_SECONDS = [None]


@contextmanager
def checker_time_limit(seconds):
    """Bound every checker run inside the ``with`` to ``seconds`` each, or
    per checker with a dict ``{checker: seconds}`` (None: no per-checker
    limit); each bounded checker runs in a killable child."""
    old, _CHECKER_SECONDS[0] = _CHECKER_SECONDS[0], seconds
    try:
        yield
    finally:
        _CHECKER_SECONDS[0] = old

VERIFIED, REJECTED, SKIPPED = "VERIFIED", "REJECTED", "SKIPPED"
CHECKERS = ("native", "python", "drup")
DEFAULT_CHECKERS = CHECKERS


@dataclass(frozen=True)
class CheckerPolicy:
    """When the slower checkers run (see the module docstring for the data).

    A policy of the proof checkers, not a time budget (the whole-command
    time budget is :class:`superpos_formal.budget.Budget`); functions that
    take one call the argument ``budget`` for historical reasons.

    ``python_max_lines``: the dratify Python engine runs on proofs of at most
    this many lines. ``drup_max_additions``: drup runs on proofs with at most
    this many added clauses and formula-size x additions work, with a larger
    work cap when ``headline`` is true.
    ``None`` means no limit.
    """

    python_max_lines: int = 200_000
    drup_max_additions: int = 2_000
    #: drup keeps every clause (it ignores deletions) and its time grows with
    #: formula size x additions: measured ~30 us per unit (PHP(7): 204 clauses
    #: x 7,474 additions, 38 s; explicit uand m=4 n=2: 5,900 x 661, 133 s).
    #: 1e6 units is about 30 s.
    drup_max_work: int = 1_000_000
    #: headline claims get drup up to this much work (~3 minutes); beyond it
    #: drup is SKIPPED with the reason recorded, never silently.
    drup_headline_max_work: int = 6_000_000
    headline: bool = False
    #: checkers for a bundle's second proof, ``base/`` or ``gen/`` (certify/bundles/certificate_kind.py);
    #: ``None``: the same as for the main proof. CI re-checks those with the
    #: native engine only; every checker's verdict at creation time stays in
    #: ``claim.json`` and ``base/logs/``.
    base_checkers: tuple = None
    #: re-solve and check proofs of F recorded as regenerable
    #: (certify/proofcheck/regenerable_proof.py): minutes per claim, so off by default
    regenerate_proofs: bool = False
    #: wall-clock seconds per checker run (None: :func:`checker_time_limit`'s,
    #: else none); a checker cut by it is SKIPPED with the reason
    checker_seconds: float = None


@dataclass
class CheckRecord:
    """What one checker said about one proof."""

    checker: str
    version: str
    verdict: str  # VERIFIED | REJECTED | SKIPPED
    seconds: float
    reason: str = ""
    log: str = field(default="", repr=False)

    def to_dict(self, with_log=False):
        d = asdict(self)
        d["seconds"] = round(self.seconds, 3)
        if not with_log:
            d.pop("log")
        return d

    @classmethod
    def from_dict(cls, d):
        return cls(d["checker"], d.get("version", ""), d["verdict"],
                   float(d.get("seconds", 0.0)), d.get("reason", ""), d.get("log", ""))


# ------------------------------------------------------------------ bytes

def gzip_bytes(data):
    """Deterministic gzip: ``mtime=0``, no file name, level 9."""
    if isinstance(data, str):
        data = data.encode("ascii")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    return buf.getvalue()


def write_gz(path, data):
    """Write ``data`` (str or bytes) gzipped, deterministically; returns the path."""
    path = Path(path)
    path.write_bytes(gzip_bytes(data))
    return path


def read_text(path):
    """Text of a file, gunzipped when it is gzip (by its magic bytes)."""
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise InputError(f"{Path(path).name}: not a valid gzip file ({e})") from None
    try:
        return raw.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(f"{Path(path).name}: not ASCII text") from None


def sha256_bytes(data):
    return hashlib.sha256(data).hexdigest()


def sha256_text(text):
    return sha256_bytes(text.encode("ascii"))


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ------------------------------------------------------------------ parsing

def clauses_to_dimacs(clauses, nvars=None):
    """DIMACS text of a clause list: header first, one clause per line."""
    clauses = [list(c) for c in clauses]
    if nvars is None:
        nvars = max((abs(l) for c in clauses for l in c), default=0)
    out = [f"p cnf {nvars} {len(clauses)}\n"]
    out.extend(" ".join(map(str, c)) + (" 0\n" if c else "0\n") for c in clauses)
    return "".join(out)


def parse_dimacs(text):
    """``(nvars, clauses)`` of DIMACS text; strict: the header must match.

    Line breaks are whitespace; ``c`` lines are comments. A missing header,
    a count that disagrees with it, an unterminated clause or a bad token is
    an :class:`InputError`.
    """
    nvars = ncl = None
    clauses, cur = [], []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line[0] == "c":
            continue
        if line[0] == "p":
            parts = line.split()
            if nvars is not None or len(parts) != 4 or parts[1] != "cnf":
                raise InputError(f"formula line {lineno}: bad header {line!r}")
            try:
                nvars, ncl = int(parts[2]), int(parts[3])
            except ValueError:
                raise InputError(f"formula line {lineno}: bad header {line!r}") from None
            continue
        if nvars is None:
            raise InputError(f"formula line {lineno}: clause before the 'p cnf' header")
        for tok in line.split():
            try:
                v = int(tok)
            except ValueError:
                raise InputError(f"formula line {lineno}: bad token {tok!r}") from None
            if abs(v) > nvars:
                raise InputError(f"formula line {lineno}: literal {v} exceeds "
                                 f"the header's {nvars} variables")
            if v == 0:
                clauses.append(cur)
                cur = []
            else:
                cur.append(v)
    if nvars is None:
        raise InputError("formula: no 'p cnf' header")
    if cur:
        raise InputError("formula: last clause not terminated by 0")
    if len(clauses) != ncl:
        raise InputError(f"formula: header says {ncl} clauses, found {len(clauses)}")
    return nvars, clauses


def _proof_steps(text):
    """``[(is_deletion, [DIMACS lits])]`` of DRAT text, by the one parser the
    native check uses (:func:`.native_check.iter_proof_steps`), so drup and
    the native engine read the same steps from the same text."""
    return [(dele, [(l >> 1) + 1 if not l & 1 else -((l >> 1) + 1) for l in lits])
            for dele, lits in iter_proof_steps(text)]


def proof_stats(text):
    """``{"lines", "additions", "deletions", "sha256"}`` of proof text."""
    lines = adds = dels = 0
    for _, raw in _lines(text):  # a chunk at a time: no list of every line
        s = raw.strip()
        if not s or s[0] == "c":
            continue
        lines += 1
        if s[0] == "d":
            dels += 1
        else:
            adds += 1
    return {"lines": lines, "additions": adds, "deletions": dels,
            "sha256": sha256_text(text)}


# ------------------------------------------------------------------ checkers

def checker_versions():
    """``{checker: version string}`` of the installed checkers."""
    from importlib.metadata import PackageNotFoundError, version

    def v(pkg):
        try:
            return version(pkg)
        except PackageNotFoundError:
            return "not installed"

    return {
        "native": f"dratify {v('dratify')} native engine (cdclkit-native {v('cdclkit-native')})",
        "python": f"dratify {v('dratify')} python engine",
        "drup": f"drup {v('drup')}",
    }


def _dratify_formula(nvars, clauses):
    import dratify

    f = dratify.CNF(nvars)
    for c in clauses:
        f.add_dimacs(c)
    return f


def _run_dratify(engine, nvars, clauses, text):
    import dratify

    try:
        if engine == "native":
            # the same engine, fed step by step: dratify.check_proof would
            # hold the whole proof as Python objects (~1 KB per line)
            res = check_native(nvars, clauses, text)
        else:
            res = dratify.check_proof(_dratify_formula(nvars, clauses), text, engine=engine)
    except ValueError as e:  # malformed proof text: not a proof
        return False, f"proof does not parse: {e}", f"s NOT VERIFIED\nc {e}"
    return res.ok, res.reason, res.report()


def _run_drup(clauses, text):
    import drup

    try:
        steps = _proof_steps(text)
    except ValueError as e:
        return False, f"proof does not parse: {e}", f"s NOT VERIFIED\nc {e}"
    adds, dropped_del, after_empty = [], 0, 0
    for i, (dele, lits) in enumerate(steps):
        if dele:
            dropped_del += 1
            continue
        adds.append(lits)
        if not lits:
            after_empty = len(steps) - i - 1
            break
    res = drup.check_proof([list(c) for c in clauses], adds)
    ok = res.outcome == drup.Outcome.VALID
    reason = ("every step RUP/RAT, empty clause derived" if ok
              else "drup: a step is neither RUP nor RAT, or no refutation")
    log = (f"s {'VERIFIED' if ok else 'NOT VERIFIED'}\nc {res}\n"
           f"c additions given to drup: {len(adds)}\n"
           f"c deletion steps dropped (drup ignores deletions): {dropped_del}\n"
           f"c steps after the first empty clause not given: {after_empty}")
    return ok, reason, log


def _may_fork():
    # a multiprocessing daemon may not start children; forking from a thread
    # other than the main one would leave the signal plumbing to that thread
    return (not mp.current_process().daemon
            and threading.current_thread() is threading.main_thread())


def _checker_call(name, nvars, clauses, text):
    if name == "drup":
        return _run_drup(clauses, text)
    return _run_dratify(name, nvars, clauses, text)


def _run_checker(name, nvars, clauses, text, budget):
    """``(ok, reason, log)`` of one checker, or why it gave no verdict (a
    str: starting with :data:`LIMIT_REASON` when a limit cut it). With a per-checker limit, and for
    drup always, the checker runs in a forked child killed at the limit."""
    limit = budget.checker_seconds if budget.checker_seconds is not None \
        else _CHECKER_SECONDS[0]
    if isinstance(limit, dict):
        limit = limit.get(name)
    if (limit is None and name != "drup") or not _may_fork():
        return _checker_call(name, nvars, clauses, text)
    try:
        out = run(_checker_call, name, nvars, clauses, text, time_limit=limit,
                  part=f"proof checking ({name})")
    except RuntimeError as e:  # the checker process died: no verdict, not a rejection
        return f"checker unavailable: {e}"
    if out.done:
        return out.value
    why = (f"per-checker time limit of {limit:g} s reached" if out.limit == "time"
           else out.reason)
    return f"{LIMIT_REASON}{why}"


def check_drat(cnf, proof_path=None, checkers=DEFAULT_CHECKERS, budget=None, *, text=None):
    """Check a DRAT proof of ``cnf`` with each of ``checkers``.

    Parameters
    ----------
    cnf : path or list of clauses
        A DIMACS file (plain or gzipped), or a list of DIMACS-literal clauses,
        or an object with ``.clauses`` and ``.nvars`` (an encoding).
    proof_path : path
        The DRAT proof (plain or gzipped); or give its ``text`` instead.
    checkers : iterable of "native", "python", "drup"
    budget : :class:`CheckerPolicy`

    Returns a list of :class:`CheckRecord`, one per checker, in the order
    given. Never raises for a bad proof (that is a ``REJECTED`` record); see
    :func:`require_verified`.
    """
    budget = budget or CheckerPolicy()
    checkers = tuple(checkers)
    for c in checkers:
        if c not in CHECKERS:
            raise InputError(f"checkers: unknown checker {c!r} (one of {', '.join(CHECKERS)})")
    if isinstance(cnf, (str, Path)):
        nvars, clauses = parse_dimacs(read_text(cnf))
    elif hasattr(cnf, "clauses"):
        # read, never changed, by every checker: no copy (a formula of
        # millions of clauses is hundreds of MB as Python lists)
        clauses = cnf.clauses
        nvars = getattr(cnf, "nvars", None) or max((abs(l) for c in clauses for l in c), default=0)
    else:
        clauses = cnf if isinstance(cnf, (list, tuple)) else [list(c) for c in cnf]
        nvars = max((abs(l) for c in clauses for l in c), default=0)
    if text is None:
        if proof_path is None:
            raise InputError("check_drat: give proof_path or text")
        text = read_text(proof_path)
    stats = proof_stats(text)
    versions = checker_versions()
    records = []
    for name in checkers:
        skip = None
        if (name == "python" and budget.python_max_lines is not None
                and stats["lines"] > budget.python_max_lines):
            skip = (f"proof has {stats['lines']} lines > limit {budget.python_max_lines} "
                    f"for the python engine")
        work_cap = budget.drup_headline_max_work if budget.headline else budget.drup_max_work
        if (name == "drup" and work_cap is not None
                and stats["additions"] * len(clauses) > work_cap):
            skip = (f"drup work {stats['additions']} additions x {len(clauses)} clauses "
                    f"> limit {work_cap}" + ("" if budget.headline else " (not a headline claim)"))
        elif (name == "drup" and not budget.headline and budget.drup_max_additions is not None
                and stats["additions"] > budget.drup_max_additions):
            skip = (f"proof has {stats['additions']} additions > limit "
                    f"{budget.drup_max_additions} for drup (not a headline claim)")
        if skip:
            records.append(CheckRecord(name, versions[name], SKIPPED, 0.0, skip,
                                       f"c SKIPPED: {skip}"))
            continue
        t0 = time.perf_counter()
        try:
            res = _run_checker(name, nvars, clauses, text, budget)
            if isinstance(res, str):  # cut by a limit
                dt = time.perf_counter() - t0
                records.append(CheckRecord(name, versions[name], SKIPPED, dt, res,
                                           f"c SKIPPED: {res}"))
                continue
            ok, reason, log = res
        except (ImportError, OSError) as e:
            records.append(CheckRecord(name, versions[name], SKIPPED, 0.0,
                                       f"checker unavailable: {e}", f"c SKIPPED: {e}"))
            continue
        dt = time.perf_counter() - t0
        records.append(CheckRecord(name, versions[name], VERIFIED if ok else REJECTED,
                                   dt, reason, log + f"\nc seconds: {dt:.3f}\n"))
    return records


def require_verified(records, what="proof"):
    """Raise :class:`SoundnessError` if any checker rejected, or none verified.

    Called where an UNSAT answer becomes a claim: a rejection there means a
    bug in the encoder, the solver or a checker, never a result.
    """
    bad = [r for r in records if r.verdict == REJECTED]
    if bad:
        raise SoundnessError(f"{what}: rejected by "
                             + ", ".join(f"{r.checker} ({r.reason})" for r in bad))
    if not any(r.verdict == VERIFIED for r in records):
        raise SoundnessError(f"{what}: no checker verified it ("
                             + "; ".join(f"{r.checker}: {r.reason}" for r in records) + ")")
    return records


def record_checks(rep, records, what, tag="", note=""):
    """Write checker ``records`` into a verify report ``rep`` (its
    ``checks``, ``failures`` and ``notes`` lists), failing closed: a
    rejection is a failure, and so is a proof that no checker decided (every
    checker skipped it). ``what`` names the proof file in failures, ``tag``
    prefixes the check names, ``note`` the skip notes."""
    for r in records:
        cut = r.verdict == SKIPPED and r.reason.startswith(LIMIT_REASON)
        rep.checks.append(f"{tag}{r.checker}:{'cut' if cut else r.verdict.lower()}")
        if r.verdict == REJECTED:
            rep.failures.append(f"{what}: rejected by {r.checker} ({r.reason})")
        elif r.verdict == SKIPPED:
            rep.notes.append(f"{note}{r.checker} skipped: {r.reason}")
    if not any(r.verdict in (VERIFIED, REJECTED) for r in records):
        cut = [r for r in records if r.reason.startswith(LIMIT_REASON)]
        if cut:  # nothing wrong found, nothing checked: not verified, never PASS
            rep.unverified.append(f"{what}: no checker completed ("
                                  + "; ".join(f"{r.checker}: {r.reason[len(LIMIT_REASON):]}"
                                              for r in cut) + ")")
        else:
            rep.failures.append(f"{what}: no checker verified the proof (all skipped)")
