"""Restriction lower bounds: a certified minimum of a sub-question bounds the question.

The argument (one statement, instantiated per question kind below)
------------------------------------------------------------------
Let ``Q`` be a question (task or family; shape: mode, activation, ``L``,
``B``, ``B_bias``, ``B_code``, ``theta``, code policy, tolerance) and ``q``
a *sub-question*: ``q``'s inputs embed into ``Q``'s by a feature map
``phi`` (feature ``a`` of ``q`` is feature ``phi(a)`` of ``Q``; every other
feature of ``Q`` is held at 0), and every output ``j`` of every member of
``q`` is output ``psi(j)`` of some member of ``Q`` on the embedded inputs,
with ``phi`` and ``psi`` the same for every member (the codes are shared).
Then a network ``N`` for ``Q`` of width ``n`` restricts to a network for
``q`` of the *same* width, the same bounds, bias, code bound, ``theta`` and
activation (:func:`restrict_network`):

* explicit mode (``E = I``): keep the columns ``phi`` of ``W_1``, the rows
  ``psi`` of ``V`` and ``c``. The dropped columns multiply features that are
  0 on every embedded input, so every pre-activation is unchanged;
* superposed mode: keep the columns ``phi`` of ``E`` (``E x`` is unchanged
  for the same reason) and the rows ``psi`` of ``R``; hidden layers, ``V``,
  ``c`` and the width ``n`` are untouched. One ``phi``/``psi`` for all
  members keeps the code shared.

Every kept entry is an entry of ``N``, so every bound holds; ``X(m, s)``
maps into ``X(M, s)`` (zero padding keeps ``|x| <= s``). Hence
``min_n(q) <= min_n(Q)``, and a certified minimum ``k`` of ``q`` (its UNSAT
half refutes width ``k - 1``) is a lower bound ``n >= k`` for ``Q``.

The bounds only widen the other way: a network with weights in ``[-B, B]``
is one in ``[-B', B']`` for ``B' >= B`` (same for bias, code and tolerance),
so a minimum certified at bounds ``>=`` the question's (componentwise; same
mode, activation, ``L``, ``theta``, code policy) is a lower bound too.

Instances (:func:`restriction_of`)
----------------------------------
* ``uand(m)`` from ``uand(M)``, ``M >= m``: ``phi = identity on 0..m-1``;
  ``psi`` sends pair ``(i, j)`` of ``all_pairs(m)`` to the same pair of
  ``all_pairs(M)``. More generally ``op_pairs(m, P)`` from
  ``op_pairs(M, P')`` with ``P`` a subset of ``P'`` (sub-task: fewer
  outputs) for ``op`` in and/or/xor (all three are 0 on ``(0, 0)`` and
  depend only on their two features).
* ``identity(m)`` from ``identity(M)``: ``psi = phi = 0..m-1``.

Families
--------
* ``permutations(m)`` from ``permutations(M)``, ``M >= m`` (``m' = m``):
  member ``pi`` of ``S_m`` is the member ``pi + id`` of ``S_M`` (fixing
  ``m..M-1``); ``phi = psi = 0..m-1``: ``y_j = x_pi(j)`` for ``j < m``
  on inputs that vanish on ``m..M-1``.
* ``op_pair_sets(m, k)`` from ``op_pair_sets(M, K)``, ``m <= M``,
  ``k <= K``, ``C(M - m + 1, 2) >= K - k``: member ``P`` (``k`` pairs over
  ``0..m-1``) is the member ``P + T`` of the larger family, where ``T`` is
  the first ``K - k`` pairs ``(a, b)`` with ``m - 1 <= a < b``, ``b >= m``.
  Every pair of ``T`` is lexicographically after every pair of ``P`` (a
  pair of ``P`` is ``(a, b)`` with ``a <= m - 2``, or ``(m-2, m-1)``), so
  ``P`` is the first ``k`` outputs of ``P + T`` whatever ``P`` is: ``psi =
  0..k-1`` for every member (shared readout). ``T``'s outputs read a
  feature ``>= m``, which is 0, and are dropped.
  When no such tail exists (``C(M - m + 1, 2) < K - k``), the *head*
  variant: ``phi(a) = a + d`` with ``d = M - m`` (``P`` moved onto the
  top ``m`` features), and ``T`` the first ``K - k`` pairs ``(a, b)`` with
  ``a < d`` (there are ``C(M, 2) - C(m, 2)``). Every pair of ``T`` starts
  below ``d`` and every pair of the moved ``P`` at ``d`` or above, so ``T``
  sorts before ``P``: ``P`` is the *last* ``k`` outputs of ``T + P``, ``psi
  = K-k..K-1`` for every member. ``T``'s outputs read a feature ``< d``,
  which is 0, and are dropped. (The tail variant is tried first, so a claim
  it states is regenerated unchanged.)
* Subfamilies (``members``) are the relaxation the verifier already
  knows; samples are not used here.

:func:`member_map` gives the member of ``Q`` each member of ``q`` comes
from, so the argument is checked on networks by brute force in
``tests/test_restriction.py``; :func:`check_restriction` checks it at the
task level (every output of every embedded member).

Examples
--------
>>> from superpos_formal.tasks import uand
>>> r = restriction_of(task_subject(uand(3)), task_subject(uand(5)))
>>> r.features, r.outputs
((0, 1, 2), (0, 1, 4))
>>> restriction_of(task_subject(uand(5)), task_subject(uand(3))) is None
True
"""

from dataclasses import dataclass
from itertools import combinations

from ..errors import InputError
from ..network import Network
from ..results import Mode
from ..tasks import (Family, Task, _pairs_task, all_pairs, family_from_dict,
                     permutation, task_from_dict)

__all__ = ["Restriction", "Subject", "task_subject", "family_subject",
           "subject_from_dict", "restriction_of", "restrict_network", "member_map",
           "embed", "check_restriction", "bounds_weaker_or_equal", "SHAPE_KEYS",
           "LowerBound", "restriction_lower_bound", "output_map", "consistency_failures"]

#: shape fields that define a question besides ``n`` (all must agree, except
#: the bounds and tolerance, which may be wider in the certificate)
SHAPE_KEYS = ("mode", "activation", "L", "B", "B_bias", "B_code", "theta", "codes",
              "tolerance")
_WIDER_OK = ("B", "B_bias", "B_code", "tolerance")
_PAIR_OPS = ("and", "or", "xor")


@dataclass(frozen=True)
class Subject:
    """What a question is about, reduced to what restriction needs.

    ``kind``: ``"pairs"`` (task ``op_pairs``; ``uand`` is all pairs),
    ``"identity"`` (task), ``"permutations"`` or ``"pair_sets"`` (families).
    ``pairs`` is a frozenset of ``(i, j)`` for pair tasks; ``k`` the pairs per
    member of a pair-set family.
    """

    question: str  # instance | representation | family
    kind: str
    m: int
    s: int
    op: str = None
    pairs: frozenset = None
    k: int = None

    @property
    def name(self):
        if self.kind == "pairs":
            if self.op == "and" and self.pairs == frozenset(map(tuple, all_pairs(self.m))):
                return f"uand(m={self.m})"
            return f"{self.op}_pairs(m={self.m},m'={len(self.pairs)})"
        if self.kind == "pair_sets":
            return f"{self.op}_pair_sets(m={self.m},m'={self.k},s={self.s})"
        if self.kind == "permutations":
            return f"permutations(m={self.m},m'={self.m},s={self.s})"
        return f"identity(m={self.m},s={self.s})"


def task_subject(task, question="instance"):
    """The :class:`Subject` of a task, or None when no restriction rule covers it."""
    if not isinstance(task, Task):
        raise InputError("task_subject: expected a Task")
    p = dict(task.params)
    if task.kind in ("and_pairs", "or_pairs", "xor_pairs"):
        return Subject(question, "pairs", task.m, task.s, op=task.kind.split("_")[0],
                       pairs=frozenset(tuple(q) for q in p["pairs"]))
    if task.kind == "identity":
        return Subject(question, "identity", task.m, task.s)
    return None


def family_subject(family):
    """The :class:`Subject` of a complete family, or None (samples, explicit lists)."""
    if not isinstance(family, Family):
        raise InputError("family_subject: expected a Family")
    if family.is_sample:
        return None
    if family.kind == "permutations":
        return Subject("family", "permutations", family.m, family.s)
    if family.kind == "pair_sets":
        return Subject("family", "pair_sets", family.m, family.s,
                       op=dict(family.params).get("op", "and"), k=family.m_out)
    return None


def subject_from_dict(question, d):
    """A subject from a claim's (or registry row's) ``task``/``family`` object."""
    if question == "family":
        return family_subject(family_from_dict(d))
    if question not in ("instance", "representation"):
        raise InputError(f"question: unknown question kind {question!r}")
    return task_subject(task_from_dict(d), question)


@dataclass(frozen=True)
class Restriction:
    """``small`` is ``big`` restricted: feature ``a`` of ``small`` is feature
    ``features[a]`` of ``big``; output ``j`` is output ``outputs[j]`` (of the
    member :func:`member_map` names, for families). ``argument``: one line."""

    small: Subject
    big: Subject
    features: tuple
    outputs: tuple
    argument: str


def _tail_pairs(m, M, count):
    """The first ``count`` pairs ``(a, b)``, ``m - 1 <= a < b < M``, ``b >= m``
    (lexicographic): each is after every pair over ``0..m-1``."""
    out = [(a, b) for a, b in combinations(range(max(m - 1, 0), M), 2) if b >= m]
    return out[:count] if len(out) >= count else None


def _head_pairs(m, M, count):
    """The first ``count`` pairs ``(a, b)``, ``a < M - m`` (lexicographic):
    each sorts before every pair over ``M-m..M-1``."""
    d = M - m
    out = [(a, b) for a, b in combinations(range(M), 2) if a < d]
    return out[:count] if len(out) >= count else None


def restriction_of(small, big):
    """The :class:`Restriction` making ``small`` a sub-question of ``big``, or None.

    Only the subjects are compared here; the shapes are compared by
    :func:`bounds_weaker_or_equal`.
    """
    if small is None or big is None or small.question != big.question:
        return None
    if small.kind != big.kind or small.s != big.s or small.m > big.m:
        return None
    feats = tuple(range(small.m))
    if small.kind == "pairs":
        if small.op != big.op or not small.pairs <= big.pairs:
            return None
        return _pairs_restriction(small, big, feats)
    if small.kind == "identity":
        return Restriction(small, big, feats, feats,
                           f"identity(m={small.m}) is identity(m={big.m}) on features "
                           f"0..{small.m - 1} (the others held at 0)")
    if small.kind == "permutations":
        return Restriction(small, big, feats, feats,
                           f"permutation pi of {small.m} is pi+id of {big.m} on features "
                           f"0..{small.m - 1}; outputs 0..{small.m - 1}")
    if small.kind == "pair_sets":
        if small.op != big.op or small.k > big.k:
            return None
        tail = _tail_pairs(small.m, big.m, big.k - small.k)
        if tail is None:
            head = _head_pairs(small.m, big.m, big.k - small.k)
            if head is None:
                return None
            d = big.m - small.m
            return Restriction(small, big, tuple(a + d for a in feats),
                               tuple(range(big.k - small.k, big.k)),
                               f"member P of {small.name} is {[list(t) for t in head]}+(P+{d}) "
                               f"of {big.name} on features {d}..{big.m - 1}; outputs "
                               f"{big.k - small.k}..{big.k - 1} (the added pairs sort "
                               f"before P+{d})")
        return Restriction(small, big, feats, tuple(range(small.k)),
                           f"member P of {small.name} is P+{[list(t) for t in tail]} of "
                           f"{big.name} on features 0..{small.m - 1}; outputs "
                           f"0..{small.k - 1} (the added pairs sort after P)")
    return None


def _pairs_restriction(small, big, feats):
    # subjects keep the pair *set*; outputs here are in sorted pair order,
    # which is the stored order of uand and of pair-set members. For a task
    # whose pairs were given in another order use output_map on the tasks.
    sb = sorted(big.pairs)
    outs = tuple(sb.index(p) for p in sorted(small.pairs))
    return Restriction(small, big, feats, outs,
                       f"{small.name} is {big.name} on features 0..{small.m - 1} "
                       f"(the others held at 0); each pair is the same pair")


def output_map(small_task, big_task, features):
    """``psi`` for two pair tasks in their *stored* pair order: output ``j`` of
    ``small_task`` is output ``psi[j]`` of ``big_task`` (InputError if absent)."""
    ps = [tuple(q) for q in dict(small_task.params)["pairs"]]
    pb = [tuple(q) for q in dict(big_task.params)["pairs"]]
    out = []
    for a, b in ps:
        q = tuple(sorted((features[a], features[b])))
        if q not in pb:
            raise InputError(f"restriction: pair {q} is not an output of {big_task.name}")
        out.append(pb.index(q))
    return tuple(out)


def member_map(r, member):
    """The member of ``r.big`` that the member ``member`` (a Task) of ``r.small``
    is a restriction of (families), or ``member``'s own big task (instances
    are their own single member: returns None, use the big task)."""
    if r.small.kind == "permutations":
        pi = list(dict(member.params)["pi"])
        return permutation(r.big.m, pi + list(range(r.small.m, r.big.m)), member.s)
    if r.small.kind == "pair_sets":
        d = r.features[0]  # 0: the tail variant; M - m: the head variant
        extra = (_tail_pairs(r.small.m, r.big.m, r.big.k - r.small.k) if d == 0 else
                 _head_pairs(r.small.m, r.big.m, r.big.k - r.small.k))
        pairs = sorted([(a + d, b + d) for a, b in dict(member.params)["pairs"]] + extra)
        return _pairs_task(r.big.op, r.big.m, [list(q) for q in pairs], member.s)
    return None


def embed(x, features, M):
    """Input ``x`` of the small question as an input of the big one."""
    out = [0] * M
    for a, v in enumerate(x):
        out[features[a]] = v
    return tuple(out)


def check_restriction(small_task, big_task, features, outputs):
    """Task-level check of one (member) restriction: on every input of
    ``small_task``, output ``j`` equals ``big_task``'s output ``outputs[j]``
    at the embedded input. Returns the list of mismatches ``(x, j)``."""
    bad = []
    for x in small_task.inputs:
        y = small_task(x)
        Y = big_task(embed(x, features, big_task.m))
        for j, o in enumerate(outputs):
            if y[j] != Y[o]:
                bad.append((x, j))
    return bad


def restrict_network(net, features, outputs):
    """The network ``net`` restricted to ``features`` and ``outputs`` (module
    docstring): same width, bounds, ``theta``, activation; explicit mode drops
    columns of ``W_1`` and rows of ``V, c``; superposed mode columns of ``E``
    and rows of ``R``."""
    features, outputs = tuple(features), tuple(outputs)
    if len(set(features)) != len(features) or not features:
        raise InputError("restriction: features must be distinct and non-empty")
    if any(not 0 <= f < net.m for f in features):
        raise InputError(f"restriction: a feature is not in 0..{net.m - 1}")
    if any(not 0 <= o < net.m_out for o in outputs) or not outputs:
        raise InputError(f"restriction: an output is not in 0..{net.m_out - 1}")
    if net.mode == Mode.EXPLICIT:
        (W1, b1), rest = net.layers[0], list(net.layers[1:])
        W1 = [[row[f] for f in features] for row in W1]
        V = [net.V[o] for o in outputs]
        c = [net.c[o] for o in outputs]
        return Network.explicit(len(features), len(outputs), net.activation,
                                [(W1, b1)] + rest, V, c, net.B, net.B_bias, net.theta)
    E = [[row[f] for f in features] for row in net.E]
    R = [net.R[o] for o in outputs]
    return Network(net.mode, net.activation, E, net.layers, net.V, net.c, R, net.theta,
                   net.B, net.B_bias, net.B_code)


def bounds_weaker_or_equal(cert_shape, shape):
    """True when a minimum certified at ``cert_shape`` bounds ``shape`` from
    below: equal mode, activation, ``L``, ``theta``, code policy; ``B``,
    ``B_bias``, ``B_code``, tolerance of the certificate ``>=`` the question's.
    Both are dicts with :data:`SHAPE_KEYS` (``n`` ignored)."""
    for key in SHAPE_KEYS:
        a, b = cert_shape.get(key), shape.get(key)
        if key == "B_code" and str(shape.get("mode")) == "explicit":
            continue  # explicit mode has no code entries
        if key in _WIDER_OK:
            if a is None or b is None or a < b:
                return False
        elif str(a) != str(b):
            return False
    return True


@dataclass(frozen=True)
class LowerBound:
    """``n >= value`` for a question, from ``certificate`` (a verified minimum
    directory) by ``argument``."""

    value: int
    certificate: str
    argument: str


def restriction_lower_bound(subject, shape, certified):
    """The best restriction lower bound for ``(subject, shape)``.

    Parameters
    ----------
    subject : Subject
    shape : dict
        The question's shape fields (:data:`SHAPE_KEYS`).
    certified : list of (Subject, dict, int, str)
        Verified minima: subject, shape, value, path. The caller verifies
        them (this layer does not check bundles); nothing else is trusted.

    Returns
    -------
    LowerBound or None
    """
    best = None
    for csub, cshape, value, path in certified:
        if not bounds_weaker_or_equal(cshape, shape):
            continue
        r = restriction_of(csub, subject)
        if r is None:
            continue
        if best is None or value > best.value:
            same = csub == subject
            arg = "the certified minimum itself" if same else r.argument
            wider = [k for k in _WIDER_OK if k in shape and shape.get(k) is not None
                     and cshape.get(k) is not None and cshape[k] > shape[k]
                     and not (k == "B_code" and str(shape.get("mode")) == "explicit")]
            if wider:
                arg += "; certified at wider bounds (" + ", ".join(
                    f"{k}={cshape[k]}>{shape[k]}" for k in wider) + ")"
            best = LowerBound(value, path, arg)
    return best



def consistency_failures(rows):
    """Reasons a set of registry-style rows contradicts restriction or
    composition (empty when consistent). Each row is a dict with ``subject``
    (:class:`Subject`), ``shape`` (:data:`SHAPE_KEYS`), ``lower`` and ``best``
    (widths; ``best`` may be None).

    Checked, for rows of the *same* shape (all of :data:`SHAPE_KEYS` equal):

    * ``lower <= best`` in every row;
    * restriction: if ``q`` restricts ``Q`` (:func:`restriction_of`), then
      ``best(q) <= best(Q)`` (the restricted network is one for ``q``) and
      ``lower(Q) >= lower(q)`` (its minimum bounds ``Q``);
    * composition (explicit uand, one layer, ``1 <= theta <= B``, ``theta
      <= bias``; constructions/compose.py): ``best(uand(M)) <= M``
      (indicators) and ``best(uand(M)) <= best(uand(m)) + C(M,2) - C(m,2)``
      for ``m < M`` (add_pairs).
    """
    out = []

    def same(a, b):
        return all(str(a.get(k)) == str(b.get(k)) for k in SHAPE_KEYS)

    def uand_m(s):
        if s.kind == "pairs" and s.op == "and" and s.s == 2 and \
                s.pairs == frozenset(map(tuple, all_pairs(s.m))):
            return s.m
        return None

    for r in rows:
        if r.get("best") is not None and r["lower"] > r["best"]:
            out.append(f"{r['subject'].name}: lower bound {r['lower']} exceeds the best "
                       f"network's width {r['best']}")
        sh = r["shape"]
        M = uand_m(r["subject"])
        if (M and r.get("best") is not None and str(sh.get("mode")) == "explicit"
                and sh.get("L") == 1 and 1 <= sh["theta"] <= min(sh["B"], sh["B_bias"])
                and r["best"] > M):
            out.append(f"{r['subject'].name}: best width {r['best']} exceeds the indicator "
                       f"construction's {M}")
    for q in rows:
        for Q in rows:
            if q is Q or not same(q["shape"], Q["shape"]):
                continue
            if restriction_of(q["subject"], Q["subject"]) is not None:
                if Q["lower"] < q["lower"]:
                    out.append(f"{Q['subject'].name}: lower bound {Q['lower']} is below "
                               f"{q['subject'].name}'s {q['lower']} (restriction)")
                if (q.get("best") is not None and Q.get("best") is not None
                        and q["best"] > Q["best"]):
                    out.append(f"{q['subject'].name}: best width {q['best']} exceeds "
                               f"{Q['subject'].name}'s {Q['best']} (restriction gives "
                               f"a network of that width)")
            m, M, sh = uand_m(q["subject"]), uand_m(Q["subject"]), Q["shape"]
            if (m and M and m < M and q.get("best") is not None and Q.get("best") is not None
                    and str(sh.get("mode")) == "explicit" and sh.get("L") == 1
                    and sh["B"] >= max(1, sh["theta"]) and sh["B_bias"] >= 1):
                bound = q["best"] + len(all_pairs(M)) - len(all_pairs(m))
                if Q["best"] > bound:
                    out.append(f"{Q['subject'].name}: best width {Q['best']} exceeds the "
                               f"composition of {q['subject'].name}'s {q['best']} plus a "
                               f"neuron per new pair ({bound})")
    return out
