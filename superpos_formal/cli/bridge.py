"""``superpos export``, ``superpos zoo build`` and ``superpos import-torch``:
the PyTorch / safetensors / ONNX bridge (superpos_formal.bridge; needs the
optional extra ``pip install '.[torch]'``, imported only when a command runs)."""

import sys
from fractions import Fraction
from pathlib import Path

from ..bridge.export import _suffix, check_export, export_source
from ..bridge.importer import Repair, from_torch
from ..bridge.source import load_source
from ..bridge.zoo import build
from ..errors import InputError
from ..schema import load_codes, write_json
from .search import _task, add_task_args

__all__ = ["register", "run_export", "run_zoo_build", "run_import"]


def register(sub):
    _register_zoo(sub)
    _register_import(sub)
    p = sub.add_parser(
        "export", help="export a certified network to PyTorch (.pt), .safetensors or .onnx",
        description="Export a claim bundle, a minimum directory (its SAT half) or a network "
                    "file to .pt, .safetensors or .onnx (format by the suffix of -o). The float "
                    "forward pass equals the integer network on every input of X(m, s): "
                    "float32 when every intermediate value is below 2^24, float64 below "
                    "2^53, refused beyond. The manifest hashes are checked and every network "
                    "is verified exhaustively before it is written; the file carries the "
                    "subject, codes E and R, theta, bounds, manifest sha256 and certificate "
                    "kind. Needs pip install '.[torch]'.")
    p.add_argument("source", metavar="BUNDLE|NETWORK",
                   help="a claim bundle, a minimum directory or a network JSON file")
    p.add_argument("-o", "--out", required=True, metavar="FILE",
                   help="output file: .pt, .safetensors or .onnx")
    p.add_argument("--dtype", choices=("float32", "float64"), default=None,
                   help="float type (default: float32 when exact, else float64)")
    p.add_argument("--no-check", action="store_true",
                   help="do not re-run the written file on every input of X(m, s)")
    p.add_argument("--s", type=int, default=None, metavar="S",
                   help="a bare network file only: the sparsity s the exactness argument "
                        "covers (default m: every 0/1 input); a bundle's s is its task's")
    p.set_defaults(func=run_export)
    return p


def run_export(args):
    out = Path(args.out)
    _suffix(out)
    if out.is_dir():
        raise InputError(f"-o: {out} is a directory (give a file name ending in .pt, "
                         f".safetensors or .onnx)")
    src = load_source(args.source)
    if args.s is not None:
        if src.members:
            raise InputError("--s: only for a bare network file (a bundle's s is its task's)")
        if not 0 <= args.s <= src.network.m:
            raise InputError(f"--s: must be in 0..m={src.network.m}, got {args.s}")
        src.s = args.s
    meta = export_source(src, out, args.dtype)
    net = src.network
    print(f"{out}: {meta['mode']} {meta['activation']} m={net.m} m'={net.m_out} "
          f"n={meta['n']} L={meta['L']} B={meta['bounds']['B']} "
          f"bias={meta['bounds']['B_bias']} code={meta['bounds']['B_code']} "
          f"theta={meta['theta']}; {meta['dtype']} (values <= {meta['value_bound']}); "
          f"certificate: {meta['certificate']}")
    if not args.no_check:
        chk = check_export(out, src)
        if not chk.ok:
            print(f"superpos: exported file disagrees with the exact network: {chk.first}",
                  file=sys.stderr)
            return 1
        print(f"checked: the written file equals the exact network on all {chk.checked} "
              f"inputs of X(m={net.m}, s={src.s})"
              + (f" for each of {chk.members} members" if chk.members > 1 else ""))
    return 0


def _register_zoo(sub):
    z = sub.add_parser(
        "zoo", help="the zoo: certified minima and verified constructions as PyTorch/ONNX",
        description="Build the zoo: every SAT bundle and minimum under proofs/ (re-verified "
                    "with the native DRAT checker; one that fails is left out and named) and "
                    "a ladder of constructions up to m' = 1000 (rebuilt and verified "
                    "exhaustively), each exported to .pt, .safetensors and .onnx and run on "
                    "every input, with index.json and index.md. Load an entry with "
                    "superpos_formal.zoo.load(name). Needs pip install '.[torch]'.")
    zsub = z.add_subparsers(dest="zoo_command", metavar="ZOO_COMMAND")
    zsub.required = True
    b = zsub.add_parser("build", help="write the zoo to a directory",
                        description=z.description)
    b.add_argument("-o", "--out", required=True, metavar="DIR", help="output directory")
    b.add_argument("--proofs", default=None, metavar="DIR",
                   help="proof root (default: the repository's proofs/)")
    b.add_argument("--max-m-out", type=int, default=1000, metavar="K",
                   help="largest m' of the construction ladder (default 1000)")
    b.add_argument("--no-constructions", action="store_true",
                   help="only the certified networks under proofs/")
    b.set_defaults(func=run_zoo_build)


def run_zoo_build(args):
    if args.max_m_out < 1:
        raise InputError(f"--max-m-out: must be >= 1, got {args.max_m_out}")
    idx = build(args.out, proofs=args.proofs, max_m_out=args.max_m_out,
                constructions=not args.no_constructions,
                log=lambda s: print(s, file=sys.stderr, flush=True))
    out = Path(args.out)
    print(f"{out / 'index.json'}: {len(idx['entries'])} entries in {idx['seconds']:.0f} s")
    print(f"{out / 'index.md'}")
    for f in idx["left_out"]:
        print(f"LEFT OUT {f}")
    return 1 if idx["left_out"] else 0


def _register_import(sub):
    p = sub.add_parser(
        "import-torch", help="check a trained torch MLP exactly and turn it into a verified "
                             "integer network",
        description="Read a trained MLP (Linear-ReLU/step-Linear; a .pt module or state_dict, "
                    "or a JSON object with a state_dict), evaluate it exactly (rationals of "
                    "its float weights) on every input of X(m, s) and report whether it "
                    "computes the task (with the first wrong input); then find an integer "
                    "network by scale-and-round, repaired by SAT when needed, verified on "
                    "every input. Report: exact / repaired with k weights changed / no "
                    "integer network at these bounds. Needs pip install '.[torch]'.")
    p.add_argument("file", metavar="FILE", help="trained model: .pt or .json state_dict")
    add_task_args(p, family=False)
    p.add_argument("--theta", default="0.5",
                   help="readout threshold of the trained model, y = [R z >= theta] "
                        "(read exactly as a decimal; default 0.5)")
    p.add_argument("--activation", choices=("relu", "step"), default=None,
                   help="hidden activation of a state_dict (default relu)")
    p.add_argument("--codes-file", metavar="CODES.json", default=None,
                   help="a fixed integer input code E and readout R (superposed network)")
    p.add_argument("--max-B", type=int, default=8,
                   help="largest weight scale-and-round tries per layer (default 8)")
    p.add_argument("--no-repair", action="store_true", help="no SAT repair")
    p.add_argument("--budget", type=float, default=60.0, metavar="SECONDS",
                   help="seconds for the SAT repair (default 60)")
    p.add_argument("-o", "--out", default=None, metavar="NETWORK.json",
                   help="write the verified integer network here")
    p.set_defaults(func=run_import)


def run_import(args):
    task = _task(args)
    try:
        theta = Fraction(args.theta)
    except (ValueError, ZeroDivisionError):
        raise InputError(f"--theta: {args.theta!r} is not a number") from None
    if args.max_B < 1:
        raise InputError(f"--max-B: must be >= 1, got {args.max_B}")
    if args.budget <= 0:
        raise InputError(f"--budget: must be > 0, got {args.budget}")
    E = R = None
    if args.codes_file:
        E, R = load_codes(args.codes_file)
        E, R = [list(r) for r in E], [list(r) for r in R]
    res = from_torch(args.file, task, input_code=E, readout=R, theta=theta,
                     activation=args.activation, max_B=args.max_B,
                     repair=not args.no_repair and Repair(seconds=args.budget), log=lambda s: print(f"  {s}", file=sys.stderr))
    print(res.summary())
    if res.network is not None and args.out:
        write_json(res.network, args.out)
        print(f"wrote {args.out}")
    return 0 if res.network is not None else 1
