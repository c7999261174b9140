"""What a question of the api asks and how it is solved, from keyword arguments.

Every question of :mod:`superpos_formal.api` takes ``(subject, shape=None, *,
options=None, **kw)``. :func:`request` turns that into one :class:`Request`:
the :class:`~superpos_formal.shape.Shape` asked about, the
:class:`RandomCodes` policy when codes are redrawn per width, and the
:class:`~superpos_formal.options.SolveOptions`. Each keyword is routed by its
name: a Shape field (``mode``, ``activation``, ``n``, ``L``, ``B``,
``B_bias``, ``B_code``, ``theta``, ``codes``, ``E``, ``R``,
``tolerance``), a random-code parameter (``code_k``, ``code_seed``,
``random_codes``) or a SolveOptions field. An unknown name, or a name that
repeats what an explicit ``shape`` / ``options`` already fixes, is an
:class:`~superpos_formal.errors.InputError` naming it, so adding a bound
means adding a Shape field, not editing every signature.

A keyword given as ``None`` counts as not given (its default applies).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> r = request(uand(3), 2, None, {"activation": "step", "time_limit": 5})
>>> r.shape.n, r.shape.activation, r.shape.B, r.options.time_limit
(2, 'step', 2, 5)
>>> request(uand(3), 2, None, {"bound": 3})
Traceback (most recent call last):
...
superpos_formal.errors.InputError: bound: unknown argument (not a Shape field, a random-code parameter or a SolveOptions field)
>>> request(uand(3), Shape("explicit", "relu", n=2), None, {"B": 1})
Traceback (most recent call last):
...
superpos_formal.errors.InputError: B: conflicts with the Shape passed as shape= (set it there)
"""

from dataclasses import dataclass, field, fields, replace
from typing import Callable, Optional, Union

from .codes import random_codes_for
from .errors import InputError
from .options import SolveOptions
from .results import CodeKind, Mode, parse_enum
from .shape import Shape

__all__ = ["Request", "RandomCodes", "request", "split_kw", "SHAPE_FIELDS", "CODE_FIELDS",
           "RANDOM_WIDTHS"]

#: keyword names that are fields of :class:`Shape`
SHAPE_FIELDS = frozenset(f.name for f in fields(Shape))
#: keyword names of the random-code policy (part of the question, not of the solve)
CODE_FIELDS = frozenset({"code_k", "code_seed", "random_codes"})
#: widths tried above ``n`` to find one at which a random code can be drawn
RANDOM_WIDTHS = 64


@dataclass(frozen=True)
class RandomCodes:
    """Seeded sparse random codes, redrawn at every width a search tries.

    Parameters
    ----------
    k : int
        Nonzeros per column (default 2; clipped to ``n`` at smaller widths).
    seed : int
        The seed (default 0): the same ``(n, seed)`` gives the same codes.

    Examples
    --------
    >>> from superpos_formal.tasks import identity
    >>> E, R = RandomCodes().draw(identity(4), 3)
    >>> len(E), len(R[0])
    (3, 3)
    >>> RandomCodes(k=0)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: code_k: nonzeros per column must be >= 1, got 0
    """

    k: int = 2
    seed: int = 0

    def __post_init__(self):
        for name, v in (("code_k", self.k), ("code_seed", self.seed)):
            if isinstance(v, bool) or not isinstance(v, int):
                raise InputError(f"{name}: {v!r} is not an integer")
        if self.k < 1:
            raise InputError(f"code_k: nonzeros per column must be >= 1, got {self.k}")

    def generator(self, subject) -> Callable[[int], tuple]:
        """``n -> (E, R)`` for ``subject``'s ``m`` and ``m'``."""
        return random_codes_for(subject.m, subject.m_out, self.k, self.seed)

    def draw(self, subject, n: int) -> tuple:
        """``(E, R)`` at width ``n`` (InputError when none can be drawn)."""
        return self.generator(subject)(n)


@dataclass(frozen=True)
class Request:
    """One question's shape, random-code policy and solve options.

    Attributes
    ----------
    shape : Shape
        The shape asked about (with random codes: the codes drawn at
        ``shape.n``, the first drawable width from the one asked).
    options : SolveOptions
        How the question is solved.
    random : RandomCodes or None
        Set when codes are redrawn per width.
    given : frozenset
        The Shape fields the caller set (all of them when a Shape was passed).
    codes_for : callable or None
        ``n -> (E, R)``: the random codes of the subject per width.
    """

    shape: Shape
    options: SolveOptions
    random: Optional[RandomCodes] = None
    given: frozenset = frozenset()
    codes_for: Optional[Callable[[int], tuple]] = field(default=None, repr=False,
                                                        compare=False)


def split_kw(kw: dict, *, shape_given: bool = False, options_given: bool = False) -> tuple:
    """``(shape_kw, code_kw, option_kw)``: keyword arguments routed by name.

    ``None`` values are dropped (not given). Raises InputError for an
    unknown name, and for a name an explicit ``shape`` / ``options`` fixes.

    Examples
    --------
    >>> split_kw({"B": 1, "code_k": 3, "check": False, "E": None})
    ({'B': 1}, {'code_k': 3}, {'check': False})
    >>> split_kw({"check": False}, options_given=True)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: check: conflicts with the SolveOptions passed as options= (use options.replace(check=...))
    """
    option_names = SolveOptions.names()
    out = ({}, {}, {})
    for name, v in kw.items():
        if v is None:
            continue
        if name in SHAPE_FIELDS or name in CODE_FIELDS:
            if shape_given and name != "random_codes":
                raise InputError(f"{name}: conflicts with the Shape passed as shape= "
                                 f"(set it there)")
            out[0 if name in SHAPE_FIELDS else 1][name] = v
        elif name in option_names:
            if options_given:
                raise InputError(f"{name}: conflicts with the SolveOptions passed as "
                                 f"options= (use options.replace({name}=...))")
            out[2][name] = v
        else:
            raise InputError(f"{name}: unknown argument (not a Shape field, a random-code "
                             f"parameter or a SolveOptions field)")
    return out


def _options(options, option_kw):
    if options is None:
        return SolveOptions(**option_kw)
    if not isinstance(options, SolveOptions):
        raise InputError(f"options: expected a SolveOptions, got {type(options).__name__}")
    return options


def _random(code_kw, codes):
    """The random-code policy the keywords ask for, or None."""
    rc = code_kw.get("random_codes")
    if rc is not None and not isinstance(rc, RandomCodes):
        raise InputError(f"random_codes: expected a RandomCodes, got {type(rc).__name__}")
    k, seed = code_kw.get("code_k"), code_kw.get("code_seed")
    if rc is not None and (k is not None or seed is not None):
        raise InputError("code_k: give either random_codes or code_k/code_seed")
    if codes != CodeKind.RANDOM:
        if rc is not None or k is not None or seed is not None:
            name = "random_codes" if rc is not None else ("code_k" if k is not None
                                                          else "code_seed")
            raise InputError(f"{name}: only with random codes (codes='random'), "
                             f"not codes={codes!r}")
        return None
    if rc is not None:
        return rc
    return RandomCodes(2 if k is None else k, 0 if seed is None else seed)


def _first_drawable(subject, rc, n):
    """``(n', E, R)``: random codes at the first width from ``n`` where one
    can be drawn (searches redraw per width and skip the others, NOCODE)."""
    if subject is None:
        raise InputError("codes: random codes are drawn for a task (this question takes "
                         "codes='free')")
    last = None
    gen = rc.generator(subject)
    for k in range(n, n + RANDOM_WIDTHS):
        try:
            E, R = gen(k)
            return k, E, R
        except InputError as e:
            last = e
    raise InputError(f"codes: no random code of dimension {n}..{n + RANDOM_WIDTHS - 1} "
                     f"can be drawn ({last})")


def _build_shape(subject, n, kw, code_kw):
    """``(Shape, RandomCodes or None)`` from Shape-field keywords."""
    mode = parse_enum(Mode, kw.get("mode", Mode.EXPLICIT), "mode")
    if "B_bias" in kw and kw.get("L", 1) == 0:
        raise InputError("B_bias: a network with no hidden layer (L=0) has no biases")
    base = {k: v for k, v in kw.items() if k not in ("mode", "codes", "E", "R", "n")}
    base = dict(base, mode=mode, activation=kw.get("activation", "relu"), n=n)
    E, R, codes = kw.get("E"), kw.get("R"), kw.get("codes")
    if mode == Mode.EXPLICIT:
        if codes not in (None, CodeKind.IDENTITY) or E is not None or R is not None:
            raise InputError("codes: explicit mode has identity codes (E = I, R = I)")
        _random(code_kw, CodeKind.IDENTITY)
        return Shape(**base), None
    if codes is None:
        codes = CodeKind.GIVEN if E is not None or R is not None else CodeKind.RANDOM
    codes = parse_enum(CodeKind, codes, "codes")
    rc = _random(code_kw, codes)
    if codes == CodeKind.FREE:
        return Shape(codes=CodeKind.FREE, **base), None
    if codes == CodeKind.GIVEN:
        if E is None or R is None:
            raise InputError("codes: given codes need E and R")
        return Shape(codes=CodeKind.GIVEN, E=E, R=R, **dict(base, n=len(E))), None
    if codes == CodeKind.IDENTITY:
        raise InputError("codes: identity codes are explicit mode (mode='explicit')")
    k, E, R = _first_drawable(subject, rc, n)
    return Shape(codes=CodeKind.GIVEN, E=E, R=R, **dict(base, n=k)), rc


def _explicit_shape(subject, shape, code_kw):
    """An explicit Shape; with ``random_codes`` its codes must be that draw."""
    rc = code_kw.get("random_codes")
    if rc is None:
        return shape, None
    rc = _random(code_kw, CodeKind.RANDOM)
    if shape.mode != Mode.SUPERPOSED or shape.codes != CodeKind.GIVEN \
            or (shape.E, shape.R) != tuple(map(_rows, rc.draw(subject, shape.n))):
        raise InputError("random_codes: the Shape's codes are not this draw at its width "
                         "(build it with api.shape(..., random_codes=...))")
    return shape, rc


def _rows(M):
    return tuple(tuple(r) for r in M)


def request(subject, shape: Union[Shape, int, None], options: Optional[SolveOptions],
            kw: dict, *, width: Optional[int] = None,
            defaults: Optional[dict] = None) -> Request:
    """The :class:`Request` of one question.

    Parameters
    ----------
    subject : Task or Family
    shape : Shape, int or None
        A Shape (then no Shape-field keyword may be given), the width, or
        None (width ``width`` or the keyword ``n``, default 1).
    options : SolveOptions or None
        Then no SolveOptions keyword may be given.
    kw : dict
        The question's other keyword arguments, routed by name.
    width : int, optional
        The width searches start from (min_neurons' ``n_min``); with a
        Shape passed its ``n`` stays (the search starts at ``n_min`` anyway).
    defaults : dict, optional
        Shape-field defaults of this question (e.g. ``codes="free"`` for a family).

    Returns
    -------
    Request

    Raises
    ------
    InputError
        An unknown keyword, one that conflicts with ``shape`` / ``options``,
        or an invalid shape.
    """
    if shape is not None and not isinstance(shape, (Shape, int)) or isinstance(shape, bool):
        raise InputError(f"shape: expected a Shape or a width, got {type(shape).__name__}")
    shape_kw, code_kw, option_kw = split_kw(kw, shape_given=isinstance(shape, Shape),
                                            options_given=options is not None)
    opts = _options(options, option_kw)
    if isinstance(shape, Shape):
        sh, rc = _explicit_shape(subject, shape, code_kw)
        return _bind(subject, Request(sh, opts, rc, SHAPE_FIELDS))
    if isinstance(shape, int):
        if "n" in shape_kw:
            raise InputError("n: given twice (as shape= and as n=)")
        shape_kw["n"] = shape
    given = frozenset(shape_kw)
    shape_kw = dict(defaults or {}, **shape_kw)
    n = width if width is not None else shape_kw.get("n", 1)
    sh, rc = _build_shape(subject, n, shape_kw, code_kw)
    return _bind(subject, Request(sh, opts, rc, given))


def _bind(subject, req):
    if req.random is None or subject is None:
        return req
    return replace(req, codes_for=req.random.generator(subject))
