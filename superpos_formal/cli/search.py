"""Search commands: ``decide``, ``min-neurons``, ``min-params``, ``min-bits``,
``demo``.

Each prints the per-size table (SAT / UNSAT / UNKNOWN with times), writes
the best network as JSON and draws it, and with ``--proof`` writes claim
bundles (:mod:`superpos_formal.certify.bundle`) whose UNSAT proofs have been
checked. The logic lives in :mod:`superpos_formal.solve`; this module only
parses and prints.
"""

import json
import sys
from pathlib import Path

from ..codes import check_codes, random_codes
from ..errors import InputError
from ..schema import load, load_json, write_json
from ..shape import Shape
from ..solve.family import min_neurons_family
from ..solve.search import decide, min_bits, min_neurons, min_parameters

__all__ = ["register", "add_shape_args", "shape_from_args"]


def _progress(msg):
    print(f"  {msg}", file=sys.stderr, flush=True)


def add_task_args(p, family=True):
    from .core import TASK_KINDS

    g = p.add_argument_group("task")
    g.add_argument("--task", choices=TASK_KINDS, help="built-in task kind")
    g.add_argument("--task-file", metavar="TASK.json", help="a task written by `superpos task`")
    if family:
        g.add_argument("--family", metavar="KIND|FILE",
                       help="family question: permutations, pair-sets, or a family "
                            "JSON file (shared free codes; needs --mode superposed)")
    g.add_argument("--m", type=int, help="input features m")
    g.add_argument("--s", type=int, help="sparsity s (default 2 for pair tasks, 1 otherwise)")
    g.add_argument("--m-out", type=int, help="number of pairs (random seeded set for pair "
                                             "tasks; family member size for pair-sets)")
    g.add_argument("--pairs", help="explicit pairs, e.g. 0-1,1-2")
    g.add_argument("--pi", help="permutation, e.g. 2,0,1")
    g.add_argument("--seed", type=int, help="seed for random pairs / permutations")
    g.add_argument("--op", choices=("and", "or", "xor"), help="pair operation of pair-sets")


def add_shape_args(p, with_n=True):
    g = p.add_argument_group("shape")
    g.add_argument("--mode", choices=("explicit", "superposed"), default="explicit",
                   help="explicit: E=I, R=I; superposed: codes of dimension n (default explicit)")
    g.add_argument("--activation", choices=("relu", "step"), default="relu",
                   help="hidden activation (default relu)")
    if with_n:
        g.add_argument("--n", type=int, default=1, help="hidden width (default 1)")
    g.add_argument("--L", type=int, default=1,
                   help="hidden layers: 0 (representation, superposed free codes), 1 or 2 "
                        "(default 1)")
    g.add_argument("--B", type=int, default=2, help="weights in [-B, B] (default 2)")
    g.add_argument("--B-bias", type=int, help="biases in [-B_bias, B_bias] (default B)")
    g.add_argument("--B-code", type=int, help="free code entries in [-B_code, B_code] "
                                              "(default max(B, 1))")
    g.add_argument("--theta", type=int, default=1, help="readout threshold (default 1)")
    g.add_argument("--codes", choices=("given", "free", "random"), default="random",
                   help="superposed mode: random (seeded sparse +-1 codes regenerated per n, "
                        "default), given (--codes-file), free (chosen by the solver)")
    g.add_argument("--codes-file", metavar="CODES.json",
                   help='given codes: JSON {"E": [[...]], "R": [[...]]}')
    g.add_argument("--code-k", type=int, default=2,
                   help="nonzeros per column of random codes (default 2)")
    g.add_argument("--code-seed", type=int, default=0, help="seed of random codes (default 0)")
    g.add_argument("--tolerance", type=int, default=0,
                   help="tolerant(k): at most k wrong output bits over X (default 0: exact)")
    s = p.add_argument_group("solver")
    s.add_argument("--time-limit", type=float, default=None,
                   help="hard wall-clock limit per solve, seconds (UNKNOWN when reached)")
    s.add_argument("--solver", default="cadical195",
                   help="python-sat solver name (default cadical195)")
    s.add_argument("--no-symmetry", action="store_true",
                   help="do not add the (sound) hidden-neuron symmetry breaks")
    s.add_argument("--sums", choices=("tree", "pb"), default="tree",
                   help="output-sum encoding: clipped order trees (default) or pysat.pb")
    s.add_argument("--cegis", action="store_true",
                   help="counterexample-guided: solve on a subset of X, add failing inputs")
    s.add_argument("--no-check", action="store_true",
                   help="do not log and check a DRAT proof of each UNSAT (faster; such "
                        "UNSAT answers are labelled unchecked)")


def shape_from_args(a, task_m, task_m_out, n=None):
    """A Shape (and a per-n code generator for random codes)."""
    n = a.n if n is None else n
    base = dict(mode=a.mode, activation=a.activation, n=n, L=a.L, B=a.B,
                B_bias=a.B_bias, B_code=a.B_code, theta=a.theta, tolerance=a.tolerance)
    if a.mode == "explicit":
        return Shape(**base), None
    if a.codes == "free":
        return Shape(codes="free", **base), None
    if a.codes == "given":
        if not a.codes_file:
            raise InputError("--codes-file: --codes given needs a codes file")
        d = load_json(a.codes_file)
        if not isinstance(d, dict) or "E" not in d or "R" not in d:
            raise InputError(f"{a.codes_file}: expected an object with E and R")
        E, R = d["E"], d["R"]
        sh = Shape(codes="given", E=E, R=R, **dict(base, n=len(E)))
        return sh, None

    def codes_for(k):
        if a.code_k > k:
            return random_codes(k, task_m, task_m_out, k, a.code_seed)
        return random_codes(k, task_m, task_m_out, a.code_k, a.code_seed)

    # the template shape needs some codes; searches redraw them per width and
    # skip the widths where none can be drawn
    for k in range(n, n + 64):
        try:
            E, R = codes_for(k)
            break
        except InputError:
            continue
    else:
        raise InputError(f"--codes random: no code of dimension {n}..{n + 63} can be drawn")
    return Shape(codes="given", E=E, R=R, **dict(base, n=k)), codes_for


def _task(a):
    from .core import build_task

    if a.task_file:
        if a.task:
            raise InputError("--task-file: give either --task or --task-file")
        return load(a.task_file, "task")
    if not a.task:
        raise InputError("--task: give a task kind (e.g. --task uand) or --task-file")
    if a.m is None:
        raise InputError("--m: the number of input features is required")
    return build_task(a.task, a.m, s=a.s, pairs=a.pairs, pi=a.pi, m_out=a.m_out, seed=a.seed)


def _family(a):
    from .. import tasks as T

    f = a.family
    if f in ("permutations", "pair-sets"):
        if a.m is None:
            raise InputError("--m: the number of input features is required")
        if f == "permutations":
            return T.permutation_family(a.m, 1 if a.s is None else a.s)
        if a.m_out is None:
            raise InputError("--m-out: the pair-sets family needs --m-out K")
        return T.pair_set_family(a.m, a.m_out, 2 if a.s is None else a.s, a.op or "and")
    return load(f, "family")


def _solve_kw(a):
    return dict(solver=a.solver, symmetry=not a.no_symmetry, sums=a.sums, cegis=a.cegis,
                check=not a.no_check)


def _below(res):
    """How the UNSAT below a minimum is backed, for the summary line."""
    return "DRAT proof checked" if res.certified else "UNSAT NOT proof-checked"


def _print_table(rows, keys):
    print("  ".join(k.rjust(8) for k in keys))
    for r in rows:
        print("  ".join(str(r.get(k, "")).rjust(8) for k in keys))


def _write_outputs(outdir, cell_or_net, table, label):
    if outdir is None:
        return
    from ..graph import export

    out = Path(outdir)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "table.json", "w") as fh:
        json.dump(table, fh, indent=1)
    if cell_or_net is not None:
        write_json(cell_or_net, out / "network.json")
        export(cell_or_net, out / "network.png")
        export(cell_or_net, out / "network.graphml")
        print(f"wrote {out}/network.json, network.png, network.graphml, table.json ({label})")
    else:
        print(f"wrote {out}/table.json")


def _summary(net):
    c = net.counts()
    return (f"{c['hidden_neurons']} hidden neurons, {c['params_nonzero']} nonzero params "
            f"({c['params_dense']} dense), {c['bits']} bits, {c['code_nonzeros']} code nonzeros")


def cmd_decide(a):
    task = _task(a)
    shape, _ = shape_from_args(a, task.m, task.m_out)
    if shape.mode == "superposed" and shape.codes == "given":
        check_codes(shape.E, shape.R, task, shape.theta)
    cell = decide(task, shape, time_limit=a.time_limit, **_solve_kw(a))
    print(f"{task.name}  {shape.mode} {shape.activation} n={shape.n} L={shape.L} B={shape.B}: "
          f"{cell.status} in {cell.seconds:.2f}s ({cell.info.get('vars')} vars, "
          f"{cell.info.get('clauses')} clauses)")
    if cell.status == "UNSAT":
        print(f"UNSAT {'proof-checked' if cell.certified else 'NOT proof-checked'}: "
              f"{cell.check_note}")
    if cell.network is not None:
        print("verified: " + _summary(cell.network))
    _write_outputs(a.out, cell.network, [cell.row()], cell.status)
    return 0


def cmd_min_neurons(a):
    if a.family:
        if a.task or a.task_file:
            raise InputError("--family: give either a task or a family")
        fam = _family(a)
        if a.mode != "superposed" or a.codes != "free":
            raise InputError("--family: the family question needs --mode superposed --codes free")
        shape, _ = shape_from_args(a, fam.m, fam.m_out, n=a.n_min)
        print(f"family {fam.name}: {fam.size} members" +
              (" (a SAMPLE)" if fam.is_sample else ""), file=sys.stderr)
        res = min_neurons_family(fam, shape, n_min=a.n_min, n_max=a.n_max,
                                 time_limit=a.time_limit, progress=_progress,
                                 proof_dir=_proof_dir(a),
                                 solver=a.solver, symmetry=not a.no_symmetry,
                                 check=not a.no_check)
        _print_table(res.table(), ["n", "status", "proof", "seconds", "rounds", "core", "vars"])
        if res.minimum is not None:
            print(f"minimum n = {res.minimum} (SAT at {res.minimum} with every member verified"
                  + (f"; UNSAT at {res.minimum - 1}: {_below(res)}" if res.minimum > 1 else "")
                  + ")")
        else:
            print(f"no minimum established: {res.note or 'UNSAT/UNKNOWN up to n_max'}")
        if a.proof:
            _minimum_bundle(a, res, family=fam)
        if res.best is not None and a.out:
            out = Path(a.out)
            out.mkdir(parents=True, exist_ok=True)
            write_json({"E": res.best.E, "R": res.best.R}, out / "codes.json")
            for i, net in enumerate(res.best.networks):
                write_json(net, out / f"member{i}.json")
            print(f"wrote {out}/codes.json and {len(res.best.networks)} member networks")
        return 0
    task = _task(a)
    shape, codes_for = shape_from_args(a, task.m, task.m_out, n=a.n_min)
    print(f"task {task.name}: m={task.m}, m'={task.m_out}, s={task.s}, |X|={len(task.inputs)}",
          file=sys.stderr)
    if a.proof and codes_for is not None:
        raise InputError("--proof: with codes regenerated per n there is no minimum to "
                         "certify; use --codes free or explicit mode")
    if a.incremental:
        from ..solve.incremental import min_neurons_incremental

        if shape.mode != "explicit":
            raise InputError("--incremental: supported in explicit mode only")
        res = min_neurons_incremental(task, shape, n_min=a.n_min, n_max=a.n_max,
                                      time_limit=a.time_limit, solver=a.solver,
                                      symmetry=not a.no_symmetry, progress=_progress,
                                      certify_below=a.proof, proof_dir=_proof_dir(a))
    else:
        res = min_neurons(task, shape, n_min=a.n_min, n_max=a.n_max,
                          time_limit=a.time_limit, codes_for=codes_for, progress=_progress,
                          proof_dir=_proof_dir(a), **_solve_kw(a))
    _print_table(res.table(), ["n", "status", "proof", "seconds", "vars", "clauses"])
    for c in res.cells:
        if c.status == "NOCODE":
            print(f"  n={c.info['n']}: no usable random code: {c.info['reason']}")
    if res.minimum is not None:
        print(f"minimum n = {res.minimum}" +
              (f" (SAT at n={res.minimum}, verified; UNSAT at n={res.minimum - 1}: "
               f"{_below(res)})" if res.minimum > 1 else " (SAT at n=1)"))
    elif res.best is not None:
        print(f"first SAT at n={res.best.shape.n}: {res.note}")
    else:
        print(f"no network up to n={a.n_max} (UNSAT or UNKNOWN; see the table)")
    if res.best is not None:
        print("verified: " + _summary(res.best.network))
    _write_outputs(a.out, res.best.network if res.best else None, res.table(),
                   f"n={res.best.shape.n}" if res.best else "")
    if a.proof:
        _minimum_bundle(a, res, task=task)
    return 0


def _proof_dir(a):
    if not getattr(a, "proof", False):
        return None
    if not a.out:
        raise InputError("--proof: needs --out DIR for the bundles")
    return str(Path(a.out) / "work")


def _minimum_bundle(a, res, task=None, family=None):
    """Bundle the minimum (SAT at k, checked UNSAT proof at k-1) under --out."""
    from ..certify.bundle import make_minimum, verify_bundle

    if res.minimum is None:
        print("no minimum established: no proof bundle written")
        return
    best = res.best
    below = res.cells[-2] if len(res.cells) > 1 else None
    dest = Path(a.out) / "minimum"
    print(f"checking the proof of UNSAT at n={res.minimum - 1} and writing {dest} ...",
          file=sys.stderr)
    make_minimum(dest, best, below, shape=best.shape, task=task, family=family,
                 members=None if below is None or family is None else below.core,
                 overwrite=True)
    rep = verify_bundle(dest)
    print(f"proof bundle {dest}: {'PASS' if rep.ok else 'FAIL'} "
          f"(re-check with: superpos verify {dest})")
    if not rep.ok:
        from ..errors import SoundnessError
        raise SoundnessError(f"fresh bundle {dest} fails verification: {rep}")
    # the raw CNF/DRAT files now live (compressed, hashed) in the bundle
    import shutil
    shutil.rmtree(Path(a.out) / "work", ignore_errors=True)


def cmd_min_params(a):
    task = _task(a)
    shape, _ = shape_from_args(a, task.m, task.m_out)
    res = min_parameters(task, shape, time_limit=a.time_limit, progress=_progress, **_solve_kw(a))
    rows = [dict(c.row(), bound=c.options.get("max_nonzero", "-")) for c in res.cells]
    _print_table(rows, ["bound", "status", "proof", "seconds", "vars", "clauses"])
    if res.minimum is not None:
        print(f"minimum nonzero parameters = {res.minimum}")
    else:
        print(f"no minimum established: {res.note}")
    if res.best:
        print("verified: " + _summary(res.best.network))
    _write_outputs(a.out, res.best.network if res.best else None, rows, "min-params")
    return 0


def cmd_min_bits(a):
    task = _task(a)
    shape, _ = shape_from_args(a, task.m, task.m_out)
    res = min_bits(task, shape, B_max=a.B_max, time_limit=a.time_limit, progress=_progress,
                   bias_follows=a.B_bias is None, **_solve_kw(a))
    _print_table(res.table(), ["B", "status", "proof", "seconds", "vars", "clauses"])
    if res.minimum is not None:
        net = res.best.network
        print(f"minimum B = {res.minimum} at n={shape.n}: {net.counts()['bits']} bits in all")
    else:
        print(f"no minimum established: {res.note or 'UNSAT/UNKNOWN up to B_max'}")
    _write_outputs(a.out, res.best.network if res.best else None, res.table(), "min-bits")
    return 0


DEMO = ["--task", "uand", "--m", "4", "--mode", "explicit", "--activation", "relu",
        "--B", "2", "--n-max", "6"]


def cmd_demo(a):
    """The README's main job: a minimum network for an embedded default, verified,
    drawn, with its minimality proof checked."""
    parser = _PARSERS["min-neurons"]
    args = parser.parse_args(DEMO + ["--out", a.out] + (["--proof"] if not a.no_proof else []))
    print("superpos demo: minimum ReLU network for the universal AND of m=4 sparse "
          "features (s=2), explicit mode, weights in [-2, 2]")
    return cmd_min_neurons(args)


_PARSERS = {}


def register(sub):
    def add(name, func, help_, task=True, family=False, with_n=True):
        p = sub.add_parser(name, help=help_, description=help_)
        if task:
            add_task_args(p, family=family)
            add_shape_args(p, with_n=with_n)
            p.add_argument("--out", "-o", metavar="DIR",
                           help="write network.json, network.png, network.graphml, table.json")
        p.set_defaults(func=func)
        _PARSERS[name] = p
        return p

    add("decide", cmd_decide, "decide one cell: does a network of this shape compute the task?")
    p = add("min-neurons", cmd_min_neurons,
            "smallest hidden width n (per-size SAT/UNSAT/UNKNOWN table); --family for the "
            "shared-code family question", family=True, with_n=False)
    p.add_argument("--n-min", type=int, default=1, help="first width tried (default 1)")
    p.add_argument("--n-max", type=int, default=8, help="last width tried (default 8)")
    p.add_argument("--n", type=int, default=None, help=argparse_suppress())
    p.add_argument("--proof", action="store_true",
                   help="write checked claim bundles (SAT at the minimum, UNSAT below) to --out")
    p.add_argument("--incremental", action="store_true",
                   help="explicit mode: one solver for all n (assumptions on neuron "
                        "selectors); with --proof the UNSAT below the minimum is re-solved "
                        "from scratch for its DRAT proof")
    add("min-params", cmd_min_params, "fewest nonzero parameters at a fixed shape")
    p = add("min-bits", cmd_min_bits, "smallest weight bound B (bits per weight) at width n")
    p.add_argument("--B-max", type=int, default=6, help="largest B tried (default 6)")
    p = add("demo", cmd_demo, "run the main job on the embedded default (see README)", task=False)
    p.add_argument("--out", "-o", default="out/demo", help="output directory (default out/demo)")
    p.add_argument("--no-proof", action="store_true", help="skip the proof bundles")


def argparse_suppress():
    import argparse
    return argparse.SUPPRESS
