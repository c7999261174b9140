"""Cube-and-conquer UNSAT bundles: make and re-check.

Layout (a claim bundle whose ``claim.json`` says ``"certificate": "cubes"``)::

    claim.json          format superpos-formal/claim, answer UNSAT, the question,
                        task or family, shape, options, encoder, formula sha256,
                        cube count, split heuristic, per-cube and cover stats
    formula.cnf.gz      F, the formula every cube refines (deterministic gzip)
    cubes.json          format superpos-formal/cubes: the cubes (lists of DIMACS
                        literals) and, per cube, the file of its proof
    cubes/NNNN.drat.gz  DRAT proof of F and cube NNNN (its literals as unit
                        clauses appended to F, in the cube's order)
    cover.drat.gz       DRAT proof that the clauses {not c_i} are unsatisfiable
    manifest.json       sha256 of every other file

:func:`verify_cubes` re-derives all of it: the manifest; ``F`` regenerated
from ``claim.json`` and compared by sha256; ``cubes.json`` well formed
(literals within ``F``'s variables, no empty or contradictory cube, one
proof per cube, no proof file without its cube); the cover proof checked;
every cube's proof checked. Any missing, extra or altered part is a failure.
Why this refutes ``F``: see :mod:`superpos_formal.solve.cubes`.

Examples
--------
>>> from superpos_formal.tasks import uand
>>> from superpos_formal.shape import Shape
>>> sh = Shape(mode="explicit", activation="step", n=1, B=1)
>>> r = cube_and_conquer(uand(3), sh, depth=2, split="sign")
>>> r.status, len(r.cubes), all(a.checked for a in r.answers)
('UNSAT', 9, True)
>>> cube_and_conquer(uand(3), sh, depth=3).status  # lookahead (the default)
'UNSAT'
"""

import gzip
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

from ..errors import InputError, SoundnessError
from ..schema import family_to_dict, task_to_dict
from ..budget import active_budget
from ..solve.cubes import (SPLITS, CubeAnswer, CubeResult, Lookahead, PackedClauses,
                           cancel_cubes, deadline_of, encode_cell, solve_cover, solve_cube,
                           split_candidates, split_cubes, unpacked)
from ..solve.runner import DEFAULT_SOLVER, solver_version
from ..verify import verify
from . import drat as D
from .bundle import verify_bundle
from ..encode.symmetry import family_symmetry_of
from .certificate import kind_for
from .manifest import write_manifest
from .claims import CLAIM_FORMAT, CLAIM_VERSION, check_subfamily, register_certificate
from .jsonio import MAX_TEXT_BYTES as D_MAX
from .jsonio import dumps, load, write
from .jsonio import read_text as read_bounded
from .regen import encode, encoder
from ..inputs import read_bytes

__all__ = ["CUBES_FORMAT", "Conquest", "CubeWork", "conquer", "recheck_cube", "cover_proof",
           "check_cube", "cube_and_conquer",
           "cell_encoding", "family_question", "make_cube_bundle", "subfamily_named", "verify_cubes"]

CUBES_FORMAT = "superpos-formal/cubes"

#: checkers run when a cube bundle is made: both dratify engines (the Python
#: one within its line budget). drup is left to ``superpos verify``: with
#: one proof per cube its per-proof cost (up to ~30 s each, drat.Budget)
#: multiplies by the number of cubes.
MAKE_CHECKERS = ("native", "python")


def cover_proof(cubes):
    """A checked DRAT proof that the cubes cover every assignment (their
    negations are unsatisfiable); InputError if they do not.

    >>> cover_proof([[1], [-1, 2], [-1, -2]]).endswith("0\\n")
    True
    >>> cover_proof([[1], [-1, 2]])
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: cubes: they do not cover every assignment
    """
    if not cubes:
        raise InputError("cubes: an empty list covers nothing")
    text = solve_cover(cubes)
    if text is None:
        raise InputError("cubes: they do not cover every assignment")
    D.require_verified(D.check_drat([[-l for l in c] for c in cubes], text=text,
                                    checkers=("native",)), "cover proof")
    return text


def check_cube(clauses, nvars, index, cube, time_limit=None, tag=None, deadline=None,
               memory_mb=None):
    """Solve one cube and check its DRAT proof (dratify native) where it was
    made: the Dask task of cube and conquer. A rejected proof raises
    SoundnessError. ``tag``, ``deadline``, ``memory_mb``: see
    :func:`~superpos_formal.solve.cubes.solve_cube`."""
    # packed, the solver child reads the flat array (PackedClauses.fresh);
    # the check reads the lists, made once per worker
    ans = solve_cube(clauses, nvars, index, cube, time_limit, tag=tag, deadline=deadline,
                     memory_mb=memory_mb)
    clauses = unpacked(clauses)
    if ans.status == "UNSAT":
        t0, c0 = time.perf_counter(), time.thread_time()
        text = gzip.decompress(ans.proof_gz).decode("ascii")
        f = _Units(clauses, cube)
        D.require_verified(D.check_drat(SimpleNamespace(clauses=f, nvars=nvars), text=text,
                                        checkers=("native",)), f"proof of cube {index}")
        ans.check_seconds = time.perf_counter() - t0
        # thread CPU, not elapsed: dratify native checks on this thread
        ans.check_cpu_seconds = time.thread_time() - c0
        ans.checked = True
    return ans


class _Tree:
    """The cubes of one run: the split's leaves, grown where a cube is split
    again; ``ids`` of the current leaves in creation order."""

    def __init__(self, cubes):
        self.cubes = [list(c) for c in cubes]
        self.level = [0] * len(cubes)
        self.leaves = list(range(len(cubes)))

    def resplit(self, i, kids):
        self.leaves.remove(i)
        new = []
        for k in kids:
            self.cubes.append(list(k))
            self.level.append(self.level[i] + 1)
            self.leaves.append(len(self.cubes) - 1)
            new.append(len(self.cubes) - 1)
        return new


class CubeWork:
    """A folder that keeps a cube run's progress across runs.

    ``state.json`` names the formula (sha256 of its DIMACS text); a folder
    made for another formula is refused. ``refuted/<key>.json`` +
    ``<key>.drat.gz``: a refuted cube, its answer and its DRAT proof (checked
    when it was made; checked again when read back, and by the bundle);
    ``split/<key>.json``: a cube that reached its limit and the children it
    was split into. ``key``: sha256 of the cube's literals. Every file is
    written to a temporary name and renamed, so a killed run leaves no half
    file; a file that does not parse is ignored (the cube is solved again).
    """

    FORMAT = "superpos-formal/cube-work"

    def __init__(self, path, formula_sha256, report=None):
        self.path = Path(path)
        self.reused = 0
        #: tampered or unreadable records found (each reported once, its
        #: cube solved again)
        self.problems = []
        self._report = report
        #: the sub-folders usable for records (a file where one belongs is
        #: reported; its records are neither read nor written)
        self._usable = {}
        state = self.path / "state.json"
        want = {"format": self.FORMAT, "version": 1, "formula_sha256": formula_sha256}
        if state.exists():
            try:
                have = load(state)
            except InputError as e:
                raise InputError(f"{self.path}: {e}") from None
            if have != want:
                raise InputError(f"{self.path}: a cube work folder of another formula "
                                 f"(or not one at all); use a new folder")
        else:
            if self.path.exists() and not self.path.is_dir():
                raise InputError(f"--work {self.path}: exists and is not a directory")
            for sub in ("refuted", "split"):
                if not (self.path / sub).exists():
                    (self.path / sub).mkdir(parents=True, exist_ok=True)
            self._put(state, dumps(want).encode())
        for sub in ("refuted", "split"):
            d = self.path / sub
            if not d.exists():
                d.mkdir(parents=True, exist_ok=True)
            self._usable[sub] = d.is_dir() and not d.is_symlink()
            if not self._usable[sub]:
                self.problem(f"{d} is not a folder; its records are ignored and none are "
                             f"saved there")

    def problem(self, msg):
        """Report a tampered or unreadable record (the cube is solved again)."""
        self.problems.append(msg)
        if self._report is not None:
            self._report(f"work folder: {msg}")
        else:
            import sys

            print(f"superpos: work folder: {msg}", file=sys.stderr, flush=True)

    @staticmethod
    def key(cube):
        return D.sha256_text(" ".join(map(str, cube)))

    def _put(self, path, data):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def save_split(self, cube, kids):
        if not self._usable.get("split"):
            return
        self._put(self.path / "split" / f"{self.key(cube)}.json",
                  dumps({"cube": list(cube), "children": [list(k) for k in kids]}).encode())

    def split_of(self, cube):
        p = self.path / "split" / f"{self.key(cube)}.json"
        if not self._usable.get("split") or not os.path.lexists(p):
            return None
        try:
            doc = load(p)
        except InputError as e:
            self.problem(f"split/{p.name[:16]}...: unreadable ({e}); the cube is solved whole")
            return None
        kids = doc.get("children") if isinstance(doc, dict) and doc.get("cube") == list(cube) \
            else None
        if not kids or not isinstance(kids, list) or not all(
                isinstance(k, list) and all(isinstance(x, int) and not isinstance(x, bool)
                                            for x in k) and k[:len(cube)] == list(cube)
                for k in kids):
            # children must extend the cube (the cover is checked anyway)
            self.problem(f"split/{p.name[:16]}...: not a split of this cube (tampered?); the cube "
                         f"is solved whole")
            return None
        return kids

    def save_refuted(self, cube, a):
        if not self._usable.get("refuted"):
            return
        k = self.key(cube)
        self._put(self.path / "refuted" / f"{k}.drat.gz", a.proof_gz)
        self._put(self.path / "refuted" / f"{k}.json", dumps({
            "cube": list(cube), "seconds": round(a.seconds, 3),
            "cpu_seconds": round(a.cpu_seconds, 3), "proof_lines": a.proof_lines,
            "host": a.host, "proof_gz_sha256": D.sha256_bytes(a.proof_gz)}).encode())

    def stored(self, cube):
        """The stored record of ``cube`` read and checked for form (not its
        proof): ``(raw proof gz, fields)``, or None. A record that is
        missing is simply not there; one that is unreadable or tampered
        (wrong types, another cube, a proof that does not match its hash)
        is reported (:meth:`problem`) and its cube solved again."""
        k = self.key(cube)
        jp = self.path / "refuted" / f"{k}.json"
        gp = self.path / "refuted" / f"{k}.drat.gz"
        if not self._usable.get("refuted") or not os.path.lexists(jp):
            return None
        try:
            doc = load(jp)
            if not isinstance(doc, dict):
                raise InputError(f"expected an object, got {type(doc).__name__}")
            raw = read_bytes(gp, D_MAX, what=gp.name)
            if doc.get("cube") != list(cube):
                raise InputError("the record is of another cube")
            if D.sha256_bytes(raw) != doc.get("proof_gz_sha256"):
                raise InputError("the proof does not match its recorded sha256")
            fields = {"seconds": float(doc.get("seconds", 0)),
                      "cpu_seconds": float(doc.get("cpu_seconds", 0)),
                      "proof_lines": int(doc.get("proof_lines", 0)),
                      "host": str(doc.get("host", ""))}
        except (InputError, OSError, ValueError, TypeError, OverflowError) as e:
            self.problem(f"refuted/{k[:16]}...: unusable ({e}); the cube is solved again")
            return None
        return raw, fields

    def refuted(self, cube, index, nvars, clauses):
        """The stored answer of ``cube`` (:meth:`stored`, its proof checked
        again here: :func:`recheck_cube`), or None (reported when the record
        is there but unusable). A work folder never decides anything on its
        own."""
        got = self.stored(cube)
        if got is None:
            return None
        a = recheck_cube(clauses, nvars, index, cube, *got)
        if a is None:
            self.failed_check(cube)
        return a

    def failed_check(self, cube):
        self.problem(f"refuted/{self.key(cube)[:16]}...: its stored proof does not check; "
                     f"the cube is solved again")


def recheck_cube(clauses, nvars, index, cube, raw, fields):
    """Check a stored proof of ``cube`` again (dratify native): its
    :class:`CubeAnswer`, or None when the proof is not valid gzip ASCII or
    does not check. Runs in the driver, or on a Dask worker when the cubes
    run there (resume then re-checks in parallel)."""
    clauses = unpacked(clauses)
    t0, c0 = time.perf_counter(), time.thread_time()
    try:
        text = _gunzip_bounded(raw)
    except InputError:
        return None
    recs = D.check_drat(SimpleNamespace(clauses=_Units(clauses, cube), nvars=nvars),
                        text=text, checkers=("native",))
    if not any(r.verdict == D.VERIFIED for r in recs):
        return None
    return CubeAnswer(index, "UNSAT", fields["seconds"], proof_gz=raw,
                      proof_lines=fields["proof_lines"],
                      check_seconds=time.perf_counter() - t0,
                      check_cpu_seconds=time.thread_time() - c0, checked=True,
                      host=fields["host"], cpu_seconds=fields["cpu_seconds"])


def _gunzip_bounded(raw, limit=D_MAX):
    """ASCII text of gzip bytes (every member), at most ``limit`` bytes of
    it; InputError for anything else."""
    import zlib

    out, buf = bytearray(), bytes(raw)
    try:
        while buf:
            d = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += d.decompress(buf, limit + 1 - len(out))
            if len(out) > limit:
                raise InputError(f"decompresses to more than {limit} bytes")
            if d.unconsumed_tail or not d.eof:
                raise InputError("not a complete gzip file")
            buf = d.unused_data
    except zlib.error as e:
        raise InputError(f"not a valid gzip file ({e})") from None
    try:
        return out.decode("ascii")
    except UnicodeDecodeError:
        raise InputError("not ASCII text") from None


@dataclass
class Conquest:
    """What :func:`conquer` did: the final ``cubes`` (leaves), ``answers``
    (by leaf position, None when not run), the answers of cubes split again
    (``superseded``), the SAT answer if any, and the solver pids killed."""

    cubes: list
    answers: list
    superseded: list
    sat: object
    killed: list


def conquer(clauses, nvars, cubes, *, client=None, time_limit=None, resplit=0,
            resplit_depth=2, lookahead=None, candidates=None, memory_mb=None, budget=None,
            progress=None, work=None):
    """Solve ``F and c`` for every cube ``c`` (each proof checked where it was
    made); a :class:`Conquest`.

    A cube that reaches ``time_limit`` is split again by ``lookahead`` (a
    :class:`~superpos_formal.solve.cubes.Lookahead` over ``F``, made here
    from ``candidates`` when not given) ``resplit_depth`` more levels, at
    most ``resplit`` times along a branch. A SAT cube stops the rest: queued
    cubes are dropped and running ones' solvers killed. ``budget`` (default:
    the active one) bounds the whole run, on every worker. ``work`` (a
    :class:`CubeWork`) keeps every refuted cube (its checked proof) and every
    re-split as it happens, and a later run over the same formula takes them
    from there instead of solving again: a long cell can be decided over
    several runs.
    """
    t0 = time.perf_counter()
    b = budget if budget is not None else active_budget()
    deadline = deadline_of(b)
    if memory_mb is None and b is not None:
        memory_mb = b.memory_mb
    own = lookahead is None and resplit > 0
    la = Lookahead(clauses, candidates or range(2, nvars + 1)) if own else lookahead
    tree = _Tree(cubes)
    answers, superseded, killed = {}, [], []
    tag = f"{os.getpid()}-{time.time_ns()}"
    state = {"sat": None}

    def took(a):
        """Record an answer; the ids of the cubes to run next."""
        new = []
        i = a.index
        if a.status == "UNKNOWN" and a.limit == "time" and tree.level[i] < resplit:
            kids = la.tree(tree.cubes[i], resplit_depth)
            if len(kids) > 1:
                superseded.append(a)
                new = tree.resplit(i, kids)
        if not new:
            answers[i] = a
        if work is not None:
            if new:
                work.save_split(tree.cubes[i], [tree.cubes[j] for j in new])
            elif a.status == "UNSAT" and a.checked:
                work.save_refuted(tree.cubes[i], a)
        if a.status == "SAT":
            state["sat"] = a
        if progress:
            done = sum(1 for j in tree.leaves if j in answers)
            extra = f", split again into {len(new)}" if new else ""
            why = f" ({a.reason})" if a.status == "UNKNOWN" and a.reason else ""
            progress(f"cube {i} (level {tree.level[i]}): {a.status} in {a.seconds:.2f}s"
                     f"{why}{extra}; {done}/{len(tree.leaves)} leaves done, "
                     f"{len(superseded)} split again, "
                     f"{time.perf_counter() - t0:.0f}s elapsed")
        return new

    def expired():
        return b is not None and b.expired()

    def restored(i, a):
        """A stored proof of cube ``i`` checked again (``a``) or not (None):
        the ids to solve (``[i]`` when it did not check)."""
        if a is None:
            work.failed_check(tree.cubes[i])
            return [i]
        answers[i] = a
        work.reused += 1
        if progress:
            progress(f"cube {i}: stored proof checked again in {a.check_seconds:.2f}s "
                     f"({work.reused} taken from the work folder)")
        return []

    def replay(ids, stored=None):
        """The ids still to solve; what ``work`` knows is taken from there.
        With ``stored`` (a list) a stored record is not checked here but
        appended as ``(id, raw, fields)``, for the workers to check in
        parallel (:func:`recheck_cube`; the result goes to ``restored``)."""
        if work is None:
            return list(ids)
        need = []
        for i in ids:
            if expired():
                # out of budget: what is left is neither re-checked nor solved
                need.append(i)
                continue
            kids = work.split_of(tree.cubes[i])
            if kids:
                need += replay(tree.resplit(i, kids), stored)
                continue
            got = work.stored(tree.cubes[i])
            if got is None:
                need.append(i)
            elif stored is not None:
                stored.append((i, *got))
            else:
                need += restored(i, recheck_cube(clauses, nvars, i, tree.cubes[i], *got))
        return need

    try:
        if client is None:
            todo = replay(tree.leaves)
            while todo and state["sat"] is None and not expired():
                i = todo.pop(0)
                todo += replay(took(check_cube(clauses, nvars, i, tree.cubes[i], time_limit,
                                               memory_mb=memory_mb)))
        else:
            killed = _conquer_dask(client, clauses, nvars, tree, took, state, tag,
                                   time_limit, deadline, memory_mb, expired, replay, restored)
        if expired():
            b.note("solving cubes")
    finally:
        if own:
            la.close()
    final = [tree.cubes[i] for i in tree.leaves]
    got = []
    for k, i in enumerate(tree.leaves):
        a = answers.get(i)
        if a is not None:
            a.index = k
        got.append(a)
    return Conquest(final, got, superseded, state["sat"], killed)


def family_question(family, members=None, family_symmetry="auto", symmetry=True):
    """``(members, family_symmetry)`` of a family cell, checked.

    ``members``: ``None`` (every member) or a subfamily: tasks of ``family``,
    no repeats; the whole family given as a list becomes ``None``. A
    subfamily's UNSAT refutes the family (no shared code serves the
    subfamily, so none serves the family); its SAT answers nothing about the
    family. ``family_symmetry``: ``"auto"`` takes the relabelling order the
    family justifies (:func:`~superpos_formal.encode.symmetry.family_symmetry_of`,
    only for a complete family closed under relabelling, and only with
    ``symmetry``); ``None`` turns it off; a named order must be the one
    the family justifies. The order is sound for a subfamily too, because the
    claim is about the closed family (the argument in
    :mod:`superpos_formal.encode.symmetry`).

    >>> from superpos_formal.tasks import permutation_family
    >>> fam = permutation_family(3)
    >>> sub, fs = family_question(fam, list(fam.members())[:2])
    >>> len(sub), fs
    (2, 'features+outputs')
    >>> family_question(fam, list(fam.members()))
    (None, 'features+outputs')
    """
    justified = family_symmetry_of(family) if symmetry else None
    if family_symmetry == "auto":
        family_symmetry = justified
    elif family_symmetry is not None and family_symmetry != justified:
        raise InputError(f"family symmetry {family_symmetry!r} is not justified for "
                         f"{family.name}" + ("" if symmetry else " without symmetry breaks")
                         + f" (justified: {justified})")
    if members is None:
        return None, family_symmetry
    members = list(members)
    full = list(family.members())
    seen = check_subfamily(family, members, "members", full)
    return (None if seen == {t.id for t in full} else members), family_symmetry


def subfamily_named(family, names, what="members"):
    """The members of ``family`` named in ``names`` (a list of task names, as
    the family CEGIS prints them), in that order; an unknown name or a
    value that is not a list of names is an :class:`InputError`.

    >>> from superpos_formal.tasks import permutation_family
    >>> [t.name for t in subfamily_named(permutation_family(2), ["permutation(m=2,pi=[1, 0])"])]
    ['permutation(m=2,pi=[1, 0])']
    """
    if not isinstance(names, list) or not all(isinstance(x, str) for x in names):
        raise InputError(f"{what}: expected a JSON list of member names")
    by_name = {t.name: t for t in family.members()}
    for i, x in enumerate(names):
        if x not in by_name:
            some = ", ".join(repr(k) for k in list(by_name)[:3])
            raise InputError(f"{what}[{i}]: {x!r} is not a member of {family.name}; members "
                             f"are named like {some} ({len(by_name)} in all; `superpos cubes "
                             f"--family ... --list-members` prints every name)")
    return [by_name[x] for x in names]


def cell_encoding(task, shape, *, family=None, members=None, family_symmetry="auto",
                  symmetry=True, sums="tree"):
    """``(encoding, members, family_symmetry)`` of a cube cell: the formula
    :func:`cube_and_conquer` splits, with the subfamily and relabelling
    order resolved by :func:`family_question` (``None``, ``None`` for a
    task). A work folder is keyed by this formula's sha256, so anything
    that lists a run's cubes encodes through here too."""
    fsym = None
    if family is not None:
        members, fsym = family_question(family, members, family_symmetry, symmetry)
    elif members is not None or family_symmetry not in ("auto", None):
        raise InputError("members, family symmetry: only for a family")
    enc = encode_cell(task, family, shape, symmetry, sums, members=members,
                      family_symmetry=fsym)
    return enc, members, fsym


def cube_and_conquer(task, shape, *, family=None, depth=2, split="lookahead",
                     time_limit=None, resplit=0, resplit_depth=2, client=None,
                     symmetry=True, sums="tree", progress=None, memory_mb=None,
                     budget=None, work_dir=None, members=None, family_symmetry="auto"):
    """Decide one cell by cube and conquer; a :class:`CubeResult`.

    ``split``: the heuristic (:data:`~superpos_formal.solve.cubes.SPLITS`)
    with ``depth`` levels; the cubes then go to :func:`conquer` (per-cube
    ``time_limit``, re-splits, ``client``, ``budget``, ``memory_mb``).
    ``work_dir``: keep refuted cubes and re-splits there, and take them from
    there in a later run of the same cell (:class:`CubeWork`).

    UNSAT means every leaf's DRAT proof and the cover proof of the final
    leaves were checked; SAT that a cube's network has been verified
    exhaustively (the other cubes cancelled: ``CubeResult.killed``);
    UNKNOWN that a cube reached a limit it could not be split past, or the
    budget ran out (``open_cubes``).

    A family: ``members`` (a subfamily) and ``family_symmetry`` as in
    :func:`family_question`. A SAT cube of a subfamily verifies its
    networks against those members and is UNKNOWN for the family
    (``note`` says why).
    """
    t0 = time.perf_counter()
    if depth < 0:
        raise InputError("cube depth: expected 0 or more")
    if split not in SPLITS:
        raise InputError(f"cube split: unknown heuristic {split!r} "
                         f"(one of {', '.join(sorted(SPLITS))})")
    enc, members, fsym = cell_encoding(task, shape, family=family, members=members,
                                       family_symmetry=family_symmetry, symmetry=symmetry,
                                       sums=sums)
    la = None
    if split == "lookahead" or resplit:
        la = Lookahead(enc.clauses, split_candidates(enc))
    try:
        first = la.tree([], depth) if split == "lookahead" else split_cubes(enc, depth, split)
        split_s = time.perf_counter() - t0
        work = None
        if work_dir is not None:
            work = CubeWork(work_dir, D.sha256_text(enc.to_dimacs()), report=progress)
        q = conquer(enc.clauses, enc.nvars, first, client=client, time_limit=time_limit,
                    resplit=resplit, resplit_depth=resplit_depth, lookahead=la,
                    memory_mb=memory_mb, budget=budget, progress=progress, work=work)
    finally:
        if la is not None:
            la.close()
    done = [a for a in q.answers if a is not None]
    res = CubeResult("UNKNOWN", q.cubes, done, time.perf_counter() - t0, "",
                     encoding=enc, split=_split_label(split, depth, resplit, resplit_depth),
                     resplit=len(q.superseded), killed=q.killed, split_seconds=split_s,
                     superseded=q.superseded)
    res.reused = work.reused if work is not None else 0
    res.members, res.family_symmetry = members, fsym
    sat = q.sat
    if sat is not None:
        _, _, nets = enc.decode_all(sat.model)
        tasks = members or (list(family.members()) if family is not None else [task])
        for net, t in zip(nets, tasks):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"SAT cube {sat.index} decodes to a network that fails "
                                     f"{v.errors} bit(s); encoder bug")
        if members is not None:
            res.note = (f"cube {sat.index} is SAT for the subfamily: its code serves "
                        f"{len(members)} of {family.size} members (networks verified); "
                        f"that says nothing about the family")
            res.networks = nets
        else:
            res.status, res.network, res.networks = "SAT", nets[0], nets
    elif len(done) == len(q.cubes) and all(a.status == "UNSAT" and a.checked for a in done):
        res.cover_text = cover_proof(q.cubes)
        res.status = "UNSAT"
    else:
        res.open_cubes = [c for c, a in zip(q.cubes, q.answers)
                          if a is None or a.status != "UNSAT"]
    return res


def _split_label(split, depth, resplit, resplit_depth):
    s = f"{split} depth {depth}: {SPLITS[split]}"
    if resplit:
        s += (f"; a cube at its time limit split again by lookahead ({resplit_depth} "
              f"levels), at most {resplit} times along a branch")
    return s


def _conquer_dask(client, clauses, nvars, tree, took, state, tag, time_limit, deadline,
                  memory_mb, expired, replay, restored=None):
    """Run the tree's cubes on Dask (new cubes from re-splits as they come);
    after a SAT cube or the budget's end, cancel the rest and kill the
    running solvers. Returns the pids killed."""
    from dask.distributed import wait  # dask only when a cluster is used

    # No broadcast: replicating to every worker fails outright when a worker
    # is being restarted (its address is gone from the scheduler); Dask copies
    # the clauses to whichever worker runs a cube.
    # One flat array, not the list: Dask would serialize a list clause by
    # clause (minutes and GBs for millions of clauses; PackedClauses).
    [F] = client.scatter([PackedClauses(clauses)])
    futs = {}

    rechecks = set()

    def submit(ids, stored=()):
        for i in ids:
            f = client.submit(check_cube, F, nvars, i, tree.cubes[i], time_limit, tag,
                              deadline, memory_mb, pure=False, key=f"cube-{tag}-{i}")
            futs[f] = i
        # stored proofs of a resumed run are checked on the workers, in
        # parallel with the cubes still to solve
        for i, raw, fields in stored:
            f = client.submit(recheck_cube, F, nvars, i, tree.cubes[i], raw, fields,
                              pure=False, key=f"recheck-{tag}-{i}")
            futs[f] = i
            rechecks.add(f)

    stored = [] if restored is not None else None
    submit(replay(tree.leaves, stored), stored or ())
    pending = set(futs)
    killed = []
    try:
        while pending and state["sat"] is None and not expired():
            try:
                done, _ = wait(list(pending), timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for f in done:
                pending.discard(f)
                a = f.result()
                f.release()
                stored = [] if restored is not None else None
                if f in rechecks:
                    new = restored(futs[f], a)
                else:
                    new = replay(took(a), stored)
                if state["sat"] is not None:
                    break
                before = set(futs)
                submit(new, stored or ())
                pending |= set(futs) - before
    finally:
        if pending:
            client.cancel(list(pending), force=True)
            # a cancelled Dask task keeps running in its worker thread: kill
            # the cube solvers themselves (process groups), on every worker
            for pids in client.run(cancel_cubes, tag).values():
                killed += pids
        client.cancel([F])
    return killed


class _Units:
    """``F`` and the cube's literals as unit clauses appended, in order: a
    read-only view for the checkers (a copy of a formula of millions of
    clauses, once per cube, is hundreds of MB on a worker)."""

    def __init__(self, F, cube):
        self.F, self.cube = F, list(cube)

    def __len__(self):
        return len(self.F) + len(self.cube)

    def __iter__(self):
        yield from self.F
        for l in self.cube:
            yield [l]


def make_cube_bundle(out_dir, result, *, shape, task=None, family=None, symmetry=True,
                     sums="tree", overwrite=False, checkers=MAKE_CHECKERS, budget=None):
    """Write the bundle of an UNSAT :class:`~superpos_formal.solve.cubes.CubeResult`.

    Built in a temporary sibling folder, verified with :func:`verify_cubes`
    (the same code a reader runs) by ``checkers``, then renamed to ``out_dir``.
    """
    if result.status != "UNSAT":
        raise InputError(f"cube bundle: only an UNSAT result becomes a claim, got "
                         f"{result.status}")
    if (task is None) == (family is None):
        raise InputError("cube bundle: give exactly one of task or family")
    out_dir = Path(out_dir)
    if out_dir.exists() and not overwrite:
        raise InputError(f"{out_dir}: already exists (a bundle is never overwritten silently)")
    enc = result.encoding
    dimacs = enc.to_dimacs()
    # the resolved sum encoding ("auto" becomes "tree" or "binary"): the one
    # that regenerates this CNF
    options = {"symmetry": bool(symmetry), "sums": enc.info.get("sums", sums)}
    if result.family_symmetry:
        options["family_symmetry"] = result.family_symmetry
    if result.members is not None:
        # a subfamily's refutation: the claim says which members it is about
        options["members"] = [task_to_dict(t) for t in result.members]
    question = "family" if family is not None else (
        "representation" if shape.L == 0 else "instance")
    mod = encoder("order-tree")
    claim = {
        "format": CLAIM_FORMAT, "version": CLAIM_VERSION, "question": question,
        "shape": shape.to_dict(), "answer": "UNSAT", "certificate": "cubes",
        # what the proofs refute: F, or F and the symmetry breaks (certificate.py)
        "certificate_kind": kind_for("UNSAT", options),
        "options": options,
        "solver": {"name": DEFAULT_SOLVER, "version": solver_version(DEFAULT_SOLVER)},
        "encoder": {"name": "order-tree",
                    "version": enc.info.get("version", getattr(mod, "ENCODER_VERSION", None))},
        "formula": {"sha256": D.sha256_text(dimacs), "nvars": enc.nvars,
                    "clauses": len(enc.clauses)},
        "cubes": {"count": len(result.cubes), "split": result.split,
                  "proof_lines": sum(a.proof_lines for a in result.answers),
                  "solve_seconds": round(sum(a.seconds for a in result.answers), 3)},
        "headline": False,
        "timings": {"wall_seconds": round(result.seconds, 3)},
    }
    if family is not None:
        claim["family"] = family_to_dict(family)
    else:
        claim["task"] = task_to_dict(task)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".cubes-", dir=out_dir.parent))
    try:
        D.write_gz(tmp / "formula.cnf.gz", dimacs)
        D.write_gz(tmp / "cover.drat.gz", result.cover_text)
        files = []
        for a in result.answers:
            rel = f"cubes/{a.index:04d}.drat.gz"
            write(tmp / rel, a.proof_gz)
            files.append(rel)
        write(tmp / "cubes.json", dumps({"format": CUBES_FORMAT, "version": 1,
                                      "cubes": [list(c) for c in result.cubes],
                                      "proofs": files}))
        write(tmp / "claim.json", dumps(claim))
        write_manifest(tmp)
        rep = verify_bundle(tmp, checkers=checkers, budget=budget)
        if not rep.ok:
            raise SoundnessError("fresh cube bundle fails verification: "
                                 + "; ".join(rep.all_failures()))
        os.chmod(tmp, 0o755)
        if out_dir.exists():
            shutil.rmtree(out_dir)
        os.replace(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


_CUBES_FIELDS = {"format", "version", "cubes", "proofs"}


def _cube_list(doc, nvars):
    if not isinstance(doc, dict) or doc.get("format") != CUBES_FORMAT:
        raise InputError(f"cubes.json: format: expected {CUBES_FORMAT!r}")
    unknown = sorted(set(doc) - _CUBES_FIELDS)
    if unknown:
        raise InputError(f"cubes.json: unknown field(s) {', '.join(map(repr, unknown))}")
    if doc.get("version") != 1:
        raise InputError("cubes.json: version: expected 1")
    cubes, proofs = doc.get("cubes"), doc.get("proofs")
    if not isinstance(cubes, list) or not cubes:
        raise InputError("cubes.json: cubes: expected a non-empty list")
    if not isinstance(proofs, list) or len(proofs) != len(cubes):
        raise InputError("cubes.json: proofs: expected one proof file per cube")
    for i, c in enumerate(cubes):
        if not isinstance(c, list) or not c or not all(
                isinstance(l, int) and not isinstance(l, bool) and l != 0
                and abs(l) <= nvars for l in c):
            raise InputError(f"cubes.json: cubes[{i}]: expected non-zero literals of "
                             f"variables 1..{nvars}")
        if any(-l in c for l in c):
            raise InputError(f"cubes.json: cubes[{i}]: contradictory literals")
    for i, p in enumerate(proofs):
        if p != f"cubes/{i:04d}.drat.gz":
            raise InputError(f"cubes.json: proofs[{i}]: expected 'cubes/{i:04d}.drat.gz'")
    return cubes, proofs


def verify_cubes(path, claim, rep, shape, members, options, checkers, regenerate, budget,
                 limit=None):
    """Re-check a cube bundle into ``rep`` (a :class:`BundleReport`).

    Every formula and proof is read with the bounded reader
    (:func:`.jsonio.read_text`, at most ``limit`` bytes unzipped): a bundle
    is untrusted input, and a small gzip file may inflate to gigabytes."""
    path = Path(path)
    rep.checks.append("cubes")
    if rep.answer != "UNSAT":
        rep.failures.append("claim.json: a cube certificate is for UNSAT answers only")
        return
    need = ["formula.cnf.gz", "cubes.json", "cover.drat.gz"]
    missing = [n for n in need if not (path / n).is_file()]
    if missing:
        rep.failures += [f"{m}: missing (a cube claim needs it)" for m in missing]
        return
    try:
        text = read_bounded(path / "formula.cnf.gz", limit)
    except InputError as e:
        rep.failures.append(str(e))
        return
    if D.sha256_text(text) != (claim.get("formula") or {}).get("sha256"):
        rep.failures.append("formula.cnf.gz: sha256 differs from claim.json's formula.sha256")
        return
    nvars, F = D.parse_dimacs(text)
    if regenerate:
        rep.checks.append("regenerate")
        enc = claim.get("encoder") or {}
        try:
            encoding, _ = encode(enc.get("name"), rep.question, members, shape, options)
        except InputError as e:
            rep.failures.append(f"regenerate: {e}")
            return
        if D.sha256_text(encoding.to_dimacs()) != D.sha256_text(text):
            rep.failures.append("formula.cnf.gz: differs from the formula regenerated "
                                "from claim.json")
            return
    else:
        rep.notes.append("formula not regenerated (--no-regenerate)")
    try:
        cubes, proofs = _cube_list(load(path / "cubes.json"), nvars)
    except InputError as e:
        rep.failures.append(str(e))
        return
    if (claim.get("cubes") or {}).get("count") != len(cubes):
        rep.failures.append(f"cubes.json: {len(cubes)} cubes but claim.json says "
                            f"{(claim.get('cubes') or {}).get('count')}")
    on_disk = sorted(p.relative_to(path).as_posix() for p in (path / "cubes").glob("*")) \
        if (path / "cubes").is_dir() else []
    for extra in sorted(set(on_disk) - set(proofs)):
        rep.failures.append(f"{extra}: a proof file without its cube in cubes.json")
    budget = budget or D.Budget()

    def check(cnf, prf, what):
        try:
            proof = read_bounded(prf, limit)
        except InputError as e:
            rep.failures.append(f"{what}: {e}")
            return []
        recs = D.check_drat(cnf, checkers=checkers, budget=budget, text=proof)
        if any(r.verdict == D.REJECTED for r in recs):
            r = next(r for r in recs if r.verdict == D.REJECTED)
            rep.failures.append(f"{what}: rejected by {r.checker} ({r.reason})")
        elif not any(r.verdict == D.VERIFIED for r in recs):
            rep.failures.append(f"{what}: no checker verified the proof (all skipped)")
        return recs

    recs = check([[-l for l in c] for c in cubes], path / "cover.drat.gz", "cover.drat.gz")
    rep.checks += [f"cover:{r.checker}:{r.verdict.lower()}" for r in recs]
    verified = 0
    for i, (c, rel) in enumerate(zip(cubes, proofs)):
        if not (path / rel).is_file():
            rep.failures.append(f"{rel}: missing (the proof of cube {i})")
            continue
        before = len(rep.failures)
        check(SimpleNamespace(clauses=_Units(F, c), nvars=nvars), path / rel, rel)
        verified += len(rep.failures) == before
    rep.checks.append(f"cube proofs verified: {verified}/{len(cubes)}")


register_certificate("cubes", verify_cubes)
