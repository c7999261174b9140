"""Counting the functions an architecture realizes (docs/MODEL.md 4.4).

Two questions, two families of methods.

``count_functions(m, m_out, s, shape)``
    The exact number of distinct functions ``X(m, s) -> {0,1}^{m'}`` that
    some network of ``shape`` computes, by *projected model enumeration*:
    the architecture formula (:func:`~superpos_formal.encode.sat.encode_architecture`,
    outputs free) is solved with an incremental solver (CaDiCaL 1.9.5,
    python-sat name ``cadical195``); after each model a blocking clause over
    the output literals only (``OR_{i,j} y_ij != model(y_ij)``) removes that
    function and nothing else, and the loop runs until UNSAT.

    Soundness of each enumerated function: the model is decoded to a network
    and :meth:`Network.evaluate` recomputes its outputs on every input of
    ``X`` in exact integer arithmetic, in the parent process, independently
    of the solver. The result must equal the function read from the output
    literals, and must not have been seen before; otherwise
    :class:`~superpos_formal.errors.SoundnessError` is raised. So
    ``count`` is always a *verified lower bound*: that many distinct
    functions are realized, each with a witness network checked exactly.

    Exactness: the count is exact only because the *final* solve returned
    UNSAT, i.e. no network computes a function outside the blocked ones.
    That last answer is a **solver claim**: no DRAT proof is logged for an
    incremental enumeration, so the record says ``certified = False``. (A
    proof could be obtained by re-solving the formula plus all blocking
    clauses non-incrementally with :func:`~superpos_formal.solve.runner.solve_cnf`
    and ``proof_path``; this module does not do that.)

    The enumeration runs in a child of the process runner
    (:class:`~superpos_formal.solve.runner.Child`) which streams each
    ``(function, network)`` pair to the parent, so a ``time_limit`` (and the
    active whole-command budget) is a hard wall-clock limit (CaDiCaL cannot be interrupted from Python: a timer
    calling ``Solver.interrupt`` never gets the GIL back during a solve,
    measured). When the limit (or ``limit``, a cap on the number of
    functions) is reached the result is ``exact=False`` and the count is a
    lower bound, printed as ``at least N``.

``count_threshold_functions(k, B)``
    The special case of one step neuron on all of ``{0,1}^k``: the number of
    distinct functions ``[w . x + b > 0]`` with integer ``w in [-B, B]^k``.

    * ``method="sat"``: ``count_functions`` on ``Shape("explicit", "step",
      n=1, B=B, B_bias=k*B+1)`` with ``V = [[1]]``, ``c = [0]`` forced by
      unit clauses, so the output *is* the hidden neuron. ``B_bias = k B + 1``
      loses no function: for integer ``w`` the sum ``w . x`` takes values in
      ``[-N, P]`` (``N``, ``P`` the sums of the negative / positive weights,
      both ``<= k B``); ``b >= N + 1`` already gives the constant 1 and
      ``b <= -P`` the constant 0, and every cut in between has ``|b| <= kB+1``.
    * ``method="cuts"``: numpy, every ``w in [-B, B]^k``; for each ``w`` all
      cut functions ``[w . x >= t]`` (``t`` over the values ``w . x`` takes,
      plus the constant 0) are collected as bit masks and deduplicated.
      Bias unrestricted, so the same set as ``"sat"``.
    * ``method="orbit"``: the same set, faster. The set ``T_B`` is closed
      under permuting inputs and under negating an input
      (``x_i -> 1 - x_i`` maps ``(w, b)`` to ``(w with -w_i, b + w_i)``, same
      ``|w_i|``), and every ``w`` is carried to a sorted non-negative vector
      ``B >= w_1 >= ... >= w_k >= 0`` by such maps. So ``T_B`` is the union of
      the orbits, under the ``2^k k!`` signed permutations, of the cut
      functions of the ``C(B+k, k)`` sorted non-negative vectors.
    * ``method="auto"``: ``"sat"`` for ``1 <= k <= 4``, ``"orbit"`` otherwise.
      Measured (2 shared cores, weights at :data:`SUFFICIENT_B`): ``k = 4,
      B = 4``: sat 0.42 s, cuts 0.07 s, orbit 0.01 s; ``k = 5, B = 8``: sat
      145.6 s (94572, the same set as orbit), cuts 6.5 s, orbit 0.12 s.

    Which ``B`` is enough for *all* threshold functions of ``k`` variables:
    OEIS A003217 (Muroga, *Threshold Logic and Its Applications*, Wiley 1971,
    p. 268) gives the maximum over threshold functions of ``k`` variables of
    the minimum total weight ``N`` of a representation as a majority of
    ``N`` literals and constants: ``0, 1, 3, 5, 9, 17`` for ``k = 0..5``. In a
    minimum majority representation no variable occurs more than
    ``(N - 1) / 2`` times unless the function is that single literal (if it
    occurs more than ``N / 2`` times it alone decides the majority, and the
    literal itself is a majority of one). A majority of ``N`` things is
    ``[sum_i w_i l_i + a > N / 2]`` with literal multiplicities ``w_i``, so
    ``B_k = max(1, (A003217(k) - 1) // 2)``, i.e. ``1, 1, 1, 2, 4, 8`` for
    ``k = 0..5``, suffices (:data:`SUFFICIENT_B`). The count stopping to grow
    (``k = 5`` reaches 94572 at ``B = 5`` and stays there up to ``B = 8``) is
    supporting evidence only.

"""

import itertools
import time
from dataclasses import dataclass, field, replace
from math import comb, factorial

from ..domain import domain
from ..encode.sat import encode_architecture
from ..errors import InputError, SoundnessError
from ..network import Network
from ..shape import Shape
from ..budget import Budget
from ..options import SolveOptions
from .runner import Child, solver_version

__all__ = ["CountResult", "count_functions", "count_threshold_functions",
           "threshold_functions", "SUFFICIENT_B", "THRESHOLD_COUNTS",
           "THRESHOLD_METHODS"]

#: OEIS A000609, number of threshold functions of k or fewer variables,
#: k = 0..6 (Muroga 1971, Table 2.3.2, row 3; Muroga, Toda, Takasu 1961).
THRESHOLD_COUNTS = (2, 4, 14, 104, 1882, 94572, 15028134)

#: OEIS A003217 (Muroga 1971 p. 268): maximum over threshold functions of k
#: variables of the minimum total weight of a majority representation.
MAX_MIN_TOTAL_WEIGHT = (0, 1, 3, 5, 9, 17, 35, 79, 209)

#: A weight bound that realizes every threshold function of k variables
#: (argued in the module docstring): max(1, (A003217(k) - 1) // 2).
SUFFICIENT_B = tuple(max(1, (N - 1) // 2) for N in MAX_MIN_TOTAL_WEIGHT)

THRESHOLD_METHODS = ("auto", "sat", "cuts", "orbit")


@dataclass
class CountResult:
    """The answer of a counting question.

    ``count`` is exact iff ``exact``; otherwise it is a lower bound ("at
    least ``count``"). ``certified`` is False for every method here: SAT
    enumeration ends on an un-logged UNSAT (a solver claim); the numpy
    methods are exact computations whose completeness for "all threshold
    functions" rests on the cited weight bound.

    Attributes
    ----------
    count : int
        Functions counted (all of them when ``exact``).
    exact : bool
        The enumeration ran to the end (no limit, no time limit hit).
    seconds : float
    method : str
        ``"sat-enumeration"``, ``"cuts"`` or ``"orbit"``.
    question : dict
        What was counted (the shape, or ``k`` and ``B``).
    reason : str
        Why a count is only a lower bound, or what backs it.
    functions : list or None
        The truth tables, when asked for.

    Examples
    --------
    >>> r = CountResult(14, True, 0.1, "sat-enumeration")
    >>> r, str(CountResult(3, False, 0.1, "sat-enumeration", reason="limit"))
    (<CountResult 14 (exact; solver claim, no proof logged)>, 'at least 3')
    """

    count: int
    exact: bool
    seconds: float
    method: str
    question: dict = field(default_factory=dict)
    certified: bool = False
    reason: str = ""
    functions: list = None
    solver: str = None
    info: dict = field(default_factory=dict)

    def __str__(self):
        return str(self.count) if self.exact else f"at least {self.count}"

    def __repr__(self):
        # short: the functions list can hold thousands of truth tables
        return f"<CountResult {self.text}>"

    @property
    def text(self):
        """``"N (exact)"`` or ``"at least N (...)"``: never a bound as a count."""
        if self.exact:
            how = "solver claim, no proof logged" if self.method == "sat-enumeration" \
                else "exhaustive computation"
            return f"{self.count} (exact; {how})"
        return f"at least {self.count} ({self.reason})"

    def to_dict(self):
        d = {"question": self.question, "count": self.count, "exact": self.exact,
             "certified": self.certified, "seconds": self.seconds,
             "method": self.method, "reason": self.reason, "info": self.info}
        if self.solver:
            d["solver"] = solver_version(self.solver)
        if self.functions is not None:
            d["functions"] = [[list(y) for y in f] for f in self.functions]
        return d


# ------------------------------------------------------------------ SAT

def _enum_child(emit, clauses, extra, out_lits, enc, solver, limit):
    """Child: incremental enumeration, one message per model."""
    from pysat.solvers import Solver

    s = Solver(name=solver, bootstrap_with=clauses)
    for cl in extra:
        s.add_clause(cl)
    found = 0
    while True:
        if limit is not None and found >= limit:
            emit(("limit",))
            break
        if not s.solve():
            emit(("done",))
            break
        model = s.get_model()
        bits = [1 if model[abs(l) - 1] == l else 0 for l in out_lits]
        emit(("fn", bits, enc.decode(model)))
        found += 1
        s.add_clause([-l if b else l for l, b in zip(out_lits, bits)])
    s.delete()


def _enumerate(enc, X, question, opts, *, budget=None, clock=None, extra=(), limit=None,
               progress=None, keep=False):
    """Enumerate the functions of ``enc`` over ``X`` in a child (one
    message per function, each verified here). ``question["m_out"]``
    outputs (1 when absent); ``opts.time_limit`` bounds the whole count,
    measured on ``clock`` (a :class:`~superpos_formal.budget.Budget` started
    before encoding, so encoding counts), ``opts.solver`` solves;
    ``budget`` is the call's."""
    clock = Budget(opts.time_limit) if clock is None else clock
    m_out = question.get("m_out", 1)
    solver = opts.solver
    keys = sorted(enc.output_lits)
    lits = [enc.output_lits[k] for k in keys]
    for l in lits:
        if l in (1, -1):
            raise SoundnessError("an output literal is a constant; the counting "
                                 "encoding must give every output its own variable")
    pos = {k: p for p, k in enumerate(keys)}
    if set(keys) != {(i, j) for i in range(len(X)) for j in range(m_out)}:
        raise SoundnessError("encode_architecture did not return one output literal "
                             "per (input, output)")
    seen = set()
    reason, exact = "", False
    last_report = time.perf_counter()
    with Child(_enum_child, enc.clauses, list(extra), lits, enc, solver, limit,
               stream=True, part="enumeration", budget=budget) as ch:
        while True:
            remaining = clock.remaining()
            if remaining is not None:
                remaining = max(remaining, 0.0)
            try:
                msg = ch.recv(remaining)
            except RuntimeError as e:
                raise RuntimeError(f"solver {solver} failed: {e}") from None
            if msg[0] == "limit":
                reason = msg[1].reason
                break
            msg = msg[1]
            if msg[0] == "done":
                exact, reason = True, "enumeration complete (final UNSAT is a solver claim)"
                break
            if msg[0] == "limit":
                reason = f"stopped after limit={limit} functions"
                break
            _, bits, net = msg
            # the function the solver claims, as a truth table over X
            claimed = tuple(tuple(bits[pos[(i, j)]] for j in range(m_out))
                            for i in range(len(X)))
            # ... and the one the decoded network computes, exactly
            got = tuple(net.evaluate(x) for x in X)
            if got != claimed:
                bad = next(i for i in range(len(X)) if got[i] != claimed[i])
                raise SoundnessError(
                    f"counting: the decoded network computes {got[bad]} at x={X[bad]}, "
                    f"the model's output literals say {claimed[bad]}; encoder bug")
            if claimed in seen:
                raise SoundnessError("counting: the solver returned a function that was "
                                     "already blocked; blocking clause ignored")
            seen.add(claimed)
            now = time.perf_counter()
            if progress is not None and now - last_report >= 1.0:
                progress(len(seen), clock.elapsed())
                last_report = now
    if progress is not None:
        progress(len(seen), clock.elapsed())
    return CountResult(
        count=len(seen), exact=exact, seconds=clock.elapsed(),
        method="sat-enumeration", question=question, certified=False, reason=reason,
        functions=sorted(seen) if keep else None, solver=solver,
        info=dict(enc.info))


def _check_int(name, v, lo):
    if not isinstance(v, int) or isinstance(v, bool) or v < lo:
        raise InputError(f"{name}: must be an integer >= {lo}, got {v!r}")


def count_functions(m, m_out, s, shape, options: SolveOptions | None = None, *,
                    budget: Budget | None = None, limit=None,
                    progress=None, functions=False):
    """Number of distinct functions ``X(m, s) -> {0,1}^{m'}`` realized by ``shape``.

    Parameters
    ----------
    shape : Shape
        Explicit mode, or superposed with given codes (counts functions at
        those codes) or free codes (counts over all codes too).
        ``shape.tolerance`` is ignored (a function is realized exactly or not).
    options : SolveOptions, optional
        ``time_limit``: hard wall-clock limit in seconds for the whole count
        (encoding included); ``solver``, ``symmetry`` as usual.
    budget : Budget, optional
        The call's budget (passed down unchanged).
    limit : int, optional
        Stop after this many functions.
    progress : callable, optional
        ``progress(count_so_far, seconds)``, about once a second (a count
        callback, not ``options.progress``'s lines of text).
    functions : bool
        Return the truth tables (sorted; each is a tuple over ``domain(m, s)``
        of output tuples, the layout of :attr:`Task.outputs`).

    Returns
    -------
    CountResult
        ``exact`` only when the enumeration reached UNSAT; ``certified`` is
        always False (the final UNSAT is an un-logged solver claim). Each
        counted function is backed by a decoded network that the exact
        evaluator confirmed.

    Examples
    --------
    >>> from superpos_formal.shape import Shape
    >>> r = count_functions(2, 1, 2, Shape("explicit", "step", n=1, B=1))
    >>> r.count, r.exact, r.certified
    (14, True, False)
    """
    _check_int("m", m, 1)
    _check_int("m_out", m_out, 1)
    _check_int("s", s, 0)
    if limit is not None:
        _check_int("limit", limit, 0)
    if shape.tolerance:
        shape = replace(shape, tolerance=0)
    opts = options or SolveOptions()
    clock = Budget(opts.time_limit)
    enc = encode_architecture(m, m_out, s, shape, symmetry=opts.symmetry)
    question = {"question": "count", "m": m, "m_out": m_out, "s": s,
                "shape": shape.to_dict(), "symmetry": bool(opts.symmetry)}
    return _enumerate(enc, domain(m, s), question, opts, budget=opts.call_budget(budget),
                      clock=clock, limit=limit, progress=progress, keep=functions)


# ------------------------------------------------------------------ threshold

def _cube(k):
    """``{0,1}^k`` in the order of ``domain(k, k)`` (one empty input for k = 0)."""
    return list(domain(k, k)) if k else [()]


def _threshold_sat(k, B, opts, **kw):
    shape = Shape("explicit", "step", n=1, B=max(B, 1), B_bias=k * B + 1)
    clock = Budget(opts.time_limit)
    enc = encode_architecture(k, 1, k, shape, symmetry=False)
    # weights in [-B, B]: the shape's bound is max(B, 1) so that V = 1 fits;
    # for B = 0 force W = 0 too.
    mem = enc._members[0]
    V, c = mem["V"][0][0], mem["c"][0]
    extra = [[V.ge(1)], [-V.ge(2)], [c.ge(0)], [-c.ge(1)]]
    if B == 0:
        for w in mem["layers"][0][0][0]:
            extra += [[w.ge(0)], [-w.ge(1)]]
    extra = [[l for l in cl if l != -1] for cl in extra if 1 not in cl]
    question = {"question": "threshold-count", "k": k, "B": B, "B_bias": k * B + 1}
    res = _enumerate(enc, _cube(k), question, opts, clock=clock, extra=extra, **kw)
    if res.functions is not None:
        res.functions = [tuple(y[0] for y in f) for f in res.functions]
    return res


def _pack(bits):
    """Bool matrix (N x 2^k) -> uint64 masks, bit i = column i."""
    import numpy as np

    w = np.left_shift(np.uint64(1), np.arange(bits.shape[1], dtype=np.uint64))
    return (bits.astype(np.uint64) * w).sum(axis=1, dtype=np.uint64)


def _cut_masks(W, X, chunk=20000):
    """All masks ``[X w >= t]`` for each row ``w`` of ``W`` and each value ``t``
    that ``X w`` takes, plus the empty mask; deduplicated."""
    import numpy as np

    out = [np.zeros(1, dtype=np.uint64)]
    for lo in range(0, len(W), chunk):
        S = W[lo:lo + chunk] @ X.T                           # (c, 2^k)
        bits = S[:, None, :] >= S[:, :, None]                # cut at each input's value
        out.append(np.unique(_pack(bits.reshape(-1, X.shape[0]))))
    return np.unique(np.concatenate(out))


def _unpack(masks, npts):
    import numpy as np

    idx = np.arange(npts, dtype=np.uint64)
    return ((masks[:, None] >> idx[None, :]) & np.uint64(1)).astype(bool)


def _rows(it, k):
    import numpy as np

    rows = list(it)
    return np.array(rows, dtype=np.int64).reshape(len(rows), k)


def _threshold_numpy(k, B, method):
    import numpy as np

    pts = _cube(k)
    X = np.array(pts, dtype=np.int64).reshape(len(pts), k)
    if method == "cuts":
        W = _rows(itertools.product(range(-B, B + 1), repeat=k), k)
        return _cut_masks(W, X)
    # orbit: sorted non-negative vectors, then all signed permutations
    W = _rows(itertools.combinations_with_replacement(range(B, -1, -1), k), k)
    base = _cut_masks(W, X)
    F = _unpack(base, len(X))                                # (N, 2^k) bools
    index = {tuple(x): i for i, x in enumerate(X.tolist())}
    out = []
    for perm in itertools.permutations(range(k)):
        for flips in itertools.product((0, 1), repeat=k):
            # image of f under g: (g f)(x) = f(g^-1 x); over the whole group
            # the set of images is the same whichever direction is used.
            cols = [index[tuple(x[perm[i]] ^ flips[i] for i in range(k))]
                    for x in X.tolist()]
            out.append(_pack(F[:, cols]))
    return np.unique(np.concatenate(out))


def threshold_functions(k, B, method="orbit"):
    """The set of truth tables ``[w . x + b > 0]``, ``w in [-B, B]^k``, ``b``
    any integer, as sorted uint64 masks (bit ``i`` = value at the ``i``-th
    point of ``domain(k, k)``). numpy methods only (``"cuts"``, ``"orbit"``)."""
    _check_int("k", k, 0)
    _check_int("B", B, 0)
    if k > 6:
        raise InputError(f"k: at most 6 variables (64-bit truth tables), got {k}")
    if method not in ("cuts", "orbit"):
        raise InputError(f"method: {method!r} is not a numpy method (cuts, orbit)")
    return _threshold_numpy(k, B, method)


def _verify_masks(masks, k, B, sample=None):
    """Re-derive a witness (w, b) for masks with pure Python integers and the
    exact network evaluator. ``sample``: check every ``sample``-th mask only."""
    X = _cube(k)
    if k == 0:
        return
    todo = list(masks) if sample is None else list(masks)[::sample]
    want = {int(m) for m in todo}
    found = {}
    for w in itertools.product(range(-B, B + 1), repeat=k):
        vals = [sum(wi * xi for wi, xi in zip(w, x)) for x in X]
        for t in sorted(set(vals)) + [max(vals) + 1]:
            mk = sum(1 << i for i, v in enumerate(vals) if v >= t)
            if mk in want and mk not in found:
                found[mk] = (w, 1 - t)
        if len(found) == len(want):
            break
    for mk in want:
        if mk not in found:
            raise SoundnessError(f"threshold count: mask {mk:#x} has no witness with "
                                 f"weights in [-{B}, {B}]")
        w, b = found[mk]
        net = Network.explicit(k, 1, "step", [([list(w)], [b])], [[1]], [0],
                               B=max(B, 1), B_bias=max(abs(b), 1))
        got = sum(1 << i for i, x in enumerate(X) if net.evaluate(x)[0])
        if got != mk:
            raise SoundnessError(f"threshold count: witness {w}, b={b} computes "
                                 f"{got:#x}, not {mk:#x}")


def count_threshold_functions(k, B=None, options: SolveOptions | None = None, *,
                              budget: Budget | None = None, method="auto", functions=False,
                              verify_sample=None, progress=None):
    """Number of distinct functions ``[w . x + b > 0]`` on ``{0,1}^k`` with
    integer weights ``w in [-B, B]^k`` (bias unrestricted: see the module
    docstring for why the SAT method's ``B_bias = kB + 1`` loses nothing).

    ``B=None`` uses :data:`SUFFICIENT_B` ``[k]``, a bound under which this is
    the number of *all* threshold functions of ``k`` variables (OEIS A000609).

    ``method``: ``"sat"``, ``"cuts"``, ``"orbit"`` or ``"auto"`` (SAT for
    ``1 <= k <= 4``, orbit otherwise); the SAT method reads ``options``
    (``time_limit`` for the whole count, ``solver``) and ``budget`` as
    :func:`count_functions` does. ``verify_sample``: for numpy methods, re-check
    every ``verify_sample``-th function by an explicit witness and the exact
    network evaluator (``1`` = all).

    >>> count_threshold_functions(2, 1, method="cuts").count
    14
    """
    _check_int("k", k, 0)
    if B is None:
        if k >= len(SUFFICIENT_B):
            raise InputError(f"B: no known sufficient weight bound for k={k}; give B")
        B = SUFFICIENT_B[k]
    _check_int("B", B, 0)
    if method not in THRESHOLD_METHODS:
        raise InputError(f"method: unknown method {method!r} ({', '.join(THRESHOLD_METHODS)})")
    if method == "auto":
        method = "sat" if 1 <= k <= 4 else "orbit"
    if method == "sat":
        if k < 1:
            raise InputError("k: the SAT method needs k >= 1 (use cuts or orbit for k = 0)")
        opts = options or SolveOptions()
        return _threshold_sat(k, B, opts, budget=opts.call_budget(budget), keep=functions,
                              progress=progress)
    t0 = time.perf_counter()
    masks = threshold_functions(k, B, method)
    if verify_sample:
        _verify_masks(masks, k, B, sample=verify_sample)
    dt = time.perf_counter() - t0
    res = CountResult(
        count=int(len(masks)), exact=True, seconds=dt, method=f"numpy-{method}",
        question={"question": "threshold-count", "k": k, "B": B, "bias": "any"},
        certified=False, reason="exhaustive over the weight box",
        info={"weight_vectors": (2 * B + 1) ** k if method == "cuts" else comb(B + k, k),
              "group_size": 2 ** k * factorial(k) if method == "orbit" else 1,
              "verified_sample": verify_sample})
    if functions:
        npts = 2 ** k
        res.functions = sorted(tuple((int(mk) >> i) & 1 for i in range(npts))
                               for mk in masks)
    return res
