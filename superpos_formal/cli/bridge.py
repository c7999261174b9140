"""``superpos export``, ``superpos zoo build`` and ``superpos import-torch``:
the PyTorch / safetensors / ONNX bridge (superpos_formal.bridge; needs the
optional extra ``pip install '.[torch]'``, imported only when a command runs)."""

import sys
from pathlib import Path

from ..errors import InputError

__all__ = ["register", "run_export", "run_zoo_build"]


def register(sub):
    _register_zoo(sub)
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
    p.set_defaults(func=run_export)
    return p


def run_export(args):
    from ..bridge.export import _suffix, check_export, export_source
    from ..bridge.source import load_source
    out = Path(args.out)
    _suffix(out)
    if out.is_dir():
        raise InputError(f"-o: {out} is a directory (give a file name ending in .pt, "
                         f".safetensors or .onnx)")
    src = load_source(args.source)
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
    from ..bridge.zoo import build
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
