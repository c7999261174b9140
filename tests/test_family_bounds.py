"""``tolerance`` and ``max_nonzero`` on a family bound each member on its own
(docs/MODEL.md 3, issue 21): the UNSAT formula, the SAT check and the claim
text say the same thing.

Before the fix the encoder bounded the sum over all members, so an UNSAT
of that stronger formula "refuted" questions whose per-member answer is SAT
(the forgeries in tests/test_forgery.py build such bundles).
"""

import hashlib

from pysat.solvers import Solver

from superpos_formal.certify.bundles.claims import parse_claim
from superpos_formal.encode.sat import encode_family_sat, encode_sat
from superpos_formal.schema import family_to_dict
from superpos_formal.shape import Shape
from superpos_formal.solve.family import decide_family
from superpos_formal.tasks import permutation_family, uand
from superpos_formal.verify import verify

P3 = permutation_family(3)
FREE1_TOL2 = Shape("superposed", "relu", n=1, B=1, codes="free", tolerance=2)
FREE2 = Shape("superposed", "relu", n=2, B=1, codes="free")


def _solve(enc):
    with Solver(name="cadical153", bootstrap_with=enc.clauses) as s:
        return enc.decode_all(s.get_model()) if s.solve() else None


def test_tolerance_is_per_member_in_the_formula():
    """Width 1 serves every permutation of 3 with at most 2 wrong bits each,
    though more than 2 over all members: a summed bound makes this UNSAT."""
    members = list(P3.members())
    out = _solve(encode_family_sat(members, FREE1_TOL2))
    assert out is not None
    E, R, nets = out
    errors = [verify(n, t).errors for n, t in zip(nets, members)]
    assert all(e <= 2 for e in errors), errors
    # the formula admits what only a per-member bound admits
    assert sum(errors) > 2, errors
    rows = lambda M: [list(r) for r in M]
    assert all(rows(n.E) == rows(E) and rows(n.R) == rows(R) for n in nets)


def test_max_nonzero_is_per_member_in_the_formula():
    """A cap of 6 nonzero parameters per network: each member within it,
    the six together far above it."""
    members = list(P3.members())
    out = _solve(encode_family_sat(members, FREE2, max_nonzero=6))
    assert out is not None
    counts = [n.counts()["params_nonzero"] for n in out[2]]
    assert all(c <= 6 for c in counts) and sum(counts) > 6, counts
    assert all(verify(n, t).ok for n, t in zip(out[2], members))


def test_a_subfamily_formula_extends_its_prefix_with_bounds():
    """Each member's bound follows its own clauses, so adding a member only
    appends clauses (the incremental family loop relies on it)."""
    members = list(P3.members())
    prev = []
    for k in range(1, 4):
        cl = encode_family_sat(members[:k], FREE1_TOL2, max_nonzero=5).clauses
        assert cl[:len(prev)] == prev
        prev = cl


def test_family_loop_with_a_tolerance():
    """Failed on e148d23 (SoundnessError: the summed bound broke the prefix)."""
    cell = decide_family(P3, FREE1_TOL2)
    assert cell.status == "SAT"
    for net, t in zip(cell.networks, P3.members()):
        assert verify(net, t, 2).ok


# sha256 of formulas made by the encoder of e148d23 (before the per-member
# bounds): one task must give the same bytes, so committed proofs regenerate
_PINNED = [
    (uand(3), Shape("explicit", "relu", n=2, B=1, tolerance=2), {},
     "ad3b8380ba55743b3e743fe63a4d177761842f56abd9edba734c4563eeb550be"),
    (uand(3), Shape("explicit", "relu", n=2, B=1), {"max_nonzero": 5},
     "2fd5e62b5a56826a10927f41c1aacaa00d37081da6089e371652cd6700e20079"),
    (uand(3), Shape("explicit", "relu", n=2, B=1, tolerance=2), {"max_nonzero": 7},
     "eb83d980e2f5f1392ba66e30d9ed44959684e84464557848391d5b267cce26ce"),
    (uand(3), Shape("superposed", "relu", n=2, B=1, codes="free", tolerance=1),
     {"max_nonzero": 4}, "d518ff87fd792dfe070c2dde585dab7c9d3fda414a67394ff9993c23c03c7f42"),
    (uand(3), Shape("superposed", "step", n=2, B=1, codes="free", tolerance=1),
     {"max_nonzero": 0, "sums": "binary"},
     "6ecbaba4ee51e61ca427fef82841f848482cff0cf785c4cc38c66fe0308c16b4"),
]


def test_one_task_formulas_are_unchanged():
    for task, shape, kw, sha in _PINNED:
        got = hashlib.sha256(encode_sat(task, shape, **kw).to_dimacs().encode()).hexdigest()
        assert got == sha, (shape, kw)


def test_claim_text_says_per_member():
    claim = parse_claim({
        "format": "superpos-formal/claim", "version": 1, "question": "family",
        "answer": "SAT", "options": {"max_nonzero": 9},
        "family": family_to_dict(P3), "shape": FREE1_TOL2.to_dict()})
    text = claim.describe()
    assert "tolerance=2 per member" in text and "max_nonzero=9 per member" in text
