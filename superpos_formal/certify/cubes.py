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
from ..tasks import Family
from ..budget import active_budget
from ..solve.cubes import (SPLITS, CubeAnswer, CubeOptions, CubeResult, Lookahead,
                           PackedClauses, cancel_cubes, deadline_of, encode_cell, solve_cover, solve_cube,
                           split_candidates, split_cubes, unpacked)
from ..solve.runner import DEFAULT_SOLVER, solver_version
from ..verify import verify
from .proofcheck import drat
from ..encode.symmetry import family_symmetry_of
from .bundles.certificate_kind import kind_for
from .bundles.claims import check_subfamily
from .jsonio import MAX_TEXT_BYTES as D_MAX
from .jsonio import read_text as read_bounded
from ..inputs import read_bytes
from .bundles.verify import verify_bundle
from .bundles.claims import CLAIM_FORMAT, CLAIM_VERSION, register_certificate
from .jsonio import dumps, load, write
from .bundles.make_claim import publish
from .bundles.manifest import write_manifest
from .bundles.encoders import encode, encoder

__all__ = ["CUBES_FORMAT", "Conquest", "CubeWork", "conquer", "recheck_cube", "cover_proof",
           "check_cube", "cube_and_conquer",
           "cell_encoding", "family_question", "make_cube_bundle", "subfamily_named", "verify_cubes"]

CUBES_FORMAT = "superpos-formal/cubes"

#: checkers run when a cube bundle is made: both dratify engines (the Python
#: one within its line budget). drup is left to ``superpos verify``: with
#: one proof per cube its per-proof cost (up to ~30 s each, drat.CheckerPolicy)
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
    drat.require_verified(drat.check_drat([[-l for l in c] for c in cubes], text=text,
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
        drat.require_verified(drat.check_drat(SimpleNamespace(clauses=f, nvars=nvars), text=text,
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
        return drat.sha256_text(" ".join(map(str, cube)))

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
            "host": a.host, "proof_gz_sha256": drat.sha256_bytes(a.proof_gz)}).encode())

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
            if drat.sha256_bytes(raw) != doc.get("proof_gz_sha256"):
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
    recs = drat.check_drat(SimpleNamespace(clauses=_Units(clauses, cube), nvars=nvars),
                           text=text, checkers=("native",))
    if not any(r.verdict == drat.VERIFIED for r in recs):
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


def conquer(clauses, nvars, cubes, *, options=None, client=None, lookahead=None,
            candidates=None, work=None, **kw):
    """Solve ``F and c`` for every cube ``c`` (each proof checked where it was
    made); a :class:`Conquest`.

    ``options`` (a :class:`~superpos_formal.solve.cubes.CubeOptions`, or its
    fields as keywords ``kw``): a cube that reaches ``time_limit`` is split
    again by ``lookahead`` (a :class:`~superpos_formal.solve.cubes.Lookahead`
    over ``F``, made here from ``candidates`` when not given)
    ``resplit_depth`` more levels, at most ``resplit`` times along a branch.
    A SAT cube stops the rest: queued cubes are dropped and running ones'
    solvers killed. ``budget`` (default: the active one) bounds the whole
    run, on every worker. ``client``: solve the cubes on Dask. ``work`` (a
    :class:`CubeWork`) keeps every refuted cube (its checked proof) and every
    re-split as it happens, and a later run over the same formula takes them
    from there instead of solving again: a long cell can be decided over
    several runs.
    """
    opt = CubeOptions.of(options, kw)
    t0 = time.perf_counter()
    own = lookahead is None and opt.resplit > 0
    la = Lookahead(clauses, candidates or range(2, nvars + 1)) if own else lookahead
    run = _Run(clauses, nvars, cubes, opt, la, work, t0)
    try:
        if client is None:
            run.solve_here()
        else:
            run.killed = _DaskRun(client, run).solve()
        if run.expired():
            run.budget.note("solving cubes")
    finally:
        if own:
            la.close()
    return run.conquest()


class _Run:
    """One :func:`conquer` run: the cube tree, the answers so far, the work
    folder; the steps both the local loop and the Dask loop take."""

    def __init__(self, clauses, nvars, cubes, opt, lookahead, work, t0):
        self.clauses, self.nvars, self.opt, self.la, self.work = (clauses, nvars, opt,
                                                                  lookahead, work)
        self.t0 = t0
        self.budget = opt.budget if opt.budget is not None else active_budget()
        self.deadline = deadline_of(self.budget)
        self.memory_mb = opt.memory_mb
        if self.memory_mb is None and self.budget is not None:
            self.memory_mb = self.budget.memory_mb
        self.tree = _Tree(cubes)
        self.answers, self.superseded, self.killed = {}, [], []
        self.sat = None
        self.tag = f"{os.getpid()}-{time.time_ns()}"

    def expired(self):
        return self.budget is not None and self.budget.expired()

    def solve_here(self):
        """The cubes one after another in this process."""
        todo = self.replay(self.tree.leaves)
        while todo and self.sat is None and not self.expired():
            i = todo.pop(0)
            a = check_cube(self.clauses, self.nvars, i, self.tree.cubes[i],
                           self.opt.time_limit, memory_mb=self.memory_mb)
            todo += self.replay(self.took(a))

    def took(self, a):
        """Record an answer; the ids of the cubes to run next (its children
        when it reached its time limit and was split again)."""
        i = a.index
        new = self._resplit(a)
        if not new:
            self.answers[i] = a
        self._save(a, new)
        if a.status == "SAT":
            self.sat = a
        if self.opt.progress:
            self._report(a, new)
        return new

    def _resplit(self, a):
        i = a.index
        if not (a.status == "UNKNOWN" and a.limit == "time"
                and self.tree.level[i] < self.opt.resplit):
            return []
        kids = self.la.tree(self.tree.cubes[i], self.opt.resplit_depth)
        if len(kids) <= 1:
            return []
        self.superseded.append(a)
        return self.tree.resplit(a.index, kids)

    def _save(self, a, new):
        if self.work is None:
            return
        cube = self.tree.cubes[a.index]
        if new:
            self.work.save_split(cube, [self.tree.cubes[j] for j in new])
        elif a.status == "UNSAT" and a.checked:
            self.work.save_refuted(cube, a)

    def _report(self, a, new):
        i, tree = a.index, self.tree
        done = sum(1 for j in tree.leaves if j in self.answers)
        extra = f", split again into {len(new)}" if new else ""
        why = f" ({a.reason})" if a.status == "UNKNOWN" and a.reason else ""
        self.opt.progress(f"cube {i} (level {tree.level[i]}): {a.status} in {a.seconds:.2f}s"
                          f"{why}{extra}; {done}/{len(tree.leaves)} leaves done, "
                          f"{len(self.superseded)} split again, "
                          f"{time.perf_counter() - self.t0:.0f}s elapsed")

    def restored(self, i, a):
        """A stored proof of cube ``i`` checked again (``a``) or not (None):
        the ids to solve (``[i]`` when it did not check)."""
        if a is None:
            self.work.failed_check(self.tree.cubes[i])
            return [i]
        self.answers[i] = a
        self.work.reused += 1
        if self.opt.progress:
            self.opt.progress(f"cube {i}: stored proof checked again in "
                              f"{a.check_seconds:.2f}s ({self.work.reused} taken from the "
                              f"work folder)")
        return []

    def replay(self, ids, stored=None):
        """The ids still to solve; what ``work`` knows is taken from there.
        With ``stored`` (a list) a stored record is not checked here but
        appended as ``(id, raw, fields)``, for the workers to check in
        parallel (:func:`recheck_cube`; the result goes to :meth:`restored`)."""
        if self.work is None:
            return list(ids)
        need = []
        for i in ids:
            if self.expired():
                # out of budget: what is left is neither re-checked nor solved
                need.append(i)
                continue
            kids = self.work.split_of(self.tree.cubes[i])
            if kids:
                need += self.replay(self.tree.resplit(i, kids), stored)
                continue
            got = self.work.stored(self.tree.cubes[i])
            if got is None:
                need.append(i)
            elif stored is not None:
                stored.append((i, *got))
            else:
                a = recheck_cube(self.clauses, self.nvars, i, self.tree.cubes[i], *got)
                need += self.restored(i, a)
        return need

    def conquest(self):
        """The :class:`Conquest`: answers renumbered by leaf position."""
        tree = self.tree
        got = []
        for k, i in enumerate(tree.leaves):
            a = self.answers.get(i)
            if a is not None:
                a.index = k
            got.append(a)
        return Conquest([tree.cubes[i] for i in tree.leaves], got, self.superseded, self.sat,
                        self.killed)


class _DaskRun:
    """A :class:`_Run`'s cubes on Dask (new cubes from re-splits as they
    come); after a SAT cube or the budget's end, the rest is cancelled and
    the running solvers killed."""

    def __init__(self, client, run):
        self.client, self.run = client, run
        # No broadcast: replicating to every worker fails outright when a
        # worker is being restarted (its address is gone from the
        # scheduler); Dask copies the clauses to whichever worker runs a
        # cube. One flat array, not the list: Dask would serialize a list
        # clause by clause (minutes and GBs for millions of clauses;
        # PackedClauses).
        [self.F] = client.scatter([PackedClauses(run.clauses)])
        self.futs, self.rechecks, self.pending = {}, set(), set()

    def submit(self, ids, stored):
        run, before = self.run, set(self.futs)
        for i in ids:
            f = self.client.submit(check_cube, self.F, run.nvars, i, run.tree.cubes[i],
                                   run.opt.time_limit, run.tag, run.deadline, run.memory_mb,
                                   pure=False, key=f"cube-{run.tag}-{i}")
            self.futs[f] = i
        for i, raw, fields in stored:
            f = self.client.submit(recheck_cube, self.F, run.nvars, i, run.tree.cubes[i], raw,
                                   fields, pure=False, key=f"recheck-{run.tag}-{i}")
            self.futs[f] = i
            self.rechecks.add(f)
        self.pending |= set(self.futs) - before

    def solve(self):
        """Run until every cube is answered, a cube is SAT or the budget
        ends; the pids of the solvers killed."""
        # stored proofs of a resumed run are checked on the workers, in
        # parallel with the cubes still to solve (replay collects them)
        stored = []
        self.submit(self.run.replay(self.run.tree.leaves, stored), stored)
        try:
            while self.pending and self.run.sat is None and not self.run.expired():
                self._collect()
        finally:
            killed = self._cancel()
        return killed

    def _collect(self):
        """Wait (at most a second) for answers and submit what they lead to."""
        from dask.distributed import wait  # dask only when a cluster is used

        try:
            done, _ = wait(list(self.pending), timeout=1.0, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        for f in done:
            self.pending.discard(f)
            a = f.result()
            f.release()
            stored = []
            if f in self.rechecks:
                new = self.run.restored(self.futs[f], a)
            else:
                new = self.run.replay(self.run.took(a), stored)
            if self.run.sat is not None:
                break
            self.submit(new, stored)

    def _cancel(self):
        killed = []
        if self.pending:
            self.client.cancel(list(self.pending), force=True)
            # a cancelled Dask task keeps running in its worker thread: kill
            # the cube solvers themselves (process groups), on every worker
            for pids in self.client.run(cancel_cubes, self.run.tag).values():
                killed += pids
        self.client.cancel([self.F])
        return killed


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


def cube_and_conquer(task, shape, *, family=None, members=None, family_symmetry="auto",
                     options=None, client=None, work_dir=None, **kw):
    """Decide one cell by cube and conquer; a :class:`CubeResult`.

    ``options``: a :class:`~superpos_formal.solve.cubes.CubeOptions`, or
    its fields as keywords ``kw`` (``depth=3, time_limit=60, ...``; an
    unknown name is an InputError). ``split``: the heuristic
    (:data:`~superpos_formal.solve.cubes.SPLITS`) with ``depth`` levels;
    the cubes then go to :func:`conquer` (per-cube ``time_limit``,
    re-splits, ``client``, ``budget``, ``memory_mb``). ``work_dir``: keep
    refuted cubes and re-splits there, and take them from there in a later
    run of the same cell (:class:`CubeWork`).

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
    opt = CubeOptions.of(options, kw)
    enc, members, fsym = cell_encoding(task, shape, family=family, members=members,
                                       family_symmetry=family_symmetry,
                                       symmetry=opt.symmetry, sums=opt.sums)
    q, split_s, reused = _split_and_conquer(enc, opt, client, work_dir, t0)
    res = CubeResult("UNKNOWN", q.cubes, [a for a in q.answers if a is not None],
                     time.perf_counter() - t0, "", encoding=enc, split=_split_label(opt),
                     resplit=len(q.superseded), killed=q.killed, split_seconds=split_s,
                     superseded=q.superseded)
    res.reused = reused
    res.members, res.family_symmetry = members, fsym
    tasks = members or (list(family.members()) if family is not None else [task])
    _conclude(res, q, tasks, shape, family)
    return res


def _split_and_conquer(enc, opt, client, work_dir, t0):
    """Split ``F`` into its first cubes and conquer them: ``(Conquest,
    seconds the split took, refuted cubes taken from the work folder)``."""
    la = None
    if opt.split == "lookahead" or opt.resplit:
        la = Lookahead(enc.clauses, split_candidates(enc))
    try:
        first = (la.tree([], opt.depth) if opt.split == "lookahead"
                 else split_cubes(enc, opt.depth, opt.split))
        split_s = time.perf_counter() - t0
        work = None
        if work_dir is not None:
            work = CubeWork(work_dir, drat.sha256_text(enc.to_dimacs()), report=opt.progress)
        q = conquer(enc.clauses, enc.nvars, first, options=opt, client=client, lookahead=la,
                    work=work)
    finally:
        if la is not None:
            la.close()
    return q, split_s, (work.reused if work is not None else 0)


def _conclude(res, q, tasks, shape, family):
    """The cell's answer into ``res``: SAT (a cube's network, verified on
    ``tasks``), UNSAT (every leaf refuted with a checked proof, and the
    cover proof), or UNKNOWN with the open cubes."""
    if q.sat is not None:
        _, _, nets = res.encoding.decode_all(q.sat.model)
        for net, t in zip(nets, tasks):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"SAT cube {q.sat.index} decodes to a network that fails "
                                     f"{v.errors} bit(s); encoder bug")
        if res.members is not None:
            res.note = (f"cube {q.sat.index} is SAT for the subfamily: its code serves "
                        f"{len(res.members)} of {family.size} members (networks verified); "
                        f"that says nothing about the family")
            res.networks = nets
        else:
            res.status, res.network, res.networks = "SAT", nets[0], nets
    elif len(res.answers) == len(q.cubes) and all(a.status == "UNSAT" and a.checked
                                                  for a in res.answers):
        res.cover_text = cover_proof(q.cubes)
        res.status = "UNSAT"
    else:
        res.open_cubes = [c for c, a in zip(q.cubes, q.answers)
                          if a is None or a.status != "UNSAT"]


def _split_label(opt):
    s = f"{opt.split} depth {opt.depth}: {SPLITS[opt.split]}"
    if opt.resplit:
        s += (f"; a cube at its time limit split again by lookahead ({opt.resplit_depth} "
              f"levels), at most {opt.resplit} times along a branch")
    return s


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
    dimacs = result.encoding.to_dimacs()
    claim = _cube_claim(result, dimacs, shape, family if family is not None else task,
                        symmetry, sums)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".cubes-", dir=out_dir.parent))
    try:
        _write_cube_files(tmp, result, dimacs, claim)
        rep = verify_bundle(tmp, checkers=checkers, budget=budget)
        if not rep.ok:
            raise SoundnessError("fresh cube bundle fails verification: "
                                 + "; ".join(rep.all_failures()))
        publish(tmp, out_dir)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return out_dir


def _cube_claim(result, dimacs, shape, subject, symmetry, sums):
    """``claim.json`` of a cube bundle (``subject``: the task or family)."""
    enc = result.encoding
    # the resolved sum encoding ("auto" becomes "tree" or "binary"): the one
    # that regenerates this CNF
    options = {"symmetry": bool(symmetry), "sums": enc.info.get("sums", sums)}
    if result.family_symmetry:
        options["family_symmetry"] = result.family_symmetry
    if result.members is not None:
        # a subfamily's refutation: the claim says which members it is about
        options["members"] = [task_to_dict(t) for t in result.members]
    family = isinstance(subject, Family)
    question = "family" if family else ("representation" if shape.L == 0 else "instance")
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
        "formula": {"sha256": drat.sha256_text(dimacs), "nvars": enc.nvars,
                    "clauses": len(enc.clauses)},
        "cubes": {"count": len(result.cubes), "split": result.split,
                  "proof_lines": sum(a.proof_lines for a in result.answers),
                  "solve_seconds": round(sum(a.seconds for a in result.answers), 3)},
        "headline": False,
        "timings": {"wall_seconds": round(result.seconds, 3)},
    }
    if family:
        claim["family"] = family_to_dict(subject)
    else:
        claim["task"] = task_to_dict(subject)
    return claim


def _write_cube_files(tmp, result, dimacs, claim):
    """Every file of the bundle into ``tmp``, the manifest last."""
    drat.write_gz(tmp / "formula.cnf.gz", dimacs)
    drat.write_gz(tmp / "cover.drat.gz", result.cover_text)
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
    text = _bundle_formula(path, claim, rep, limit)
    if text is None:
        return
    nvars, F = drat.parse_dimacs(text)
    if regenerate:
        if not _regenerates(text, claim, rep, (members, shape, options)):
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
    checker = _ProofCheck(rep, checkers, budget or drat.CheckerPolicy(), limit)
    recs = checker.check([[-l for l in c] for c in cubes], path / "cover.drat.gz",
                         "cover.drat.gz")
    rep.checks += [f"cover:{r.checker}:{r.verdict.lower()}" for r in recs]
    verified = 0
    for i, (c, rel) in enumerate(zip(cubes, proofs)):
        if not (path / rel).is_file():
            rep.failures.append(f"{rel}: missing (the proof of cube {i})")
            continue
        before = len(rep.failures)
        checker.check(SimpleNamespace(clauses=_Units(F, c), nvars=nvars), path / rel, rel)
        verified += len(rep.failures) == before
    rep.checks.append(f"cube proofs verified: {verified}/{len(cubes)}")


def _bundle_formula(path, claim, rep, limit):
    """The text of ``formula.cnf.gz`` when it matches claim.json's sha256;
    None (a failure in ``rep``) otherwise."""
    try:
        text = read_bounded(path / "formula.cnf.gz", limit)
    except InputError as e:
        rep.failures.append(str(e))
        return None
    if drat.sha256_text(text) != (claim.get("formula") or {}).get("sha256"):
        rep.failures.append("formula.cnf.gz: sha256 differs from claim.json's formula.sha256")
        return None
    return text


def _regenerates(text, claim, rep, question):
    """Whether ``text`` is the formula regenerated from claim.json
    (``question``: members, shape, options); a failure in ``rep`` if not."""
    members, shape, options = question
    rep.checks.append("regenerate")
    enc = claim.get("encoder") or {}
    try:
        encoding, _ = encode(enc.get("name"), rep.question, members, shape, options)
    except InputError as e:
        rep.failures.append(f"regenerate: {e}")
        return False
    if drat.sha256_text(encoding.to_dimacs()) != drat.sha256_text(text):
        rep.failures.append("formula.cnf.gz: differs from the formula regenerated "
                            "from claim.json")
        return False
    return True


class _ProofCheck:
    """Checks one bundle's proofs with the same checkers, budget and size
    limit, recording failures in ``rep``."""

    def __init__(self, rep, checkers, budget, limit):
        self.rep, self.checkers, self.budget, self.limit = rep, checkers, budget, limit

    def check(self, cnf, prf, what):
        """The checkers' records of proof file ``prf`` of ``cnf``."""
        try:
            proof = read_bounded(prf, self.limit)
        except InputError as e:
            self.rep.failures.append(f"{what}: {e}")
            return []
        recs = drat.check_drat(cnf, checkers=self.checkers, budget=self.budget, text=proof)
        if any(r.verdict == drat.REJECTED for r in recs):
            r = next(r for r in recs if r.verdict == drat.REJECTED)
            self.rep.failures.append(f"{what}: rejected by {r.checker} ({r.reason})")
        elif not any(r.verdict == drat.VERIFIED for r in recs):
            self.rep.failures.append(f"{what}: no checker verified the proof (all skipped)")
        return recs


register_certificate("cubes", verify_cubes)
