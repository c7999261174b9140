"""Task symmetries that justify symmetry breaks (MODEL.md section 5).

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
"""

from collections import Counter

__all__ = ["feature_symmetric"]


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
