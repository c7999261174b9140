"""Symmetry breaking written as DRAT steps, so a checker certifies it.

A symmetry ``sigma`` of a formula ``G`` (a signed permutation of its
variables mapping the clause set onto itself) maps models to models, so
"some model has property ``P``" follows from "some model exists" when every
model can be moved into ``P`` by the symmetries. Adding ``P`` as clauses is
satisfiability-preserving but not implied, so a plain DRUP proof cannot
carry it. DRAT can: Heule, Hunt and Wetzler, "Expressing Symmetry Breaking
in DRAT Proofs", CADE 2015, rename the formula through fresh variables
defined by the symmetry. This module does that, one conditional symmetry at
a time (:meth:`DratSteps.conditional_rename`):

1. a condition literal ``S`` (often a fresh Tseitin variable, added as RAT
   clauses on it: :meth:`DratSteps.define_and`, ``define_or``,
   ``define_xnor``);
2. for each variable ``x`` that ``sigma`` moves, a fresh ``x'`` with
   ``x' = S ? sigma(x) : x``: four clauses, each RAT on ``x'`` (written
   first, as the DRAT pivot convention asks) because every resolvent on
   ``x'`` is a tautology (in ``S`` or ``x`` or ``sigma(x)``);
3. for each clause ``C`` of ``G`` that touches a moved variable, ``C'`` (``C``
   with ``x -> x'``) through ``S or C'`` (RUP: under ``not S`` the
   definitions give ``x = x'``, so ``C`` itself is falsified) and ``not S or
   C'`` (RUP: under ``S`` they give ``sigma(x) = x'``, so ``sigma(C)``, also
   a clause of ``G``, is falsified), then ``C'`` by resolution on ``S``;
   afterwards the two helpers and the old clauses are deleted.

``G'`` is ``G`` renamed, a copy of ``G``, and the definitions make ``x'`` the
image of ``x`` under ``sigma`` exactly when ``S`` holds: a property of the
new variables that the old ones lacked (for instance ``S = x and not
sigma(x)`` gives ``not x' or sigma(x)'``) is then *implied* by the
definitions, and :meth:`DratSteps.derive` writes it as RUP steps (a
CaDiCaL refutation of the definitions plus the property's negation, every
step weakened by the property). Chains of conditional swaps whose
conditions are comparisons are sorting networks: the last renaming's
variables are sorted, which is what :mod:`.cut_symmetry` uses.

Soundness rests on the checker, not on this argument: the steps are
ordinary DRAT lines, checked against the original formula with everything
before them. The argument is why they should pass; the symmetry itself is
checked here before any step is written (a ``sigma`` that does not map
``G`` onto itself is refused), since without it step 3's second helper
would not be RUP and the checker would reject the proof anyway.
``tests/test_drat_symmetry.py`` holds both against the checkers: a correct
break verifies, and a "break" with a map that is not a symmetry, or a
property the definitions do not imply, is rejected.
"""

from pysat.solvers import Solver

from ..errors import InputError

__all__ = ["DratSteps", "check_symmetry"]


def _key(clause):
    return frozenset(clause)


def check_symmetry(clauses, sigma):
    """Refuse ``sigma`` unless it is a signed permutation of variables that
    maps the clause set ``clauses`` onto itself.

    ``sigma`` maps each moved variable to a literal; variables it does not
    name are fixed. Raises :class:`~superpos_formal.errors.InputError` with
    the first clause whose image is missing.

    Examples
    --------
    >>> check_symmetry([(1, 2), (-1, -2)], {1: 2, 2: 1})
    >>> check_symmetry([(1, 2), (-1, 3)], {1: 2, 2: 1})
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: symmetry: the image (-2, 3) of clause (-1, 3) is not a clause of the formula
    """
    targets = sorted(abs(l) for l in sigma.values())
    if targets != sorted(sigma) or any(v <= 0 for v in sigma):
        raise InputError("symmetry: the map is not a permutation of the variables it moves")
    have = {_key(c) for c in clauses}
    for c in clauses:
        img = tuple(_image(l, sigma) for l in c)
        if _key(img) not in have:
            raise InputError(f"symmetry: the image {img} of clause {tuple(c)} is not a "
                             f"clause of the formula")


def _image(lit, sigma):
    v = abs(lit)
    if v not in sigma:
        return lit
    return sigma[v] if lit > 0 else -sigma[v]


class DratSteps:
    """DRAT lines that transform a formula, with fresh variables from ``next_var``.

    ``lines`` holds the steps as DRAT text lines (``"1 -2 0"``, ``"d 1 -2
    0"``), to be written after whatever proof steps produced the formula.

    Examples
    --------
    Break the swap of ``1`` and ``2`` in ``(1 or 2)``: afterwards ``1'`` is
    true whenever ``2'`` is (``S = not 1 and 2`` swaps exactly when the
    break is violated).

    >>> st = DratSteps(next_var=3)
    >>> S = st.define_and([-1, 2])
    >>> G, new, defs = st.conditional_rename([(1, 2)], {1: 2, 2: 1}, S)
    >>> G, new
    ([(4, 5)], {1: 4, 2: 5})
    >>> st.derive(defs + st.definitions(S), (4, -5))
    (4, -5)
    """

    def __init__(self, next_var):
        self.next_var = int(next_var)
        self.lines = []
        self._defs = {}

    def __repr__(self):
        return f"DratSteps({len(self.lines)} lines, next var {self.next_var})"

    def fresh(self):
        v = self.next_var
        self.next_var += 1
        return v

    def add(self, clause):
        self.lines.append(" ".join(map(str, clause)) + " 0")

    def delete(self, clause):
        self.lines.append("d " + " ".join(map(str, clause)) + " 0")

    def definitions(self, var):
        """The clauses that defined the Tseitin variable ``var``."""
        return list(self._defs[var])

    def _define(self, pos, neg):
        # the fresh pivot written first (the DRAT convention), the clauses
        # with it positive before those with it negative: a positive one is
        # RAT vacuously (no clause holds -v yet), and each negative one
        # resolves with every positive one to a tautology, since every
        # definition below pairs each literal with its complement across the
        # two sides (Tseitin's encodings of AND, OR, XNOR)
        v = self.fresh()
        cls = [(v,) + tuple(c) for c in pos] + [(-v,) + tuple(c) for c in neg]
        for c in cls:
            self.add(c)
        self._defs[v] = cls
        return v

    def define_and(self, lits):
        """Fresh ``v = AND(lits)``: ``v or -l1 or ...`` (RAT: no ``-v`` yet),
        then ``-v or li`` (RAT: the one resolvent has ``li, -li``)."""
        lits = list(lits)
        if not lits:
            raise InputError("define_and: no literals")
        return self._define([[-l for l in lits]], [[l] for l in lits])

    def define_or(self, lits):
        """Fresh ``v = OR(lits)`` (the dual of :meth:`define_and`)."""
        lits = list(lits)
        if not lits:
            raise InputError("define_or: no literals")
        return self._define([[-l] for l in lits], [lits])

    def define_xnor(self, a, b):
        """Fresh ``v = (a == b)``."""
        return self._define([[a, b], [-a, -b]], [[a, -b], [-a, b]])

    def conditional_rename(self, clauses, sigma, S):
        """Rename ``clauses`` through ``x' = S ? sigma(x) : x`` for the moved ``x``.

        Returns ``(new clauses, {x: x'}, definition clauses)``; the old
        clauses that touch a moved variable are deleted, the others are
        kept as they are (``x' = x`` off the support). ``sigma`` must be a
        symmetry of ``clauses`` (checked: :func:`check_symmetry`).
        """
        clauses = [tuple(c) for c in clauses]
        check_symmetry(clauses, sigma)
        new = {x: self.fresh() for x in sorted(sigma)}
        defs = []
        for x in sorted(sigma):
            xn, sx = new[x], sigma[x]
            for c in ((xn, -S, -sx), (xn, S, -x), (-xn, -S, sx), (-xn, S, x)):
                self.add(c)
                defs.append(c)

        def rn(lit):
            v = abs(lit)
            return lit if v not in new else (new[v] if lit > 0 else -new[v])

        out, old = [], []
        for c in clauses:
            if not any(abs(l) in new for l in c):
                out.append(c)
                continue
            c2 = tuple(rn(l) for l in c)
            self.add((S,) + c2)
            self.add((-S,) + c2)
            self.add(c2)
            self.delete((S,) + c2)
            self.delete((-S,) + c2)
            out.append(c2)
            old.append(c)
        for c in old:
            self.delete(c)
        return out, new, defs

    def derive(self, defs, target):
        """Write ``target`` as RUP steps from ``defs`` (clauses already in the proof).

        A CaDiCaL refutation of ``defs`` plus the negation of ``target``
        (its literals as unit clauses) is RUP with respect to those clauses;
        each of its steps, weakened by ``target``, is RUP with respect to
        ``defs`` alone, and its empty clause becomes ``target``. The helper
        steps are deleted afterwards. Refuses a target that ``defs`` do not
        imply (the solver finds a model).
        """
        target = tuple(target)
        with Solver(name="cadical195", bootstrap_with=[list(c) for c in defs],
                    with_proof=True) as s:
            for l in target:
                s.add_clause([-l])
            if s.solve():
                raise InputError(f"derive: {target} is not implied by the definitions")
            proof = s.get_proof()
        tset = set(target)
        helpers = []
        for line in proof:
            toks = line.split()
            if not toks or toks[0] == "d":
                continue
            lits = [int(t) for t in toks[:-1]]
            if any(-l in tset for l in lits):
                continue  # a tautology once weakened
            c = tuple(dict.fromkeys(lits + [l for l in target if l not in lits]))
            if set(c) == tset:
                break
            self.add(c)
            helpers.append(c)
        self.add(target)
        for c in helpers:
            self.delete(c)
        return target
