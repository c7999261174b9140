"""Explicit, non-asymptotic lower bounds in this project's exact model.

Every bound here is a *counting* statement with its constants written out:
"objects of kind A are mapped onto objects of kind B, so ``|A| >= |B|``",
where both sides are exact Python integers (no floating point). Solving the
inequality for the smallest admissible width gives ``n_lb``; for the number of
nonzero parameters ``P_lb``; for the project's bit measure ``bits_lb``.

The question
------------
A *subject* (a :class:`~superpos_formal.tasks.Family` for the family
question, a :class:`~superpos_formal.tasks.Task` for one instance) and a
:class:`~superpos_formal.shape.Shape` (mode, activation, depth ``L``, bounds
``B`` (weights), ``B_bias``, ``B_code``, threshold ``theta``; its ``n`` is
ignored). Exact correctness only (``tolerance = 0``): with a tolerance,
distinct members may share a network and none of the arguments applies,
so such a question is refused (:class:`InputError`), never passed vacuously.

The four arguments (each gives a condition ``count(n) >= need``, monotone in
``n``: every count below is non-decreasing in ``n``)
-----------------------------------------------------------------------

1. **weights** (the paper's argument, made exact). Per-member parameters:
   ``W_1..W_L, b_1..b_L, V, c``; shared: the codes ``E, R`` and ``theta``
   (explicit mode: ``E = I``, ``R = I``). With the shared part fixed, a
   member's function is determined by its weight setting, so two members
   that are different functions have different settings:
   ``distinct(F) <= (2B+1)^w(n) (2B_bias+1)^b(n)``, with ``w, b`` the dense
   weight and bias counts (:func:`~superpos_formal.bounds.counting.parameter_counts`).
   Shared codes are counted once, i.e. not at all: they are the same for
   every member, so they cannot tell members apart. For one task
   ``distinct = 1`` and this argument gives only ``n >= 1``.

2. **separation** (per member). If ``f(x) != f(x')`` the network's state
   after every layer differs on ``x`` and ``x'`` (the output is a function
   of it). So each stage must take at least ``K`` distinct values over
   ``X(m, s)``, ``K`` the number of distinct output vectors the member
   needs. The values each stage can take, exactly bounded:

   * ``a_0 = E x`` (superposed): each entry is a sum of at most ``s``
     entries of ``[-B_code, B_code]``: at most ``(2 s B_code + 1)^n``
     vectors. (Explicit: ``a_0 = x``, no condition.)
   * ``a_l`` with ``step``: ``{0,1}^n``, ``2^n`` vectors.
   * ``a_l`` with ``relu``: each entry an integer in ``[0, U_l]`` with
     ``U_l = B * M_{l-1} + B_bias``, ``M_{l-1}`` a bound on the 1-norm of the
     previous stage: ``M_0 = min(s, m)`` (explicit) or ``n s B_code``
     (superposed), ``M_l = n U_l``. So ``(U_l + 1)^n`` vectors.

3. **readout rows** (per member). ``y_j = [r_j . v + t_j >= theta]`` with
   ``v`` shared by all outputs: explicit ``(r_j, t_j) = (V_j, c_j)``, at
   most ``(2B+1)^n (2B_bias+1)`` rows; superposed ``r_j = R_j``, ``t_j = 0``,
   at most ``(2B_code+1)^n`` rows. Output coordinates that are different
   functions need different rows: ``rows(n) >= K_out``.

4. **parameters and bits** (per member, given ``n``). A setting with at
   most ``P`` nonzero parameters is chosen by the nonzero positions and
   their nonzero values: at most
   ``S_P(n) = sum_{i+j <= P} C(w,i) (2B)^i C(b,j) (2B_bias)^j`` settings.
   Argument 1 with ``S_P`` in place of all settings gives
   ``distinct(F) <= S_P(n)``; ``P_lb(n)`` is the smallest such ``P``. The
   project's bit measure charges ``bits_for_bound(B)`` per nonzero weight
   and ``bits_for_bound(B_bias)`` per nonzero bias (docs/MODEL.md,
   decision 5); ``bits_lb(n)`` is the smallest ``beta`` with
   ``sum_{i bw + j bb <= beta} C(w,i)(2B)^i C(b,j)(2B_bias)^j >= distinct``.
   Zero padding embeds every width ``n' <= n`` into width ``n`` with the
   same nonzeros, so ``P_lb(n)``/``bits_lb(n)`` bound every network of
   width *at most* ``n``. In explicit mode a network with ``P`` nonzero
   parameters computes the same function as one of width ``<= P`` (a hidden
   neuron with no nonzero incoming weight and zero bias outputs
   ``sigma(0) = 0`` and can be removed; at most ``P`` neurons have a
   nonzero incoming weight or bias), which gives the width-free
   ``P_lb = min {P : S_P(P) >= distinct}`` (:func:`params_lower_bound` with
   ``n=None``). In superposed mode the code dimension is ``n`` itself and
   no width-free form is claimed.

Examples
--------
Universal AND of 5 features, explicit step network: the 11 inputs of
``X(5, 2)`` need 11 distinct output vectors (zero, and one per pair), so
``2^n >= 11``:

>>> from superpos_formal.tasks import uand
>>> from superpos_formal.shape import Shape
>>> lb = n_lower_bound(uand(5), Shape("explicit", "step", n=1, B=2))
>>> lb.n, lb.by_argument["separation"]
(4, 4)
"""

from dataclasses import dataclass, field, replace
from math import comb

from ..domain import domain_size
from ..errors import InputError, SoundnessError
from ..network import bits_for_bound
from ..results import Activation, CodeKind, Mode
from ..tasks import Family, Task
from .counting import distinct_members, parameter_counts

__all__ = [
    "LowerBound", "distinct_functions", "required_outputs", "required_columns",
    "weight_settings", "stage_values", "readout_rows", "n_lower_bound",
    "settings_with_nonzeros", "params_lower_bound", "bits_lower_bound",
    "check_minimum_against_bound", "N_SEARCH_MAX",
]

#: the largest width :func:`n_lower_bound` scans; beyond it a bound is
#: reported as "> N_SEARCH_MAX" (never happens below m' ~ 10^5)
N_SEARCH_MAX = 1 << 16


def _check_question(subject, shape):
    if not isinstance(subject, (Family, Task)):
        raise InputError(f"subject: expected a task or a family, got {type(subject).__name__}")
    if shape.tolerance != 0:
        raise InputError(f"tolerance: the counting bounds assume exact correctness; "
                         f"tolerance={shape.tolerance} changes the question")


# ------------------------------------------------------------------ what is needed

def distinct_functions(subject):
    """Distinct functions a question asks for: ``distinct_members`` of a
    family (closed forms argued in :mod:`.counting`), ``1`` for a task."""
    if isinstance(subject, Task):
        return 1
    return distinct_members(subject)


def required_outputs(subject):
    """``K``: a lower bound on the distinct output vectors *every* member needs
    over ``X(m, s)`` (exact for a task, from its truth table).

    Families, argued: a permutation of coordinates is injective, so all
    ``|X(m, s)|`` inputs have distinct outputs; an AND pair set with
    ``s >= 2`` maps ``0`` to ``0`` and the pair ``{i, j}`` at position ``p`` to
    a vector with ``y_p = 1``, pairwise different: at least ``1 + m'``
    (exact for ``s = 2``). Explicit families: the minimum over members.
    Anything else: 1 (no claim).

    >>> from superpos_formal.tasks import permutation_family, pair_set_family
    >>> required_outputs(permutation_family(4)), required_outputs(pair_set_family(5, 3))
    (5, 4)
    """
    if isinstance(subject, Task):
        return len(set(subject.outputs))
    k = subject.kind
    if k == "permutations":
        return domain_size(subject.m, subject.s) if subject.s >= 1 else 1
    if k == "pair_sets":
        op = dict(subject.params).get("op", "and")
        return 1 + subject.m_out if (op == "and" and subject.s >= 2) else 1
    if k == "explicit":
        return min(len(set(t.outputs)) for t in subject.members())
    return 1


def required_columns(subject):
    """``K_out``: a lower bound on the output coordinates of every member that
    are pairwise different functions on ``X(m, s)`` (exact for a task).

    Permutations (``s >= 1``): ``y_j = x_{pi(j)}`` are ``m`` different
    functions. AND pair sets (``s >= 2``): ``m'`` different pairs are
    different ANDs (they differ on ``e_i + e_j``).
    """
    if isinstance(subject, Task):
        return len(set(zip(*subject.outputs)))
    k = subject.kind
    if k == "permutations":
        return subject.m if subject.s >= 1 else 1
    if k == "pair_sets":
        op = dict(subject.params).get("op", "and")
        return subject.m_out if (op == "and" and subject.s >= 2) else 1
    if k == "explicit":
        return min(len(set(zip(*t.outputs))) for t in subject.members())
    return 1


# ------------------------------------------------------------------ what is available

def weight_settings(shape, m, m_out, n):
    """Argument 1: per-member weight settings at width ``n``, exactly."""
    w, b = parameter_counts(replace(shape, n=n) if shape.codes != CodeKind.GIVEN else
                            _as_free(shape, n), m, m_out)
    return (2 * shape.B + 1) ** w * (2 * shape.B_bias + 1) ** b


def _as_free(shape, n):
    # parameter counts do not depend on the codes' values; a given-code shape
    # carries E and R of its own width, which ``replace(n=...)`` would reject
    return replace(shape, n=n, codes=CodeKind.FREE, E=None, R=None)


def stage_values(shape, m, s, n):
    """Argument 2: ``[(stage, count)]``, an upper bound on the distinct values
    of each stage (``a_0`` in superposed mode, then ``a_1..a_L``) over
    ``X(m, s)`` at width ``n``.

    >>> from superpos_formal.shape import Shape
    >>> stage_values(Shape("explicit", "relu", n=1, B=2), 5, 2, 3)
    [('a1', 343)]
    """
    out = []
    k = min(s, m)
    if shape.mode == Mode.SUPERPOSED:
        out.append(("a0", (2 * k * shape.B_code + 1) ** n))
        M = n * k * shape.B_code
    else:
        M = k
    for layer in range(1, shape.L + 1):
        if shape.activation == Activation.STEP:
            out.append((f"a{layer}", 2 ** n))
            M = n
        else:
            U = shape.B * M + shape.B_bias
            out.append((f"a{layer}", (U + 1) ** n))
            M = n * U
    return out


def readout_rows(shape, n):
    """Argument 3: distinct readout rows available at width ``n``."""
    if shape.mode == Mode.EXPLICIT:
        return (2 * shape.B + 1) ** n * (2 * shape.B_bias + 1)
    return (2 * shape.B_code + 1) ** n


# ------------------------------------------------------------------ n_lb

@dataclass
class LowerBound:
    """The explicit lower bounds of one question.

    ``n`` is the largest of ``by_argument`` (each argument's smallest
    admissible width); ``need`` holds the integers the arguments compare
    against (``distinct``, ``K``, ``K_out``).
    """

    subject: str
    shape: dict
    n: int
    by_argument: dict
    need: dict
    notes: list = field(default_factory=list)

    def to_dict(self):
        return {"subject": self.subject, "shape": self.shape, "n_lb": self.n,
                "by_argument": self.by_argument, "need": {k: str(v) if v > 2 ** 53 else v
                                                          for k, v in self.need.items()},
                "notes": self.notes}


def _smallest(pred, lo=1, hi=N_SEARCH_MAX):
    """Smallest ``n`` in ``[lo, hi]`` with ``pred(n)`` (monotone); ``None`` if none."""
    if pred(lo):
        return lo
    step = 1
    prev = lo
    while True:
        cur = min(lo + step, hi)
        if pred(cur):
            break
        if cur == hi:
            return None
        prev, step = cur, step * 2
    a, b = prev, cur          # pred(a) false, pred(b) true
    while b - a > 1:
        mid = (a + b) // 2
        if pred(mid):
            b = mid
        else:
            a = mid
    return b


def n_lower_bound(subject, shape):
    """Smallest width ``n`` every argument (module docstring) allows.

    Returns a :class:`LowerBound`; ``by_argument`` maps ``weights``,
    ``separation`` (the largest over stages; stages are listed under
    ``separation_<stage>``) and ``readout`` to their own smallest width.
    """
    _check_question(subject, shape)
    m, mo, s = subject.m, subject.m_out, subject.s
    D = distinct_functions(subject)
    K = required_outputs(subject)
    Kc = required_columns(subject)
    by = {}
    by["weights"] = _smallest(lambda n: weight_settings(shape, m, mo, n) >= D)
    sep = 1
    for stage, _ in stage_values(shape, m, s, 1):
        def ok(n, stage=stage):
            return dict(stage_values(shape, m, s, n))[stage] >= K
        v = _smallest(ok)
        by[f"separation_{stage}"] = v
        sep = None if v is None or sep is None else max(sep, v)
    by["separation"] = sep
    by["readout"] = _smallest(lambda n: readout_rows(shape, n) >= Kc)
    vals = [v for v in by.values()]
    notes = []
    if any(v is None for v in vals):
        notes.append(f"some argument allows no width up to {N_SEARCH_MAX}")
        n = None
    else:
        n = max(vals)
    sd = {k: v for k, v in shape.to_dict().items() if k not in ("n", "E", "R")}
    return LowerBound(subject.name, sd, n, by, {"distinct": D, "K": K, "K_out": Kc}, notes)


# ------------------------------------------------------------------ parameters, bits

def settings_with_nonzeros(shape, m, m_out, n, max_params=None, max_bits=None):
    """Per-member settings at width ``n`` with at most ``max_params`` nonzero
    parameters and/or project bit measure at most ``max_bits`` (an exact
    upper bound: positions times nonzero values)."""
    w, b = parameter_counts(_as_free(shape, n) if shape.codes == CodeKind.GIVEN else
                            replace(shape, n=n), m, m_out)
    bw, bb = bits_for_bound(shape.B), bits_for_bound(shape.B_bias)
    vw, vb = 2 * shape.B, 2 * shape.B_bias
    # prefix[j] = sum_{j' < j} C(b, j') vb^j': the bias side, summed once
    prefix = [0]
    for j in range(b + 1):
        prefix.append(prefix[-1] + comb(b, j) * vb ** j)
    total = 0
    for i in range(w + 1):
        room = b
        if max_params is not None:
            room = min(room, max_params - i)
        if max_bits is not None:
            left = max_bits - i * bw
            room = min(room, left // bb if bb else (b if left >= 0 else -1))
        if room < 0:
            break
        ti = comb(w, i) * vw ** i
        if ti == 0:
            break
        total += ti * prefix[room + 1]
    return total


def params_lower_bound(subject, shape, n=None):
    """Smallest ``P`` with ``S_P(n) >= distinct`` (argument 4).

    ``n=None``: the width-free bound (explicit mode only; ``S_P(P)``).

    >>> from superpos_formal.tasks import permutation_family
    >>> from superpos_formal.shape import Shape
    >>> params_lower_bound(permutation_family(4), Shape("explicit", "relu", n=1, B=1))
    1
    """
    _check_question(subject, shape)
    D = distinct_functions(subject)
    m, mo = subject.m, subject.m_out
    if D <= 1:
        return 0
    if n is None:
        if shape.mode != Mode.EXPLICIT:
            raise InputError("n: a width-free parameter bound is argued for explicit "
                             "mode only; give the width")
        return _smallest(lambda P: settings_with_nonzeros(shape, m, mo, P, max_params=P) >= D)
    return _smallest(lambda P: settings_with_nonzeros(shape, m, mo, n, max_params=P) >= D,
                     lo=0)


def bits_lower_bound(subject, shape, n):
    """Smallest ``beta`` (project bit measure) with enough settings at width ``n``."""
    _check_question(subject, shape)
    D = distinct_functions(subject)
    if D <= 1:
        return 0
    m, mo = subject.m, subject.m_out
    return _smallest(lambda beta: settings_with_nonzeros(shape, m, mo, n, max_bits=beta) >= D,
                     lo=0, hi=1 << 30)


# ------------------------------------------------------------------ the check

def check_minimum_against_bound(value, subject, shape, quantity="n", bound=None):
    """Raise :class:`SoundnessError` if a certified (or any verified) value is
    below the explicit lower bound; return the bound used.

    ``quantity``: ``"n"`` (width; ``value`` may be a minimum or the width of
    any verified network), ``"params"`` (nonzero parameters at width
    ``shape.n``) or ``"bits"`` (project bit measure at width ``shape.n``).
    ``bound``: a function ``(subject, shape) -> int`` replacing the
    derivation (used by the tests to show a wrong bound is caught).

    >>> from superpos_formal.tasks import uand
    >>> from superpos_formal.shape import Shape
    >>> check_minimum_against_bound(3, uand(5), Shape("explicit", "step", n=3, B=2))
    Traceback (most recent call last):
    ...
    superpos_formal.errors.SoundnessError: uand(m=5): n = 3 is below the explicit lower bound n_lb = 4 (separation); a bug in the encoder, the bound or the verifier
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise InputError(f"value: expected a non-negative integer, got {value!r}")
    if bound is not None:
        lb, why = bound(subject, shape), "injected bound"
    elif quantity == "n":
        rec = n_lower_bound(subject, shape)
        if rec.n is None:
            raise SoundnessError(f"{subject.name}: a network was claimed but the bound "
                                 f"allows no width up to {N_SEARCH_MAX}")
        lb = rec.n
        why = ", ".join(k for k, v in rec.by_argument.items()
                        if v == lb and not k.startswith("separation_"))
    elif quantity == "params":
        lb, why = params_lower_bound(subject, shape, shape.n), "parameter counting"
    elif quantity == "bits":
        lb, why = bits_lower_bound(subject, shape, shape.n), "bit counting"
    else:
        raise InputError(f"quantity: unknown quantity {quantity!r} (n, params, bits)")
    if value < lb:
        raise SoundnessError(f"{subject.name}: {quantity} = {value} is below the explicit "
                             f"lower bound {quantity}_lb = {lb} ({why}); a bug in the "
                             f"encoder, the bound or the verifier")
    return lb
