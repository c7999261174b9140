"""``superpos export``, ``superpos zoo build`` and ``superpos import-torch``:
the PyTorch / safetensors / ONNX bridge (superpos_formal.bridge; needs the
optional extra ``pip install '.[torch]'``, imported only when a command runs)."""

import sys
from pathlib import Path

from ..errors import InputError

__all__ = ["register", "run_export"]


def register(sub):
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
