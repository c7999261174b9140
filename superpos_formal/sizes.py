"""Size estimates that refuse a question before anything is allocated.

A SAT encoding of "a network of this shape computes this task" has, for
every input ``x`` and every neuron (hidden or output), order-encoded
integers whose domains grow with the weight bound: a pre-activation of a
neuron with bound ``B`` on ``s + 1`` inputs lies in a range of
``D = 2 max(B, B_bias, B_code) (s + 1) + 1`` values (``B_code`` only
where the codes are variables: superposed mode, free codes), and each
weight-times-value product costs about ``D`` clauses per weight value. So
the clause count is estimated as

    |X| * (m' + n) * n * L * D^2 * max(B, 1)

Fitted against ``encode_sat`` on universal AND (relu, explicit, measured
on this project's machine): ``m = 4, n = 2``: B = 2: 30,362 clauses
(estimate 59,488), B = 4: 218,938 (475,904), B = 6: 826,202 (1,447,936),
B = 8: 2,243,630 (3,380,352); ``m = 8, n = 3, B = 2``: 1,302,680
(1,164,384). The estimate is within a small factor of the truth (an over-
estimate for step activations), which is all a refusal of sizes that are
off by orders of magnitude needs; questions under the limit are bounded
by the solver process's memory cap instead
(:data:`superpos_formal.solve.runner.DEFAULT_MEMORY_MB`).

Examples
--------
>>> from superpos_formal.shape import Shape
>>> estimate_clauses(11, 4, 6, 2, Shape("explicit", "relu", n=2, B=2))
59488
"""

from .errors import InputError

__all__ = ["estimate_clauses", "check_encoding_size", "MAX_ESTIMATED_CLAUSES",
           "BYTES_PER_CLAUSE"]

#: Largest estimated encoding accepted (about 30 GB of clauses at
#: :data:`BYTES_PER_CLAUSE`: several times the default per-process memory
#: limit (8 GB or half the machine), so such a question could never be solved).
MAX_ESTIMATED_CLAUSES = 300_000_000
#: rough memory per clause in the encoder and the solver together
BYTES_PER_CLAUSE = 100


def estimate_clauses(n_inputs, m, m_out, s, shape):
    """Estimated clause count of the SAT encoding (module docstring)."""
    free_codes = shape.mode == "superposed" and shape.codes == "free"
    bound = max(shape.B, shape.B_bias or 0, (shape.B_code or 0) if free_codes else 0, 1)
    D = 2 * bound * (min(s, m) + 1) + 1
    L = max(shape.L, 1)
    return n_inputs * (m_out + shape.n) * shape.n * L * D * D * max(shape.B, 1)


def check_encoding_size(task, shape, members=1, what="question"):
    """Raise InputError, with the estimate, when the encoding of ``task``
    (times ``members`` for a family) at ``shape`` is beyond
    :data:`MAX_ESTIMATED_CLAUSES`.

    >>> from superpos_formal.shape import Shape
    >>> from superpos_formal.tasks import uand
    >>> check_encoding_size(uand(4), Shape("explicit", "relu", n=2, B=100000))
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: question too large: the SAT encoding of uand(m=4) at n=2, L=1, B=100000 would have about 6e+18 clauses (about 6e+11 GB); the limit is 3e+08 clauses (lower B, n or m)
    """
    est = members * estimate_clauses(len(task.outputs), task.m, task.m_out, task.s, shape)
    if est > MAX_ESTIMATED_CLAUSES:
        raise InputError(
            f"{what} too large: the SAT encoding of {task.name} at n={shape.n}, "
            f"L={shape.L}, B={shape.B} would have about {est:.1g} clauses (about "
            f"{est * BYTES_PER_CLAUSE / 1e9:.1g} GB); the limit is "
            f"{MAX_ESTIMATED_CLAUSES:.1g} clauses (lower B, n or m)")
    return est
