"""The family question (docs/MODEL.md 4.3): shared codes, one weight set per member.

``decide_family`` runs a counterexample-guided loop over *members*:

1. solve the family formula (:func:`~superpos_formal.encode.sat.encode_family_sat`)
   for the current subfamily, codes ``E, R`` free and shared;
2. UNSAT: no code serves the subfamily, so none serves the family (every
   code that serves the family serves each subset of it). The subfamily's
   DRAT proof is the certificate for the whole family;
3. SAT: fix the codes and ask every other member the instance question
   with these given codes. If all are SAT, the codes plus the per-member
   networks (each verified exhaustively) are a construction for the whole
   family. Otherwise add a failing member and repeat.

A member with an input-code conflict (``E x = E x'``, ``f(x) != f(x')``) fails
without a solver call; that only steers the loop and certifies nothing.
"""

import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field, replace

from ..codes import forced_errors
from ..domain import domain
from ..encode.sat import encode_architecture, encode_family_sat
from ..encode.symmetry import family_symmetry_of
from ..budget import check_budget
from ..errors import InputError, SoundnessError
from ..ids import stable_id
from ..results import CodeKind, Mode, Status, bounds_label
from ..schema import network_from_dict
from ..sizes import check_encoding_size
from ..tasks import MAX_FAMILY_MEMBERS
from ..verify import verify
from .runner import DEFAULT_SOLVER, Child, run_limited, solve_cnf
from .search import (CADICAL_CONFIGS, Search, _left, decide, is_minimum, proof_label,
                     solve_limit)

__all__ = ["FamilyCell", "decide_family", "min_neurons_family", "FAMILY_CONFIG", "extend_formula"]


@dataclass(repr=False)
class FamilyCell:
    family: object
    shape: object
    status: str
    seconds: float
    E: list = None
    R: list = None
    networks: list = None          # SAT: one verified network per member, in member order
    core: list = None              # the subfamily solved last (UNSAT: the certificate's members)
    proof_path: str = None
    cnf_path: str = None
    rounds: int = 0
    options: dict = field(default_factory=dict)
    info: dict = field(default_factory=dict)
    solver: str = DEFAULT_SOLVER
    note: str = ""
    certified: bool = False
    check_note: str = ""
    #: UNKNOWN only: the limit that stopped it ("time", "budget", "memory")
    limit: str = None

    @property
    def id(self):
        return stable_id({"question": "family", "family": self.family.to_dict(),
                          "shape": self.shape.to_dict(), "options": self.options})

    def __repr__(self):
        ev = f" {proof_label(self)}" if self.status == Status.UNSAT else ""
        return (f"<FamilyCell {self.family.name} {self.shape.mode} {self.shape.activation} "
                f"n={self.shape.n} L={self.shape.L} {bounds_label(self.shape)}: "
                f"{self.status}{ev} after {self.rounds} round(s) {self.seconds:.1f} s>")

    @property
    def codes(self):
        """The shared ``(E, R)`` when one was found, else None."""
        return None if self.E is None else (self.E, self.R)

    def row(self):
        return {"n": self.shape.n, "status": self.status, "proof": proof_label(self),
                "seconds": round(self.seconds, 3),
                "rounds": self.rounds, "core": None if self.core is None else len(self.core),
                "vars": self.info.get("vars"), "clauses": self.info.get("clauses")}



def extend_formula(solver, added, clauses, what):
    """Give ``solver`` the clauses of ``clauses`` past the prefix ``added`` it
    already holds, and return ``clauses`` (the new prefix).

    An incremental loop keeps the solver's learnt clauses across rounds only
    because each round's formula contains the previous one; a formula that
    does not start with ``added`` would leave stale clauses in the solver, so
    it raises :class:`SoundnessError` naming ``what``.
    """
    if clauses[:len(added)] != added:
        raise SoundnessError(f"{what} does not extend the previous round's")
    solver.append_formula(clauses[len(added):])
    return clauses

def decide_family(family, shape, *, time_limit=None, solver=DEFAULT_SOLVER,
                  symmetry=True, proof_path=None, cnf_path=None, start=1,
                  progress=None, check=None, budget=None, incremental=True,
                  member_options=None, config=None):
    """Decide whether one shared code serves every member of ``family``.

    ``shape.codes`` must be ``"free"`` (superposed mode). ``time_limit``
    is per solve (each subfamily solve and each member solve); ``budget``
    (seconds, optional) bounds the whole loop; reaching either gives
    UNKNOWN. With ``check`` (a proof checker, see
    :func:`~superpos_formal.solve.search.decide`) the refutation of the
    final subfamily is logged as a DRAT proof and checked
    (``cell.certified``).

    ``incremental`` (the default; ``False`` for a fresh solve per round):
    keep one solver across the rounds (the whole loop runs
    in one child process) and give it only the new member's clauses each
    round, instead of a fresh solve of the whole subfamily. The encoding of
    a subfamily extends the encoding of every prefix of it clause for
    clause (members are encoded in order after the shared code; checked
    every round, an encoding that does not extend the previous one raises
    SoundnessError), so the formula the solver has seen is exactly the last
    round's CNF, and the DRAT trace of the whole session is checked against
    that CNF like any other proof. One session has no per-solve limit: the
    child is killed at ``budget`` (or, without one, at ``time_limit``), and
    each member solve is limited by ``time_limit`` and what is left.
    Default since the frontier benchmark (benchmarks/results/frontier.md):
    on its family cells the incremental loop decided more cells with a
    lower PAR-2 than fresh solves.

    ``config``: the CaDiCaL option set of the incremental loop's solver
    (a key of :data:`~superpos_formal.solve.search.CADICAL_CONFIGS`;
    default :data:`FAMILY_CONFIG` for CaDiCaL).

    ``member_options`` (a dict, optional): solver keywords of
    :func:`~superpos_formal.solve.search.decide` (``portfolio``,
    ``stagger``, ``race_if_free``, ``config``) for the members' instance
    solves with the subfamily's codes; they change the search, never the
    question.
    """
    member_options = _member_options(member_options)
    if config is not None and not incremental:
        raise InputError("config: an option set applies to the incremental loop's solver")
    if config is None:
        config = FAMILY_CONFIG if solver.startswith("cadical") else "default"
    if config not in CADICAL_CONFIGS or (CADICAL_CONFIGS[config] and not solver.startswith("cadical")):
        raise InputError(f"config: unknown CaDiCaL option set {config!r} for {solver}")
    if incremental:
        return _decide_family_incremental(family, shape, time_limit, budget, solver,
                                          symmetry, proof_path, cnf_path, start, progress,
                                          check, member_options, config)
    tmp = None
    if check and (proof_path is None or cnf_path is None):
        tmp = tempfile.mkdtemp(prefix="superpos-check-")
    try:
        deadline = None if budget is None else time.perf_counter() + budget
        cell = _decide_family(family, shape, (time_limit, deadline), solver, symmetry,
                              proof_path or (tmp and os.path.join(tmp, "proof.drat")),
                              cnf_path or (tmp and os.path.join(tmp, "formula.cnf")),
                              start, progress, check, member_options)
        if tmp:
            cell.proof_path = proof_path if cell.status == Status.UNSAT else None
            cell.cnf_path = cnf_path
        return cell
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


_MEMBER_OPTIONS = ("portfolio", "stagger", "race_if_free", "config")

#: the option set of the incremental loop's CaDiCaL: its ``--sat`` preset
#: was faster than the default options on each of the five family cells of
#: the frontier suite that either decides (one solver run each, load ~3:
#: and1sets4 n = 3 0.46 against 0.77 s, and2sets4 n = 2 1.22 against
#: 1.35 s, perms4 n = 2 0.32 against 0.38 s, perms4 n = 3 1.85 against
#: 1.94 s, perms5 n = 2 0.24 against 0.26 s). Options change the search,
#: never the formula: the session's DRAT proof is checked as always.
FAMILY_CONFIG = "sat"


def _member_options(opts):
    opts = dict(opts or {})
    bad = sorted(set(opts) - set(_MEMBER_OPTIONS))
    if bad:
        raise InputError(f"member_options: unknown {', '.join(bad)} "
                         f"(allowed: {', '.join(_MEMBER_OPTIONS)})")
    return opts


def _decide_family(family, shape, limits, solver, symmetry, proof_path, cnf_path,
                   start, progress, check, member_options=None):
    time_limit, deadline = limits
    if shape.mode != Mode.SUPERPOSED or shape.codes != CodeKind.FREE:
        raise InputError("shape: the family question needs mode=superposed, codes=free")
    t0 = time.perf_counter()
    # refused up front when the family is larger than this loop can check
    # (each member outside the core costs a solve); else enumerated once
    members = family.member_list(MAX_FAMILY_MEMBERS, "the family question")
    check_encoding_size(members[0], shape, members=1, what="family question")
    # relabelling symmetry of the whole family (sound only for complete,
    # closed families: encode/symmetry.py); recorded in the options so the
    # bundle regenerates the same formula
    fsym = family_symmetry_of(family) if symmetry else None
    core_idx = list(range(min(start, len(members))))
    rounds = 0

    def left():
        return solve_limit(time_limit, deadline)

    def unknown(reason, info=None, limit="time"):
        return FamilyCell(family, shape, Status.UNKNOWN, time.perf_counter() - t0,
                          core=[members[i] for i in core_idx], rounds=rounds,
                          options={"symmetry": symmetry}, note=reason,
                          info=info or {}, solver=solver, limit=limit)

    while True:
        rounds += 1
        core = [members[i] for i in core_idx]
        check_budget("encoding")
        enc = encode_family_sat(core, shape, symmetry=symmetry, family_symmetry=fsym)
        rem = left()
        if rem is not None and rem <= 0:
            return unknown("time limit", enc.info)
        if cnf_path:
            with open(cnf_path, "w") as fh:
                fh.write(enc.to_dimacs())
        res = solve_cnf(enc.clauses, enc.nvars, solver=solver, time_limit=rem,
                        proof_path=proof_path)
        if progress:
            progress(f"round {rounds}: subfamily of {len(core)}: {res.status} "
                     f"in {res.seconds:.2f}s ({enc.info['vars']} vars)")
        # encoder keyword arguments only: the subfamily is in .core
        opts = {"symmetry": symmetry}
        if fsym:
            opts["family_symmetry"] = fsym
        if res.status == Status.UNKNOWN:
            return unknown(res.reason, enc.info, res.limit)
        if res.status == Status.UNSAT:
            certified, note = False, "not checked (no proof checker given)"
            if check:
                certified, note = check(cnf_path, proof_path)
            return FamilyCell(family, shape, Status.UNSAT, time.perf_counter() - t0,
                              core=core, proof_path=res.proof_path, cnf_path=cnf_path,
                              rounds=rounds, options=opts, info=enc.info, solver=solver,
                              certified=certified, check_note=note)
        E, R, nets = enc.decode_all(res.model)
        for t, net in zip(core, nets):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"family model fails member {t.name}: "
                                     f"{v.counterexamples[0]}; encoder bug")
        networks, failed, stop = _test_members(members, core_idx, nets, E, R, shape,
                                               left, solver, symmetry, member_options)
        if stop:
            return unknown(stop[0], enc.info, stop[1])
        if failed is None:
            return FamilyCell(family, shape, Status.SAT, time.perf_counter() - t0, E=E, R=R,
                              networks=networks, core=core, rounds=rounds, options=opts,
                              info=enc.info, solver=solver)
        core_idx.append(failed)


def _member_session(emit, given, tasks, solver, symmetry, config):
    """Child half of :func:`_test_members_assumed`: one formula with free
    outputs for the given codes, one solve per task under the assumptions
    of its truth table; emits ``{"sat", "network"}`` per task and stops at
    the first UNSAT."""
    from pysat.solvers import Solver

    t0 = tasks[0]
    enc = encode_architecture(t0.m, t0.m_out, t0.s, given, symmetry=symmetry, sums="auto")
    X = list(domain(t0.m, t0.s))
    with Solver(name=solver) as s:
        if CADICAL_CONFIGS[config]:
            s.solver.configure(CADICAL_CONFIGS[config])
        s.append_formula(enc.clauses)
        for t in tasks:
            want = {xi: t(x) for xi, x in enumerate(X)}
            assumptions = [y if want[xi][j] else -y for (xi, j), y in enc.output_lits.items()]
            ok = s.solve(assumptions=assumptions)
            emit({"sat": bool(ok),
                  "network": enc.decode(s.get_model()).to_dict() if ok else None})
            if not ok:
                return


def _test_members_assumed(members, networks, E, R, shape, remaining, solver, symmetry):
    """:func:`_test_members` on one formula: the architecture with the
    subfamily's codes and free outputs, each member a solve under the
    assumptions that fix its outputs (one child; learnt clauses carry over
    from member to member). The same contract: members in order, the first
    one the codes cannot serve is ``failed``; each solve gets what
    ``remaining()`` allows. A SAT member's network is verified exhaustively
    here; an UNSAT member only steers the loop (it joins the subfamily,
    whose own DRAT proof is what an UNSAT answer rests on), so no proof of
    it is needed. The hidden-neuron order of the formula removes networks,
    never functions (:func:`~superpos_formal.encode.sat.encode_architecture`).
    """
    todo, conflict = [], None
    for i, t in enumerate(members):
        if networks[i] is not None:
            continue
        if forced_errors(E, t) > shape.tolerance:
            conflict = i  # no network can serve it: no solve needed
            break
        todo.append(i)
    if todo:
        given = replace(shape, codes="given", E=E, R=R)
        with Child(_member_session, given, [members[i] for i in todo], solver, symmetry,
                   FAMILY_CONFIG if solver.startswith("cadical") else "default",
                   stream=True, part="solving") as ch:
            for i in todo:
                rem = remaining()
                if rem is not None and rem <= 0:
                    return networks, None, ("time limit", "time")
                msg = ch.recv(rem)
                if msg[0] == "limit":
                    return networks, None, (msg[1].reason or "time limit", msg[1].limit)
                if msg[0] != "msg":
                    raise SoundnessError("member session ended before its members")
                if not msg[1]["sat"]:
                    return networks, i, None
                net = network_from_dict(msg[1]["network"])
                v = verify(net, members[i], shape.tolerance)
                if not v.ok:
                    raise SoundnessError(f"member model fails {members[i].name}: "
                                         f"{v.counterexamples[0]}; encoder bug")
                networks[i] = net
    return networks, conflict, None


def _test_members(members, core_idx, nets, E, R, shape, remaining, solver, symmetry,
                  member_options=None):
    """The member-CEGIS step shared by the fresh and the incremental loop.

    With the subfamily's codes ``E, R`` fixed, every member outside the
    subfamily is asked as an instance question (given codes). Returns
    ``(networks, failed, stop)``: ``failed`` is the index of the first member
    the codes cannot serve (``None`` when all can); ``stop`` is a
    ``(reason, limit)`` pair when time ran out or a member's solve was
    undecided, so that no member is reported served without a network.

    By default (exact correctness, no ``member_options``) the members are
    solved on one formula under assumptions (:func:`_test_members_assumed`);
    otherwise each is a :func:`~superpos_formal.solve.search.decide` call.
    """
    networks = [None] * len(members)
    for i, net in zip(core_idx, nets):
        networks[i] = net
    if shape.tolerance == 0 and not member_options:
        return _test_members_assumed(members, networks, E, R, shape, remaining, solver,
                                     symmetry)
    given = replace(shape, codes="given", E=E, R=R)
    for i, t in enumerate(members):
        if networks[i] is not None:
            continue
        if forced_errors(E, t) > shape.tolerance:
            return networks, i, None
        rem = remaining()
        if rem is not None and rem <= 0:
            return networks, None, ("time limit", "time")
        cell = decide(t, given, time_limit=rem, solver=solver, symmetry=symmetry,
                      **(member_options or {}))
        if cell.status == Status.SAT:
            networks[i] = cell.network
        elif cell.status == Status.UNSAT:
            return networks, i, None
        else:
            return networks, None, (cell.reason or "time limit", cell.limit)
    return networks, None, None


def _incremental_loop(family, shape, solver, symmetry, proof_path, cnf_path, start,
                      time_limit, deadline, member_options=None, config=FAMILY_CONFIG):
    """Child-process half of the incremental loop: one solver, rounds of
    new members' clauses; returns a plain dict (pickled to the parent)."""
    from pysat.solvers import Solver

    members = list(family.members())
    fsym = family_symmetry_of(family) if symmetry else None
    core_idx = list(range(min(start, len(members))))
    log, added, rounds = [], [], 0
    opts = {"symmetry": symmetry}
    if fsym:
        opts["family_symmetry"] = fsym
    def remaining():
        rem = deadline - time.time() if deadline is not None else None
        if time_limit is not None:
            rem = time_limit if rem is None else min(rem, time_limit)
        return rem

    with Solver(name=solver, with_proof=proof_path is not None) as s:
        if CADICAL_CONFIGS[config]:
            s.solver.configure(CADICAL_CONFIGS[config])  # before the first clause
        while True:
            rounds += 1
            core = [members[i] for i in core_idx]
            t = time.perf_counter()
            enc = encode_family_sat(core, shape, symmetry=symmetry, family_symmetry=fsym)
            k = len(added)
            added = extend_formula(s, added, enc.clauses, "incremental family loop: the "
                                   "subfamily's encoding")
            ok = s.solve()
            log.append(f"round {rounds}: subfamily of {len(core)}: "
                       f"{'SAT' if ok else 'UNSAT'} in {time.perf_counter() - t:.2f}s "
                       f"({enc.info['vars']} vars, +{len(enc.clauses) - k} clauses)")
            base = {"rounds": rounds, "core_idx": list(core_idx), "info": dict(enc.info),
                    "opts": opts, "log": log}
            if not ok:
                if cnf_path:
                    with open(cnf_path, "w") as fh:
                        fh.write(enc.to_dimacs())
                if proof_path:
                    with open(proof_path, "w") as fh:
                        for line in s.get_proof():
                            fh.write(line)
                            fh.write("\n")
                return dict(base, status=str(Status.UNSAT))
            E, R, nets = enc.decode_all(s.get_model())
            networks, failed, stop = _test_members(members, core_idx, nets, E, R, shape,
                                                   remaining, solver, symmetry, member_options)
            if stop:
                return dict(base, status=str(Status.UNKNOWN))
            if failed is None:
                return dict(base, status=str(Status.SAT), E=E, R=R,
                            networks=[n.to_dict() for n in networks])
            core_idx.append(failed)


def _decide_family_incremental(family, shape, time_limit, budget, solver, symmetry,
                               proof_path, cnf_path, start, progress, check,
                               member_options=None, config=FAMILY_CONFIG):
    if shape.mode != Mode.SUPERPOSED or shape.codes != CodeKind.FREE:
        raise InputError("shape: the family question needs mode=superposed, codes=free")
    tmp = None
    if check and (proof_path is None or cnf_path is None):
        tmp = tempfile.mkdtemp(prefix="superpos-check-")
    pp = proof_path or (tmp and os.path.join(tmp, "proof.drat"))
    cp = cnf_path or (tmp and os.path.join(tmp, "formula.cnf"))
    t0 = time.perf_counter()
    # the same refusals as the fresh loop, before any child is started
    members = family.member_list(MAX_FAMILY_MEMBERS, "the family question")
    check_encoding_size(members[0], shape, members=1, what="family question")
    try:
        session = budget if budget is not None else time_limit
        deadline = None if session is None else time.time() + session
        done, out = run_limited(_incremental_loop, family, shape, solver, symmetry, pp, cp,
                                start, time_limit, deadline, member_options, config,
                                time_limit=session)
        dt = time.perf_counter() - t0
        if progress and done:
            for line in out["log"]:
                progress(line)
        if not done or out["status"] == Status.UNKNOWN:
            return FamilyCell(family, shape, Status.UNKNOWN, dt, rounds=out["rounds"] if done else 0,
                              options={"symmetry": symmetry, "incremental": True},
                              note="time limit", solver=solver)
        core = [members[i] for i in out["core_idx"]]
        info = dict(out["info"], incremental=True)
        if out["status"] == Status.UNSAT:
            certified, note = False, "not checked (no proof checker given)"
            if check:
                certified, note = check(cp, pp)
            return FamilyCell(family, shape, Status.UNSAT, time.perf_counter() - t0, core=core,
                              proof_path=proof_path, cnf_path=cnf_path,
                              rounds=out["rounds"], options=out["opts"], info=info,
                              solver=solver, certified=certified, check_note=note)
        nets = [network_from_dict(d) for d in out["networks"]]
        for t, net in zip(members, nets):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"family network fails member {t.name}: "
                                     f"{v.counterexamples[0]}; encoder bug")
        return FamilyCell(family, shape, Status.SAT, time.perf_counter() - t0, E=out["E"],
                          R=out["R"], networks=nets, core=core, rounds=out["rounds"],
                          options=out["opts"], info=info, solver=solver)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)


def min_neurons_family(family, shape, *, n_min=1, n_max=8, time_limit=None,
                       progress=None, proof_dir=None, budget=None, decide=None, **kw):
    """Smallest ``n`` at which a shared code serves the family.

    Monotone in ``n``: a code and networks at width ``n`` extend to ``n + 1``
    with a zero code coordinate (zero row of ``E``, zero column of ``R``) and
    a zero hidden neuron; so the first SAT after an UNSAT is the minimum.
    ``time_limit`` is per solve; ``budget`` bounds the whole search.
    ``decide``: the per-width method, a function with the signature of
    :func:`decide_family` (default: the member loop); the orbit method
    :func:`~superpos_formal.solve.equivariant.decide_family_orbits` is one
    (passed in by the caller: this module does not import it).
    """
    decide_one = decide_family if decide is None else decide
    deadline = None if budget is None else time.perf_counter() + budget
    cells = []
    result = Search("neurons", cells)
    for n in range(n_min, n_max + 1):
        sh = replace(shape, n=n)
        pp = cp = None
        if proof_dir:
            os.makedirs(proof_dir, exist_ok=True)
            pp = os.path.join(proof_dir, f"n{n}.drat")
            cp = os.path.join(proof_dir, f"n{n}.cnf")
        cell = decide_one(family, sh, time_limit=time_limit, proof_path=pp,
                          cnf_path=cp, progress=progress, budget=_left(deadline), **kw)
        cells.append(cell)
        if progress:
            progress(f"n={n}: {cell.status} in {cell.seconds:.2f}s after {cell.rounds} round(s)")
        if cell.limit == "budget":
            result.note = cell.note
            break
        if cell.status == Status.SAT:
            result.best = cell
            prev = cells[-2].status if len(cells) > 1 else None
            if is_minimum(n, prev):
                result.minimum = n
            else:
                result.note = f"SAT at n={n} but n={n - 1} is {prev}"
            break
    return result
