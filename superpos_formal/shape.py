"""The shape of a network a solver searches over: everything but the weights.

A :class:`Shape` fixes mode, activation, width ``n``, depth ``L``, the bounds,
the threshold, the code policy (``given`` or ``free``; ``shared`` is the
family question's ``free``, see :mod:`superpos_formal.solve.family`) and the
correctness requirement (``tolerance = k`` for ``tolerant(k)``). With a task
(or family) it is the whole question an encoder turns into a formula, so it is
part of every claim's identity.

Representation question (docs/MODEL.md 4.1): ``mode="superposed", L=0,
codes="free"``: smallest ``n`` with ``[R E x >= theta] = x``.

Examples
--------
>>> sh = Shape("explicit", "step", n=3, B=2)
>>> sh.B_bias, sh.hidden_neurons
(2, 3)
>>> Shape("superposed", "relu", n=2, codes="given")
Traceback (most recent call last):
...
superpos_formal.errors.InputError: E: codes='given' needs E and R
"""

from dataclasses import asdict, dataclass, replace

from .errors import InputError
from .network import ACTIVATIONS, MODES, resolve_bounds
from .results import Activation, CodeKind, Mode

__all__ = ["Shape", "DEFAULT_B"]

#: the weight bound of every question unless another is given: the Shape, the
#: api, the CLI, count and capacity all default to it (docs/MODEL.md 9.3);
#: claims, campaigns and stores record B, so it never changes a stored question
DEFAULT_B = 2


@dataclass(frozen=True)
class Shape:
    """The shape of a network a solver searches over: everything but the weights.

    Immutable and validated on construction: a wrong field is an
    :class:`~superpos_formal.errors.InputError` naming it. With a task (or
    family) it is the whole question, so :meth:`to_dict` is part of every
    claim's identity.

    Parameters
    ----------
    mode : {"explicit", "superposed"}
        Explicit: ``E = I``, ``R = I`` (``codes`` becomes ``"identity"``).
        Superposed: codes of dimension ``n``.
    activation : {"relu", "step"}
        Hidden activation.
    n : int
        Hidden width (every layer; in superposed mode also the code
        dimension), ``>= 1``.
    L : int, default 1
        Hidden layers, ``>= 0``; ``L = 0`` is the representation question
        (superposed, free codes; explicit mode needs ``L >= 1``).
    B : int
        Weights in ``[-B, B]``.
    B_bias : int, optional
        Biases in ``[-B_bias, B_bias]``; default ``B``.
    B_code : int, optional
        Code entries in ``[-B_code, B_code]``; default ``max(B, 1)``.
    theta : int, default 1
        Readout threshold: ``y = [R z >= theta]``.
    codes : {"given", "free"}, default "given"
        Superposed mode: ``E``, ``R`` given (then both are required, ``n``
        rows of ``E`` and ``n`` columns of ``R``) or chosen by the solver.
    E, R : sequence of sequence of int, optional
        The given codes (stored as tuples of row tuples).
    tolerance : int, default 0
        ``tolerant(k)``: at most ``k`` wrong output bits over ``X(m, s)``;
        0 is exact.

    Attributes
    ----------
    hidden_neurons : int
        ``L * n`` (property).

    Examples
    --------
    >>> sh = Shape("superposed", "relu", n=2, L=0, B=1, codes="free")
    >>> sh.codes, sh.B_bias, sh.B_code, sh.hidden_neurons
    ('free', 1, 1, 0)
    >>> sh.with_n(3).n
    3
    >>> Shape("explicit", "relu", n=2, B=2).codes
    'identity'
    >>> Shape("explicit", "relu", n=0)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: n: width must be >= 1, got 0
    """

    mode: str
    activation: str
    n: int
    L: int = 1
    B: int = DEFAULT_B
    B_bias: int = None
    B_code: int = None
    theta: int = 1
    codes: str = "given"
    E: tuple = None
    R: tuple = None
    tolerance: int = 0

    def __post_init__(self):
        if self.mode not in MODES:
            raise InputError(f"mode: unknown mode {self.mode!r} (one of {', '.join(MODES)})")
        if self.activation not in ACTIVATIONS:
            raise InputError(f"activation: unknown activation {self.activation!r} "
                             f"(one of {', '.join(ACTIVATIONS)})")
        object.__setattr__(self, "mode", Mode(self.mode))
        object.__setattr__(self, "activation", Activation(self.activation))
        for nm in ("n", "L", "B", "theta", "tolerance"):
            v = getattr(self, nm)
            if not isinstance(v, int) or isinstance(v, bool):
                raise InputError(f"{nm}: {v!r} is not an integer")
        if self.n < 1:
            raise InputError(f"n: width must be >= 1, got {self.n}")
        if self.L < 0:
            raise InputError(f"L: depth must be >= 0, got {self.L}")
        if self.tolerance < 0:
            raise InputError(f"tolerance: must be >= 0, got {self.tolerance}")
        B_bias, B_code = resolve_bounds(self.B, self.B_bias, self.B_code)
        object.__setattr__(self, "B_bias", B_bias)
        object.__setattr__(self, "B_code", B_code)
        if self.mode == Mode.EXPLICIT:
            if self.L < 1:
                raise InputError("L: explicit mode needs at least one hidden layer")
            object.__setattr__(self, "codes", CodeKind.IDENTITY)
            object.__setattr__(self, "E", None)
            object.__setattr__(self, "R", None)
        else:
            if self.codes not in (CodeKind.GIVEN, CodeKind.FREE):
                raise InputError(f"codes: unknown code policy {self.codes!r} (given, free)")
            object.__setattr__(self, "codes", CodeKind(self.codes))
            if self.codes == CodeKind.GIVEN:
                if self.E is None or self.R is None:
                    raise InputError("E: codes='given' needs E and R")
                try:
                    E = tuple(tuple(r) for r in self.E)
                    R = tuple(tuple(r) for r in self.R)
                except TypeError:
                    raise InputError("E: given codes must be lists of rows") from None
                if not E or not R or not E[0] or not R[0]:
                    raise InputError("E: given codes must be non-empty matrices")
                if len(E) != self.n or len(R[0]) != self.n:
                    raise InputError(f"E: given codes have dimension {len(E)}, shape has n={self.n}")
                object.__setattr__(self, "E", E)
                object.__setattr__(self, "R", R)
            else:
                object.__setattr__(self, "E", None)
                object.__setattr__(self, "R", None)

    @property
    def hidden_neurons(self) -> int:
        """Hidden neurons of every network of this shape: ``L * n``."""
        return self.L * self.n

    def with_n(self, n: int) -> "Shape":
        """The same shape at width ``n`` (validated like a new one)."""
        return replace(self, n=n)

    def to_dict(self) -> dict:
        """Every field as plain JSON values (the form claims record and hash)."""
        d = asdict(self)
        for k in ("mode", "activation", "codes"):
            d[k] = str(d[k])  # plain strings in files and hashes
        for k in ("E", "R"):
            if d[k] is not None:
                d[k] = [list(r) for r in d[k]]
        return d

    @classmethod
    def from_dict(cls, d: dict) -> "Shape":
        """A Shape from its JSON object; an unknown field or a missing
        ``mode``, ``activation`` or ``n`` is an InputError naming it."""
        if not isinstance(d, dict):
            raise InputError("shape: expected an object")
        known = set(cls.__dataclass_fields__)
        extra = set(d) - known
        if extra:
            raise InputError(f"shape: unknown field {sorted(extra)[0]!r}")
        for k in ("mode", "activation", "n"):
            if k not in d:
                raise InputError(f"shape.{k}: missing")
        return cls(**d)
