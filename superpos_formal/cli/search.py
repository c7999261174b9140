"""Search commands: ``decide``, ``min-neurons``, ``min-params``, ``min-bits``,
``demo``.

Each parses its options, calls :mod:`superpos_formal.api`, and prints: a
banner naming the question with every bound (weights ``B``, biases, codes,
theta), the per-size table (SAT / UNSAT / UNKNOWN with times, UNSAT marked
checked or unchecked), the conclusion; it writes the best network (JSON,
PNG, GraphML) and with ``--proof`` the checked claim bundle
(:func:`superpos_formal.api.certify`). No search logic lives here.
"""

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from .. import api
from .. import tasks
from ..certify.proofcheck import drat
from ..certify.proofcheck.add_base_proof import attach_base_proof
from ..certify.bundles.certificate_kind import base_options
from ..certify.bundles.minimum_claim import write_minimum_manifest
from ..encode.sat import encode_sat
from ..errors import InputError
from ..options import ENCODERS, FAMILY_METHODS
from ..graph import export
from ..request import RandomCodes
from ..results import CodeKind, Mode, Status
from ..schema import load, load_codes, write_json
from ..shape import DEFAULT_B, Shape
from ..options import SolveOptions
from ..solve.runner import DEFAULT_SOLVER, run, solve_cnf
from ..solve.search import formula_label
from .args import (MAX_M, MAX_WEIGHT_BOUND, MAX_WIDTH, add_budget_args, bounded_int,
                   flag_names, out_dir, seconds, solver_name, task_from_text)

__all__ = ["register", "add_shape_args", "shape_kwargs", "build_shape"]


def _progress(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


# ------------------------------------------------------------------ options

def add_task_args(p, family=True):
    g = p.add_argument_group("task")
    g.add_argument("--task", choices=tasks.TASK_KINDS, help="built-in task kind")
    g.add_argument("--task-file", metavar="TASK.json", help="a task written by `superpos task`")
    if family:
        g.add_argument("--family", metavar="KIND|FILE",
                       help="family question: permutations, pair-sets, or a family "
                            "JSON file (shared free codes; needs --mode superposed "
                            "--codes free)")
    g.add_argument("--m", type=bounded_int(1, MAX_M), help="number of input features m")
    g.add_argument("--s", type=bounded_int(0, MAX_M), help="sparsity s (default 2 for pair tasks, m for "
                                         "parity/majority, 1 otherwise)")
    g.add_argument("--m-out", type=bounded_int(1, MAX_M), help="number of pairs (random seeded set for pair "
                                             "tasks; family member size for pair-sets); "
                                             "pair tasks default to all pairs")
    g.add_argument("--pairs", help="explicit pairs, e.g. 0-1,1-2")
    g.add_argument("--pi", help="permutation, e.g. 2,0,1")
    g.add_argument("--seed", type=int, help="seed for random pairs / permutations")
    g.add_argument("--op", choices=("and", "or", "xor"), help="pair operation of pair-sets")
    g.add_argument("--outputs", metavar="ROWS",
                   help="table task: one bit string per input of X(m, s), e.g. 0,1,1,0")


def add_shape_args(p, with_n=True):
    g = p.add_argument_group("shape")
    g.add_argument("--mode", choices=tuple(Mode), default="explicit",
                   help="explicit: E=I, R=I; superposed: codes of dimension n (default explicit)")
    g.add_argument("--activation", choices=("relu", "step"), default="relu",
                   help="hidden activation (default relu)")
    if with_n:
        g.add_argument("--n", type=bounded_int(1, MAX_WIDTH), default=1,
                       help="hidden width (default 1)")
    g.add_argument("--L", type=bounded_int(0, 2), default=1,
                   help="hidden layers: 0 (representation, superposed free codes), 1 or 2 "
                        "(default 1)")
    g.add_argument("--B", type=bounded_int(0, MAX_WEIGHT_BOUND), default=DEFAULT_B,
                   help=f"weights in [-B, B] (default {DEFAULT_B})")
    g.add_argument("--B-bias", type=bounded_int(0, MAX_WEIGHT_BOUND),
                   help="biases in [-B_bias, B_bias] (default B; shown in every banner and "
                        "table; not with --L 0, which has no biases)")
    g.add_argument("--B-code", type=bounded_int(0, MAX_WEIGHT_BOUND), help="free code entries in [-B_code, B_code] "
                                              "(default max(B, 1))")
    g.add_argument("--theta", type=bounded_int(1, MAX_WEIGHT_BOUND), default=1, help="readout threshold (default 1)")
    g.add_argument("--codes", choices=("given", "free", "random"), default="random",
                   help="superposed mode: random (seeded sparse +-1 codes regenerated per n, "
                        "default), given (--codes-file), free (chosen by the solver)")
    g.add_argument("--codes-file", metavar="CODES.json",
                   help='given codes: JSON {"E": [[...]], "R": [[...]]}')
    g.add_argument("--code-k", type=bounded_int(1, MAX_WIDTH), default=2,
                   help="nonzeros per column of random codes (default 2)")
    g.add_argument("--code-seed", type=int, default=0, help="seed of random codes (default 0)")
    g.add_argument("--tolerance", type=bounded_int(0), default=0,
                   help="tolerant(k): at most k wrong output bits over X (default 0: exact)")
    s = p.add_argument_group("solver")
    s.add_argument("--time-limit", type=seconds, default=None,
                   help="hard wall-clock limit per solve, seconds (UNKNOWN when reached)")
    s.add_argument("--budget", type=seconds, default=None,
                   help="wall-clock budget for the whole command, seconds (enumeration, "
                        "encoding, every solve, proof checks, bundling); what it cuts is "
                        "reported UNKNOWN or unchecked, and the part it cut is named")
    s.add_argument("--solver", type=solver_name, default=DEFAULT_SOLVER,
                   help=f"python-sat solver name (default {DEFAULT_SOLVER})")
    s.add_argument("--no-symmetry", action="store_true",
                   help="do not add the (sound) hidden-neuron symmetry breaks")
    s.add_argument("--sums", choices=("auto", "tree", "pb", "binary"), default="auto",
                   help="output-sum encoding: auto (default: clipped order trees, binary "
                        "adders for wide sums; the claim records which), tree, pysat.pb, "
                        "binary")
    s.add_argument("--encoder", choices=ENCODERS, default="auto",
                   help="how an instance becomes CNF: auto (default: code-choice for the "
                        "representation question with one-hot inputs, else order-tree), "
                        "order-tree (order-encoded integers), code-choice (chosen code "
                        "vectors; the claim records which)")
    s.add_argument("--cegis", action="store_true",
                   help="counterexample-guided: solve on a subset of X, add failing inputs")
    s.add_argument("--no-check", action="store_true",
                   help="do not log and check a DRAT proof of each UNSAT (faster; such "
                        "UNSAT answers are labelled unchecked)")


def shape_kwargs(a):
    """The api's Shape-field keywords (and, for random codes, ``code_k``,
    ``code_seed``) from parsed options."""
    if a.B_bias is not None and a.L == 0:
        raise InputError("--B-bias: with --L 0 there is no hidden layer and no bias to bound")
    kw = dict(mode=a.mode, activation=a.activation, L=a.L, B=a.B, B_bias=a.B_bias,
              B_code=a.B_code, theta=a.theta, tolerance=a.tolerance)
    if a.mode == Mode.EXPLICIT:
        return kw
    kw["codes"] = a.codes
    if a.codes == CodeKind.GIVEN:
        if not a.codes_file:
            raise InputError("--codes-file: --codes given needs a codes file")
        E, R = load_codes(a.codes_file)
        kw.update(E=E, R=R)
    elif a.codes_file:
        raise InputError("--codes-file: only with --codes given")
    if a.codes == CodeKind.RANDOM:
        kw.update(code_k=a.code_k, code_seed=a.code_seed)
    return kw


def build_shape(a, subject, n):
    """``(Shape, RandomCodes or None)``: the one Shape of a command, at
    width ``n`` (random codes: drawn at the first drawable width from ``n``)."""
    kw = shape_kwargs(a)
    rc = None
    if "code_k" in kw:
        rc = RandomCodes(kw.pop("code_k"), kw.pop("code_seed"))
    return api.shape(subject, n, random_codes=rc, **kw), rc


def build_options(a, **extra):
    """The one :class:`SolveOptions` of a command (``extra``: its own flags)."""
    with flag_names():
        return SolveOptions(time_limit=a.time_limit, budget=a.budget, solver=a.solver,
                            symmetry=not a.no_symmetry, sums=a.sums, encoder=a.encoder,
                            cegis=a.cegis,
                            check=not a.no_check, **extra)


def _task(a):
    if a.task_file:
        if a.task:
            raise InputError("--task-file: give either --task or --task-file")
        return load(a.task_file, "task")
    if not a.task:
        raise InputError("--task: give a task kind (e.g. --task uand) or --task-file")
    if a.m is None:
        raise InputError("--m: the number of input features is required")
    return task_from_text(a.task, a.m, s=a.s, pairs=a.pairs, pi=a.pi, m_out=a.m_out,
                          seed=a.seed, outputs=a.outputs)


def _family(a):
    if a.task or a.task_file:
        raise InputError("--family: give either a task or a family")
    if a.family in tasks.FAMILY_KINDS:
        if a.m is None:
            raise InputError("--m: the number of input features is required")
        with flag_names(kind="--family"):
            return tasks.build_family(a.family, a.m, a.m_out, a.s, a.op)
    return load(a.family, "family")


# ------------------------------------------------------------------ printing

def banner(subject, sh, rc=None, *, with_n=True, B=None, bias=None):
    """Two lines naming the question: the subject, and every bound of the
    Shape ``sh`` (``rc``: its random codes; ``B`` / ``bias``: the text of a
    searched bound, e.g. ``"0..6"``)."""
    if isinstance(subject, tasks.Family):
        what = f"family {subject.name}: {subject.size} members" + \
            (" (a SAMPLE)" if subject.is_sample else "")
    else:
        what = (f"task {subject.name}: m={subject.m}, m'={subject.m_out}, s={subject.s}, "
                f"|X|={len(subject.inputs)}")
    parts = [sh.mode, sh.activation, f"L={sh.L}", f"B={sh.B if B is None else B}"]
    if sh.L > 0:
        parts.append(f"bias={sh.B_bias if bias is None else bias}")
    if sh.mode == Mode.SUPERPOSED:
        codes = f"random k={rc.k} seed={rc.seed}" if rc is not None else sh.codes
        parts.append(f"code={sh.B_code} ({codes})")
    parts.append(f"theta={sh.theta}")
    if sh.tolerance:
        parts.append(f"tolerance={sh.tolerance}")
    if with_n:
        parts.append(f"n={sh.n}")
    return f"{what}\nshape: {' '.join(map(str, parts))}"


def print_table(table, keys):
    print("  ".join(k.rjust(8) for k in keys))
    for r in table:
        print("  ".join(("" if r.get(k) is None else str(r.get(k))).rjust(8) for k in keys))


def _summary(net):
    c = net.counts()
    return (f"{c['hidden_neurons']} hidden neurons, {c['params_nonzero']} nonzero params "
            f"({c['params_dense']} dense), {c['bits']} bits, {c['code_nonzeros']} code nonzeros")


def _below(res):
    """How the UNSAT below a minimum is backed, for the summary line."""
    return "DRAT proof checked" if res.certified else "UNSAT NOT proof-checked"


def _write_outputs(outdir, answer, label):
    """``table.json``; for a task ``network.{json,png,graphml}``; for a
    family ``codes.json`` and ``member<i>.json`` (each network's ``meta``
    names its member: index, task name and task)."""
    if outdir is None:
        return
    out = Path(outdir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "table.json").write_text(json.dumps([dict(r) for r in answer.table],
                                                   indent=1) + "\n")
        if not answer.networks:
            print(f"wrote {out}/table.json")
            return
        if answer.is_family:
            E, R = answer.codes
            write_json({"E": [list(r) for r in E], "R": [list(r) for r in R],
                        "family": answer.subject.to_dict()}, out / "codes.json")
            for i, (net, t) in enumerate(zip(answer.networks, answer.subject.members())):
                meta = dict(net.meta, member=i, task_name=t.name, task=t.to_dict())
                write_json(replace(net, meta=tuple(sorted(meta.items()))),
                           out / f"member{i}.json")
            print(f"wrote {out}/table.json, codes.json and {len(answer.networks)} member "
                  f"networks member0.json..member{len(answer.networks) - 1}.json ({label})")
            return
        net = answer.network
        write_json(net, out / "network.json")
        export(net, out / "network.png")
        export(net, out / "network.graphml")
    except OSError as e:
        raise InputError(f"--out: cannot write {out} ({e.strerror or e})") from None
    print(f"wrote {out}/network.json, network.png, network.graphml, table.json ({label})")


# ------------------------------------------------------------------ commands

def _fixed_shape(a, task):
    """The Shape at width ``--n`` exactly (random codes: drawn at it)."""
    sh, rc = build_shape(a, task, a.n)
    if rc is not None and sh.n != a.n:
        raise InputError(f"--codes: no random code of dimension {a.n} can be drawn "
                         f"(--code-k {rc.k}, --code-seed {rc.seed})")
    return sh, rc


def cmd_decide(a):
    task = _task(a)
    sh, rc = _fixed_shape(a, task)
    print(banner(task, sh, rc))
    with flag_names():
        res = api.decide(task, sh, options=build_options(a))
    cell = res.search
    print(f"{res.status} in {res.seconds:.2f}s {formula_label(cell)}")
    if res.status == Status.UNKNOWN and cell.reason:
        print(f"UNKNOWN({cell.limit}): {cell.reason}")
    if res.status == Status.UNSAT:
        print(f"UNSAT {'proof-checked' if cell.certified else 'NOT proof-checked'}: "
              f"{cell.check_note}")
    if res.network is not None:
        print("verified: " + _summary(res.network))
    _write_outputs(a.out, res, str(res.status))
    return 0


def cmd_min_neurons(a):
    if a.family:
        subject = _family(a)
    else:
        subject = _task(a)
    if a.proof and not a.out:
        raise InputError("--proof: needs --out DIR for the bundles")
    if a.proof and a.mode == Mode.SUPERPOSED and a.codes != CodeKind.FREE:
        raise InputError("--proof: with codes fixed or regenerated per n there is no "
                         "minimum to certify; use --codes free or explicit mode")
    if a.family and (a.mode != Mode.SUPERPOSED or a.codes != CodeKind.FREE):
        raise InputError("--family: the family question needs --mode superposed --codes free")
    if a.family_method != "cegis" and not a.family:
        raise InputError("--family-method: only with --family")
    sh, rc = build_shape(a, subject, a.n_min)
    opts = build_options(a, family_method=a.family_method, incremental=a.incremental)
    return report_min_neurons(subject, sh, opts, n_range=(a.n_min, a.n_max), proof=a.proof,
                              out=a.out, random_codes=rc)


def report_min_neurons(subject, sh, options, *, n_range, proof, out, random_codes=None):
    """Run ``api.min_neurons`` and print/write everything (also the demo)."""
    n_min, n_max = n_range
    print(banner(subject, sh, random_codes, with_n=False))
    work = _work_dir(out) if proof else None
    with flag_names():
        res = api.min_neurons(subject, sh, n_min=n_min, n_max=n_max, random_codes=random_codes,
                              options=options.replace(proof_dir=work, progress=_progress))
    keys = (["n", "status", "proof", "seconds", "rounds", "core", "vars"] if res.is_family
            else ["n", "B", "bias", "status", "proof", "seconds", "vars", "clauses"])
    print_table(res.table, keys)
    for c in res.search.cells:
        if c.status == Status.NOCODE:
            print(f"  n={c.info['n']}: no usable random code: {c.info['reason']}")
    if res.minimum is not None:
        k = res.minimum
        what = "with every member verified" if res.is_family else "verified"
        print(f"minimum n = {k} (SAT at n={k}, {what}"
              + (f"; UNSAT at n={k - 1}: {_below(res)})" if k > 1 else ")"))
    elif res.networks:
        print(f"first SAT at n={res.shape.n}: {res.note}")
    else:
        print(f"no network up to n={n_max} ({res.note or 'UNSAT or UNKNOWN; see the table'})")
    if res.networks and not res.is_family:
        print("verified: " + _summary(res.network))
    _write_outputs(out, res, f"n={res.shape.n}" if res.networks else "")
    if proof:
        try:
            _certify(res, Path(out))
        finally:
            # the raw CNF/DRAT files now live (compressed, hashed) in the
            # bundle; the folder is the one this command made, nothing else
            shutil.rmtree(work, ignore_errors=True)
    return 0


def _work_dir(out):
    """A fresh folder of this command's own for the raw CNF/DRAT files; the
    bundle folder must not exist yet. Both checked before any solving."""
    dest = Path(out) / "minimum"
    if dest.exists():
        raise InputError(f"--out: {dest} already exists; a command removes only what it "
                         f"created: choose another --out or remove it yourself")
    Path(out).mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=".work-", dir=out)


def _certify(res, out):
    if res.minimum is None:
        print("no minimum established: no proof bundle written")
        return
    dest = out / "minimum"
    print(f"checking the proof of UNSAT at n={res.minimum - 1} and writing {dest} ...",
          file=sys.stderr)
    # in a child of the process runner, so the command's budget bounds it;
    # a bundle it cuts is removed (this command made it)
    done = run(_certify_child, res, dest, part="bundling")
    if not done.done:
        shutil.rmtree(dest, ignore_errors=True)
        print(f"proof bundle not written: {done.reason}")
        return
    print(f"proof bundle {dest}: {'PASS' if done.value else 'FAIL'} "
          f"(re-check with: superpos verify {dest})")


def _certify_child(res, dest):
    return api.certify(res, dest).ok


def cmd_min_params(a):
    task = _task(a)
    sh, rc = _fixed_shape(a, task)
    print(banner(task, sh, rc))
    with flag_names():
        res = api.min_params(task, sh, options=build_options(a, progress=_progress))
    print_table(res.table, ["bound", "status", "proof", "seconds", "vars", "clauses"])
    if res.minimum is not None:
        print(f"minimum nonzero parameters = {res.minimum}")
    else:
        print(f"no minimum established: {res.note}")
    if res.networks:
        print("verified: " + _summary(res.network))
    _write_outputs(a.out, res, "min-params")
    return 0


def cmd_min_bits(a):
    task = _task(a)
    a.B = a.B_max  # the template's B is the largest tried
    sh, rc = _fixed_shape(a, task)
    searched = f"0..{a.B_max}"
    print(banner(task, sh, rc, B=searched, bias=searched if a.B_bias is None else None))
    with flag_names():
        res = api.min_bits(task, sh, B_max=a.B_max, bias_follows=a.B_bias is None,
                           options=build_options(a, progress=_progress))
    print_table(res.table, ["B", "bias", "status", "proof", "seconds", "vars", "clauses"])
    if res.minimum is not None:
        net = res.network
        print(f"minimum B = {res.minimum} (biases in [-{net.B_bias}, {net.B_bias}]) at "
              f"n={a.n}: {net.counts()['bits']} bits in all")
    else:
        print(f"no minimum established: {res.note or 'UNSAT/UNKNOWN up to B_max'}")
    _write_outputs(a.out, res, "min-bits")
    return 0


#: the demo's question (the README's main job), every bound spelled out
DEMO_SHAPE = Shape("explicit", "relu", n=1, L=1, B=2, B_bias=2, theta=1, tolerance=0)
DEMO_OPTIONS = SolveOptions(sums="tree")


def demo_proof_of_f(mdir, task):
    """Give the demo's refutation a checked proof of ``F`` (``base/``), as the
    committed claims have: the search solves with symmetry breaks (fast), so
    its own proof refutes ``F and SB`` and rests on the breaks' argument;
    ``F`` alone is solved here once more, with a DRAT proof checked by the
    native engine (the Python engine would add minutes; ``superpos verify``
    runs every checker again). Returns the line to print."""
    mdir = Path(mdir)
    mdoc = json.loads((mdir / "minimum.json").read_text())
    if not mdoc.get("unsat"):
        return "no refutation below the minimum (n = 1): no proof of F needed"
    bdir = mdir / mdoc["unsat"]
    claim = json.loads((bdir / "claim.json").read_text())
    opts = base_options(claim.get("options") or {})
    enc = encode_sat(task, Shape.from_dict(claim["shape"]), **opts)
    with tempfile.TemporaryDirectory() as wd:
        proof = Path(wd) / "f.drat"
        res = solve_cnf(enc.clauses, enc.nvars, time_limit=None, proof_path=str(proof))
        if res.status != "UNSAT":
            return (f"proof of F: not added ({res.status}: {res.reason or 'see the solver'}); "
                    f"the certificate stays F+SB(arg)")
        attach_base_proof(bdir, proof, enc, solve_seconds=res.seconds,
                          solver=claim["solver"], checkers=("native",), budget=drat.CheckerPolicy())
    write_minimum_manifest(mdir)
    return (f"proof of F added to {bdir} (solved in {res.seconds:.1f} s without symmetry "
            f"breaks, checked by the native engine): certificate proof of F")


def cmd_demo(a):
    """The README's main job: a minimum network for an embedded default, verified,
    drawn, with its minimality proof checked."""
    print("superpos demo: minimum ReLU network for the universal AND of m=4 sparse "
          "features (s=2), explicit mode, weights and biases in [-2, 2]")
    task = api.uand(4)
    rc = report_min_neurons(task, DEMO_SHAPE, DEMO_OPTIONS, n_range=(1, 6),
                            proof=not a.no_proof, out=a.out)
    mdir = Path(a.out) / "minimum"
    if not a.no_proof and (mdir / "minimum.json").is_file():
        print(demo_proof_of_f(mdir, task), flush=True)
        rep = api.verify(mdir, checkers=("native",))
        print(f"proof bundle {mdir} with the proof of F: {rep.status} ({rep.certificate}; "
              f"native engine; every checker: superpos verify {mdir})")
        if not rep.ok:
            return 1
    return rc


# ------------------------------------------------------------------ register


_OUT_HELP = ("write table.json and, for a task, network.json, network.png, "
             "network.graphml; for a family, codes.json and member<i>.json (one "
             "network per member; its meta names the member)")


def register(sub):
    def add(name, func, help_, task=True, family=False, with_n=True):
        p = sub.add_parser(name, help=help_, description=help_)
        if task:
            add_task_args(p, family=family)
            add_shape_args(p, with_n=with_n)
            p.add_argument("--out", "-o", metavar="DIR", type=out_dir, help=_OUT_HELP)
            add_budget_args(p, budget=False)
        p.set_defaults(func=func)
        return p

    add("decide", cmd_decide, "decide one cell: does a network of this shape compute the task?")
    p = add("min-neurons", cmd_min_neurons,
            "smallest hidden width n (per-size SAT/UNSAT/UNKNOWN table); --family for the "
            "shared-code family question", family=True, with_n=False)
    p.add_argument("--n-min", type=bounded_int(1, MAX_WIDTH), default=1,
                   help="first width tried (default 1)")
    p.add_argument("--n-max", type=bounded_int(1, MAX_WIDTH), default=8,
                   help="last width tried (default 8)")
    p.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    p.add_argument("--proof", action="store_true",
                   help="write checked claim bundles (SAT at the minimum, UNSAT below) to "
                        "--out/minimum")
    p.add_argument("--incremental", action="store_true",
                   help="explicit mode: one solver for all n (assumptions on neuron "
                        "selectors); with --proof the UNSAT below the minimum is re-solved "
                        "from scratch for its DRAT proof")
    p.add_argument("--family-method", choices=FAMILY_METHODS, default="cegis",
                   help="--family only: cegis (default: the member loop), orbits (an "
                        "equivariant shared code first, one solve per orbit of members; "
                        "SAT only, every member verified; otherwise the representatives' "
                        "refutation or the member loop), far (the member loop asking the "
                        "farthest members first, two failing members joining per round), "
                        "orbits-far (orbits, then far), sep (far, each subfamily asked first "
                        "for a code that separates what the family tells apart) or "
                        "orbits-sep (orbits, then sep)")
    add("min-params", cmd_min_params, "fewest nonzero parameters at a fixed shape")
    p = add("min-bits", cmd_min_bits, "smallest weight bound B (bits per weight) at width n")
    p.add_argument("--B-max", type=bounded_int(0, MAX_WEIGHT_BOUND), default=6,
                   help="largest B tried (default 6)")
    p = add("demo", cmd_demo, "run the main job on the embedded default (see README)", task=False)
    p.add_argument("--out", "-o", default="out/demo", type=out_dir,
                   help="output directory (default out/demo)")
    add_budget_args(p)
    p.add_argument("--no-proof", action="store_true", help="skip the proof bundles")


