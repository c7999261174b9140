"""Task symmetries that justify symmetry breaks (docs/MODEL.md 5).

The hidden-neuron and code-coordinate breaks need no property of the task;
their arguments are in :mod:`superpos_formal.encode.sat`. The break here
needs one: the *feature* symmetry of a task.

A task is *feature-symmetric* when for every permutation ``sigma`` of the
input features there is a relabelling of the outputs ``tau`` with
``f(sigma x) = tau f(x)`` on all of ``X`` (``uand`` and ``identity`` are;
a random pair set usually is not). Since adjacent transpositions generate the
symmetric group, it suffices to check each of them; the check compares the
multisets of output columns, exactly.

Double-lex (Flener, Frisch, Hnich, Kiziltan, Miguel, Pearson, Walsh,
"Breaking row and column symmetries in matrix models", CP 2002): in explicit
mode the first-layer matrix ``[W_1 | b_1]`` then has interchangeable rows
(hidden neurons) and interchangeable first ``m`` columns (features; the
outputs are relabelled by ``tau`` and ``V``, ``c`` are permuted with them).
Take, in the orbit of a solution under both groups, the element whose
row-major flattening of ``[W_1 | b_1]`` is lexicographically largest. Its rows
are non-increasing (swapping two out-of-order rows would increase the
flattening) and so are its first ``m`` columns (at the first row where two
out-of-order columns differ, swapping them increases that row and leaves the
rows above unchanged). So requiring both orders keeps at least one network
of every orbit: the break is sound. Deeper layers are sorted afterwards by
their own rows, which touches neither ``W_1`` nor ``b_1``.

Family symmetry (the family question, shared free codes). A family ``F``
is *closed under feature relabelling* when ``f o sigma`` is in ``F`` for
every member ``f`` and permutation ``sigma`` of the inputs, output slot by
output slot, and *under output relabelling* when ``tau o f`` is in ``F`` for
every permutation ``tau`` of the output slots. All permutations of ``m``
features are closed under both (``x_{pi(j)}`` becomes ``x_{sigma pi(j)}``,
resp. slot ``tau(j)``). The pair-set family is not, as the toolkit lays
out its outputs (slot ``j`` holds the ``j``-th pair in sorted order, and
relabelling the features reorders the pairs), except for ``m' = 1``, which
is closed under feature relabelling. If a
shared code ``(E, R)`` serves ``F``, then ``(E sigma, tau R)`` (columns of
``E`` and rows of ``R`` permuted) serves the relabelled family, which is
``F`` again. So "some code serves ``F``" implies "some code whose feature
columns (and readout rows) are lexicographically sorted serves ``F``", and
with it every subset ``S`` of ``F``. Hence UNSAT for a subfamily ``S`` *with*
the order constraints still refutes ``F``; the claim is about ``F``, never
about ``S`` alone, and the order is never used for a sample of a family
(a sample is not closed). The order combines with the code-coordinate
order and signs by the double-lex argument above, applied to ``E`` (rows:
code coordinates with signs; columns: features) and to ``R^T`` (rows:
output coordinates with signs; columns: outputs): the orbit element with
the lexicographically largest row-major flattening of ``E``, then of
``R^T``, satisfies all of them (negating a row whose first nonzero entry is
negative increases the flattening too).
"""

from collections import Counter

__all__ = ["feature_symmetric", "family_symmetry_of"]


def family_symmetry_of(family):
    """The relabelling closure of a *complete* built-in family, or None.

    >>> from superpos_formal.tasks import permutation_family, pair_set_family
    >>> family_symmetry_of(permutation_family(3)), family_symmetry_of(pair_set_family(4, 1))
    ('features+outputs', 'features')
    >>> family_symmetry_of(pair_set_family(4, 2)) is None
    True
    """
    if family.is_sample:
        return None
    if family.kind == "permutations":
        return "features+outputs"
    if family.kind == "pair_sets" and family.m_out == 1:
        return "features"
    return None


def feature_symmetric(task):
    """True if ``task`` is invariant (up to output relabelling) under every
    permutation of its input features.

    >>> from superpos_formal.tasks import uand, and_pairs, identity
    >>> feature_symmetric(uand(4)), feature_symmetric(identity(3))
    (True, True)
    >>> feature_symmetric(and_pairs(4, [(0, 1), (2, 3)]))
    False
    """
    X = task.inputs
    index = {x: i for i, x in enumerate(X)}
    cols = Counter(tuple(task.outputs[i][j] for i in range(len(X))) for j in range(task.m_out))
    for a in range(task.m - 1):
        perm = []
        for x in X:
            y = list(x)
            y[a], y[a + 1] = y[a + 1], y[a]
            perm.append(index[tuple(y)])
        moved = Counter(tuple(task.outputs[perm[i]][j] for i in range(len(X)))
                        for j in range(task.m_out))
        if moved != cols:
            return False
    return True
