"""Width-m superposed universal-AND networks for any readout threshold
(issue 24: starts for the superposed uand rows of the best-known registry).

The hidden layer copies the features (``E = I``, ``W = I``, ``b = 0``:
``relu(x_i) = step(x_i) = x_i`` on 0/1 inputs), the output layer scales and
shifts them (``z_i = v x_i + c``) and output ``(a, b)`` reads ``z_a + z_b``
(``R`` the pair incidence). On ``X(m, 2)`` that sum is ``2v + 2c`` when both
features are on and at most ``v + 2c`` otherwise, so the network computes
uand(m) exactly when ``2v + 2c >= theta > v + 2c``; :func:`scale` picks
``v`` in ``[1, B]`` and ``c`` in ``[-B_bias, B_bias]`` doing that, or
refuses. Every network written is verified exhaustively
(:func:`superpos_formal.verify.verify`) before it is written.

The registry's starts for these rows were the one-neuron-per-output
baseline (width m(m-1)/2) or constructions whose own threshold differs;
this one has width m at the row's bounds. Run from the repository root:

  PYTHONPATH=$PWD python search/midrange_superposed_identity.py M ACT B BIAS CODE THETA OUT.json

Examples
--------
>>> scale(B=2, B_bias=2, theta=1)
(2, -1)
>>> scale(B=1, B_bias=5, theta=8)
(1, 3)
>>> scale(B=1, B_bias=0, theta=8) is None
True
>>> net = identity_uand(4, "step", 2, 2, 1, 1)
>>> verify(net, uand(4)).ok, net.widths
(True, (4,))
"""

import json
import sys
from itertools import combinations

from superpos_formal.network import Network
from superpos_formal.schema import network_to_dict
from superpos_formal.tasks import uand
from superpos_formal.verify import verify

__all__ = ["scale", "identity_uand", "main"]


def scale(B, B_bias, theta):
    """``(v, c)`` with ``2v + 2c >= theta > v + 2c``, ``1 <= v <= B`` and
    ``|c| <= B_bias`` (smallest ``v`` first), or None."""
    for v in range(1, B + 1):
        for c in range(-B_bias, B_bias + 1):
            if 2 * v + 2 * c >= theta > v + 2 * c:
                return v, c
    return None


def identity_uand(m, activation, B, B_bias, B_code, theta):
    """The width-m network of the module docstring, or ValueError when no
    ``(v, c)`` fits the bounds."""
    vc = scale(B, B_bias, theta)
    if vc is None or B_code < 1:
        raise ValueError(f"no identity network at B={B} bias={B_bias} code={B_code} "
                         f"theta={theta}")
    v, c = vc
    eye = [[int(i == j) for j in range(m)] for i in range(m)]
    # uand(m)'s outputs are the pairs in lexicographic order (tasks.uand)
    R = [[int(k in p) for k in range(m)] for p in combinations(range(m), 2)]
    return Network.superposed(eye, R, activation, [(eye, [0] * m)],
                              [[v * e for e in row] for row in eye], [c] * m,
                              B=B, B_bias=B_bias, B_code=B_code, theta=theta)


def main(argv=None):
    m, act, B, bias, code, theta, out = (argv or sys.argv[1:])
    m, B, bias, code, theta = map(int, (m, B, bias, code, theta))
    net = identity_uand(m, act, B, bias, code, theta)
    rep = verify(net, uand(m))
    if not rep.ok:
        raise SystemExit(f"identity network fails uand({m}): {rep}")
    with open(out, "w") as f:
        json.dump(network_to_dict(net), f, indent=1, sort_keys=True)
        f.write("\n")
    print(f"uand({m}) superposed {act} B={B} bias={bias} code={code} theta={theta}: "
          f"width {m}, verified on X({m}, 2); wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
