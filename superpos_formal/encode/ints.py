"""Bounded integers in CNF: the order encoding and the sums and products
built on it.

Encoding (Crawford & Baker 1994; Tamura, Taga, Kitagawa, Banbara, "Compiling
finite linear CSP into SAT", Constraints 14, 2009 -- the *order encoding*):
an integer ``x`` with finite domain ``D = {d_0 < d_1 < ... < d_k}`` gets one
literal ``[x >= d_i]`` for ``i = 1..k`` and the chain ``[x >= d_{i+1}] ->
[x >= d_i]``. ``[x >= v]`` for any other ``v`` is the literal of the next
domain value (TRUE below ``d_0``, FALSE above ``d_k``). Every model of the
chain is exactly one value of ``D``.

On top of it:

* :class:`Scaled`, :class:`Relu`: views, no new variables
  (``[c x >= v] = [x >= ceil(v / c)]`` for ``c > 0``; ``[relu(x) >= v] =
  [x >= v]`` for ``v >= 1``).
* :meth:`Builder.add` -- ``z = a + b`` with both directions (the totalizer
  of Bailleux & Boufkhad 2003 generalised to integer domains, the "support"
  clauses of Tamura et al.), optionally *clipped* to ``[lo, hi]``
  (``z = min(hi, max(lo, a + b))``), which keeps intermediate domains as
  small as the consumer needs.
* :meth:`Builder.bool_times` -- ``h * a`` for a Boolean ``h``.
* :meth:`Builder.mul` -- ``a * b`` by the direct (support) encoding of the
  product table: ``[a = u] & [b = v] -> [z = u v]``.
* :meth:`Builder.assert_sum` -- ``sum(terms) >= K`` or ``<= K``, optionally
  guarded, with a *one-directional* clipped tree: only the implications
  needed for that direction are written, which is sound and complete for
  the assertion (argued at the function).

Literal convention: DIMACS ints; variable 1 is the constant TRUE (a unit
clause), so ``TRUE = 1`` and ``FALSE = -1`` can appear anywhere and are
simplified away when clauses are added.

Examples
--------
>>> b = Builder()
>>> x = b.int_var([-1, 0, 1, 2]); y = b.int_var([0, 3])
>>> z = b.add(x, y)
>>> z.dom
[-1, 0, 1, 2, 3, 4, 5]
>>> from pysat.solvers import Solver
>>> with Solver(bootstrap_with=b.clauses + [[x.ge(2)], [y.ge(3)]]) as s:
...     s.solve(), z.value(s.get_model())
(True, 5)
"""

from bisect import bisect_left

__all__ = ["Builder", "IntVar", "Const", "Scaled", "Relu", "TRUE", "FALSE", "WIDE_NODE"]

TRUE = 1
FALSE = -1
#: :meth:`Builder.assert_sum_binary` merges two order-encoded nodes while
#: ``|D(a)| |D(b)|`` (the clauses of the merge) is at most this, and adds the
#: rest in binary. Part of the ``sums="binary"`` encoding: changing it
#: changes that option's CNF (bump ENCODER_VERSION or add a new option).
WIDE_NODE = 1024


class IntExpr:
    """An order-encoded integer: ``dom`` (sorted) and ``ge(v)``."""

    dom = ()

    @property
    def lo(self):
        return self.dom[0]

    @property
    def hi(self):
        return self.dom[-1]

    def ge(self, v):  # pragma: no cover - abstract
        raise NotImplementedError

    def le(self, v):
        return -self.ge(v + 1)

    def value(self, model):
        """Decode from a model given as a list/set of true literals."""
        truth = model if isinstance(model, (set, frozenset)) else set(model)
        best = self.dom[0]
        for v in self.dom[1:]:
            lit = self.ge(v)
            if lit == TRUE or lit in truth:
                best = v
            else:
                break
        return best


class IntVar(IntExpr):
    """An integer with its own order literals (``lits[i]`` is ``[x >= dom[i+1]]``)."""

    __slots__ = ("dom", "lits")

    def __init__(self, dom, lits):
        self.dom = dom
        self.lits = lits

    def ge(self, v):
        dom = self.dom
        if v <= dom[0]:
            return TRUE
        if v > dom[-1]:
            return FALSE
        return self.lits[bisect_left(dom, v) - 1]



class Const(IntExpr):
    __slots__ = ("dom",)

    def __init__(self, v):
        self.dom = [v]

    def ge(self, v):
        return TRUE if v <= self.dom[0] else FALSE


class Scaled(IntExpr):
    """``c * x + k`` as a view of ``x``."""

    __slots__ = ("x", "c", "k", "dom")

    def __init__(self, x, c, k=0):
        if c == 0:
            raise ValueError("scale by 0: use Const")
        self.x, self.c, self.k = x, c, k
        self.dom = sorted(c * v + k for v in x.dom)

    def ge(self, v):
        # c x + k >= v  <=>  x >= ceil((v-k)/c)        (c > 0)
        #               <=>  x <= floor((v-k)/c)        (c < 0)
        w = v - self.k
        if self.c > 0:
            return self.x.ge(-((-w) // self.c))
        return -self.x.ge(w // self.c + 1)


class Relu(IntExpr):
    """``max(0, x)`` as a view."""

    __slots__ = ("x", "dom")

    def __init__(self, x):
        self.x = x
        self.dom = sorted({0} | {v for v in x.dom if v > 0})

    def ge(self, v):
        return TRUE if v <= 0 else self.x.ge(v)


def scaled(x, c, k=0):
    """``c * x + k``; constants fold."""
    if c == 0 or len(x.dom) == 1:
        return Const(c * x.dom[0] + k)
    if c == 1 and k == 0:
        return x
    return Scaled(x, c, k)


class Builder:
    """Collects clauses over fresh variables; variable 1 is constant TRUE."""

    def __init__(self):
        self.nvars = 1
        self.clauses = [[TRUE]]
        #: output sums that :meth:`assert_sum_binary` finished in binary
        self.binary_sums = 0

    # ------------------------------------------------------------ basics
    def new_var(self):
        self.nvars += 1
        return self.nvars

    def clause(self, lits):
        """Add a clause, simplifying the constants away."""
        out = []
        for l in lits:
            if l == TRUE:
                return
            if l != FALSE:
                out.append(l)
        self.clauses.append(out)

    def int_var(self, dom):
        """A fresh order-encoded integer over ``dom`` (any iterable of ints)."""
        dom = sorted(set(dom))
        lits = [self.new_var() for _ in dom[1:]]
        for a, b in zip(lits, lits[1:]):
            self.clauses.append([-b, a])
        return IntVar(dom, lits)

    def bool_int(self, h):
        """The 0/1 integer of literal ``h``."""
        if h == TRUE:
            return Const(1)
        if h == FALSE:
            return Const(0)
        return IntVar([0, 1], [h])

    def and_lit(self, a, b):
        """A literal equivalent to ``a AND b``."""
        if a == FALSE or b == FALSE:
            return FALSE
        if a == TRUE:
            return b
        if b == TRUE:
            return a
        if a == b:
            return a
        if a == -b:
            return FALSE
        z = self.new_var()
        self.clauses += [[-z, a], [-z, b], [z, -a, -b]]
        return z

    # ------------------------------------------------------------ arithmetic
    def add(self, a, b, lo=None, hi=None):
        """``z = clip(a + b, lo, hi)``, both directions.

        Clauses: for every ``u in D(a), v in D(b)``:
        ``[a>=u] & [b>=v] -> [z>=clip(u+v)]`` (lower bounds add up) and
        ``[a<=u] & [b<=v] -> [z<=clip(u+v)]`` (upper bounds add up). Together
        with the order chains they fix ``z`` to exactly ``clip(a+b)``.
        """
        if len(a.dom) == 1 and len(b.dom) == 1:
            return Const(_clip(a.dom[0] + b.dom[0], lo, hi))
        if len(b.dom) == 1:
            a, b = b, a
        if len(a.dom) == 1 and lo is None and hi is None:
            return scaled(b, 1, a.dom[0])
        z = self.int_var(_clip(u + v, lo, hi) for u in a.dom for v in b.dom)
        self._lower(a, b, z, lo, hi)
        self._upper(a, b, z, lo, hi)
        return z

    def _lower(self, a, b, z, lo, hi):
        cl = self.clause
        for u in a.dom:
            au = a.ge(u)
            for v in b.dom:
                cl([-au, -b.ge(v), z.ge(_clip(u + v, lo, hi))])

    def _upper(self, a, b, z, lo, hi):
        cl = self.clause
        for u in a.dom:
            au = a.ge(u + 1)
            for v in b.dom:
                cl([au, b.ge(v + 1), -z.ge(_clip(u + v, lo, hi) + 1)])

    def bool_times(self, h, a):
        """``z = h * a`` for a literal ``h`` and an integer ``a``.

        ``[z >= v]`` is ``h & [a >= v]`` for ``v > 0`` and ``~h | [a >= v]``
        for ``v <= 0``; each is one defined literal.
        """
        if h == TRUE:
            return a
        if h == FALSE or (len(a.dom) == 1 and a.dom[0] == 0):
            return Const(0)
        dom = sorted(set(a.dom) | {0})
        lits = []
        for v in dom[1:]:
            if v > 0:
                lits.append(self.and_lit(h, a.ge(v)))
            else:
                lits.append(-self.and_lit(h, -a.ge(v)))
        z = IntVar(dom, lits)
        return z

    def mul(self, a, b):
        """``z = a * b`` by the support encoding of the product table."""
        if len(a.dom) == 1:
            return scaled(b, a.dom[0])
        if len(b.dom) == 1:
            return scaled(a, b.dom[0])
        z = self.int_var(u * v for u in a.dom for v in b.dom)
        cl = self.clause
        for u in a.dom:
            au, an = a.ge(u), a.ge(u + 1)
            for v in b.dom:
                bu, bn = b.ge(v), b.ge(v + 1)
                p = u * v
                # [a = u] & [b = v] -> [z >= p] and -> [z <= p]
                cl([-au, an, -bu, bn, z.ge(p)])
                cl([-au, an, -bu, bn, -z.ge(p + 1)])
        return z

    def sum_full(self, terms, lo=None, hi=None):
        """``clip(sum(terms), lo, hi)`` with both directions, as a tree.

        Intermediate nodes are exact (clipping only at the root is the safe
        choice for a value used in both directions).
        """
        terms, const = _split_consts(terms)
        if not terms:
            return Const(_clip(const, lo, hi))
        if const:
            terms.append(Const(const))
        nodes = sorted(terms, key=lambda t: len(t.dom))
        while len(nodes) > 2:
            a, b = nodes.pop(0), nodes.pop(0)
            nodes.append(self.add(a, b))
            nodes.sort(key=lambda t: len(t.dom))
        if len(nodes) == 1:
            x = nodes[0]
            if lo is None and hi is None:
                return x
            return self.add(x, Const(0), lo, hi) if len(x.dom) > 1 else Const(_clip(x.dom[0], lo, hi))
        return self.add(nodes[0], nodes[1], lo, hi)

    def assert_sum(self, terms, op, K, guard=None, widest_first=False):
        """Assert ``sum(terms) >= K`` (``op='>='``) or ``<= K`` (``op='<='``),
        or, with ``guard``, ``guard OR (...)``.

        ``widest_first``: the first merge takes the two widest terms (the
        first two of them in the given order) instead of the two narrowest;
        later merges are as usual. Used by ``sums="tree-sym"``
        (:mod:`superpos_formal.encode.sat`).

        One-directional clipped tree. For ``>=``, every node ``P`` gets only
        the *upper-bound* clauses ``[a<=u] & [b<=v] -> [P<=u+v]``, so in every
        model ``P``'s literals never claim more than the true sum of its
        leaves; asserting ``[root >= K]`` therefore forces the true sum to be
        ``>= K`` (sound). Conversely the true values satisfy every clause
        (complete). A node's domain is clipped to ``[K - max(rest) - 1,
        K - min(rest)]`` where ``rest`` is the sum of the leaves outside it:
        above the top the assertion holds whatever the rest is, below the
        bottom it fails whatever the rest is, so merging those values changes
        no answer. ``<=`` is the mirror image.
        """
        terms, const = _split_consts(terms)
        K = K - const
        g = [] if guard is None else [guard]
        total_lo = sum(t.lo for t in terms)
        total_hi = sum(t.hi for t in terms)
        if op == ">=":
            if total_lo >= K:
                return
            if total_hi < K:
                self.clause(g)
                return
        elif op == "<=":
            if total_hi <= K:
                return
            if total_lo > K:
                self.clause(g)
                return
        else:
            raise ValueError(op)
        if len(terms) == 1:
            t = terms[0]
            self.clause(g + ([t.ge(K)] if op == ">=" else [-t.ge(K + 1)]))
            return
        nodes = sorted(terms, key=lambda t: -len(t.dom) if widest_first else len(t.dom))
        while len(nodes) > 1:
            self._merge_two(nodes, op, K, total_lo, total_hi)
        root = nodes[0]
        self.clause(g + ([root.ge(K)] if op == ">=" else [-root.ge(K + 1)]))

    def _merge_two(self, nodes, op, K, total_lo, total_hi):
        """One step of the sum tree: replace the first two ``nodes`` by their
        clipped one-directional sum node and keep ``nodes`` sorted by domain
        size (the clipping window is what the other terms can still add;
        the argument is :meth:`assert_sum`'s)."""
        a, b = nodes.pop(0), nodes.pop(0)
        rest_lo, rest_hi = total_lo - a.lo - b.lo, total_hi - a.hi - b.hi
        if op == ">=":
            lo, hi = K - rest_hi - 1, K - rest_lo
        else:
            lo, hi = K - rest_hi, K - rest_lo + 1
        z = self.int_var(_clip(u + v, lo, hi) for u in a.dom for v in b.dom)
        if op == ">=":
            self._upper(a, b, z, lo, hi)
        else:
            self._lower(a, b, z, lo, hi)
        nodes.append(z)
        nodes.sort(key=lambda t: len(t.dom))

    # ------------------------------------------------------------ binary sums
    def assert_sum_binary(self, terms, op, K, guard=None, wide=WIDE_NODE):
        """:meth:`assert_sum` whose *wide* nodes are added in binary.

        The order tree's node costs ``|D(a)| |D(b)|`` clauses, which is what
        makes wide sums (a second hidden layer's ReLU outputs times weights)
        huge. Here the tree merges its two narrowest nodes exactly as
        :meth:`assert_sum` does while ``|D(a)| |D(b)| <= wide``; once the
        next merge would be wider, every remaining node ``t`` is converted to
        the binary digits of ``t - lo(t)`` (:meth:`offset_bits`), the digit
        vectors are added by ripple-carry adders (:meth:`add_bits`, exact in
        both directions), and the total is compared with the constant
        ``K - sum lo(t)`` (:meth:`assert_bits`).

        Sound and complete by the argument of :meth:`assert_sum`: the order
        nodes built before the switch are the same one-directional clipped
        nodes (for ``>=`` a node never claims more than its clipped true
        value), the conversion and the adders are exact functions of the
        nodes' values, and the comparison is exact. When no merge is wider
        than ``wide`` no digit is made and the clauses are exactly those of
        :meth:`assert_sum` (tested), so the option only changes wide sums.
        """
        terms, const = _split_consts(terms)
        K = K - const
        g = [] if guard is None else [guard]
        total_lo = sum(t.lo for t in terms)
        total_hi = sum(t.hi for t in terms)
        if op not in (">=", "<="):
            raise ValueError(op)
        if op == ">=" and (total_lo >= K or total_hi < K) or (
                op == "<=" and (total_hi <= K or total_lo > K)) or len(terms) == 1:
            self.assert_sum(terms, op, K, guard)
            return
        nodes = sorted(terms, key=lambda t: len(t.dom))
        while len(nodes) > 1 and len(nodes[0].dom) * len(nodes[1].dom) <= wide:
            self._merge_two(nodes, op, K, total_lo, total_hi)
        if len(nodes) == 1:
            root = nodes[0]
            self.clause(g + ([root.ge(K)] if op == ">=" else [-root.ge(K + 1)]))
            return
        self.binary_sums += 1
        # the nodes' own bounds (clipped ones differ from the leaves')
        base = sum(t.lo for t in nodes)
        vecs = sorted((self.offset_bits(t) for t in nodes), key=len)
        while len(vecs) > 1:
            vecs.append(self.add_bits(vecs.pop(0), vecs.pop(0)))
            vecs.sort(key=len)
        self.assert_bits(vecs[0], op, K - base, g)

    def offset_bits(self, t):
        """The binary digits (least significant first) of ``t - lo(t)``.

        Digit ``i`` is constant on runs of consecutive domain values; a run
        ``d_p .. d_q`` gives ``[t >= d_p] & ~[t >= d_{q+1}] -> (+/-) digit``.
        The runs cover the domain, so each digit is a function of ``t``
        (about ``2 (hi - lo)`` clauses in all, against ``|D|^2`` for an
        order-encoded sum node).
        """
        dom, lo = t.dom, t.lo
        width = (t.hi - lo).bit_length()
        bits = []
        for i in range(width):
            vals = [((v - lo) >> i) & 1 for v in dom]
            if all(vals) or not any(vals):
                bits.append(TRUE if vals[0] else FALSE)
                continue
            d = self.new_var()
            p = 0
            while p < len(dom):
                q = p
                while q + 1 < len(dom) and vals[q + 1] == vals[p]:
                    q += 1
                nxt = t.ge(dom[q + 1]) if q + 1 < len(dom) else FALSE
                self.clause([-t.ge(dom[p]), nxt, d if vals[p] else -d])
                p = q + 1
            bits.append(d)
        return bits

    def xor_lit(self, a, b):
        """A literal equivalent to ``a XOR b``."""
        if a in (TRUE, FALSE):
            return b if a == FALSE else -b
        if b in (TRUE, FALSE):
            return a if b == FALSE else -a
        if a == b:
            return FALSE
        if a == -b:
            return TRUE
        z = self.new_var()
        self.clauses += [[-z, a, b], [-z, -a, -b], [z, -a, b], [z, a, -b]]
        return z

    def full_add(self, a, b, c):
        """``(sum, carry)`` literals of one binary digit position."""
        ins = [a, b, c]
        ones = ins.count(TRUE)
        free = [x for x in ins if x not in (TRUE, FALSE)]
        if len(free) < 3:
            if not free:
                return (TRUE if ones & 1 else FALSE), (TRUE if ones >= 2 else FALSE)
            if len(free) == 1:
                x = free[0]
                return (-x if ones & 1 else x), (FALSE, x, TRUE)[ones]
            x, y = free
            s = self.xor_lit(x, y)
            if ones:
                return -s, -self.and_lit(-x, -y)
            return s, self.and_lit(x, y)
        s, cy = self.new_var(), self.new_var()
        self.clauses += [[-s, a, b, c], [-s, a, -b, -c], [-s, -a, b, -c], [-s, -a, -b, c],
                         [s, -a, -b, -c], [s, -a, b, c], [s, a, -b, c], [s, a, b, -c],
                         [-cy, a, b], [-cy, a, c], [-cy, b, c],
                         [cy, -a, -b], [cy, -a, -c], [cy, -b, -c]]
        return s, cy

    def add_bits(self, xs, ys):
        """Ripple-carry sum of two unsigned digit vectors (exact)."""
        out, carry = [], FALSE
        for i in range(max(len(xs), len(ys))):
            a = xs[i] if i < len(xs) else FALSE
            b = ys[i] if i < len(ys) else FALSE
            s, carry = self.full_add(a, b, carry)
            out.append(s)
        out.append(carry)
        while len(out) > 1 and out[-1] == FALSE:
            out.pop()
        return out

    def assert_bits(self, bits, op, K, g=()):
        """``g OR (S >= K)`` (or ``<= K``) for the unsigned number ``S``
        with digits ``bits``: ``S < K`` exactly when some position ``i`` has
        ``K_i = 1``, ``s_i = 0`` and ``s_j = K_j`` above it, so one clause
        per such ``i`` rules it out (the mirror image for ``<=``)."""
        g = list(g)
        w = len(bits)
        if op == ">=":
            if K <= 0:
                return
            if K >= 1 << w:
                self.clause(g)
                return
        else:
            if K < 0:
                self.clause(g)
                return
            if K >= (1 << w) - 1:
                return
        want = 1 if op == ">=" else 0
        for i in range(w):
            if (K >> i) & 1 != want:
                continue
            cl = [bits[i] if want else -bits[i]]
            for j in range(i + 1, w):
                cl.append(-bits[j] if (K >> j) & 1 else bits[j])
            self.clause(g + cl)

    # ------------------------------------------------------------ orders
    def lex_geq(self, xs, ys):
        """``xs >=_lex ys`` for equal-length lists of integers.

        ``e_p`` means "the first ``p`` positions are equal". ``e_0`` holds;
        ``e_p -> xs[p] >= ys[p]``; and ``e_p & ~e_{p+1} -> xs[p] > ys[p]``
        (through witnesses ``g_v -> [x >= v] & [y < v]``), so ``e_{p+1}``
        is forced while the prefix stays equal.
        """
        e = TRUE
        for p, (x, y) in enumerate(zip(xs, ys)):
            vals = sorted(set(x.dom) | set(y.dom))
            for v in vals:
                self.clause([-e, -y.ge(v), x.ge(v)])
            if p == len(xs) - 1:
                break
            e_next = self.new_var()
            wit = []
            for v in vals:
                xv, yv = x.ge(v), y.ge(v)
                if xv == FALSE or yv == TRUE:
                    continue
                gv = self.new_var()
                self.clause([-gv, xv])
                self.clause([-gv, -yv])
                wit.append(gv)
            self.clause([-e, e_next] + wit)
            e = e_next


def _clip(v, lo, hi):
    if lo is not None and v < lo:
        return lo
    if hi is not None and v > hi:
        return hi
    return v


def _split_consts(terms):
    out, const = [], 0
    for t in terms:
        if len(t.dom) == 1:
            const += t.dom[0]
        else:
            out.append(t)
    return out, const
