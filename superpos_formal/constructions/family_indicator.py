"""Indicator recipes at ``theta = 1``: one hidden neuron per output, identity codes.

The shared-code recipe of :mod:`.family` needs ``theta = 2`` and a bias of
``k_in - 1``. At the tight bounds of the certified family minima (``B = 1``,
bias 1, code 1, ``theta = 1``) the recipe here is the one that is argued for
*every* member: the codes are (padded) identities, every member's hidden
neuron ``p`` computes output ``p`` directly. Width ``m'`` for permutations,
``max(m, m')`` for pair sets. It is a *best verified network* for sizes past
exact reach, never a minimum (perm6-n4-sat has 4 neurons at ``m' = 6``).

Shared code (:func:`indicator_code`): ``n`` as above, ``E[v][i] = [v = i]``
(``n x m``), ``R[p][u] = [u = p]`` (``m' x n``), ``theta = 1``, ``B = 1``,
``B_code = 1``, ``B_bias`` 0 (permutations) or 1 (pair sets). ``V = I``,
``c = 0`` for every member.

Permutations (``y_p = x_{pi(p)}``)
----------------------------------
Member ``pi``: ``W[p][pi(p)] = 1``, all else 0, ``b = 0``.
*Argument.* Inputs are 0/1 vectors. ``E x = (x, 0)``, so neuron ``p`` has
pre-activation ``x_{pi(p)}`` in {0, 1}, ``h_p = x_{pi(p)}``, ``z = h`` and
``(R z)_p = h_p >= 1 = theta`` iff ``x_{pi(p)} = 1``: ``y_p = x_{pi(p)}``
on every input, whatever ``s``.

2-AND pair sets (``y_p = x_i x_j`` for the ``p``-th pair ``{i, j}``)
---------------------------------------------------------------------
Member ``P``: ``W[p][i] = W[p][j] = 1``, ``b_p = -1`` for ``p < m'``; rows
``p >= m'`` are 0 with bias 0.
*Argument.* Neuron ``p < m'`` has pre-activation ``x_i + x_j - 1`` in
{-1, 0, 1}, so ``h_p = x_i x_j``; neurons ``p >= m'`` are 0; ``(R z)_p =
h_p >= 1`` iff ``x_i = x_j = 1``. The member's own pair order is its output
order.

Every condition the argument uses is a property of the shared code and the
bounds alone (**certificate**, :func:`certify_indicator`): ``E`` and ``R``
the padded identities of their shapes, ``n`` as above, ``theta = 1``,
``relu``, ``B >= 1``, ``B_code >= 1``, ``B_bias >= 0`` (permutations) or
``>= 1`` (pair sets). Wider bounds change nothing (a network with weights in
``[-1, 1]`` is one in ``[-B, B]``). A member network is covered iff it is the
recipe's (:func:`~.family.check_members` with :func:`indicator_member`
rebuilds and compares, and verifies exhaustively).

Examples
--------
>>> from superpos_formal.tasks import permutation_family
>>> from superpos_formal.verify import verify
>>> code = indicator_code(permutation_family(9))
>>> code.n, certify_indicator(code).ok
(9, True)
>>> t = permutation_family(9).member(123456)
>>> verify(indicator_member(code, t), t).ok
True
"""

from ..errors import InputError
from ..network import Network
from .family import Certificate, FamilyCode, _family_kind

__all__ = ["indicator_code", "indicator_member", "certify_indicator", "indicator_width",
           "RECIPE"]

#: the recipe's name as stored in a row (search/midrange-families/)
RECIPE = "indicator"


def indicator_width(kind, m, m_out):
    """The recipe's width: ``m'`` (permutations) or ``max(m, m')`` (pair sets).

    >>> indicator_width("pair_sets", 5, 7)
    7
    """
    return m_out if kind == "permutations" else max(m, m_out)


def _eye(rows, cols):
    return tuple(tuple(int(r == c) for c in range(cols)) for r in range(rows))


def indicator_code(family, *, B=1, B_bias=None, B_code=1):
    """The shared code of a complete permutation or 2-AND pair-set family
    (or a sample of one): padded identities, ``theta = 1`` (module docstring).
    ``B``, ``B_bias``, ``B_code`` may be wider than the recipe needs."""
    kind, m, mo, s = _family_kind(family)
    n = indicator_width(kind, m, mo)
    need_bias = 0 if kind == "permutations" else 1
    B_bias = need_bias if B_bias is None else B_bias
    if B < 1 or B_code < 1 or B_bias < need_bias:
        raise InputError(f"bounds: the indicator recipe for {kind} needs B >= 1, "
                         f"B_code >= 1, B_bias >= {need_bias}")
    return FamilyCode(kind, m, mo, s, n, {"recipe": RECIPE, "n": n}, 0, _eye(n, m),
                      _eye(mo, n), theta=1, B=B, B_bias=B_bias, B_code=B_code)


def indicator_member(code, task):
    """The recipe's network for one member ``task`` (module docstring)."""
    if (task.m, task.m_out, task.s) != (code.m, code.m_out, code.s):
        raise InputError(f"task: {task.name} is not a member of the code's family "
                         f"(m={code.m}, m'={code.m_out}, s={code.s})")
    n = code.n
    W = [[0] * n for _ in range(n)]
    b = [0] * n
    p = dict(task.params)
    if code.kind == "permutations":
        if task.kind != "permutation":
            raise InputError(f"task: {task.name} is not a permutation")
        for row, src in enumerate(p["pi"]):
            W[row][src] = 1
    else:
        if task.kind != "and_pairs":
            raise InputError(f"task: {task.name} is not an AND pair set")
        for row, (i, j) in enumerate(p["pairs"]):
            W[row][i] = W[row][j] = 1
            b[row] = -1
    V = [[int(i == j) for j in range(n)] for i in range(n)]
    return Network.superposed(code.E, code.R, "relu", [(W, b)], V, [0] * n, B=code.B,
                              B_bias=code.B_bias, B_code=code.B_code, theta=code.theta)


def certify_indicator(code):
    """Every condition of the argument, checked on the code and bounds alone
    (never runs a network); ``facts`` name what was measured."""
    fails = []
    if not isinstance(code, FamilyCode) or code.params.get("recipe") != RECIPE:
        return Certificate(False, {}, ["code: not an indicator recipe's code"])
    n = indicator_width(code.kind, code.m, code.m_out)
    facts = {"n": code.n, "width_needed": n}
    if code.n != n:
        fails.append(f"n: the recipe's width is {n}, the code has {code.n}")
    if code.E != _eye(n, code.m):
        fails.append("E: not the padded identity (feature i on neuron i)")
    if code.R != _eye(code.m_out, n):
        fails.append("R: not the padded identity (output p reads neuron p)")
    if code.theta != 1:
        fails.append(f"theta: the argument needs theta = 1, got {code.theta}")
    if code.activation != "relu":
        fails.append(f"activation: the argument is for relu, got {code.activation}")
    need_bias = 0 if code.kind == "permutations" else 1
    if code.B < 1 or code.B_code < 1 or code.B_bias < need_bias:
        fails.append(f"bounds: the recipe needs B >= 1, B_code >= 1, B_bias >= {need_bias}; "
                     f"got B={code.B} B_bias={code.B_bias} B_code={code.B_code}")
    return Certificate(not fails, facts, fails)
