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
from dataclasses import dataclass, replace

from ..codes import forced_errors
from ..domain import domain
from ..encode.sat import encode_architecture, encode_family_sat
from ..encode.symmetry import family_symmetry_of
from ..budget import Budget, check_budget, clamp
from ..errors import InputError, SoundnessError
from ..options import SolveOptions
from ..results import CodeKind, Mode, Status
from ..schema import network_from_dict
from ..sizes import check_encoding_size
from ..tasks import MAX_FAMILY_MEMBERS
from ..verify import verify
from .ascend import ascend
from .cell import Cell
from .family_separation import separating_differences, separation_clauses
from .runner import Child, run_streamed, solve_cnf
from .search import CADICAL_CONFIGS, decide, proof_paths

__all__ = ["decide_family", "min_neurons_family", "FAMILY_CONFIG", "extend_formula",
           "MemberChoice"]


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


def decide_family(family, shape, options: SolveOptions | None = None, *,
                  budget: Budget | None = None, checker=None,
                  proof_path=None, cnf_path=None, member_options=None, config=None,
                  choice=None):
    """Decide whether one shared code serves every member of ``family``.

    ``shape.codes`` must be ``"free"`` (superposed mode). ``options`` as for
    :func:`~superpos_formal.solve.search.decide`: ``time_limit`` is per
    solve (each subfamily solve and each member solve), ``progress``
    receives one line per round; ``budget`` (a
    :class:`~superpos_formal.budget.Budget`, passed down unchanged) bounds
    the whole loop; reaching either gives UNKNOWN. With ``checker`` (the
    proof checker, passed down because certify is above solve) the
    refutation of the final subfamily is logged as a DRAT proof and checked
    (``cell.certified``).

    ``options.family_incremental`` (the default; ``False`` for a fresh solve
    per round): keep one solver across the rounds (the whole loop runs in
    one child process) and give it only the new member's clauses each
    round, instead of a fresh solve of the whole subfamily. The encoding of
    a subfamily extends the encoding of every prefix of it clause for
    clause (members are encoded in order after the shared code; checked
    every round, an encoding that does not extend the previous one raises
    SoundnessError), so the formula the solver has seen is exactly the last
    round's CNF, and the DRAT trace of the whole session is checked against
    that CNF like any other proof. One session has no per-solve limit: the
    child is killed when the budget runs out (or, without one, at
    ``time_limit``), and each member solve is limited by ``time_limit`` and
    what is left. Default since the frontier benchmark
    (benchmarks/results/frontier.md): on its family cells the incremental
    loop decided more cells with a lower PAR-2 than fresh solves.

    ``config``: the CaDiCaL option set of the incremental loop's solver
    (a key of :data:`~superpos_formal.solve.search.CADICAL_CONFIGS`;
    default :data:`FAMILY_CONFIG` for CaDiCaL).

    ``member_options`` (a dict, optional): :class:`SolveOptions` fields
    (``portfolio``, ``stagger``, ``race_if_free``, ``config``) for the
    members' instance solves with the subfamily's codes, each then a
    :func:`~superpos_formal.solve.search.decide`; they change the search,
    never the question.

    ``choice`` (a :class:`MemberChoice`, default main's loop: the first
    member alone, then the first failing member in family order each round):
    which members the subfamily starts with and which failing members join
    it. It changes the search, never the question.
    """
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    checker = checker if opts.check else None
    member_options = _member_options(member_options)
    solver = opts.solver
    if config is not None and not opts.family_incremental:
        raise InputError("config: an option set applies to the incremental loop's solver")
    if config is None:
        config = FAMILY_CONFIG if solver.startswith("cadical") else "default"
    if config not in CADICAL_CONFIGS or (CADICAL_CONFIGS[config] and not solver.startswith("cadical")):
        raise InputError(f"config: unknown CaDiCaL option set {config!r} for {solver}")
    if shape.mode != Mode.SUPERPOSED or shape.codes != CodeKind.FREE:
        raise InputError("shape: the family question needs mode=superposed, codes=free")
    # refused up front when the family is larger than this loop can check
    # (each member outside the core costs a solve), before any child starts
    members = family.member_list(MAX_FAMILY_MEMBERS, "the family question")
    check_encoding_size(members[0], shape, members=1, what="family question")
    tmp = None
    if checker and (proof_path is None or cnf_path is None):
        tmp = tempfile.mkdtemp(prefix="superpos-check-")
    try:
        paths = (proof_path or (tmp and os.path.join(tmp, "proof.drat")),
                 cnf_path or (tmp and os.path.join(tmp, "formula.cnf")))
        loop = _decide_family_incremental if opts.family_incremental else _decide_family
        choice = choice or MemberChoice()
        if (choice.separate or choice.inline) and not opts.family_incremental:
            raise InputError("choice: separate and inline apply to the incremental loop")
        cell = loop(family, members, shape, opts, budget, checker, paths, choice.start,
                    (member_options, config, choice))
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


def _encoder_options(family, symmetry):
    """The encoder keyword arguments of the family formula (recorded in the
    cell's options so a bundle regenerates the same formula): the
    relabelling symmetry of the whole family is sound only for complete,
    closed families (encode/symmetry.py)."""
    opts = {"symmetry": symmetry}
    fsym = family_symmetry_of(family) if symmetry else None
    if fsym:
        opts["family_symmetry"] = fsym
    return opts


def _decide_family(family, members, shape, opts, budget, checker, paths, start, tuning):
    """The member loop with a fresh solve of the subfamily each round."""
    member_options, _, pick = tuning
    proof_path, cnf_path = paths
    t0 = time.perf_counter()
    enc_opts = _encoder_options(family, opts.symmetry)
    fsym = enc_opts.get("family_symmetry")
    core_idx = list(range(min(start, len(members))))
    rounds = 0

    def unknown(reason, info=None, limit="time"):
        return Cell(family, shape, Status.UNKNOWN, time.perf_counter() - t0,
                    core=[members[i] for i in core_idx], rounds=rounds,
                    options={"symmetry": opts.symmetry}, reason=reason,
                    info=info or {}, solver=opts.solver, limit=limit)

    while True:
        rounds += 1
        core = [members[i] for i in core_idx]
        check_budget("encoding")
        enc = encode_family_sat(core, shape, symmetry=opts.symmetry, family_symmetry=fsym)
        rem, binds = clamp(budget, opts.time_limit)
        if binds and rem <= 0:
            budget.note("solving")
            return unknown("the call's budget was used up", enc.info, "budget")
        if cnf_path:
            with open(cnf_path, "w") as fh:
                fh.write(enc.to_dimacs())
        res = solve_cnf(enc.clauses, enc.nvars, solver=opts.solver, time_limit=rem,
                        proof_path=proof_path, budget=budget)
        if opts.progress:
            opts.progress(f"round {rounds}: subfamily of {len(core)}: {res.status} "
                          f"in {res.seconds:.2f}s ({enc.info['vars']} vars)")
        if res.status == Status.UNKNOWN:
            return unknown(res.reason, enc.info, res.limit)
        if res.status == Status.UNSAT:
            certified, note = False, "not checked (no proof checker given)"
            if checker:
                certified, note = checker(cnf_path, proof_path)
            return Cell(family, shape, Status.UNSAT, time.perf_counter() - t0,
                        core=core, proof_path=res.proof_path, cnf_path=cnf_path,
                        rounds=rounds, options=enc_opts, info=enc.info, solver=opts.solver,
                        certified=certified, check_note=note)
        E, R, nets = enc.decode_all(res.model)
        for t, net in zip(core, nets):
            v = verify(net, t, shape.tolerance)
            if not v.ok:
                raise SoundnessError(f"family model fails member {t.name}: "
                                     f"{v.counterexamples[0]}; encoder bug")
        networks, failed, stop = _sweep(members, core_idx, nets, (E, R), shape, opts,
                                        budget, member_options, pick)
        if stop:
            return unknown(stop[0], enc.info, stop[1])
        if failed is None:
            return Cell(family, shape, Status.SAT, time.perf_counter() - t0, codes=(E, R),
                        networks=networks, core=core, rounds=rounds, options=enc_opts,
                        info=enc.info, solver=opts.solver)
        core_idx.extend(failed)


def _member_session(emit, given, tasks, solver, symmetry, config, stop_after=1):
    """Child half of :func:`_test_members_assumed`: one formula with free
    outputs for the given codes, one solve per task under the assumptions
    of its truth table; emits ``{"sat", "network"}`` per task and stops at
    the ``stop_after``-th UNSAT."""
    from pysat.solvers import Solver

    t0 = tasks[0]
    enc = encode_architecture(t0.m, t0.m_out, t0.s, given, symmetry=symmetry, sums="auto")
    X = list(domain(t0.m, t0.s))
    unsat = 0
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
                unsat += 1
                if unsat >= stop_after:
                    return


def _test_members_assumed(members, networks, codes, shape, opts, budget, pick=None,
                          inline=False):
    """:func:`_test_members` on one formula: the architecture with the
    subfamily's codes and free outputs, each member a solve under the
    assumptions that fix its outputs (one child; learnt clauses carry over
    from member to member). The same contract: members in ``pick.order``
    (index order by default), the failing ones (up to ``pick.batch``) are
    returned as a list; each solve gets ``opts.time_limit`` clamped to the
    budget. A SAT member's network is verified exhaustively here; an UNSAT
    member only steers the loop (it joins the subfamily, whose own DRAT
    proof is what an UNSAT answer rests on), so no proof of it is needed.
    The hidden-neuron order of the formula removes networks, never
    functions (:func:`~superpos_formal.encode.sat.encode_architecture`).
    ``inline``: the session runs in this process (the incremental loop's
    child, whose own limit then bounds the members' solves) instead of a
    child of its own.
    """
    E, R = codes
    pick = pick or MemberChoice()
    order = pick.order_of(members, [i for i, n in enumerate(networks) if n is not None])
    # input-code conflicts need no solve (no network can serve them); main's
    # loop (index order, one at a time) asks the members before the first
    # conflict all the same, kept so that "cegis" is main's loop
    todo, conflicts = [], []
    for i in order:
        if networks[i] is None:
            if forced_errors(E, members[i]) > shape.tolerance:
                conflicts.append(i)
            elif not conflicts:
                todo.append(i)
    if conflicts and (pick.order != "index" or pick.batch != 1):
        return networks, conflicts[:pick.batch], None
    failed = []
    if todo:
        given = replace(shape, codes="given", E=E, R=R)
        args = (_member_session, given, [members[i] for i in todo], opts.solver,
                opts.symmetry, FAMILY_CONFIG if opts.solver.startswith("cadical")
                else "default", pick.batch)
        if inline:
            msgs = []
            args[0](lambda d: msgs.append(("msg", d)), *args[1:])
            stop = _take_members(todo, iter(msgs).__next__, networks, failed, members,
                                 shape, pick)
        else:
            with Child(*args, stream=True, part="solving", budget=budget) as ch:
                stop = _take_members(todo, lambda: ch.recv(opts.time_limit), networks,
                                     failed, members, shape, pick)
        if stop:
            return networks, None, stop
    return networks, failed or conflicts[:1] or None, None


def _take_members(todo, recv, networks, failed, members, shape, pick):
    """Read the member session's answers (``recv()`` gives the next message):
    each SAT member's network verified into ``networks``, the UNSAT ones
    into ``failed`` (up to ``pick.batch``); a ``(reason, limit)`` pair when
    time ran out, else None."""
    for i in todo:
        msg = recv()
        if msg[0] == "limit":
            return (msg[1].reason or "time limit", msg[1].limit)
        if msg[0] != "msg":
            raise SoundnessError("member session ended before its members")
        if not msg[1]["sat"]:
            failed.append(i)
            if len(failed) >= pick.batch:
                break
            continue
        net = network_from_dict(msg[1]["network"])
        v = verify(net, members[i], shape.tolerance)
        if not v.ok:
            raise SoundnessError(f"member model fails {members[i].name}: "
                                 f"{v.counterexamples[0]}; encoder bug")
        networks[i] = net
    return None


@dataclass(frozen=True)
class MemberChoice:
    """Which members the member loop's subfamily starts with (``start``: the
    first ``start`` members) and which failing members join it.

    ``order``: ``"index"`` asks the other members in family order (main's
    loop), ``"far"`` asks first the members whose truth tables are farthest
    (Hamming distance, minimum over the subfamily) from the subfamily's;
    ``batch``: how many failing members join per round (the sweep goes on
    after a failure until this many are found or the members run out).
    ``separate``: each subfamily solve (incremental loop, exact questions)
    is asked first with the separation clauses of the whole family (codes
    that tell apart every pair of inputs some member tells apart:
    :mod:`.family_separation`), which every code serving the family
    satisfies; the plain subfamily formula takes over from the first round
    where that is UNSAT. ``inline``: the incremental loop asks the members
    (the instance solves with the subfamily's code) in its own process
    instead of starting one more per round: one fork less per round
    (70-120 ms of wall time per cell at load ~4.5, measured on the small
    cells of search/families.json); the loop's limit (the budget, else
    ``time_limit``) then bounds those solves together rather than
    ``time_limit`` each.
    All of these change only which codes are tried and which members are
    asked first and which join: a SAT answer still has every member's
    network verified, an UNSAT answer is still the DRAT-checked refutation
    of an actual subfamily.

    >>> MemberChoice("far", 2)
    MemberChoice(order='far', batch=2, start=1, separate=False, inline=False)
    """

    order: str = "index"
    batch: int = 1
    start: int = 1
    separate: bool = False
    inline: bool = False

    def __post_init__(self):
        if self.order not in ("index", "far"):
            raise InputError(f"choice: unknown order {self.order!r} (index, far)")
        for name in ("batch", "start"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise InputError(f"choice: {name} must be an integer >= 1, got {v!r}")
        for name in ("separate", "inline"):
            if not isinstance(getattr(self, name), bool):
                raise InputError(f"choice: {name} must be True or False, "
                                 f"got {getattr(self, name)!r}")

    def order_of(self, members, core_idx):
        """Member indices in the order they are asked."""
        idx = list(range(len(members)))
        if self.order == "index" or not core_idx:
            return idx
        X = list(domain(members[0].m, members[0].s))
        tables = [tuple(b for x in X for b in t(x)) for t in members]

        def dist(i):
            return min(sum(a != b for a, b in zip(tables[i], tables[c])) for c in core_idx)

        return sorted(idx, key=lambda i: (-dist(i), i))


def _test_members(members, core_idx, nets, codes, shape, opts, budget, member_options=None):
    """The member-CEGIS step shared by the fresh and the incremental loop.

    With the subfamily's codes ``codes = (E, R)`` fixed, every member
    outside the subfamily is asked as an instance question (given codes).
    Returns ``(networks, failed, stop)``: ``failed`` is the index of the
    first member the codes cannot serve (``None`` when all can); ``stop`` is
    a ``(reason, limit)`` pair when time ran out or a member's solve was
    undecided, so that no member is reported served without a network. Each
    solve's limit is ``opts.time_limit`` clamped to ``budget``.

    By default (exact correctness, no ``member_options``) the members are
    solved on one formula under assumptions (:func:`_test_members_assumed`);
    otherwise each is a :func:`~superpos_formal.solve.search.decide` call
    with ``opts`` changed by ``member_options``.
    """
    networks, failed, stop = _sweep(members, core_idx, nets, codes, shape, opts, budget,
                                    member_options)
    return networks, failed[0] if failed else None, stop


def _sweep(members, core_idx, nets, codes, shape, opts, budget, member_options=None,
           pick=None, inline=False):
    """:func:`_test_members` with the choice ``pick``
    (:class:`MemberChoice`); ``failed`` is a list of member indices."""
    networks = [None] * len(members)
    for i, net in zip(core_idx, nets):
        networks[i] = net
    if shape.tolerance == 0 and not member_options:
        return _test_members_assumed(members, networks, codes, shape, opts, budget, pick,
                                     inline)
    E, R = codes
    given = replace(shape, codes="given", E=E, R=R)
    member = opts.replace(budget=None, check=False, progress=None, **(member_options or {}))
    pick = pick or MemberChoice()
    failed = []
    for i in pick.order_of(members, list(core_idx)):
        if networks[i] is not None:
            continue
        if forced_errors(E, members[i]) <= shape.tolerance:
            cell = decide(members[i], given, member, budget=budget)
            if cell.status == Status.SAT:
                networks[i] = cell.network
                continue
            if cell.status != Status.UNSAT:
                return networks, None, (cell.reason or "time limit", cell.limit)
        failed.append(i)
        if len(failed) >= pick.batch:
            break
    return networks, failed or None, None


class _SeparatedSolver:
    """The side solver of ``MemberChoice(separate=True)``: each round's
    subfamily formula plus the separation clauses of the whole family
    (:mod:`.family_separation`). They are implied by the family, not by the
    subfamily, so this solver only steers: its SAT gives a code whose
    members are then checked as always, its UNSAT is never an answer (the
    plain subfamily formula, with its DRAT proof, decides then) and it logs
    no proof.

    Numbering: the encoder's variable 1 is its constant TRUE and stays 1;
    the separation clauses' own variables are ``2 .. k + 1``, and every other
    variable ``v`` of the formula is ``v + k`` here, so that the variables
    later rounds' members add never meet them.
    """

    def __init__(self, solver, config, members):
        from pysat.solvers import Solver

        self.s = Solver(name=solver)
        if CADICAL_CONFIGS[config]:
            self.s.solver.configure(CADICAL_CONFIGS[config])
        self.diffs = separating_differences(members)
        self.k = None
        self.added = []

    def _move(self, lit):
        a = abs(lit)
        return lit if a == 1 else (a + self.k if lit > 0 else -a - self.k)

    def solve(self, enc):
        """Extend by this round's formula and solve: the model in the
        formula's own numbering, or ``None`` (UNSAT with the separation)."""
        if self.k is None:
            top = enc.nvars + 1
            # the order-encoded entries of E (the encoding's own, read as decode_all does)
            sep, nxt = separation_clauses(enc._E, self.diffs, top)
            self.k = nxt - top
            # aux variable top + i becomes 2 + i; code literals move like the rest
            aux = {v: 2 + v - top for v in range(top, nxt)}
            self.s.append_formula([[aux[abs(l)] * (1 if l > 0 else -1) if abs(l) in aux
                                    else self._move(l) for l in c] for c in sep])
        if enc.clauses[:len(self.added)] != self.added:
            raise SoundnessError("separated family loop: the subfamily's encoding does "
                                 "not extend the previous round's")
        self.s.append_formula([[self._move(l) for l in c]
                               for c in enc.clauses[len(self.added):]])
        self.added = enc.clauses
        if not self.s.solve():
            return None
        k = self.k
        return [1] + [l - k if l > 0 else l + k for l in self.s.get_model()[k + 1:]]

    def delete(self):
        self.s.delete()


def _incremental_loop(emit, family, shape, opts, paths, start, budget, tuning):
    """Child-process half of the incremental loop: one solver, rounds of
    new members' clauses; returns a plain dict (pickled to the parent) and
    passes one progress line per round to ``emit`` as the round ends.
    ``budget`` is the parent's (this child is forked: its clock is the
    parent's), so the member solves it starts are clamped to it.

    With ``pick.separate`` (exact questions only) each round is asked first
    of a :class:`_SeparatedSolver`; the plain solver (the one whose proof
    is logged) takes over for good from the first round that one finds
    UNSAT.
    """
    from pysat.solvers import Solver

    member_options, config, pick = tuning
    proof_path, cnf_path = paths
    members = list(family.members())
    enc_opts = _encoder_options(family, opts.symmetry)
    fsym = enc_opts.get("family_symmetry")
    core_idx = list(range(min(start, len(members))))
    added, rounds = [], 0
    side = (_SeparatedSolver(opts.solver, config, members)
            if pick.separate and shape.tolerance == 0 else None)
    with Solver(name=opts.solver, with_proof=proof_path is not None) as s:
        if CADICAL_CONFIGS[config]:
            s.solver.configure(CADICAL_CONFIGS[config])  # before the first clause
        try:
            while True:
                rounds += 1
                core = [members[i] for i in core_idx]
                t = time.perf_counter()
                enc = encode_family_sat(core, shape, symmetry=opts.symmetry,
                                        family_symmetry=fsym)
                model, how = None, ""
                if side is not None and len(core) == len(members):
                    # the subfamily is the family: its formula implies the
                    # separation, which then only adds clauses
                    side.delete()
                    side = None
                if side is not None:
                    model = side.solve(enc)
                    if model is None:
                        side.delete()
                        side, how = None, " (separated: UNSAT)"
                    else:
                        how = " (separated)"
                if model is None:
                    k = len(added)
                    added = extend_formula(s, added, enc.clauses, "incremental family loop: "
                                           "the subfamily's encoding")
                    model = s.get_model() if s.solve() else None
                    how += f", +{len(enc.clauses) - k} clauses"
                emit(f"round {rounds}: subfamily of {len(core)}: "
                     f"{'SAT' if model else 'UNSAT'} in {time.perf_counter() - t:.2f}s "
                     f"({enc.info['vars']} vars{how})")
                base = {"rounds": rounds, "core_idx": list(core_idx), "info": dict(enc.info),
                        "opts": enc_opts}
                if model is None:
                    if cnf_path:
                        with open(cnf_path, "w") as fh:
                            fh.write(enc.to_dimacs())
                    if proof_path:
                        with open(proof_path, "w") as fh:
                            for line in s.get_proof():
                                fh.write(line)
                                fh.write("\n")
                    return dict(base, status=str(Status.UNSAT))
                E, R, nets = enc.decode_all(model)
                networks, failed, stop = _sweep(members, core_idx, nets, (E, R), shape,
                                                opts, budget, member_options, pick,
                                                pick.inline)
                if stop:
                    return dict(base, status=str(Status.UNKNOWN), reason=stop[0],
                                limit=stop[1])
                if failed is None:
                    return dict(base, status=str(Status.SAT), E=E, R=R,
                                networks=[n.to_dict() for n in networks])
                core_idx.extend(failed)
        finally:
            if side is not None:
                side.delete()


def _decide_family_incremental(family, members, shape, opts, budget, checker, paths, start,
                               tuning):
    """The member loop in one solver session (:func:`_incremental_loop`)."""
    t0 = time.perf_counter()
    # one session has no per-solve limit: the budget bounds it, else time_limit
    bounded = budget is not None and budget.remaining() is not None
    # the rounds are reported as they end: a loop stopped by its limit has
    # still said how far it got (and counts the rounds it finished)
    done_rounds = []

    def on_round(line):
        done_rounds.append(line)
        if opts.progress:
            opts.progress(line)

    res = run_streamed(_incremental_loop, family, shape, opts, paths, start, budget, tuning,
                       on_message=on_round,
                       time_limit=None if bounded else opts.time_limit, budget=budget)
    dt = time.perf_counter() - t0
    out = res.value if res.done else None
    if out is None or out["status"] == Status.UNKNOWN:
        return Cell(family, shape, Status.UNKNOWN, dt,
                    rounds=out["rounds"] if out else len(done_rounds),
                    options={"symmetry": opts.symmetry, "incremental": True},
                    reason=(out or {}).get("reason") or res.reason or "time limit",
                    limit=(out or {}).get("limit") or res.limit, solver=opts.solver)
    core = [members[i] for i in out["core_idx"]]
    info = dict(out["info"], incremental=True)
    if out["status"] == Status.UNSAT:
        certified, note = False, "not checked (no proof checker given)"
        if checker:
            certified, note = checker(paths[1], paths[0])
        return Cell(family, shape, Status.UNSAT, time.perf_counter() - t0, core=core,
                    proof_path=paths[0], cnf_path=paths[1], rounds=out["rounds"],
                    options=out["opts"], info=info, solver=opts.solver,
                    certified=certified, check_note=note)
    nets = [network_from_dict(d) for d in out["networks"]]
    for t, net in zip(members, nets):
        v = verify(net, t, shape.tolerance)
        if not v.ok:
            raise SoundnessError(f"family network fails member {t.name}: "
                                 f"{v.counterexamples[0]}; encoder bug")
    return Cell(family, shape, Status.SAT, time.perf_counter() - t0,
                codes=(out["E"], out["R"]), networks=nets, core=core, rounds=out["rounds"],
                options=out["opts"], info=info, solver=opts.solver)


def min_neurons_family(family, shape, options: SolveOptions | None = None, *,
                       budget: Budget | None = None, checker=None, n_min=1,
                       n_max=8, proof_dir=None, decide=None):
    """Smallest ``n`` at which a shared code serves the family (:func:`~.ascend.ascend`).

    Monotone in ``n``: a code and networks at width ``n`` extend to ``n + 1``
    with a zero code coordinate (zero row of ``E``, zero column of ``R``) and
    a zero hidden neuron; so the first SAT after an UNSAT is the minimum.
    ``options.time_limit`` is per solve; ``budget`` bounds the whole search.
    ``decide``: the per-width method, a function with the signature of
    :func:`decide_family` (default: the member loop); the orbit method
    :func:`~superpos_formal.solve.equivariant.decide_family_orbits` is one
    (passed in by the caller: this module does not import it).
    """
    decide_one = decide_family if decide is None else decide
    opts = options or SolveOptions()
    budget = opts.call_budget(budget)
    inner = opts.replace(budget=None)

    def at(n):
        pp, cp = proof_paths(proof_dir, n)
        cell = decide_one(family, replace(shape, n=n), inner, budget=budget, checker=checker,
                          proof_path=pp, cnf_path=cp)
        if opts.progress:
            opts.progress(f"n={n}: {cell.status} in {cell.seconds:.2f}s after "
                          f"{cell.rounds} round(s)")
        return cell

    return ascend("neurons", range(n_min, n_max + 1), at, budget=budget)
