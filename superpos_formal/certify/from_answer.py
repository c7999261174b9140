"""Turn a search's answer into a checked claim bundle (the one place this
step is written: :func:`superpos_formal.api.certify`, the CLI's ``--proof``
and campaigns all call it).

A minimum "the smallest ``n`` is ``k``" is bundled as SAT at ``k`` (the
verified network) and UNSAT at ``k - 1`` (formula + DRAT proof) by
:func:`superpos_formal.certify.bundles.verify.make_minimum`; a single decision as
one bundle by :func:`~superpos_formal.certify.bundles.verify.make_bundle`. Every
fresh bundle is re-verified by
:func:`~superpos_formal.certify.bundles.verify.verify_bundle` before it is
returned; a failure is a :class:`~superpos_formal.errors.SoundnessError`.

When the UNSAT side was solved without keeping its proof (a search run
without ``proof_dir``, the default of the api), it is solved again with
proof logging, with the same encoder options: the formula is the same, so
its refutation is the claim's.
"""

import os
import shutil
import tempfile
from pathlib import Path

from ..errors import InputError, SoundnessError
from ..options import SolveOptions
from ..results import Status
from ..solve.family import decide_family
from ..solve.search import decide
from .bundles.verify import make_bundle, make_minimum, verify_bundle
from .proofcheck.unsat import check_unsat

__all__ = ["bundle_minimum", "bundle_decision"]


def _has_proof(cell):
    return (cell is not None and cell.status == Status.UNSAT and cell.proof_path
            and cell.cnf_path and os.path.exists(cell.proof_path)
            and os.path.exists(cell.cnf_path))


def _resolve_unsat(cell, work, time_limit, family=None):
    """Solve ``cell``'s question again, logging the proof under ``work``."""
    opts = dict(cell.options or {})
    pp, cp = os.path.join(work, "proof.drat"), os.path.join(work, "formula.cnf")
    solve = SolveOptions(solver=cell.solver, time_limit=time_limit,
                         symmetry=opts.get("symmetry", True), sums=opts.get("sums", "tree"))
    if family is not None:
        fresh = decide_family(family, cell.shape, solve, checker=check_unsat, proof_path=pp,
                              cnf_path=cp)
    else:
        fresh = decide(cell.subject, cell.shape, solve, checker=check_unsat, proof_path=pp,
                       cnf_path=cp, max_nonzero=opts.get("max_nonzero"),
                       inputs=opts.get("inputs"))
    if fresh.status == Status.SAT:
        raise SoundnessError(f"the UNSAT at n={cell.shape.n} is SAT when solved again")
    if fresh.status != Status.UNSAT:
        raise InputError(f"certify: solving n={cell.shape.n} again for its proof gave "
                         f"{fresh.status} (raise time_limit)")
    return fresh


def _verified(dest):
    rep = verify_bundle(dest)
    if not rep.ok:
        raise SoundnessError(f"fresh bundle {dest} fails verification: {rep}")
    return rep


def bundle_minimum(search, dest, *, task=None, family=None, overwrite=False,
                   headline=False, time_limit=None):
    """Bundle the minimum of a ``min_neurons`` search under ``dest``.

    Parameters
    ----------
    search : Search
        From :func:`superpos_formal.solve.search.min_neurons` or
        :func:`~superpos_formal.solve.family.min_neurons_family`, with an
        established ``minimum``.
    dest : path
        The minimum's folder (``n{k}-sat/``, ``n{k-1}-unsat/``,
        ``minimum.json``).
    task, family : optional
        The subject (exactly one).
    overwrite, headline : bool
        Passed to :func:`~superpos_formal.certify.bundles.verify.make_minimum`.
    time_limit : float, optional
        Per solve, for re-solving the UNSAT side when its proof was not kept.

    Returns
    -------
    BundleReport
        The re-verification of the fresh bundle (``ok`` is True).

    Raises
    ------
    InputError
        No minimum established, or not a width minimum.
    SoundnessError
        The fresh bundle fails verification.
    """
    if (task is None) == (family is None):
        raise InputError("certify: give exactly one of task or family")
    if search.minimum is None:
        raise InputError("certify: no minimum established, nothing to certify")
    if search.objective != "neurons":
        raise InputError(f"certify: minimum bundles exist for widths (min_neurons), "
                         f"not for {search.objective}")
    best = search.best
    below = None
    work = None
    try:
        if search.minimum > 1:
            below = next((c for c in reversed(search.cells)
                          if c.shape.n == search.minimum - 1), None)
            if below is None or below.status != Status.UNSAT:
                raise InputError(f"certify: no UNSAT answer at n={search.minimum - 1}")
            if not _has_proof(below):
                work = tempfile.mkdtemp(prefix="superpos-certify-")
                below = _resolve_unsat(below, work, time_limit, family)
        make_minimum(dest, best, below, shape=best.shape, task=task, family=family,
                     members=None if below is None or family is None else below.core,
                     overwrite=overwrite, headline=headline)
        return _verified(dest)
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)


def bundle_decision(cell, dest, *, task=None, family=None, overwrite=False,
                    headline=False, time_limit=None):
    """Bundle one SAT or UNSAT answer (a ``decide`` cell) under ``dest``.

    An UNSAT cell whose proof was not kept is solved again with proof
    logging. Returns the fresh bundle's :class:`BundleReport`.
    """
    if cell.status not in (Status.SAT, Status.UNSAT):
        raise InputError(f"certify: only SAT and UNSAT answers become claims, "
                         f"got {cell.status}")
    work = None
    try:
        if cell.status == Status.UNSAT and not _has_proof(cell):
            work = tempfile.mkdtemp(prefix="superpos-certify-")
            cell = _resolve_unsat(cell, work, time_limit, family)
        kw = {}
        if family is not None:
            kw["members"] = cell.core if cell.status == Status.UNSAT else None
        make_bundle(Path(dest), cell, shape=cell.shape, task=task, family=family,
                    headline=headline, overwrite=overwrite, **kw)
        return _verified(dest)
    finally:
        if work:
            shutil.rmtree(work, ignore_errors=True)
