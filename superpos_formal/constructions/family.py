"""Family constructions: ONE shared code, one integer network per member.

This is the shape of the family question (docs/MODEL.md 2.1, 4.3) the
counting bound is set against: the input code ``E``, the readout ``R``, the
threshold ``theta`` and the bounds are fixed once for the family
(:class:`FamilyCode`); each member gets its own ``W, b, V, c``
(:func:`member_network`). Superposed mode, one hidden layer, relu, every
layer of width ``n``.

Correctness for *every* member is argued below and reduced to a certificate
about the shared code alone (:func:`certify_code`), computed from ``E`` and
``R`` themselves in exact integers, independently of the verifier. A member
network is covered by the argument iff it *is* the recipe's network for that
member (:func:`check_members` rebuilds and compares, then also verifies it
exhaustively). Sampled members verified exactly are evidence, the
certificate plus the argument is the proof; neither is called the other.

Permutations (``s = 1``, ``m' = m``)
------------------------------------
Shared: input channels ``C_i`` (the support of column ``i`` of ``E``; 0/1
entries, all of size ``k``, pairwise intersections ``<= lam``), output
channels ``D_p`` (the support of row ``p`` of ``R``, distinct 2-subsets of
the ``n`` neurons), ``theta = 2``. Let ``r`` be the largest number of
``D_p`` holding one neuron (the *load*).

Member ``pi`` (``y_p = x_{pi(p)}``): neuron ``u`` serves
``S_u = {pi(p) : u in D_p}`` (``|S_u| = load(u) <= r``, whatever ``pi``),
``W[u] = 1`` on ``U_u = union of C_i, i in S_u``, bias ``-(k - 1)`` (0 when
``S_u`` is empty), ``V = I``, ``c = 0``.

*Argument.* On ``x = 0`` every pre-activation is ``<= 0``: all outputs 0. On
``x = e_j`` neuron ``u`` has pre-activation ``|C_j & U_u| - (k - 1) <= 1``,
so ``h_u`` is 0 or 1, and 1 iff ``C_j`` lies in ``U_u``. If ``j in S_u`` it
does. If not, ``|C_j & U_u| <= sum_{i in S_u} |C_j & C_i| <= r lam < k``
(**certificate: r lam < k**), so it does not. Hence ``h = 1_{D_q}`` with
``q = pi^-1(j)``, ``z = h``, and ``(R z)_p = |D_p & D_q|`` is 2 iff
``p = q`` (distinct 2-sets), else at most 1: ``y = e_q``, i.e.
``y_p = [pi(p) = j] = x_{pi(p)}``. Nothing in the argument depends on
``pi`` except through ``|S_u| = load(u)``, which does not.

2-AND pair sets (``s = 2``)
---------------------------
Shared: input channels ``C_i`` pairwise *disjoint*, size ``k_in``; output
channels ``D_p`` of size ``k_out`` with pairwise intersections ``<= lam``;
``theta = 2 k_out``; the leaves-per-neuron parameter ``t``.

Member (pairs ``P_0..P_{m'-1}``): the star layout of
:func:`~superpos_formal.constructions.channels.star_layout` with ``t``: each
feature ``c``'s partners cut into groups ``J`` of at most ``t``, one neuron
per group, so each pair ``{i, j}`` has exactly two neurons (centre ``i``
with ``j`` among its leaves, centre ``j`` with ``i``). Neuron ``u`` (centre
``c``, leaves ``J``): weight 2 on ``C_c``, 1 on ``C_j`` (``j in J``), bias
``-(3 k_in - 1)``; ``V[v][u] = [v in O_u]``, ``O_u`` the union of ``D_p``
over the pairs ``p`` the neuron serves; ``c = 0``. Unused neurons are 0.

*Argument.* The channels are disjoint, so on an input with support ``A``
(``|A| <= 2``) the pre-activation is ``sum_{a in A} w(a) - (3 k_in - 1)``
with ``w(c) = 2 k_in``, ``w(j) = k_in`` for a leaf, 0 otherwise: it reaches
``1`` exactly when ``A = {c, j}`` with ``j in J`` and is ``<= 0`` otherwise
(centre alone ``2 k_in``, two leaves ``2 k_in``). So ``h_u`` is 0 or 1 and a
neuron fires exactly on its own pairs. On an input that is not a member pair
no neuron fires: every output is 0. On the pair ``P_p = {i, j}`` exactly its
two neurons ``u1, u2`` fire; ``(R z)_q = |D_q & O_u1| + |D_q & O_u2|``. For
``q = p`` that is ``2 k_out = theta``. For ``q != p``, ``q`` is served by at
most one of them (a pair served by both contains ``i`` and ``j``); for the
other, ``|D_q & O_u| <= t lam < k_out`` (**certificate: t lam < k_out**), so
the sum is below ``2 k_out``. Every member fits: its layout has
``sum_c ceil(deg c / t)`` neurons, and with ``A = min(m, 2 m')`` features of
positive degree, ``ceil(d / t) <= 1 + (d - 1) / t`` gives at most
``A + floor((2 m' - A) / t)`` (the sum of degrees is ``2 m'``; the bound
grows with ``A``) (**certificate: n >= that**, :func:`layout_bound`).

Examples
--------
>>> from superpos_formal.tasks import permutation_family
>>> from superpos_formal.verify import verify
>>> fam = permutation_family(49)
>>> code = family_code(fam, {"n": 34, "k_in": 4, "q": 7, "degree": 1}, seed=0)
>>> certify_code(code).ok
True
>>> t = fam.member(12345)
>>> verify(member_network(code, t), t).ok
True
"""

from dataclasses import dataclass, field

from ..errors import InputError
from ..network import Network
from ..tasks import Family
from ..verify import verify_batch
from .channels import star_layout, star_weights
from .packing import loads, max_intersection, polynomial_code, round_robin_pairs

__all__ = ["FamilyCode", "Certificate", "MemberCheck", "family_code", "member_network",
           "certify_code", "check_members", "layout_bound", "family_construction",
           "FAMILY_KINDS"]

#: the families with a shared-code construction here
FAMILY_KINDS = ("permutations", "pair_sets")


@dataclass
class FamilyCode:
    """The part every member shares: codes, threshold, bounds, recipe params."""

    kind: str
    m: int
    m_out: int
    s: int
    n: int
    params: dict
    seed: int
    E: tuple = field(repr=False)
    R: tuple = field(repr=False)
    theta: int
    B: int
    B_bias: int
    B_code: int = 1
    activation: str = "relu"

    def describe(self):
        """One line naming every bound that shapes the question."""
        return (f"{self.kind} m={self.m} m'={self.m_out} s={self.s}: n={self.n}, "
                f"superposed/{self.activation} L=1 B={self.B} B_bias={self.B_bias} "
                f"B_code={self.B_code} theta={self.theta}, params {self.params}, "
                f"seed {self.seed}")


def _blocks(count, k):
    return [frozenset(range(i * k, (i + 1) * k)) for i in range(count)]


def _input_channels(m, n, k, q, degree, seed):
    if q is None:                           # disjoint blocks of k coordinates
        if m * k > n:
            raise InputError(f"n: {m} disjoint input channels of {k} need {m * k} > {n}")
        return _blocks(m, k)
    if k * q > n:
        raise InputError(f"n: a code over F_{q} with codewords of {k} needs {k * q} > {n} "
                         f"coordinates")
    return polynomial_code(m, k, q, degree, seed)


def _code_matrices(n, C, D):
    E = [[0] * len(C) for _ in range(n)]
    for i, ci in enumerate(C):
        for v in ci:
            E[v][i] = 1
    R = [[int(u in dp) for u in range(n)] for dp in D]
    # stored as Network stores them (tuples), so a member's E and R compare equal
    return tuple(map(tuple, E)), tuple(map(tuple, R))


def _int_param(params, key, default=None, minimum=1):
    v = params.get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < minimum:
        raise InputError(f"{key}: expected an integer >= {minimum}, got {v!r}")
    return v


def family_code(family, params, seed=0):
    """The shared code of ``family`` (a complete permutation or AND pair-set
    family, or a sample of one) with ``params``:

    * permutations: ``n``, ``k_in``, ``q`` (a prime, or None for disjoint
      input channels), ``degree`` (of the polynomial input code);
    * pair sets: ``n``, ``t``, ``k_out``, ``q`` (prime, or None for disjoint
      output channels), ``degree``, ``k_in`` (default 1).
    """
    kind, m, mo, s = _family_kind(family)
    params = dict(params)
    n = _int_param(params, "n")
    q = params.get("q")
    if q is not None:
        q = _int_param(params, "q", minimum=2)
    degree = _int_param(params, "degree", 1, minimum=0)
    if kind == "permutations":
        k = _int_param(params, "k_in")
        C = _input_channels(m, n, k, q, degree, seed)
        D = [frozenset(p) for p in round_robin_pairs(mo, n)]
        E, R = _code_matrices(n, C, D)
        return FamilyCode(kind, m, mo, s, n, params, seed, E, R, theta=2, B=1,
                          B_bias=k - 1)
    t = _int_param(params, "t")
    k_out = _int_param(params, "k_out")
    k_in = _int_param(params, "k_in", 1)
    C = _input_channels(m, n, k_in, None, 0, seed)
    if q is None:
        if mo * k_out > n:
            raise InputError(f"n: {mo} disjoint output channels of {k_out} need "
                             f"{mo * k_out} > {n}")
        D = _blocks(mo, k_out)
    else:
        if k_out * q > n:
            raise InputError(f"n: an output code over F_{q} with codewords of {k_out} needs "
                             f"{k_out * q} > {n} coordinates")
        D = polynomial_code(mo, k_out, q, degree, seed)
    E, R = _code_matrices(n, C, D)
    return FamilyCode(kind, m, mo, s, n, params, seed, E, R, theta=2 * k_out, B=2,
                      B_bias=3 * k_in - 1)


def _family_kind(family):
    if not isinstance(family, Family):
        raise InputError(f"family: expected a Family, got {type(family).__name__}")
    kind = family.kind
    if family.is_sample:
        kind = dict(family.sample)["of"]["kind"]
    if kind == "permutations":
        if family.s != 1:
            raise InputError(f"s: the permutation construction is argued for s = 1, "
                             f"got {family.s}")
    elif kind == "pair_sets":
        op = dict(family.params).get("op", "and") if not family.is_sample else \
            dict(family.sample)["of"].get("op", "and")
        if op != "and" or family.s != 2:
            raise InputError(f"family: the pair-set construction is argued for AND with "
                             f"s = 2, got op={op} s={family.s}")
    else:
        raise InputError(f"family: no shared-code construction for {family.kind!r} "
                         f"(permutations, pair_sets)")
    return kind, family.m, family.m_out, family.s


# ------------------------------------------------------------------ members

def member_network(code, task):
    """The recipe's network for one member ``task`` (module docstring)."""
    if (task.m, task.m_out, task.s) != (code.m, code.m_out, code.s):
        raise InputError(f"task: {task.name} is not a member of the code's family "
                         f"(m={code.m}, m'={code.m_out}, s={code.s})")
    n = code.n
    C = _columns(code.E, code.m)
    if code.kind == "permutations":
        if task.kind != "permutation":
            raise InputError(f"task: {task.name} is not a permutation")
        pi = dict(task.params)["pi"]
        D = [frozenset(u for u, v in enumerate(row) if v) for row in code.R]
        k = code.params["k_in"]
        W = [[0] * n for _ in range(n)]
        b = [0] * n
        for p, dp in enumerate(D):
            for u in dp:
                for v in C[pi[p]]:
                    W[u][v] = 1
                b[u] = -(k - 1)
        V = [[int(i == j) for j in range(n)] for i in range(n)]
        return Network.superposed(code.E, code.R, code.activation, [(W, b)], V, [0] * n,
                                  B=code.B, B_bias=code.B_bias, B_code=code.B_code,
                                  theta=code.theta)
    if task.kind != "and_pairs":
        raise InputError(f"task: {task.name} is not an AND pair set")
    pairs = [tuple(p) for p in dict(task.params)["pairs"]]
    layout = star_layout(task, code.params["t"])
    if len(layout) > n:
        raise InputError(f"n: the member's star layout needs {len(layout)} > {n} neurons")
    D = [frozenset(u for u, v in enumerate(row) if v) for row in code.R]
    pos = {p: q for q, p in enumerate(pairs)}
    W, b, V = star_weights(n, layout, C, D, pos, code.params.get("k_in", 1))
    return Network.superposed(code.E, code.R, code.activation, [(W, b)], V, [0] * n,
                              B=code.B, B_bias=code.B_bias, B_code=code.B_code,
                              theta=code.theta)


def _columns(E, m):
    return [frozenset(v for v, row in enumerate(E) if row[i]) for i in range(m)]


# ------------------------------------------------------------------ certificate

def layout_bound(m, m_out, t):
    """The most neurons any member's star layout with ``t`` leaves per neuron
    needs: ``A + floor((2 m' - A) / t)``, ``A = min(m, 2 m')`` (argued in
    the module docstring).

    An upper bound: ``uand(4)`` itself needs 4 neurons at ``t = 3``.

    >>> layout_bound(4, 6, 3)
    6
    """
    A = min(m, 2 * m_out)
    return A + (2 * m_out - A) // t


@dataclass
class Certificate:
    """What :func:`certify_code` measured on the shared code; ``ok`` iff every
    condition of the argument holds. ``facts`` are exact integers."""

    ok: bool
    facts: dict
    failures: list

    def describe(self):
        f = ", ".join(f"{k}={v}" for k, v in self.facts.items())
        return ("certificate holds: " if self.ok else "certificate FAILS: ") + f + \
            ("" if self.ok else "; " + "; ".join(self.failures))


def certify_code(code):
    """Check, from ``E``, ``R``, ``theta`` and the recipe parameters alone,
    every condition the correctness argument for *all* members needs
    (module docstring). Never runs the network."""
    fails, facts = [], {}
    n, m, mo = code.n, code.m, code.m_out
    if len(code.E) != n or any(len(r) != m for r in code.E) or len(code.R) != mo \
            or any(len(r) != n for r in code.R):
        return Certificate(False, {}, ["E/R: shapes differ from (n x m), (m' x n)"])
    if any(v not in (0, 1) for r in code.E for v in r) or \
            any(v not in (0, 1) for r in code.R for v in r):
        fails.append("E/R: entries must be 0 or 1")
    C = _columns(code.E, m)
    D = [frozenset(u for u, v in enumerate(row) if v) for row in code.R]
    sizes_in = {len(c) for c in C}
    sizes_out = {len(d) for d in D}
    facts["k_in"] = min(sizes_in)
    if len(sizes_in) != 1 or 0 in sizes_in:
        fails.append(f"E: input channels must be non-empty and of one size, got {sorted(sizes_in)}")
    if code.activation != "relu" or code.B_code < 1:
        fails.append("shape: the argument is for relu with B_code >= 1")
    lam_in = max_intersection(C, n)
    lam_out = max_intersection(D, n)
    facts["lambda_in"] = lam_in
    facts["lambda_out"] = lam_out
    k = facts["k_in"]
    if code.kind == "permutations":
        if code.s != 1:
            fails.append("s: the permutation argument needs s = 1")
        if sizes_out != {2} or len(set(D)) != mo:
            fails.append("R: output channels must be distinct 2-sets")
        if code.theta != 2:
            fails.append(f"theta: must be 2, got {code.theta}")
        r = max(loads(D, n))
        facts["load"] = r
        if not r * lam_in < k:
            fails.append(f"load * lambda_in = {r} * {lam_in} is not < k_in = {k}")
        if code.params.get("k_in") != k or code.B_bias < k - 1 or code.B < 1:
            fails.append("bounds: the recipe needs k_in as measured, B >= 1, B_bias >= k_in - 1")
    else:
        t = code.params.get("t")
        if code.s != 2:
            fails.append("s: the pair-set argument needs s = 2")
        if lam_in != 0:
            fails.append(f"E: input channels must be disjoint, they share {lam_in}")
        if len(sizes_out) != 1:
            fails.append(f"R: output channels must have one size, got {sorted(sizes_out)}")
        k_out = min(sizes_out)
        facts["k_out"] = k_out
        facts["t"] = t
        if not isinstance(t, int) or t < 1:
            fails.append(f"t: {t!r} is not a positive integer")
        else:
            if not t * lam_out < k_out:
                fails.append(f"t * lambda_out = {t} * {lam_out} is not < k_out = {k_out}")
            need = layout_bound(m, mo, t)
            facts["layout_bound"] = need
            if need > n:
                fails.append(f"n: some member's layout may need {need} > {n} neurons")
        if code.theta != 2 * k_out:
            fails.append(f"theta: must be 2 k_out = {2 * k_out}, got {code.theta}")
        if code.params.get("k_in", 1) != k or code.B < 2 or code.B_bias < 3 * k - 1:
            fails.append("bounds: the recipe needs k_in as measured, B >= 2, "
                         "B_bias >= 3 k_in - 1")
    return Certificate(not fails, facts, fails)


# ------------------------------------------------------------------ members checked

@dataclass
class MemberCheck:
    """One member's verdict: shares the code, is the recipe's, verified."""

    member: str
    shares_code: bool
    is_recipe: bool
    verified: bool
    reason: str = ""

    @property
    def ok(self):
        return self.shares_code and self.is_recipe and self.verified


def _shares(code, net):
    return (net.mode == "superposed" and net.E == code.E and net.R == code.R
            and net.theta == code.theta and net.B == code.B and net.B_bias == code.B_bias
            and net.B_code == code.B_code and net.activation == code.activation
            and len(net.layers) == 1)


def check_members(code, members, networks=None, *, exhaustive=verify_batch,
                  recipe=None):
    """Check each member's network: it shares the code (``E``, ``R``,
    ``theta``, bounds, activation, depth), it is the recipe's network for that
    member (so the certificate's argument covers it), and it is exactly
    correct on every input of ``X(m, s)`` (``exhaustive``: the batch verifier
    by default). ``networks`` default to the recipe's; ``recipe`` builds a
    member's network from the code (default :func:`member_network`; the
    indicator recipe passes its own). Returns one
    :class:`MemberCheck` per member (fail closed: an empty member list is an
    error)."""
    members = list(members)
    if not members:
        raise InputError("members: nothing to check (an empty list proves nothing)")
    if networks is not None:
        networks = list(networks)
        if len(networks) != len(members):
            raise InputError(f"networks: {len(networks)} given for {len(members)} members")
    build = member_network if recipe is None else recipe
    out = []
    for i, task in enumerate(members):
        want = build(code, task)
        net = want if networks is None else networks[i]
        shares = _shares(code, net)
        same = shares and net.layers == want.layers and net.V == want.V \
            and net.c == want.c
        v = exhaustive(net, task)
        ok = v.ok if hasattr(v, "ok") else bool(v)
        reason = "" if shares else "does not share the family's code"
        if shares and not same:
            reason = "is not the recipe's network for this member"
        if not ok:
            reason = (reason + "; " if reason else "") + "not exactly correct"
        out.append(MemberCheck(task.name, shares, same, ok, reason))
    return out


def family_construction(family, params, seed=0, members=None, limit=5040):
    """``(code, [(member, network)])``: the shared code of ``family`` and the
    recipe's network for each member: ``members`` if given, else every member
    of a family with at most ``limit`` members (InputError beyond: use a
    seeded sample, :func:`~superpos_formal.tasks.sample_family`)."""
    code = family_code(family, params, seed)
    if members is None:
        members = family.member_list(limit, "a family construction")
    return code, [(t, member_network(code, t)) for t in members]
