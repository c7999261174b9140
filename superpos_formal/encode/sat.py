"""Task + shape -> CNF, and model -> network (the SAT path).

One encoder serves every question of docs/MODEL.md 4: explicit mode, superposed
mode with given or free codes, the representation question (``L = 0``,
free codes), families with shared codes (:func:`encode_family_sat`) and
architectures with free outputs (:func:`encode_architecture`, for counting).

Encoding (``ENCODER_NAME = "order-tree"``)
------------------------------------------
Every weight, bias and code entry is an order-encoded integer
(:mod:`superpos_formal.encode.ints`). Two algebraic rewrites keep the
per-input work independent of the code dimension:

* effective input weights ``Q = W_1 E`` (``n x m``; ``Q = W_1`` in explicit
  mode), so the first pre-activation at ``x`` is ``b_k + sum_{i in supp x}
  Q_ki``: at most ``s + 1`` terms, built incrementally along the support so
  inputs that share a prefix share the partial sum;
* effective readout weights ``U = R V`` (``m' x n``) and bias ``c' = R c``, so
  the readout at ``(x, j)`` is ``c'_j + sum_k U_jk a_k(x)``: ``n + 1`` terms.

The activation is a clip of the pre-activation sum: ``relu = clip(., 0, inf)``
and ``step = clip(., 0, 1)``, so no separate activation variables exist.
Products ``U_jk a_k(x)`` are ``h * U`` for step units and a support-encoded
product table for ReLU. Because the required output bit is known, each
``(x, j)`` is one *one-directional* clipped sum
(:meth:`~superpos_formal.encode.ints.Builder.assert_sum`).

Alternative measured against it: ``sums="pb"`` writes each output
constraint as one pseudo-Boolean constraint over the order literals of its
terms, encoded by python-sat's ``pysat.pb`` (``EncType.best`` unless
``pb_enc`` is given). See ``benchmarks/bench_encodings.py`` and the README's
"Encodings" section for the measurement and the choice.

``sums="binary"`` keeps the tree for narrow output sums and adds wide
ones in binary (:meth:`~superpos_formal.encode.ints.Builder.assert_sum_binary`:
an order-encoded node costs ``|D(a)| |D(b)|`` clauses, a binary adder about
``2 (hi - lo)`` for the conversion plus 14 per digit). Wide output sums come
from a second hidden layer's ReLU outputs times weights (universal AND
``m = 4``, ``L = 2``, ``n = 3``, ``B = 2``: 1.83 M clauses as a tree, of
which 1.67 M are output sums). Where no merge is wider than
:data:`~superpos_formal.encode.ints.WIDE_NODE` its CNF is the tree's,
clause for clause. ``sums="auto"`` (the default of a new solve) encodes
like ``"binary"`` and records ``"tree"`` or ``"binary"``, whichever
regenerates the same CNF (:func:`resolved_sums`).

``sums="tree-sym"`` is the tree whose output sums merge the two widest
terms first: with two neurons and a readout bias, the two neuron terms,
then the bias, where the default merges the (narrower) bias with the first
neuron. Swapping the two neurons of a member then maps the formula onto
itself, which the symmetry-by-generators certificate needs
(:mod:`superpos_formal.encode.automorphisms`, issue 13).

Symmetry breaking (``symmetry=True``), each sound by a sorting argument:

* *hidden neurons* (every hidden layer, every family member): permuting the
  neurons of a layer together with their incoming rows ``(W_l[k], b_l[k])``
  and the matching columns of the next layer's matrix gives a network that
  computes the same function with the same weights, counts and bounds. Sort
  each layer's neurons in non-increasing lexicographic order of their
  incoming vectors, layer 1 first (sorting layer ``l`` only permutes the
  *columns* of layer ``l+1``'s matrix, so sorting ``l+1`` afterwards keeps
  layer ``l`` sorted). So every network has an equivalent one with
  ``(W_l[k], b_l[k]) >=_lex (W_l[k+1], b_l[k+1])``. Ties are allowed: two
  equal neurons cannot in general be merged (the merged outgoing weight may
  exceed ``B``).
  This is a lex-leader constraint (Crawford, Ginsberg, Luks, Roy,
  "Symmetry-breaking predicates for search problems", KR 1996) for the
  neuron-permutation group, restricted to adjacent neurons: the sorted
  network is the orbit's lex-leader.
* *code dimensions* (free codes): permuting the ``n`` code coordinates
  together with the rows of ``E``, the columns of ``R`` and, in every member,
  the columns of ``W_1`` and the rows/columns of ``V``/``c`` (``d = d' = n``
  are the same coordinates only when ``L = 0``; with hidden layers the input
  and output code spaces are permuted independently) computes the same
  function. Sorted: rows of ``E`` for the input code, columns of ``R`` for
  the output code (when ``L >= 1``), or rows ``(E[r], R[:, r])`` when ``L = 0``.
* *code signs* (free codes): negating input-code coordinate ``r`` (row
  ``E[r]``) together with column ``r`` of every member's ``W_1`` leaves every
  pre-activation unchanged; negating output-code coordinate ``r`` (column
  ``R[:, r]``) together with row ``r`` of every member's ``V`` and ``c_r``
  leaves ``R z`` unchanged (for ``L = 0`` the two are one coordinate:
  ``R E x`` is unchanged when both are negated). All bounds are symmetric, so
  the negated network is admissible. Choose each sign so the vector is
  ``>=_lex`` its negation (its first nonzero entry is positive), then sort
  the coordinates as above: sorting moves whole vectors and keeps their signs,
  and the hidden-neuron sort of each member comes last and touches no code.
"""

from dataclasses import dataclass, field

from ..domain import domain, support
from ..errors import InputError
from ..network import Network
from ..results import Activation, CodeKind, Mode
from .ints import FALSE, TRUE, Builder, Const, Relu, scaled
from .symmetry import feature_symmetric

__all__ = ["encode_sat", "encode_family_sat", "encode_architecture",
           "SatEncoding", "ENCODER_NAME", "ENCODER_VERSION", "SUM_ENCODINGS",
           "resolved_sums", "validate_question", "dimacs_text"]

ENCODER_NAME = "order-tree"
#: values of the ``sums`` option (how output sums are encoded); a recorded
#: value must keep producing the same clauses (proof bundles regenerate
#: their CNF from it), so a new way of encoding sums is a new value
SUM_ENCODINGS = ("tree", "pb", "binary", "tree-sym")
#: Bump on any change that alters the CNF produced for some input: bundles
#: record it, and a bundle made by another version is reported as such.
ENCODER_VERSION = "2"


def dimacs_text(clauses, nvars, encoder, version):
    """DIMACS text of ``clauses`` whose comment header names the encoder.

    >>> print(dimacs_text([[1, -2], [2]], 2, "order-tree", "2"), end="")
    c superpos-formal encoder order-tree v2
    p cnf 2 2
    1 -2 0
    2 0
    """
    head = [f"c superpos-formal encoder {encoder} v{version}", f"p cnf {nvars} {len(clauses)}"]
    return "\n".join(head + [" ".join(map(str, c)) + " 0" for c in clauses]) + "\n"


@dataclass
class SatEncoding:
    """A CNF plus what is needed to read networks back out of a model."""

    clauses: list
    nvars: int
    info: dict
    shape: object
    _E: list = field(repr=False, default=None)
    _R: list = field(repr=False, default=None)
    _members: list = field(repr=False, default=None)
    output_lits: dict = field(repr=False, default=None)
    selectors: list = field(repr=False, default=None)
    #: ``(break name, first clause index, end index)`` of every symmetry
    #: break's clauses in ``clauses`` (checked by certify/canonical.py)
    sb_ranges: list = field(repr=False, default_factory=list)

    def to_dimacs(self):
        """Deterministic DIMACS text (a comment header names the encoder)."""
        return dimacs_text(self.clauses, self.nvars, ENCODER_NAME, ENCODER_VERSION)

    def decode_all(self, model):
        """``(E, R, [network per member])`` from a SAT model."""
        truth = set(l for l in model if l > 0)
        truth.add(TRUE)
        E = [[e.value(truth) for e in row] for row in self._E]
        R = [[r.value(truth) for r in row] for row in self._R]
        sh = self.shape
        nets = []
        for mem in self._members:
            layers = tuple(([[w.value(truth) for w in row] for row in W],
                            [x.value(truth) for x in bb]) for W, bb in mem["layers"])
            V = c = None
            if mem["V"] is not None:
                V = [[v.value(truth) for v in row] for row in mem["V"]]
                c = [x.value(truth) for x in mem["c"]]
            nets.append(Network(sh.mode, sh.activation, E, layers, V, c, R,
                                sh.theta, sh.B, sh.B_bias, sh.B_code))
        return E, R, nets

    def decode(self, model):
        """The network of the (first) member."""
        return self.decode_all(model)[2][0]


def _rng(B):
    return range(-B, B + 1)


def _check_shape(shape, m, m_out):
    if shape.mode == Mode.EXPLICIT:
        return
    if shape.codes == CodeKind.GIVEN:
        if len(shape.E[0]) != m:
            raise InputError(f"E: given input code has {len(shape.E[0])} columns, "
                             f"the task has m={m}")
        if len(shape.R) != m_out:
            raise InputError(f"R: given readout has {len(shape.R)} rows, the task "
                             f"has m'={m_out}")


def _code_vars(b, shape, m, m_out, param=None):
    """E (d x m) and R (m' x d') as lists of IntExpr (``param(key, dom)``
    makes each free entry; default a fresh variable)."""
    param = param or (lambda key, dom: b.int_var(dom))
    if shape.mode == Mode.EXPLICIT:
        E = [[Const(int(i == k)) for k in range(m)] for i in range(m)]
        R = [[Const(int(i == k)) for k in range(m_out)] for i in range(m_out)]
        return E, R
    if shape.codes == CodeKind.GIVEN:
        return ([[Const(v) for v in row] for row in shape.E],
                [[Const(v) for v in row] for row in shape.R])
    n = shape.n
    E = [[param(("E", r, i), _rng(shape.B_code)) for i in range(m)] for r in range(n)]
    R = [[param(("R", j, r), _rng(shape.B_code)) for r in range(n)] for j in range(m_out)]
    return E, R


def _dot(b, xs, ys):
    """``sum_i xs[i] * ys[i]`` as one exact integer."""
    return b.sum_full([b.mul(x, y) for x, y in zip(xs, ys)])


class _Enc:
    """Shared state of one encoding run."""

    def __init__(self, shape, m, m_out, s, inputs, symmetry, sums, pb_enc, fixed=None):
        self.b = Builder()
        self.fixed = fixed or {}
        self.n_members = 0
        self.shape = shape
        self.m, self.m_out, self.s = m, m_out, s
        self.X = list(domain(m, s)) if inputs is None else [tuple(x) for x in inputs]
        dom = set(domain(m, s))
        for x in self.X:
            if x not in dom:
                raise InputError(f"inputs: {x} is not in X(m={m}, s={s})")
        # symmetry: True/False, or "neurons" for the hidden-neuron (and code)
        # breaks without the feature double-lex
        self.features = symmetry is True or symmetry == "all"
        self.symmetry = bool(symmetry)
        self.sums = sums
        self.pb_enc = pb_enc
        self.errors = []
        self.nonzero = []
        self.selectors = None
        self.breaks = set()
        self.sb_ranges = []

    def lex(self, name, xs, ys):
        """``xs >=_lex ys`` as a symmetry break, its clause range labelled."""
        start = len(self.b.clauses)
        self.b.lex_geq(xs, ys)
        self.sb_ranges.append((name, start, len(self.b.clauses)))

    def param(self, key, dom):
        """A parameter: a fresh variable, or ``Const`` when ``key`` is fixed."""
        if key not in self.fixed:
            return self.b.int_var(dom)
        v = self.fixed[key]
        if v not in dom:
            raise InputError(f"fixed: {key} = {v} is outside its domain [{dom[0]}, {dom[-1]}]")
        return Const(v)

    # -------------------------------------------------------------- output
    def constrain(self, terms, bit, guard):
        th = self.shape.theta
        op, K = (">=", th) if bit else ("<=", th - 1)
        if self.sums in ("tree", "tree-sym"):
            self.b.assert_sum(terms, op, K, guard, widest_first=self.sums == "tree-sym")
        elif self.sums in ("binary", "auto"):
            self.b.assert_sum_binary(terms, op, K, guard)
        else:
            self._pb(terms, op, K, guard)

    def _pb(self, terms, op, K, guard):
        """One PB constraint over the order literals of the terms.

        ``t = lo(t) + sum_{v in D(t), v > lo} (v - prev(v)) [t >= v]``, so
        ``sum t >= K`` is ``sum w_l l >= K - sum lo(t)`` with positive weights.
        """
        from pysat.pb import EncType, PBEnc

        lits, weights, base = [], [], 0
        for t in terms:
            base += t.dom[0]
            for prev, v in zip(t.dom, t.dom[1:]):
                lit = t.ge(v)
                if lit == TRUE:
                    base += v - prev
                elif lit != FALSE:
                    lits.append(lit)
                    weights.append(v - prev)
        total = sum(weights)
        if op == ">=":
            need = K - base
            if need <= 0:
                return
            if need > total:
                self.b.clause([guard] if guard else [])
                return
            enc = PBEnc.atleast(lits, weights, need, top_id=self.b.nvars,
                                encoding=self.pb_enc or EncType.best)
        else:
            cap = K - base
            if cap >= total:
                return
            if cap < 0:
                self.b.clause([guard] if guard else [])
                return
            enc = PBEnc.atmost(lits, weights, cap, top_id=self.b.nvars,
                               encoding=self.pb_enc or EncType.best)
        self.b.nvars = max(self.b.nvars, enc.nv)
        for cl in enc.clauses:
            self.b.clause(cl + ([guard] if guard else []))

    # -------------------------------------------------------------- member
    def member(self, task, E, R, free_outputs=False):
        sh, b = self.shape, self.b
        n, L = sh.n, sh.L
        relu = sh.activation == Activation.RELU
        mem = {"layers": [], "V": None, "c": None}
        outputs = {}
        mi, p = self.n_members, self.param
        self.n_members += 1
        if L == 0:
            # (R E)_ji: effective code-to-readout weights.
            M = [[_dot(b, R[j], [E[r][i] for r in range(len(E))]) for i in range(self.m)]
                 for j in range(self.m_out)]
            for xi, x in enumerate(self.X):
                sup = support(x)
                for j in range(self.m_out):
                    self._output(task, xi, x, j, [M[j][i] for i in sup], outputs,
                                 free_outputs)
            return mem, outputs
        d_in = len(E)
        wdom, bdom = _rng(sh.B), _rng(sh.B_bias)
        layers = []
        prev = d_in
        for l in range(L):
            W = [[p(("W", mi, l, k, i), wdom) for i in range(prev)] for k in range(n)]
            bb = [p(("b", mi, l, k), bdom) for k in range(n)]
            layers.append((W, bb))
            prev = n
        d_out = len(R[0])
        V = [[p(("V", mi, j, k), wdom) for k in range(n)] for j in range(d_out)]
        c = [p(("c", mi, j), bdom) for j in range(d_out)]
        mem.update(layers=layers, V=V, c=c)
        if self.selectors is not None:
            self._selectors(layers[0], V)
        if self.symmetry:
            for W, bb in layers:
                for k in range(n - 1):
                    self.lex("hidden-neuron-lex", W[k] + [bb[k]], W[k + 1] + [bb[k + 1]])
            self.breaks.add("hidden-neuron-lex")
            if (self.features and self.shape.mode == Mode.EXPLICIT and task is not None
                    and feature_symmetric(task)):
                # double-lex on [W_1 | b_1]: soundness in encode/symmetry.py
                W1 = layers[0][0]
                cols = [[W1[k][i] for k in range(n)] for i in range(self.m)]
                for i in range(self.m - 1):
                    self.lex("feature-double-lex", cols[i], cols[i + 1])
                self.breaks.add("feature-double-lex")
        for W, bb in layers:
            self.nonzero += [v for row in W for v in row] + list(bb)
        self.nonzero += [v for row in V for v in row] + list(c)

        W1, b1 = layers[0]
        if self.shape.mode == Mode.EXPLICIT:
            Q = W1
        else:
            Q = [[_dot(b, W1[k], [E[r][i] for r in range(d_in)]) for i in range(self.m)]
                 for k in range(n)]
        if self.shape.mode == "explicit":
            # R = I: each _dot below folds to V[j][k] itself (1 * x is x, the
            # 0 * x terms are constants 0) and emits no clause, so this
            # shortcut gives the same CNF without the O(m'^2 n) folding work
            U, cc = V, c
        else:
            U = [[_dot(b, R[j], [V[r][k] for r in range(d_out)]) for k in range(n)]
                 for j in range(self.m_out)]
            cc = [_dot(b, R[j], c) for j in range(self.m_out)]
        act_lo, act_hi = 0, (None if relu else 1)

        # layer 1: exact prefix sums along the support, clipped at the end
        a = [[None] * n for _ in self.X]
        for k in range(n):
            exact = {(): b1[k]}

            def pre(sup):
                if sup not in exact:
                    exact[sup] = b.add(pre(sup[:-1]), Q[k][sup[-1]])
                return exact[sup]

            for xi, x in enumerate(self.X):
                sup = support(x)
                if sup in exact or len(sup) < self.s:
                    a[xi][k] = self._activate(pre(sup), relu)
                else:
                    # the longest supports are never a prefix: clip directly
                    a[xi][k] = b.add(pre(sup[:-1]), Q[k][sup[-1]], act_lo, act_hi)

        # first-layer activations per input (no clause): implied lemmas about
        # them are stated in these terms (encode/lemmas.py)
        mem["act1"] = {x: a[xi][:] for xi, x in enumerate(self.X)}
        # deeper layers
        for W, bb in layers[1:]:
            new = []
            for xi in range(len(self.X)):
                row = []
                for k in range(n):
                    terms = [self._times(W[k][r], a[xi][r], relu) for r in range(n)]
                    row.append(b.sum_full(terms + [bb[k]], act_lo, act_hi))
                new.append(row)
            a = new

        for xi, x in enumerate(self.X):
            for j in range(self.m_out):
                terms = [self._times(U[j][k], a[xi][k], relu) for k in range(n)]
                terms.append(cc[j])
                self._output(task, xi, x, j, terms, outputs, free_outputs)
        return mem, outputs

    def _selectors(self, layer, V):
        """``used_k`` per hidden neuron, for incremental search over ``n``.

        ``~used_k`` fixes neuron ``k``'s outgoing weights to 0 (it then
        contributes nothing, whatever it computes) and its incoming row
        ``(W_1[k], b_1[k])`` to the lexicographically smallest vector
        ``(-B, ..., -B, -B_bias)``. Assuming ``~used_k`` for ``k >= n`` is
        then equisatisfiable with width ``n``: drop the unused neurons of a
        model; conversely append such padding neurons to a sorted width-``n``
        network: rows stay non-increasing (the padding row is lex-minimal) and
        the feature columns keep their order (every column gains the same
        entries). See :mod:`superpos_formal.solve.incremental`.
        """
        W, bb = layer
        sh = self.shape
        for k in range(len(W)):
            u = self.b.new_var()
            self.selectors.append(u)
            for row in V:
                self.b.clause([u, -row[k].ge(1)])
                self.b.clause([u, row[k].ge(0)])
            for w in W[k]:
                self.b.clause([u, -w.ge(-sh.B + 1)])
            self.b.clause([u, -bb[k].ge(-sh.B_bias + 1)])

    def _activate(self, v, relu):
        """relu/step of an exact integer, as a view (no new variables)."""
        if relu:
            return Relu(v) if v.lo < 0 < v.hi else (v if v.lo >= 0 else Const(0))
        return self.b.bool_int(v.ge(1))

    def _times(self, w, act, relu):
        if not relu:
            if len(act.dom) == 1:
                return Const(0) if act.dom[0] == 0 else w
            return self.b.bool_times(act.ge(1), w)
        return self.b.mul(w, act)

    def _output(self, task, xi, x, j, terms, outputs, free):
        if free:
            y = self.b.new_var()
            outputs[(xi, j)] = y
            self.constrain(terms, 1, -y)
            self.constrain(terms, 0, y)
            return
        guard = None
        if self.shape.tolerance:
            guard = self.b.new_var()
            self.errors.append(guard)
        self.constrain(terms, task(x)[j], guard)

    # -------------------------------------------------------------- global
    def code_symmetry(self, E, R, family_symmetry=None):
        if (self.shape.mode == Mode.EXPLICIT or self.shape.codes != CodeKind.FREE
                or not self.symmetry):
            if family_symmetry:
                raise InputError("family_symmetry: needs free (shared) codes and symmetry on")
            return
        n = len(E)
        if family_symmetry:
            if family_symmetry not in ("features", "features+outputs"):
                raise InputError(f"family_symmetry: unknown {family_symmetry!r}")
            # double-lex with the code-coordinate order: soundness argued in
            # encode/symmetry.py ("Family symmetry")
            cols = [[E[r][i] for r in range(n)] for i in range(len(E[0]))]
            for i in range(len(cols) - 1):
                self.lex("family-features", cols[i], cols[i + 1])
            self.breaks.add("family-features")
            if family_symmetry == "features+outputs":
                for j in range(len(R) - 1):
                    self.lex("family-outputs", R[j], R[j + 1])
                self.breaks.add("family-outputs")
        self.breaks.add("code-coordinate-lex")
        self.breaks.add("code-sign")
        neg = lambda vec: [scaled(v, -1) for v in vec]
        if self.shape.L == 0:
            rows = [E[r] + [R[j][r] for j in range(len(R))] for r in range(n)]
            for r in range(n):
                self.lex("code-sign", rows[r], neg(rows[r]))
            for r in range(n - 1):
                self.lex("code-coordinate-lex", rows[r], rows[r + 1])
        else:
            for r in range(n):
                self.lex("code-sign", E[r], neg(E[r]))
            for r in range(n - 1):
                self.lex("code-coordinate-lex", E[r], E[r + 1])
            cols = [[R[j][r] for j in range(len(R))] for r in range(n)]
            for r in range(n):
                self.lex("code-sign", cols[r], neg(cols[r]))
            for r in range(n - 1):
                self.lex("code-coordinate-lex", cols[r], cols[r + 1])

    def cardinality(self, lits, k):
        """At most ``k`` of ``lits``: the sequential counter of Sinz,
        "Towards an optimal CNF encoding of Boolean cardinality constraints",
        CP 2005 (python-sat's ``EncType.seqcounter``)."""
        # pysat.card is imported where it is used, like pysat.pb above: only
        # the min-params question needs it
        from pysat.card import CardEnc, EncType

        enc = CardEnc.atmost(lits, bound=k, top_id=self.b.nvars, encoding=EncType.seqcounter)
        self.b.nvars = max(self.b.nvars, enc.nv)
        for cl in enc.clauses:
            self.b.clause(cl)

    def bound_member(self, max_nonzero):
        """The per-member bounds of the member just encoded, then reset.

        ``tolerance`` and ``max_nonzero`` bound each member on its own
        (docs/MODEL.md 3 and 9.10): the SAT check verifies every network of a
        family with the tolerance and caps its own nonzero count, so the
        UNSAT formula must bound exactly that, one cardinality constraint per
        member. A bound over all members together would be a stronger
        formula and its UNSAT would not refute the per-member question.
        Emitted right after the member's clauses, so one task gives the same
        clauses as before and a subfamily's formula extends every prefix of
        it clause for clause (the incremental family loop relies on that).
        """
        sh = self.shape
        if sh.tolerance and self.errors:
            self.cardinality(self.errors, sh.tolerance)
        if max_nonzero is not None:
            lits = []
            for v in self.nonzero:
                if len(v.dom) == 1:
                    if v.dom[0] != 0:
                        lits.append(TRUE)
                    continue
                z = self.b.new_var()
                # nonzero(v) -> z; z may be true for a zero parameter, which
                # only over-counts, so "count(z) <= P" still implies the bound.
                self.b.clause([-v.ge(1), z])
                self.b.clause([v.ge(0), z])
                lits.append(z)
            forced = lits.count(TRUE)
            lits = [l for l in lits if l != TRUE]
            if max_nonzero - forced < 0:
                self.b.clause([])
            else:
                self.cardinality(lits, max_nonzero - forced)
        self.errors, self.nonzero = [], []


def validate_question(tasks, shape):
    """Refuse (InputError) what this encoder cannot pose: ``L > 2``, an
    explicit shape without a hidden layer, members of unequal ``(m, m', s)``.
    """
    if shape.L > 2:
        raise InputError(f"L: the SAT encoder supports L <= 2 hidden layers, got {shape.L}")
    if shape.mode == Mode.EXPLICIT and shape.L == 0:
        raise InputError("L: explicit mode needs a hidden layer")
    t0 = tasks[0]
    for t in tasks:
        if (t.m, t.m_out, t.s) != (t0.m, t0.m_out, t0.s):
            raise InputError("members: tasks differ in (m, m', s)")


def resolved_sums(sums, builder):
    """The ``sums`` value that regenerates this CNF: ``"auto"`` encodes
    like ``"binary"`` and is recorded as ``"binary"`` when some output sum
    went binary, else as ``"tree"`` (then the clauses are the tree's, clause
    for clause: :meth:`~superpos_formal.encode.ints.Builder.assert_sum_binary`).

    A fresh solve asks for ``"auto"``; the claim records the resolved value,
    so a claim's options never say ``"auto"`` and the committed ``"tree"``
    claims regenerate as before.
    """
    if sums != "auto":
        return sums
    return "binary" if builder.binary_sums else "tree"


def encode_family_sat(tasks, shape, *, inputs=None, symmetry=True, max_nonzero=None,
                      sums="tree", pb_enc=None, selectors=False, family_symmetry=None,
                      fixed=None):
    """One CNF: codes shared by every task, one weight set per task.

    With ``shape.codes == "free"`` this is the family question (docs/MODEL.md
    4.3); with given codes it is the conjunction of instance questions.
    ``shape.tolerance`` and ``max_nonzero`` bound each member on its own
    (one cardinality constraint per member), as the SAT check does.

    ``family_symmetry`` (``"features"`` or ``"features+outputs"``) orders
    the shared code's feature columns (and readout rows). It is sound only
    for a claim about a whole family closed under relabelling the features
    (and the outputs), of which ``tasks`` is a subset: see
    :mod:`superpos_formal.encode.symmetry`. The caller decides that.

    ``fixed`` maps parameter keys to integers that the formula then holds as
    constants (large-neighbourhood search, :mod:`superpos_formal.solve.improve`):
    ``("E", r, i)``, ``("R", j, r)`` for codes; ``("W", member, layer, k, i)``,
    ``("b", member, layer, k)``, ``("V", member, j, k)``, ``("c", member, j)``
    for weights. Constants fold in the sum trees, so the formula only grows
    with the free part. The symmetry breaks order *free* variables and would
    wrongly exclude a fixed assignment that is not sorted, so ``fixed`` needs
    ``symmetry=False``.
    """
    tasks = list(tasks)
    if fixed and symmetry:
        raise InputError("fixed: fixing parameters needs symmetry=False (the breaks "
                         "assume every parameter is free)")
    if not tasks:
        raise InputError("members: at least one task is needed")
    validate_question(tasks, shape)
    t0 = tasks[0]
    _check_shape(shape, t0.m, t0.m_out)
    if sums not in SUM_ENCODINGS + ("auto",):
        raise InputError(f"sums: unknown sum encoding {sums!r} "
                         f"({', '.join(SUM_ENCODINGS)}, auto)")
    enc = _Enc(shape, t0.m, t0.m_out, t0.s, inputs, symmetry, sums, pb_enc, fixed)
    if selectors:
        if shape.mode != Mode.EXPLICIT or shape.L != 1 or len(tasks) != 1:
            raise InputError("selectors: incremental width search supports explicit "
                             "mode, one hidden layer, one task")
        enc.selectors = []
    E, R = _code_vars(enc.b, shape, t0.m, t0.m_out, enc.param)
    enc.code_symmetry(E, R, family_symmetry)
    members = []
    for t in tasks:
        mem, _ = enc.member(t, E, R)
        enc.bound_member(max_nonzero)
        members.append(mem)
    info = {"encoder": ENCODER_NAME, "version": ENCODER_VERSION,
            "sums": resolved_sums(sums, enc.b),
            "symmetry": bool(symmetry), "breaks": sorted(enc.breaks), "vars": enc.b.nvars,
            "clauses": len(enc.b.clauses), "inputs": len(enc.X),
            "members": len(tasks)}
    out = SatEncoding(enc.b.clauses, enc.b.nvars, info, shape, E, R, members)
    out.selectors = enc.selectors
    out.sb_ranges = enc.sb_ranges
    return out


def encode_sat(task, shape, *, inputs=None, symmetry=True, max_nonzero=None,
               sums="tree", pb_enc=None, selectors=False, fixed=None):
    """CNF for "a network of ``shape`` computes ``task``" (docs/MODEL.md 4.2).

    ``inputs`` restricts the constraints to a subset of ``X`` (for
    counterexample-guided search; UNSAT on a subset implies UNSAT on ``X``,
    since the subset's clauses are a subset of the full formula's
    constraints). ``max_nonzero`` bounds the nonzero parameters
    (``W, b, V, c``).

    Examples
    --------
    >>> from superpos_formal.tasks import and_pairs
    >>> from superpos_formal.shape import Shape
    >>> from pysat.solvers import Solver
    >>> enc = encode_sat(and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=1))
    >>> with Solver(bootstrap_with=enc.clauses) as s:
    ...     ok = s.solve(); net = enc.decode(s.get_model())
    >>> ok, [net.evaluate(x)[0] for x in [(0, 0), (1, 0), (0, 1), (1, 1)]]
    (True, [0, 0, 0, 1])
    """
    return encode_family_sat([task], shape, inputs=inputs, symmetry=symmetry,
                             max_nonzero=max_nonzero, sums=sums, pb_enc=pb_enc,
                             selectors=selectors, fixed=fixed)


def encode_architecture(m, m_out, s, shape, *, inputs=None, symmetry=True, sums="tree"):
    """CNF of an architecture with *free* outputs, for counting functions
    (and for testing many tasks on one formula under assumptions).

    ``output_lits[(i, j)]`` is equivalent to ``y_j`` at the ``i``-th input
    of ``X(m, s)`` (or of ``inputs``). Symmetry breaking removes networks,
    never functions: every network has a sorted equivalent computing the
    same function. ``sums`` as in :func:`encode_sat` (``"tree"`` or
    ``"auto"``).
    """
    if shape.L > 2:
        raise InputError(f"L: the SAT encoder supports L <= 2 hidden layers, got {shape.L}")
    if sums not in ("tree", "auto"):
        raise InputError(f"sums: encode_architecture takes 'tree' or 'auto', got {sums!r}")
    _check_shape(shape, m, m_out)
    enc = _Enc(shape, m, m_out, s, inputs, symmetry, sums, None)
    E, R = _code_vars(enc.b, shape, m, m_out)
    enc.code_symmetry(E, R)
    mem, outs = enc.member(None, E, R, free_outputs=True)
    info = {"encoder": ENCODER_NAME, "version": ENCODER_VERSION,
            "sums": resolved_sums(sums, enc.b),
            "symmetry": bool(symmetry), "vars": enc.b.nvars,
            "clauses": len(enc.b.clauses), "inputs": len(enc.X), "members": 1}
    out = SatEncoding(enc.b.clauses, enc.b.nvars, info, shape, E, R, [mem], outs)
    out.sb_ranges = enc.sb_ranges
    return out
