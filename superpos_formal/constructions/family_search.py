"""Generators for the shared-code family constructions (:mod:`.family`).

For a family, :func:`smallest_family_width` scans the construction's own
parameters and returns the smallest width ``n`` at which

1. the certificate holds (:func:`~.family.certify_code`: with the argument in
   :mod:`.family` it proves *every* member exactly correct with the one shared
   code), and
2. every member checked is exactly correct (:func:`~.family.check_members`:
   shares the code, is the recipe's network, exhaustive exact verification):
   the complete family when it has at most ``complete_max`` members, else a
   seeded sample of ``sample_size`` members (always labelled as a sample:
   size, seed and family size travel with the result).

The scan proposes widths from closed forms (the certificate's conditions in
terms of the parameters); the certificate computed on the built code decides.
It is the smallest width *this scan* certifies, never called a minimum: a
smaller width may serve the family with another code.

Parameters scanned
------------------
* permutations: input code ``q`` prime with ``q^(d+1) >= m``, ``d`` in
  1..3, ``k_in <= q``, ``n >= k_in q``; the output pairs' load is
  ``r(n) = ceil(m / floor(n / 2))``; the certificate needs ``d r(n) < k_in``.
  Also the disjoint input code (``k_in = 1``, ``n >= m``).
* pair sets: ``t`` in ``1..m-1``; output code ``q`` prime, ``d`` in 1..3,
  ``k_out = d t + 1 <= q``, ``q^(d+1) >= m'``, ``n >= k_out q``; or disjoint
  output channels (``k_out = 1``, ``n >= m'``); always ``n >= m`` (disjoint
  input channels) and ``n >= layout_bound(m, m', t)``.

Examples
--------
>>> from superpos_formal.tasks import permutation_family
>>> r = smallest_family_width(permutation_family(5))
>>> r.n, r.checked["complete"], r.checked["members"], r.certificate.ok
(5, True, 120, True)
"""

import math
import time
from dataclasses import dataclass, field

from ..errors import InputError, SoundnessError
from ..tasks import pair_set_family, permutation_family, sample_indices
from .grid import pair_set_m
from .family import (
    certify_code, check_members, family_code, layout_bound, _family_kind,
)
from .packing import is_prime

__all__ = ["FamilyBuilt", "smallest_family_width", "candidate_params", "sample_members",
           "size_text", "size_exact", "FAMILY_GRID", "family_of",
           "COMPLETE_MAX", "SAMPLE_SIZE", "SAMPLE_SEED"]

#: the default grid: the m' of the instance grid (constructions/grid.py);
#: pair sets over ``pair_set_m(m')`` features
FAMILY_GRID = ([{"kind": "permutations", "m": m} for m in (4, 8, 16, 32, 64, 128, 256, 512, 1000)]
               + [{"kind": "pair_sets", "m_out": k} for k in (10, 32, 100, 300, 1000)])


def family_of(spec):
    """The complete family a grid spec names."""
    if spec.get("kind") == "permutations":
        return permutation_family(spec["m"])
    if spec.get("kind") == "pair_sets":
        return pair_set_family(pair_set_m(spec["m_out"]), spec["m_out"])
    raise InputError(f"family spec: unknown kind {spec.get('kind')!r} (permutations, pair_sets)")


#: families up to this many members are checked completely
COMPLETE_MAX = 5040
#: default sample of bigger families
SAMPLE_SIZE = 16
SAMPLE_SEED = 0


@dataclass
class FamilyBuilt:
    """A certified, checked family construction."""

    family: str
    m: int
    m_out: int
    s: int
    n: int
    params: dict
    seed: int
    code: object = field(repr=False)
    certificate: object
    checked: dict
    seconds: float = 0.0

    def row(self):
        c = self.code
        return {"construction": "family-" + self.family, "family": self.family,
                "m": self.m, "m_out": self.m_out, "s": self.s, "n": self.n,
                "params": self.params, "seed": self.seed,
                "certificate": {"ok": self.certificate.ok, **self.certificate.facts},
                "checked": self.checked,
                "bounds": {"B": c.B, "B_bias": c.B_bias, "B_code": c.B_code,
                           "theta": c.theta, "mode": "superposed",
                           "activation": c.activation}}


def size_text(N):
    """A family size for a label: exact up to 15 digits, else its order of
    magnitude from exact integer comparisons (``~4.0e2567``).

    >>> size_text(40320), size_text(10 ** 20 * 37)
    ('40320', '~3.7e21')
    """
    if N < 10 ** 15:
        return str(N)
    d = int(math.log10(N))                  # a float guess, corrected exactly
    while 10 ** d > N:
        d -= 1
    while 10 ** (d + 1) <= N:
        d += 1
    lead = N // 10 ** (d - 1)
    return f"~{lead // 10}.{lead % 10}e{d}"


def size_exact(family):
    """The exact family size as a decimal string, or as an exact expression
    (``2000!``) when the decimal would exceed Python's digit limit."""
    N = family.size
    if N < 10 ** 4000:
        return str(N)
    if family.kind == "permutations":
        return f"{family.m}!"
    return f"C(C({family.m},2),{family.m_out})"


def sample_members(family, size=SAMPLE_SIZE, seed=SAMPLE_SEED, complete_max=COMPLETE_MAX):
    """``(members, label)``: every member if the family has at most
    ``complete_max``, else the seeded sample
    :func:`~superpos_formal.tasks.sample_family` draws (the same indices,
    :func:`~superpos_formal.tasks.sample_indices`; each member built once).
    ``label`` says which, with size, seed and the family's exact size (a
    decimal string)."""
    N = family.size
    if N <= complete_max:
        return family.member_list(complete_max, "a complete check"), \
            {"complete": True, "members": N, "family_size": str(N),
             "label": f"complete family: all {N} members"}
    idx = sample_indices(N, size, seed)
    return [family.member(i) for i in idx], \
        {"complete": False, "members": len(idx), "seed": seed, "family_size": size_exact(family),
         "label": f"seeded sample of {len(idx)} of {size_text(N)} members (seed {seed}); "
                  f"a sample, not the family"}


def _primes(lo, hi):
    return [q for q in range(max(2, lo), hi + 1) if is_prime(q)]


def _iroot_ceil(x, e):
    r = max(1, int(round(x ** (1.0 / e))))
    while r ** e < x:
        r += 1
    while r > 1 and (r - 1) ** e >= x:
        r -= 1
    return r


def _perm_load(m, n):
    half = n // 2
    return None if half == 0 else -(-m // half)


def candidate_params(kind, m, m_out, n_max=None):
    """``[(n, params)]`` proposals, each the smallest ``n`` the closed-form
    conditions allow for its parameters, sorted by ``n``."""
    out = []
    if kind == "permutations":
        cap = n_max or max(m, 4)
        out.append((max(m, 3 if m >= 3 else 2), {"n": max(m, 3 if m >= 3 else 2), "k_in": 1,
                                                  "q": None}))
        for d in (1, 2, 3):
            qlo = _iroot_ceil(m, d + 1)
            for q in _primes(qlo, qlo + 60):
                for k in range(2, q + 1):
                    n = k * q
                    if n >= cap:
                        break
                    while n < cap and (n * (n - 1) // 2 < m or d * _perm_load(m, n) >= k):
                        n += 1
                    if n < cap:
                        out.append((n, {"n": n, "k_in": k, "q": q, "degree": d}))
    else:
        cap = n_max or max(m, m_out)
        for t in range(1, max(2, m)):
            base = max(m, layout_bound(m, m_out, t))
            n = max(base, m_out)
            out.append((n, {"n": n, "t": t, "k_out": 1, "q": None}))
            for d in (1, 2, 3):
                k_out = d * t + 1
                qlo = max(k_out, _iroot_ceil(m_out, d + 1))
                for q in _primes(qlo, qlo + 40):
                    n = max(base, k_out * q)
                    if n < cap:
                        out.append((n, {"n": n, "t": t, "k_out": k_out, "q": q, "degree": d}))
    out.sort(key=lambda p: (p[0], sorted(p[1].items(), key=str)))
    return out


def smallest_family_width(family, *, sample_size=SAMPLE_SIZE, sample_seed=SAMPLE_SEED,
                          seed=0, complete_max=COMPLETE_MAX, members=None, log=None):
    """The smallest certified and checked width this scan finds (module
    docstring). ``members`` overrides the members checked (with its label)."""
    kind, m, mo, s = _family_kind(family)
    t0 = time.time()
    if members is None:
        members, label = sample_members(family, sample_size, sample_seed, complete_max)
    else:
        members, label = members
    for n, params in candidate_params(kind, m, mo) + [(None, None)]:
        if n is None:
            break
        try:
            code = family_code(family, params, seed)
        except InputError:
            continue
        cert = certify_code(code)
        if not cert.ok:
            continue
        checks = check_members(code, members)
        bad = [c for c in checks if not c.ok]
        if bad:
            # the certificate proves every member correct: a failing member
            # is a bug in the argument, the recipe or the verifier
            raise SoundnessError(f"family construction at n={n} {params}: certificate holds "
                                 f"but {bad[0].member} {bad[0].reason}")
        if log:
            log(f"  {kind} m={m} m'={mo}: n={n} {params} ({cert.describe()})")
        return FamilyBuilt(kind, m, mo, s, n, params, seed, code, cert,
                           dict(label, all_correct=True),
                           round(time.time() - t0, 2))
    raise InputError(f"family: no certified width below the trivial one for {family.name}")
