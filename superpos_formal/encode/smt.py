"""The literal z3 encoding: bounded ``Int`` weights, ``If`` activations.

This is the encoding a user would write by hand from docs/MODEL.md, and it is the
baseline every SAT encoding of the toolkit is benchmarked against
(``benchmarks/bench_sat_vs_smt.py``). Nothing clever happens here on
purpose:

* every weight of ``W_l``, ``V`` is a z3 ``Int`` constrained to ``[-B, B]``,
  every bias of ``b_l``, ``c`` an ``Int`` in ``[-B_bias, B_bias]``; with
  ``shape.codes == "free"`` every entry of ``E`` and ``R`` is an ``Int`` in
  ``[-B_code, B_code]`` (explicit mode: ``E = I``, ``R = I``; given codes:
  the constants of the shape);
* for each input ``x`` the forward pass is written out as terms: ``a_0 = E x``
  (a sum of code entries, or a constant), pre-activations ``Sum(w * a) + b``,
  ``relu(t) = If(t > 0, t, 0)``, ``step(t) = If(t > 0, 1, 0)``, output
  ``z = V a_L + c`` (``z = a_0`` when ``L = 0``), readout ``R z``;
* for each output ``j``: ``(R z)_j >= theta`` if ``f(x)_j = 1`` else
  ``(R z)_j < theta``;
* ``tolerant(k)`` (``shape.tolerance = k > 0``): one Boolean ``err[x, j]`` per
  output bit, the bit's constraint is ``Or(err, constraint)``, and
  ``AtMost(err..., k)``.

Products of two unknowns (a weight times a ReLU value, a free code entry
times a sum) are left as products: z3's default solver handles them as
nonlinear integer arithmetic, ``QF_FD`` bit-blasts them (every ``Int`` is
bounded by an explicit constraint, which is what ``QF_FD`` needs).

A SAT answer is decoded to a :class:`~superpos_formal.network.Network` and
re-verified over the whole domain by :func:`superpos_formal.verify.verify`;
a mismatch raises :class:`~superpos_formal.errors.SoundnessError`. An UNSAT
answer comes with no proof: it is reported as UNSAT-by-SMT with
``certified=False`` and must not become a claim on its own.

The solving half (z3 in a killed-on-timeout child process, decoding and
verification) is :mod:`superpos_formal.solve.smt`: encoders never run a
solver (docs/MODEL.md, "Layers").

Examples
--------
>>> from superpos_formal.tasks import and_pairs
>>> from superpos_formal.shape import Shape
>>> enc = encode_smt(and_pairs(2, [(0, 1)], s=2), Shape("explicit", "step", n=1, B=1))
>>> len(enc.assertions) > 0
True
"""

from dataclasses import dataclass, field

import z3

from ..errors import InputError
from ..network import Network
from ..results import Activation, CodeKind, Mode
from ..verify import check_compatible

__all__ = ["encode_smt", "SmtEncoding", "TACTICS", "check_question"]

#: z3 front ends the solve layer offers (:mod:`superpos_formal.solve.smt`)
TACTICS = ("default", "qffd")


# --------------------------------------------------------------------------
# encoding
# --------------------------------------------------------------------------


@dataclass
class SmtEncoding:
    """The z3 formula for ``(task, shape)`` and how to read a network off a model.

    Attributes
    ----------
    assertions : list of z3.BoolRef
        Bounds on every variable, the per-input output constraints, the
        tolerance constraint and (optionally) symmetry breaking.
    E, R : matrix of z3 Int or int
        Codes (variables only for ``codes == "free"``).
    layers : list of (W, b)
        Hidden-layer variables.
    V, c : output-layer variables (``None`` when ``L = 0``).
    errors : list of z3.BoolRef
        The tolerance's error flags (empty for exact correctness).
    """

    task: object
    shape: object
    assertions: list
    E: list
    R: list
    layers: list
    V: list
    c: list
    errors: list = field(default_factory=list)
    inputs: tuple = ()
    symmetry: bool = False

    @property
    def variables(self):
        """All z3 Int variables of the encoding (weights, biases, free codes)."""
        out = []
        for W, b in self.layers:
            out += [v for r in W for v in r] + list(b)
        if self.V is not None:
            out += [v for r in self.V for v in r] + list(self.c)
        if self.shape.codes == CodeKind.FREE:
            out += [v for r in self.E for v in r] + [v for r in self.R for v in r]
        return out

    def decode(self, model):
        """The :class:`Network` a z3 model describes (not yet verified)."""
        def val(v):
            if isinstance(v, int):
                return v
            return model.eval(v, model_completion=True).as_long()

        def mat(M):
            return [[val(v) for v in r] for r in M]

        sh = self.shape
        layers = [(mat(W), [val(v) for v in b]) for W, b in self.layers]
        V = None if self.V is None else mat(self.V)
        c = None if self.c is None else [val(v) for v in self.c]
        if sh.mode == Mode.EXPLICIT:
            return Network.explicit(self.task.m, self.task.m_out, sh.activation,
                                    layers, V, c, B=sh.B, B_bias=sh.B_bias,
                                    theta=sh.theta)
        return Network.superposed(mat(self.E), mat(self.R), sh.activation, layers,
                                  V, c, B=sh.B, B_bias=sh.B_bias, B_code=sh.B_code,
                                  theta=sh.theta)


def _bounded(name, lo, hi, cons):
    v = z3.Int(name)
    cons.append(v >= lo)
    cons.append(v <= hi)
    return v


def _int_matrix(prefix, rows, cols, bound, cons):
    return [[_bounded(f"{prefix}_{i}_{j}", -bound, bound, cons) for j in range(cols)]
            for i in range(rows)]


def _lin(row, vec):
    """``sum row_i * vec_i`` as a z3 term (or int), skipping literal zeros."""
    terms = []
    for w, a in zip(row, vec):
        if isinstance(w, int) and w == 0 or isinstance(a, int) and a == 0:
            continue
        if isinstance(w, int) and w == 1:
            terms.append(a)
        elif isinstance(a, int) and a == 1:
            terms.append(w)
        else:
            terms.append(w * a)
    if not terms:
        return 0
    if all(isinstance(t, int) for t in terms):
        return sum(terms)
    return z3.Sum([z3.IntVal(t) if isinstance(t, int) else t for t in terms])


def _act(activation, t):
    if activation == Activation.RELU:
        return z3.If(t > 0, t, 0)
    return z3.If(t > 0, 1, 0)


def _lex_leq(a, b):
    """``a <=_lex b`` for equal-length lists of z3 Int terms."""
    out = z3.BoolVal(True)
    for x, y in reversed(list(zip(a, b))):
        out = z3.Or(x < y, z3.And(x == y, out))
    return out


def check_question(task, shape):
    """Reject a (task, shape) the z3 encoding does not cover, with the reason."""
    if shape.mode == Mode.EXPLICIT:
        return
    if shape.codes == CodeKind.GIVEN:
        E, R = shape.E, shape.R
        if len(E[0]) != task.m:
            raise InputError(f"E: given code has {len(E[0])} columns, the task has m={task.m}")
        if len(R) != task.m_out:
            raise InputError(f"R: given readout has {len(R)} rows, the task has "
                             f"m'={task.m_out}")
    elif shape.codes != CodeKind.FREE:
        raise InputError(f"codes: the SMT encoder supports given and free codes, "
                         f"not {shape.codes!r}")
    if shape.L > 2:
        raise InputError(f"L: the SMT encoder supports L = 0, 1, 2, got {shape.L}")


def encode_smt(task, shape, *, inputs=None, symmetry=False):
    """The literal z3 encoding of "some network of ``shape`` computes ``task``".

    Parameters
    ----------
    inputs : sequence of input tuples, optional
        Encode only these inputs of the domain (default: all of ``X(m, s)``).
        A model of a partial encoding is a candidate, not an answer.
    symmetry : bool
        Add lexicographic ordering of the first hidden layer's neurons
        (see the argument in the code). Default off: the baseline.

    Returns
    -------
    SmtEncoding
    """
    check_question(task, shape)
    if shape.L > 2:
        raise InputError(f"L: the SMT encoder supports L = 0, 1, 2, got {shape.L}")
    m, mo, n, L = task.m, task.m_out, shape.n, shape.L
    X = tuple(task.inputs if inputs is None else (tuple(x) for x in inputs))
    cons = []

    # codes
    if shape.mode == Mode.EXPLICIT:
        d = m
        E = [[int(i == j) for j in range(m)] for i in range(m)]
        R = [[int(i == j) for j in range(mo)] for i in range(mo)]
    elif shape.codes == CodeKind.GIVEN:
        d = n
        E = [list(r) for r in shape.E]
        R = [list(r) for r in shape.R]
    else:
        d = n
        E = _int_matrix("E", n, m, shape.B_code, cons)
        R = _int_matrix("R", mo, n, shape.B_code, cons)

    # weights
    layers, prev = [], d
    for l in range(L):
        W = _int_matrix(f"W{l + 1}", n, prev, shape.B, cons)
        b = [_bounded(f"b{l + 1}_{k}", -shape.B_bias, shape.B_bias, cons) for k in range(n)]
        layers.append((W, b))
        prev = n
    if L >= 1:
        d_out = mo if shape.mode == Mode.EXPLICIT else n
        V = _int_matrix("V", d_out, prev, shape.B, cons)
        c = [_bounded(f"c_{k}", -shape.B_bias, shape.B_bias, cons) for k in range(d_out)]
    else:
        V = c = None

    if symmetry and L >= 1 and n >= 2:
        # Symmetry breaking (docs/MODEL.md 5). Soundness: let N be any network of
        # this shape. Permuting the neurons of the first hidden layer by pi,
        # i.e. W1 -> P W1, b1 -> P b1, and the next layer's columns (W2 or V)
        # -> (.) P^T, gives a network N' that computes the same a_2 (or z) on
        # every input, hence the same outputs: sigma acts coordinatewise, so
        # sigma(P t) = P sigma(t), and P^T P = I. Every weight of N' is a
        # weight of N, so N' is within the same bounds; E, R, other layers are
        # untouched, so this holds in every mode and for given or free codes.
        # Choose pi to sort the vectors (W1 row k, b1_k) lexicographically
        # (non-decreasing; ties allowed). So every network has an equivalent
        # one satisfying the constraints below: UNSAT with them means UNSAT
        # without them, and any SAT model is a network of the shape.
        W1, b1 = layers[0]
        rows = [list(W1[k]) + [b1[k]] for k in range(n)]
        for k in range(n - 1):
            cons.append(_lex_leq(rows[k], rows[k + 1]))

    # forward pass per input, output constraints
    errs = []
    tol = shape.tolerance
    for x in X:
        if len(x) != m:
            raise InputError(f"inputs: {x!r} has {len(x)} features, the task has m={m}")
        a = [_lin(row, x) for row in E]
        for W, b in layers:
            a = [_act(shape.activation, _lin(W[k], a) + b[k]) for k in range(n)]
        z = [_lin(V[k], a) + c[k] for k in range(len(V))] if L >= 1 else a
        rz = [_lin(R[j], z) for j in range(mo)]
        want = task(x)
        for j in range(mo):
            ok = rz[j] >= shape.theta if want[j] else rz[j] < shape.theta
            if isinstance(ok, bool):
                ok = z3.BoolVal(ok)
            if tol > 0:
                e = z3.Bool(f"err_{len(errs)}")
                errs.append(e)
                cons.append(z3.Or(e, ok))
            else:
                cons.append(ok)
    if tol > 0 and len(errs) > tol:
        cons.append(z3.AtMost(*errs, tol))

    return SmtEncoding(task, shape, cons, E, R, layers, V, c, errs, X, symmetry)
