"""Fitting the constant of an asymptotic form to measured points.

The paper's bounds are ``Theta(f(m'))`` statements with unknown constants;
:func:`fit_constant` measures the constant ``c`` in ``n ~ c f(m')`` from
points ``(m'_i, n_i)`` by least squares in log space on the constant only:
minimise ``sum_i (log n_i - log c - log f(m'_i))^2``, whose solution is
``log c = mean_i (log n_i - log f(m'_i))`` (the geometric mean of the
ratios ``n_i / f(m'_i)``). The residuals ``log n_i - log(c f(m'_i))`` are
returned with it: a form that fits has small residuals without a trend.

This is descriptive statistics in floating point; nothing is decided by it.

Examples
--------
>>> import math
>>> xs = [4, 16, 64, 256]
>>> ys = [2.5 * math.sqrt(x * math.log(x)) for x in xs]
>>> fit = fit_constant(xs, ys, FORMS["sqrt(m' log m')"])
>>> round(fit.c, 9), max(abs(r) for r in fit.residuals) < 1e-12
(2.5, True)
"""

import math
from dataclasses import dataclass

from .errors import InputError

__all__ = ["Fit", "fit_constant", "FORMS", "ratio_range"]

#: the paper's forms (natural log), as functions of m'
FORMS = {
    "sqrt(m' log m')": lambda x: math.sqrt(x * math.log(x)),      # neurons, lower
    "sqrt(m') log m'": lambda x: math.sqrt(x) * math.log(x),      # neurons, AND upper
    "m' log m'": lambda x: x * math.log(x),                       # parameters, lower
    "m' log^2 m'": lambda x: x * math.log(x) ** 2,                # parameters, AND upper
    "log m'": lambda x: math.log(x),                              # representation
}


@dataclass
class Fit:
    """``c``, the residuals in log space (natural log), their RMS and the
    points used."""

    form: str
    c: float
    residuals: list
    rms: float
    xs: list
    ys: list

    def describe(self, symbol="n"):
        lo = min(self.residuals)
        hi = max(self.residuals)
        return (f"{symbol} ~ {self.c:.3g} * {self.form} (least squares in log space on the constant; "
                f"{len(self.xs)} points, residuals in [{lo:+.2f}, {hi:+.2f}], RMS {self.rms:.2f})")


def fit_constant(xs, ys, f, form=None):
    """Least-squares constant of ``y ~ c f(x)`` in log space (module docstring).

    Points need ``x >= 2`` (``log x > 0``) and ``y > 0``; at least one.
    """
    pts = [(x, y) for x, y in zip(xs, ys)]
    if not pts:
        raise InputError("fit: no points")
    for x, y in pts:
        if x < 2 or y <= 0:
            raise InputError(f"fit: point ({x}, {y}) needs x >= 2 and y > 0")
    if form is None:
        form = next((k for k, v in FORMS.items() if v is f), "f")
    logs = [math.log(y) - math.log(f(x)) for x, y in pts]
    logc = sum(logs) / len(logs)
    res = [v - logc for v in logs]
    rms = math.sqrt(sum(r * r for r in res) / len(res))
    return Fit(form, math.exp(logc), res, rms, [p[0] for p in pts], [p[1] for p in pts])


def ratio_range(xs, ys, f):
    """``(min, max)`` of ``y / f(x)`` over the points (the measured constant range)."""
    rs = [y / f(x) for x, y in zip(xs, ys) if x >= 2]
    if not rs:
        raise InputError("ratio: no point with x >= 2")
    return min(rs), max(rs)
