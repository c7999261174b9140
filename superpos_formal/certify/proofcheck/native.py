"""dratify's native DRAT check, fed without a Python copy of the proof.

Why. ``dratify.check_proof(formula, text, engine="native")`` first parses
the whole text into a list of Python tuples of ints (``parse_proof``), then
copies it into the lists the native engine takes: about 1 KB of Python
objects per proof line, all alive at once. Measured on one cube of universal
AND m=10, explicit ReLU, n=2, B=3 (4.7 M proof lines, 99 MB of text): the
checking process peaked at 6.2 GB, and still held 1.8 GB afterwards
(freed small objects are mostly not given back to the system). A Dask
cube worker checking the 10 M-line proofs of m=12 grew past 14 GB.

What this does instead. The same native engine (the module dratify
registers, ``dratify.native_implementation()``) gets the formula and the
proof as :class:`collections.abc.Sequence` objects whose iterators produce
one step at a time, parsed from the text as the engine reads them. The
steps then live only in the engine's own compact memory, and Python holds
one chunk of the text's lines at a time (:data:`CHUNK_CHARS`).

Same verdicts. The parser follows ``dratify.parse_proof``'s rules (line
breaks are whitespace, as in drat-trim; a ``d`` opens a deletion and only at
the start of a clause; a line whose first non-blank character is ``c`` is a
comment; a bad token or a clause not ended by ``0`` makes the text not a
proof), the literal bound of dratify's ``_validate_steps`` (no variable
beyond the formula's count plus the text's length), and the formula goes
through ``dratify.CNF.add``'s normalisation (repeated literals dropped,
tautologies dropped, the variable count grown to the largest variable). The
engine's result is checked as dratify checks it (ten fields; a valid
refutation must have reached the empty clause). ``tests/test_native_check.py``
compares parser, formula and verdicts with dratify's on random and
malformed texts.

>>> check_native(2, [[1, 2], [-1, 2], [1, -2], [-1, -2]], "2 0\\n0\\n").ok
True
>>> r = check_native(2, [[1, 2], [-1, 2]], "0\\n")
>>> r.ok, r.failed_step
(False, 1)
>>> check_native(2, [[1]], "1 2\\n")
Traceback (most recent call last):
...
ValueError: proof line 1: clause not terminated by 0 before the end of the proof
"""

from collections.abc import Sequence

__all__ = ["check_native", "iter_proof_steps", "register_native", "CHUNK_CHARS"]

#: characters of proof text split into lines at a time (cut after a newline)
CHUNK_CHARS = 1 << 20

#: what the native engine returns, in order (dratify's ``_NATIVE_FIELDS``)
_FIELDS = ("ok", "reason", "steps", "rup_steps", "rat_steps", "deletions",
           "ignored_deletions", "resolvents_checked", "failed_step", "reached_empty")


def _lines(text):
    """``(lineno, line)`` of ``text.splitlines()``, one chunk at a time.

    Chunks end just after a ``\\n``, so no line (and no ``\\r\\n``) is cut
    and the lines are those of ``text.splitlines()``."""
    n, pos, lineno = len(text), 0, 0
    while pos < n:
        end = text.find("\n", pos + CHUNK_CHARS)
        end = n if end < 0 else end + 1
        for line in text[pos:end].splitlines():
            lineno += 1
            yield lineno, line
        pos = end


def _internal(d):
    # dratify.lits.from_dimacs: variable |d|-1, sign in the low bit
    return ((-d) << 1) - 1 if d < 0 else (d << 1) - 2


def iter_proof_steps(text, limit=None):
    """``(is_deletion, [internal literals])`` per step of DRAT ``text``, in
    order, by ``dratify.parse_proof``'s rules; ValueError (with the line)
    where that raises. ``limit``: the largest variable allowed (1-based);
    a literal beyond it is a ValueError, as in dratify's ``_validate_steps``.

    >>> list(iter_proof_steps("1 -2 0\\nd 1 -2 0\\nc note\\n0\\n"))
    [(False, [0, 3]), (True, [0, 3]), (False, [])]
    """
    dele, lits, opened, step = False, [], 0, 0
    for lineno, raw in _lines(text):
        line = raw.strip()
        if not line or line[0] == "c":
            continue
        toks = line.split()
        # the common line: one clause, no "d" inside, ended by its only 0
        if not opened and toks[-1] == "0" and "d" not in line:
            try:
                nums = [int(t) for t in toks]
            except ValueError:
                nums = None
            if nums is not None and 0 not in nums[:-1]:
                step += 1
                out = [_internal(d) for d in nums[:-1]]
                if limit is not None:
                    for d in nums[:-1]:
                        if abs(d) > limit:
                            raise ValueError(_beyond(step, d, limit))
                yield dele, out
                dele = False
                continue
        for tok in toks:
            num = tok
            if tok[0] == "d":
                if opened:
                    raise ValueError(f"proof line {lineno}: {tok!r} inside a clause (a "
                                     f"deletion can only start one)")
                dele, opened = True, lineno
                num = tok[1:]
                if not num:
                    continue
            try:
                d = int(num)
            except ValueError:
                raise ValueError(f"proof line {lineno}: bad token {tok!r}") from None
            if d == 0:
                step += 1
                if limit is not None:
                    for x in lits:
                        if (x >> 1) + 1 > limit:
                            raise ValueError(_beyond(step, (x >> 1) + 1, limit))
                yield dele, lits
                dele, lits, opened = False, [], 0
                continue
            lits.append(_internal(d))
            opened = opened or lineno
    if opened:
        raise ValueError(f"proof line {opened}: clause not terminated by 0 before the end "
                         f"of the proof")


def _beyond(step, d, limit):
    return (f"proof step {step}: variable {abs(d)} is beyond the formula's variables plus "
            f"the proof's length ({limit})")


def _clause(c):
    """``dratify.CNF.add`` of DIMACS clause ``c``: its internal literals
    (repeats dropped) and the largest variable seen; None for a tautology
    (with the variables seen before it, as CNF.add grows nvars first)."""
    vs = {abs(d) for d in c}
    if len(vs) == len(c):  # no repeat, no tautology: the common case
        return [_internal(d) for d in c], max(vs, default=0)
    seen, out, top = set(), [], 0
    for d in c:
        l = _internal(d)
        if l in seen:
            continue
        if (l ^ 1) in seen:
            return None, top
        seen.add(l)
        out.append(l)
        top = max(top, abs(d))
    return out, top


class _Formula(Sequence):
    """The formula's clauses in internal literals, made as they are read."""

    def __init__(self, clauses):
        self.clauses = clauses

    def __len__(self):
        return len(self.clauses)

    def __getitem__(self, i):  # the engine iterates; required by Sequence
        raise IndexError("iterate over the formula")

    def __iter__(self):
        for c in self.clauses:
            out, _ = _clause(c)
            if out is not None:
                yield out


class _Proof(Sequence):
    """The proof's steps for the engine, parsed as it reads them; a parse
    error is kept in ``error`` (and raised through the engine)."""

    def __init__(self, text, limit):
        self.text, self.limit, self.error = text, limit, None
        self.count = text.count("\n") + 1  # a capacity hint for the engine only

    def __len__(self):
        return self.count

    def __getitem__(self, i):
        raise IndexError("iterate over the proof")

    def __iter__(self):
        try:
            yield from iter_proof_steps(self.text, self.limit)
        except ValueError as e:
            self.error = e
            raise


def register_native():
    """Register cdclkit-native's engine with dratify (once)."""
    import cdclkit_native
    import dratify

    if dratify.native_implementation() is None:
        dratify.register_native(cdclkit_native)


def _native():
    import dratify

    register_native()
    mod = dratify.native_implementation()
    if mod is None:
        raise ImportError("no native DRAT engine registered with dratify")
    return mod


def check_native(nvars, clauses, text):
    """Check DRAT ``text`` against DIMACS ``clauses`` (over at least
    ``nvars`` variables) with dratify's native engine; a
    ``dratify.CheckResult``. ValueError when the text is not a proof (as
    ``dratify.check_proof`` raises it)."""
    from dratify import CheckResult

    native = _native()
    top = nvars
    for c in clauses:
        _, t = _clause(c)
        top = max(top, t)
    proof = _Proof(text, top + len(text))
    try:
        raw = native.check_proof(top, _Formula(clauses), proof, True, True)
    except ValueError:
        if proof.error is not None:  # a fresh error: the engine noted its own on this one
            raise ValueError(str(proof.error)) from None
        raise
    if proof.error is not None:  # never take a verdict on a cut proof
        raise ValueError(str(proof.error))
    fields = tuple(raw)
    if len(fields) != len(_FIELDS):
        raise ValueError(f"the native checker {native!r} returned {len(fields)} values, "
                         f"expected {len(_FIELDS)}")
    r = CheckResult()
    for k, v in zip(_FIELDS, fields):
        setattr(r, k, v)
    if r.ok and not r.reached_empty:
        raise ValueError(f"the native checker {native!r} reported a valid refutation that "
                         f"never derived the empty clause")
    if not r.ok and r.failed_step > 0:
        for i, (_, lits) in enumerate(iter_proof_steps(text), 1):
            if i == r.failed_step:
                r.failed_clause = tuple(lits)
                break
    return r
