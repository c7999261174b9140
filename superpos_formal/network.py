"""Integer feed-forward networks and their exact evaluation (docs/MODEL.md 2).

A :class:`Network` holds the input code ``E`` (``d x m``), hidden layers
``(W_l, b_l)`` of width ``n``, the output layer ``(V, c)``, the readout ``R``
(``m' x d'``), the threshold ``theta``, the activation and the declared bounds.
Evaluation is in Python integers: no floating point, no overflow.

``y_j(x) = [ (R z(x))_j >= theta ]`` with ``z = V a_L + c``, ``a_l =
sigma(W_l a_{l-1} + b_l)`` and ``a_0 = E x``; with no hidden layer (``L = 0``)
``z = a_0``. ``sigma`` is ``relu`` (``max(0, t)``) or ``step`` (``[t > 0]``).

Examples
--------
A one-neuron step network for ``x_0 AND x_1`` on ``X(2, 2)`` (explicit mode):
the hidden unit fires iff ``x_0 + x_1 - 1 > 0``.

>>> net = Network.explicit(m=2, m_out=1, activation="step",
...                        layers=[([[1, 1]], [-1])], V=[[1]], c=[0], B=1)
>>> [net.evaluate(x) for x in [(0, 0), (1, 0), (0, 1), (1, 1)]]
[(0,), (0,), (0,), (1,)]
>>> net.counts()["params_nonzero"]
4
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from .errors import InputError
from .graph import draw_on
from .ids import header, stable_id
from .results import Activation, Mode

__all__ = ["Network", "ACTIVATIONS", "MODES", "bits_for_bound", "activate", "resolve_bounds"]

#: converters to other frameworks, registered by the layer that provides them
#: (``"torch"``: :mod:`superpos_formal.bridge.export`), so the model layer does
#: not import upwards
CONVERTERS = {}

#: the activations and modes, as enum members equal to their strings
ACTIVATIONS = tuple(Activation)
MODES = tuple(Mode)


def bits_for_bound(B):
    """Bits of a symmetric integer alphabet ``[-B, B]``: ``ceil(log2(2B+1))``.

    >>> [bits_for_bound(B) for B in (0, 1, 2, 3, 4)]
    [0, 2, 3, 3, 4]
    """
    return (2 * B).bit_length()


def activate(activation, t):
    """``relu(t) = max(0, t)``, ``step(t) = [t > 0]``."""
    if activation == Activation.RELU:
        return t if t > 0 else 0
    return 1 if t > 0 else 0


def _mat(name, rows, n_rows=None, n_cols=None):
    """Validate an integer matrix; return it as a tuple of tuples."""
    if not isinstance(rows, (list, tuple)):
        raise InputError(f"{name}: expected a list of rows")
    out = []
    for i, r in enumerate(rows):
        if not isinstance(r, (list, tuple)):
            raise InputError(f"{name}[{i}]: expected a list of integers")
        for j, v in enumerate(r):
            if not isinstance(v, int) or isinstance(v, bool):
                raise InputError(f"{name}[{i}][{j}]: {v!r} is not an integer")
        out.append(tuple(r))
    if n_rows is not None and len(out) != n_rows:
        raise InputError(f"{name}: has {len(out)} rows, expected {n_rows}")
    for i, r in enumerate(out):
        if n_cols is not None and len(r) != n_cols:
            raise InputError(f"{name}[{i}]: has {len(r)} entries, expected {n_cols}")
    return tuple(out)


def _vec(name, v, n):
    if not isinstance(v, (list, tuple)):
        raise InputError(f"{name}: expected a list of integers")
    for j, e in enumerate(v):
        if not isinstance(e, int) or isinstance(e, bool):
            raise InputError(f"{name}[{j}]: {e!r} is not an integer")
    if len(v) != n:
        raise InputError(f"{name}: has {len(v)} entries, expected {n}")
    return tuple(v)


def _within(name, rows, bound):
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            if abs(v) > bound:
                raise InputError(f"{name}[{i}][{j}]: {v} is outside the declared "
                                 f"bound [-{bound}, {bound}]")


def resolve_bounds(B, B_bias, B_code):
    """Validate the bounds and fill the defaults: ``B_bias = B``,
    ``B_code = max(B, 1)`` (docs/MODEL.md 2). Returns ``(B_bias, B_code)``."""
    if B < 0:
        raise InputError(f"B: weight bound must be >= 0, got {B}")
    B_bias = B if B_bias is None else B_bias
    B_code = max(B, 1) if B_code is None else B_code
    if B_bias < 0 or B_code < 0:
        raise InputError("B_bias/B_code: must be >= 0")
    return B_bias, B_code


def _identity(k):
    return tuple(tuple(int(i == j) for j in range(k)) for i in range(k))


@dataclass(frozen=True)
class Network:
    """An integer network; construct with :meth:`explicit`, :meth:`superposed`
    or directly (all fields are validated in ``__post_init__``: shapes,
    integer entries, every entry within its declared bound; a violation is
    an :class:`~superpos_formal.errors.InputError` naming the field).

    ``y_j(x) = [(R z(x))_j >= theta]`` with ``z = V a_L + c``, ``a_l =
    sigma(W_l a_{l-1} + b_l)``, ``a_0 = E x`` (docs/MODEL.md 2); evaluation
    is in Python integers. Matrices are stored as tuples of row tuples, so a
    network is immutable and hashable.

    Parameters
    ----------
    mode : {"explicit", "superposed"}
        Explicit: ``E = I_m``, ``R = I_{m'}``. Superposed: codes ``E``
        (``n x m``) and ``R`` (``m' x n``), every layer of width ``n``.
    activation : {"relu", "step"}
        ``relu(t) = max(0, t)``, ``step(t) = [t > 0]``.
    E : sequence of sequence of int
        The input code, ``d x m``.
    layers : sequence of (W, b)
        The hidden layers, ``W_l`` (``n_l x n_{l-1}``) and ``b_l``; empty
        for the representation question (``L = 0``).
    V : sequence of sequence of int, or None
        Output layer weights (``d' x n_L``); ``None`` when there is no hidden
        layer.
    c : sequence of int, or None
        Output layer bias; ``None`` when there is no hidden layer.
    R : sequence of sequence of int
        The readout, ``m' x d'``.
    theta : int, default 1
        Readout threshold.
    B : int, default 1
        Weights (``W_l``, ``V``) are in ``[-B, B]``.
    B_bias : int, optional
        Biases (``b_l``, ``c``) are in ``[-B_bias, B_bias]``; default ``B``.
    B_code : int, optional
        Code entries (``E``, ``R``) are in ``[-B_code, B_code]``; default
        ``max(B, 1)``.
    meta : tuple, optional
        ``(key, value)`` pairs carried along (member names, provenance); not
        compared and not part of :attr:`id`.

    Attributes
    ----------
    m, m_out : int
        Input and output features (properties).
    depth : int
        Number of hidden layers ``L`` (property).
    widths : tuple of int
        Width of each hidden layer (property).
    id : str
        Stable identity: a hash of the network file without ``meta``.

    Examples
    --------
    Three features in two dimensions, ``permutation(3, [2, 0, 1])``
    (``y0 = x2, y1 = x0, y2 = x1``), ``s = 1``: codes ``x0 -> (1, 0)``,
    ``x1 -> (0, 1)``, ``x2 -> (1, 1)``; ``W = V = I`` and ``b = c = 0`` pass
    the non-negative code through, and the readout rows ``(1, 1)``,
    ``(2, -2)``, ``(-2, 2)`` with ``theta = 2`` fire on ``(1, 1)``,
    ``(1, 0)`` and ``(0, 1)`` only. Nonzero parameters: the two 1s of ``W``
    and the two of ``V``:

    >>> net = Network.superposed(E=[[1, 0, 1], [0, 1, 1]], R=[[1, 1], [2, -2], [-2, 2]],
    ...                          activation="relu", layers=[([[1, 0], [0, 1]], [0, 0])],
    ...                          V=[[1, 0], [0, 1]], c=[0, 0], B=1, B_code=2, theta=2)
    >>> [net.evaluate(x) for x in [(1, 0, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)]]
    [(0, 1, 0), (0, 0, 1), (1, 0, 0), (0, 0, 0)]
    >>> net.m, net.m_out, net.depth, net.widths, net.B_bias
    (3, 3, 1, (2,), 1)
    >>> net
    <Network superposed relu m=3 m'=3 hidden=2 B=1 bias=1 code=2 theta=2: 4 nonzero params>
    >>> Network.explicit(2, 1, "step", [([[3, 1]], [-1])], [[1]], [0], B=2)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: layers[0].W[0][0]: 3 is outside the declared bound [-2, 2]
    """

    mode: str
    activation: str
    E: tuple
    layers: tuple
    V: tuple | None
    c: tuple | None
    R: tuple
    theta: int = 1
    B: int = 1
    B_bias: int | None = None
    B_code: int | None = None
    meta: tuple = field(default=(), compare=False)

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError(f"mode: unknown mode {self.mode!r} (one of {', '.join(MODES)})")
        if self.activation not in ACTIVATIONS:
            raise InputError(f"activation: unknown activation {self.activation!r} "
                             f"(one of {', '.join(ACTIVATIONS)})")
        object.__setattr__(self, "mode", Mode(self.mode))
        object.__setattr__(self, "activation", Activation(self.activation))
        for nm in ("B", "B_bias", "B_code", "theta"):
            v = getattr(self, nm)
            if (v is not None or nm == "theta") and (not isinstance(v, int) or isinstance(v, bool)):
                raise InputError(f"{nm}: {v!r} is not an integer")
        B_bias, B_code = resolve_bounds(self.B, self.B_bias, self.B_code)
        object.__setattr__(self, "B_bias", B_bias)
        object.__setattr__(self, "B_code", B_code)
        E = _mat("E", self.E)
        if not E or not E[0]:
            raise InputError("E: the input code must be a non-empty matrix")
        d, m = len(E), len(E[0])
        E = _mat("E", E, d, m)
        object.__setattr__(self, "E", E)
        prev = d
        layers = []
        for l, layer in enumerate(self.layers):
            if not isinstance(layer, (list, tuple)) or len(layer) != 2:
                raise InputError(f"layers[{l}]: expected [W, b]")
            W = _mat(f"layers[{l}].W", layer[0])
            if not W:
                raise InputError(f"layers[{l}].W: a hidden layer needs at least one neuron")
            W = _mat(f"layers[{l}].W", W, len(W), prev)
            b = _vec(f"layers[{l}].b", layer[1], len(W))
            _within(f"layers[{l}].W", W, self.B)
            _within(f"layers[{l}].b", [b], self.B_bias)
            layers.append((W, b))
            prev = len(W)
        object.__setattr__(self, "layers", tuple(layers))
        if layers:
            if self.V is None or self.c is None:
                raise InputError("V: a network with hidden layers needs V and c")
            V = _mat("V", self.V)
            if not V:
                raise InputError("V: the output layer needs at least one unit")
            V = _mat("V", V, len(V), prev)
            c = _vec("c", self.c, len(V))
            _within("V", V, self.B)
            _within("c", [c], self.B_bias)
            object.__setattr__(self, "V", V)
            object.__setattr__(self, "c", c)
            d_out = len(V)
        else:
            if self.V is not None or self.c is not None:
                raise InputError("V: a network with no hidden layer has no output layer")
            d_out = d
        R = _mat("R", self.R)
        if not R:
            raise InputError("R: the readout needs at least one row")
        R = _mat("R", R, len(R), d_out)
        object.__setattr__(self, "R", R)
        if self.mode == Mode.EXPLICIT:
            if E != _identity(m):
                raise InputError("E: explicit mode requires E = I")
            if R != _identity(len(R)):
                raise InputError("R: explicit mode requires R = I")
        else:
            _within("E", E, self.B_code)
            _within("R", R, self.B_code)
            widths = {len(W) for W, _ in layers} | {d, d_out}
            if len(widths) != 1:
                raise InputError(f"layers: superposed mode needs every layer (code, "
                                 f"hidden, output) of one width n, got widths {sorted(widths)}")

    # ---------------------------------------------------------------- build
    @classmethod
    def explicit(cls, m: int, m_out: int, activation: str, layers: Sequence[tuple],
                 V: Sequence[Sequence[int]] | None, c: Sequence[int] | None, B: int,
                 B_bias: int | None = None, theta: int = 1) -> "Network":
        """Explicit mode: ``E = I_m``, ``R = I_{m'}``; the other fields as in
        :class:`Network`."""
        return cls("explicit", activation, _identity(m), tuple(layers), V, c,
                   _identity(m_out), theta, B, B_bias, None)

    @classmethod
    def superposed(cls, E: Sequence[Sequence[int]], R: Sequence[Sequence[int]],
                   activation: str, layers: Sequence[tuple],
                   V: Sequence[Sequence[int]] | None, c: Sequence[int] | None, B: int,
                   B_bias: int | None = None, B_code: int | None = None,
                   theta: int = 1) -> "Network":
        """Superposed mode: ``d = d' = n``, codes ``E`` (``n x m``), ``R``
        (``m' x n``); the other fields as in :class:`Network`."""
        return cls("superposed", activation, E, tuple(layers), V, c, R, theta, B,
                   B_bias, B_code)

    # ---------------------------------------------------------------- shape
    @property
    def m(self) -> int:
        """Input features (columns of ``E``)."""
        return len(self.E[0])

    @property
    def m_out(self) -> int:
        """Output features (rows of ``R``)."""
        return len(self.R)

    @property
    def depth(self) -> int:
        """Hidden layers ``L``."""
        return len(self.layers)

    @property
    def widths(self) -> tuple:
        """Width of each hidden layer."""
        return tuple(len(W) for W, _ in self.layers)

    # ---------------------------------------------------------------- eval
    def forward(self, x: Sequence[int]) -> tuple:
        """All intermediate values for input ``x``: ``(a_0, [a_1..a_L], z, Rz)``."""
        if len(x) != self.m:
            raise InputError(f"input has {len(x)} features, the network takes {self.m}")
        a = [sum(e * xi for e, xi in zip(row, x)) for row in self.E]
        a0, hidden = a, []
        for W, b in self.layers:
            a = [activate(self.activation,
                          sum(w * v for w, v in zip(row, a)) + bk)
                 for row, bk in zip(W, b)]
            hidden.append(a)
        if self.layers:
            z = [sum(w * v for w, v in zip(row, a)) + ck for row, ck in zip(self.V, self.c)]
        else:
            z = a0
        rz = [sum(r * v for r, v in zip(row, z)) for row in self.R]
        return a0, hidden, z, rz

    def evaluate(self, x: Sequence[int]) -> tuple:
        """The network's output bits ``y(x)`` as a tuple of 0/1."""
        rz = self.forward(x)[3]
        return tuple(1 if v >= self.theta else 0 for v in rz)

    # ---------------------------------------------------------------- counts
    def counts(self) -> dict:
        """Hidden neurons, dense/nonzero parameters, bits, code nonzeros.

        Parameters are the entries of all ``W_l, b_l, V, c``; bits charge each
        nonzero weight ``bits_for_bound(B)`` and each nonzero bias
        ``bits_for_bound(B_bias)``. Code entries (``E``, ``R``) are counted
        separately as ``code_nonzeros``.
        """
        weights = [v for W, _ in self.layers for r in W for v in r]
        biases = [v for _, b in self.layers for v in b]
        if self.layers:
            weights += [v for r in self.V for v in r]
            biases += list(self.c)
        nzw = sum(1 for v in weights if v)
        nzb = sum(1 for v in biases if v)
        return {
            "hidden_neurons": sum(self.widths),
            "layers": self.depth,
            "params_dense": len(weights) + len(biases),
            "params_nonzero": nzw + nzb,
            "bits": nzw * bits_for_bound(self.B) + nzb * bits_for_bound(self.B_bias),
            "code_nonzeros": sum(1 for r in self.E for v in r if v)
                             + sum(1 for r in self.R for v in r if v),
        }

    # ---------------------------------------------------------------- display
    def __repr__(self):
        c = self.counts()
        widths = "x".join(map(str, self.widths)) or "none"
        code = f" code={self.B_code}" if self.mode == Mode.SUPERPOSED else ""
        return (f"<Network {self.mode} {self.activation} m={self.m} m'={self.m_out} "
                f"hidden={widths} B={self.B} bias={self.B_bias}{code} theta={self.theta}: "
                f"{c['params_nonzero']} nonzero params>")

    def draw(self, ax=None):
        """Draw on matplotlib axes (a new figure without ``ax``); returns the axes.

        >>> net = Network.explicit(2, 1, "relu", [([[1, 1]], [-1])], [[1]], [0], B=1)
        >>> net.draw().get_title()[:24]
        'explicit relu network: m'
        """
        return draw_on(self, ax)

    def to_torch(self, dtype=None):
        """A ``torch.nn.Module`` whose forward pass is this network's, exactly,
        on every 0/1 input with at most ``m`` ones (float32 when every
        intermediate value is below ``2^24``, float64 below ``2^53``, refused
        beyond: the argument is in :mod:`superpos_formal.bridge.precision`).
        Needs the optional extra (``pip install '.[torch]'``); the bridge
        (:mod:`superpos_formal.bridge.export`, which registers itself in
        :data:`CONVERTERS`) imports torch only when this is called."""
        fn = CONVERTERS.get("torch")
        if fn is None:  # pragma: no cover - superpos_formal/__init__ loads the bridge
            raise InputError("to_torch: the PyTorch bridge is not loaded (import "
                             "superpos_formal.bridge.export)")
        return fn(self, dtype)

    def _repr_html_(self):
        def mat(name, M):
            rows = "".join("<tr>" + "".join(f"<td>{v}</td>" for v in r) + "</tr>" for r in M)
            return f"<td style='vertical-align:top'><b>{name}</b><table>{rows}</table></td>"
        cells = []
        if self.mode == Mode.SUPERPOSED:
            cells.append(mat("E", self.E))
        for l, (W, b) in enumerate(self.layers, start=1):
            cells.append(mat(f"W{l}", W))
            cells.append(mat(f"b{l}", [[v] for v in b]))
        if self.layers:
            cells.append(mat("V", self.V))
            cells.append(mat("c", [[v] for v in self.c]))
        if self.mode == Mode.SUPERPOSED:
            cells.append(mat("R", self.R))
        head = repr(self).replace("<", "&lt;").replace(">", "&gt;")
        return f"<p>{head}</p><table><tr>{''.join(cells)}</tr></table>"

    # ---------------------------------------------------------------- io
    def to_dict(self) -> dict:
        """The network file's JSON object (``superpos-formal/network``, read
        back by :func:`superpos_formal.schema.network_from_dict`)."""
        d = header("network")
        d.update({
            "mode": str(self.mode),
            "activation": str(self.activation),
            "m": self.m,
            "m_out": self.m_out,
            "B": self.B,
            "B_bias": self.B_bias,
            "B_code": self.B_code,
            "theta": self.theta,
            "E": [list(r) for r in self.E],
            "layers": [{"W": [list(r) for r in W], "b": list(b)} for W, b in self.layers],
            "V": None if self.V is None else [list(r) for r in self.V],
            "c": None if self.c is None else list(self.c),
            "R": [list(r) for r in self.R],
        })
        if self.meta:
            d["meta"] = dict(self.meta)
        return d

    @property
    def id(self) -> str:
        """Stable identity: a hash of :meth:`to_dict` without ``meta``."""
        d = self.to_dict()
        d.pop("meta", None)
        return stable_id(d)

    def value_bound(self, s: int) -> int:
        """A sound bound on ``|value|`` of every intermediate quantity over
        ``X(m, s)`` (interval arithmetic); used to prove numpy int64 safe."""
        def top(row, k):
            return sum(sorted((abs(v) for v in row), reverse=True)[:k])
        M = max(top(r, s) for r in self.E)
        best = M
        for W, b in self.layers:
            M = max(sum(abs(w) for w in r) * M + abs(bk) for r, bk in zip(W, b))
            best = max(best, M)
        if self.layers:
            M = max(sum(abs(w) for w in r) * M + abs(ck) for r, ck in zip(self.V, self.c))
            best = max(best, M)
        M = max(sum(abs(v) for v in r) * M for r in self.R)
        return max(best, M, abs(self.theta))
