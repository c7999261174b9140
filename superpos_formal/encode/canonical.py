"""Constructive side of the symmetry breaks: map any solution to a sorted one.

Every symmetry break the SAT encoder emits (:mod:`superpos_formal.encode.sat`,
:mod:`superpos_formal.encode.symmetry`) is sound because *every* admissible
network (or family solution) has an equivalent one that satisfies it. This
module builds that equivalent one, so the argument can be tested against the
clauses actually emitted (``tests/symmetry_check.py``):

* :func:`canonicalise` -- one network of a shape, for the breaks of one
  instance formula (hidden-neuron lex in every layer, code signs and
  code-coordinate order for free codes, the feature double-lex of explicit
  mode for a feature-symmetric task);
* :func:`canonicalise_family` -- one network per member with shared codes,
  additionally the family relabelling orders (feature columns of ``E``,
  readout rows of ``R``) for a complete family closed under relabelling.

The result computes the same function (for a family: serves the same
members, each by some network) with the same bounds: every step is a
permutation or a negation that the soundness arguments show to be
function-preserving, and no step changes a magnitude.

Order of the steps (each argued in ``encode/sat.py``): codes first -- signs,
then coordinate order, alternating with the feature/output column order of a
family until nothing moves (double-lex, Flener et al. CP 2002: every step
strictly increases the row-major flattening of ``[E | R^T]`` or leaves it
unchanged, and the orbit is finite, so the loop ends with every order
satisfied) -- then, member by member, hidden layers ``1..L`` by their
incoming rows (sorting layer ``l`` permutes only columns of layer ``l+1``).
In explicit mode with a feature-symmetric task, ``[W_1 | b_1]`` is made
double-lex by the same loop (rows: neurons, columns: features), then the
outputs are relabelled so the network computes the task again.

Examples
--------
>>> from superpos_formal.network import Network
>>> net = Network.explicit(m=2, m_out=1, activation="step",
...                        layers=[([[0, 1], [1, 1]], [0, -1])], V=[[0, 1]], c=[0], B=1)
>>> can = canonicalise(net, {"hidden-neuron-lex"})
>>> [list(r) for r in can.layers[0][0]], list(can.V[0])
([[1, 1], [0, 1]], [1, 0])
"""

from ..domain import domain
from ..errors import InputError
from ..network import Network

__all__ = ["canonicalise", "canonicalise_family", "function_of"]


def function_of(net, s):
    """The truth table of ``net`` over ``X(m, s)`` (tuple of output tuples)."""
    return tuple(net.evaluate(x) for x in domain(net.m, s))


class _State:
    """Mutable copy of shared codes plus one member per network."""

    def __init__(self, nets):
        n0 = nets[0]
        self.proto = n0
        self.E = [list(r) for r in n0.E]
        self.R = [list(r) for r in n0.R]
        self.members = []
        for net in nets:
            self.members.append({
                "layers": [([list(r) for r in W], list(b)) for W, b in net.layers],
                "V": None if net.V is None else [list(r) for r in net.V],
                "c": None if net.c is None else list(net.c)})

    def networks(self):
        p = self.proto
        return [Network(p.mode, p.activation, self.E,
                        tuple((W, b) for W, b in mem["layers"]), mem["V"], mem["c"],
                        self.R, p.theta, p.B, p.B_bias, p.B_code)
                for mem in self.members]

    # ---------------------------------------------------------- code moves
    def negate_in(self, r):
        """Input-code coordinate ``r``: row ``E[r]`` and column ``r`` of every ``W_1``."""
        self.E[r] = [-v for v in self.E[r]]
        for mem in self.members:
            if mem["layers"]:
                for row in mem["layers"][0][0]:
                    row[r] = -row[r]

    def permute_in(self, order):
        """New input-code coordinate ``i`` is old coordinate ``order[i]``."""
        self.E = [self.E[o] for o in order]
        for mem in self.members:
            if mem["layers"]:
                W, b = mem["layers"][0]
                mem["layers"][0] = ([[row[o] for o in order] for row in W], b)

    def negate_out(self, r):
        """Output-code coordinate ``r``: column ``R[:, r]``, row ``V[r]``, ``c[r]``."""
        for row in self.R:
            row[r] = -row[r]
        for mem in self.members:
            if mem["V"] is not None:
                mem["V"][r] = [-v for v in mem["V"][r]]
                mem["c"][r] = -mem["c"][r]

    def permute_out(self, order):
        self.R = [[row[o] for o in order] for row in self.R]
        for mem in self.members:
            if mem["V"] is not None:
                mem["V"] = [mem["V"][o] for o in order]
                mem["c"] = [mem["c"][o] for o in order]


def _desc_order(vectors):
    """Indices sorting ``vectors`` into non-increasing lex order (stable)."""
    return sorted(range(len(vectors)), key=lambda k: vectors[k], reverse=True)


def _is_identity(order):
    return all(i == o for i, o in enumerate(order))


def _neg(vec):
    return [-v for v in vec]


def _sort_codes(st, L, features, outputs):
    """Code signs and coordinate order (+ family column orders) to a fixpoint."""
    n = len(st.E)
    for _ in range(10_000):
        moved = False
        if L == 0:
            rows = lambda: [st.E[r] + [row[r] for row in st.R] for r in range(n)]
            for r, row in enumerate(rows()):
                if _neg(row) > row:
                    # one coordinate: negating it in E and R leaves R E x unchanged
                    st.E[r] = _neg(st.E[r])
                    for rr in st.R:
                        rr[r] = -rr[r]
                    moved = True
            order = _desc_order(rows())
            if not _is_identity(order):
                st.E = [st.E[o] for o in order]
                st.R = [[row[o] for o in order] for row in st.R]
                moved = True
        else:
            for r in range(n):
                if _neg(st.E[r]) > st.E[r]:
                    st.negate_in(r)
                    moved = True
            order = _desc_order(st.E)
            if not _is_identity(order):
                st.permute_in(order)
                moved = True
            cols = lambda: [[row[r] for row in st.R] for r in range(n)]
            for r, col in enumerate(cols()):
                if _neg(col) > col:
                    st.negate_out(r)
                    moved = True
            order = _desc_order(cols())
            if not _is_identity(order):
                st.permute_out(order)
                moved = True
        if features:
            fcols = [[st.E[r][i] for r in range(n)] for i in range(len(st.E[0]))]
            order = _desc_order(fcols)
            if not _is_identity(order):
                st.E = [[row[o] for o in order] for row in st.E]
                moved = True
        if outputs:
            order = _desc_order(st.R)
            if not _is_identity(order):
                st.R = [st.R[o] for o in order]
                moved = True
        if not moved:
            return
    raise AssertionError("code canonicalisation did not reach a fixpoint")  # pragma: no cover


def _permute_neurons(mem, l, order):
    """Reorder the neurons of hidden layer ``l`` (rows of ``W_l``, ``b_l``)
    and the matching columns of the next layer's matrix."""
    W, b = mem["layers"][l]
    mem["layers"][l] = ([W[o] for o in order], [b[o] for o in order])
    if l + 1 < len(mem["layers"]):
        W2, b2 = mem["layers"][l + 1]
        mem["layers"][l + 1] = ([[row[o] for o in order] for row in W2], b2)
    else:
        mem["V"] = [[row[o] for o in order] for row in mem["V"]]


def _sort_neurons(mem):
    for l in range(len(mem["layers"])):
        W, b = mem["layers"][l]
        order = _desc_order([W[k] + [b[k]] for k in range(len(W))])
        _permute_neurons(mem, l, order)


def _double_lex_first_layer(mem):
    """Rows (neurons, with bias) and feature columns of ``[W_1 | b_1]``."""
    for _ in range(10_000):
        W, b = mem["layers"][0]
        order = _desc_order([W[k] + [b[k]] for k in range(len(W))])
        moved = not _is_identity(order)
        _permute_neurons(mem, 0, order)
        W, b = mem["layers"][0]
        cols = [[W[k][i] for k in range(len(W))] for i in range(len(W[0]))]
        order = _desc_order(cols)
        if not _is_identity(order):
            mem["layers"][0] = ([[row[o] for o in order] for row in W], b)
            moved = True
        if not moved:
            return
    raise AssertionError("double-lex did not reach a fixpoint")  # pragma: no cover


def _relabel_outputs(net, task):
    """Permute the output units of an explicit network so it computes ``task``.

    The network computes ``task`` up to a permutation of the output columns
    (feature symmetry); match the columns of the truth tables.
    """
    got = function_of(net, task.s)
    want = task.outputs
    m_out = len(want[0])
    cols = {}
    for j in range(m_out):
        cols.setdefault(tuple(y[j] for y in got), []).append(j)
    perm = []
    for j in range(m_out):
        key = tuple(y[j] for y in want)
        if not cols.get(key):
            raise InputError("canonicalise: the task is not feature-symmetric "
                             "(no output of the relabelled network matches)")
        perm.append(cols[key].pop(0))
    V = [net.V[p] for p in perm]
    c = [net.c[p] for p in perm]
    return Network(net.mode, net.activation, net.E, net.layers, V, c, net.R,
                   net.theta, net.B, net.B_bias, net.B_code)


def canonicalise(net, breaks, task=None):
    """An equivalent network satisfying the instance breaks named in ``breaks``.

    Parameters
    ----------
    net : Network
    breaks : set of str
        The encoding's break names (``info["breaks"]``): ``hidden-neuron-lex``,
        ``code-sign``, ``code-coordinate-lex``, ``feature-double-lex``.
    task : Task, optional
        Needed for ``feature-double-lex`` (the outputs are relabelled to match
        it again).

    Returns
    -------
    Network
        Same function (or, with ``feature-double-lex``, the same ``task``),
        same bounds.
    """
    breaks = set(breaks)
    unknown = breaks - {"hidden-neuron-lex", "code-sign", "code-coordinate-lex",
                        "feature-double-lex"}
    if unknown:
        raise InputError(f"canonicalise: break {sorted(unknown)[0]!r} is not an "
                         f"instance break (use canonicalise_family)")
    st = _State([net])
    if breaks & {"code-sign", "code-coordinate-lex"}:
        _sort_codes(st, net.depth, False, False)
    mem = st.members[0]
    if "feature-double-lex" in breaks:
        if task is None:
            raise InputError("canonicalise: feature-double-lex needs the task")
        _double_lex_first_layer(mem)
    if "hidden-neuron-lex" in breaks:
        _sort_neurons(mem)
    out = st.networks()[0]
    if "feature-double-lex" in breaks:
        out = _relabel_outputs(out, task)
    return out


def canonicalise_family(nets, members, breaks):
    """Shared-code solution ``nets`` (one per member task) -> a sorted one.

    With ``family-features``/``family-outputs`` the relabelled codes serve
    relabelled members; the family is closed under that relabelling, so each
    member task is again computed by one of the new networks, which are
    returned in the order of ``members``. An :class:`InputError` says which
    member is left without one (the family is then not closed).
    """
    breaks = set(breaks)
    unknown = breaks - {"hidden-neuron-lex", "code-sign", "code-coordinate-lex",
                        "family-features", "family-outputs"}
    if unknown:
        raise InputError(f"canonicalise_family: unknown break {sorted(unknown)[0]!r}")
    if len(nets) != len(members) or not nets:
        raise InputError("canonicalise_family: one network per member is needed")
    st = _State(nets)
    if breaks & {"code-sign", "code-coordinate-lex", "family-features", "family-outputs"}:
        _sort_codes(st, nets[0].depth, "family-features" in breaks,
                    "family-outputs" in breaks)
    if "hidden-neuron-lex" in breaks:
        for mem in st.members:
            _sort_neurons(mem)
    new = st.networks()
    s = members[0].s
    by_fn = {}
    for net in new:
        by_fn.setdefault(function_of(net, s), net)
    out = []
    for i, t in enumerate(members):
        if t.outputs not in by_fn:
            raise InputError(f"canonicalise_family: no relabelled network computes "
                             f"member {i} ({t.name}); the family is not closed")
        out.append(by_fn[t.outputs])
    return out
