"""DRAT checking: every checker accepts a real proof and rejects wrong ones."""

import gzip

import pytest
from pysat.examples.genhard import PHP

from superpos_formal.certify.proofcheck import drat as D
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.solve.runner import solve_cnf


@pytest.fixture(scope="module")
def php(tmp_path_factory):
    """PHP(5): 6 pigeons, 5 holes; its CNF and a CaDiCaL DRAT proof (235 lines)."""
    d = tmp_path_factory.mktemp("php")
    cl = PHP(5).clauses
    r = solve_cnf(cl, proof_path=str(d / "p.drat"))
    assert r.status == "UNSAT"
    cnf = d / "f.cnf"
    cnf.write_text(D.clauses_to_dimacs(cl))
    return cl, cnf, d / "p.drat"


def verdicts(recs):
    return {r.checker: r.verdict for r in recs}


def test_all_checkers_verify(php):
    cl, cnf, proof = php
    recs = D.check_drat(cnf, proof)
    assert verdicts(recs) == {"native": "VERIFIED", "python": "VERIFIED", "drup": "VERIFIED"}
    assert all(r.version and r.log for r in recs)
    assert "dratify" in recs[0].version and "drup" in recs[2].version
    D.require_verified(recs)


def test_clause_list_and_gz_inputs(php, tmp_path):
    cl, cnf, proof = php
    gzp = D.write_gz(tmp_path / "p.drat.gz", proof.read_text())
    gzc = D.write_gz(tmp_path / "f.cnf.gz", cnf.read_text())
    assert verdicts(D.check_drat(cl, gzp, ("native",))) == {"native": "VERIFIED"}
    assert verdicts(D.check_drat(gzc, gzp, ("python", "drup"))) == {
        "python": "VERIFIED", "drup": "VERIFIED"}


def test_proof_of_a_different_formula_rejected_by_every_checker(php):
    cl, _, proof = php
    weaker = cl[:-1]  # PHP minus one clause is satisfiable: no refutation can be valid
    recs = D.check_drat(weaker, proof)
    assert verdicts(recs) == {"native": "REJECTED", "python": "REJECTED", "drup": "REJECTED"}
    with pytest.raises(SoundnessError, match="rejected by native"):
        D.require_verified(recs)


def test_truncated_proof_rejected(php):
    cl, _, proof = php
    text = proof.read_text()
    cut = text[: len(text) // 2]  # mid-line: an unterminated clause
    recs = D.check_drat(cl, text=cut)
    assert set(verdicts(recs).values()) == {"REJECTED"}
    whole_lines = "".join(text.splitlines(True)[: len(text.splitlines()) // 2])
    recs = D.check_drat(cl, text=whole_lines)  # no empty clause
    assert set(verdicts(recs).values()) == {"REJECTED"}


def test_python_and_drup_skipped_above_their_limits(php):
    cl, _, proof = php
    recs = D.check_drat(cl, proof, budget=D.CheckerPolicy(python_max_lines=10, drup_max_additions=10))
    v = verdicts(recs)
    assert v == {"native": "VERIFIED", "python": "SKIPPED", "drup": "SKIPPED"}
    assert "235 lines > limit 10 for the python engine" in recs[1].reason
    headline = D.CheckerPolicy(python_max_lines=10, drup_max_additions=10, headline=True)
    assert verdicts(D.check_drat(cl, proof, budget=headline))["drup"] == "VERIFIED"
    with pytest.raises(SoundnessError, match="no checker verified"):
        D.require_verified([r for r in recs if r.verdict == "SKIPPED"])


def test_drup_is_fed_deletions_and_line_joins_correctly():
    # Clauses split across lines, a deletion, a comment: drup's own string
    # parser would mangle this (it deletes newlines and drops 'c'/'d' pieces).
    f = [[1, 2], [-1, 2], [1, -2], [-1, -2]]
    text = "c a comment\n2\n 0 d 1 2 0\n0\n"
    assert set(verdicts(D.check_drat(f, text=text)).values()) == {"VERIFIED"}


def test_gzip_is_deterministic(tmp_path):
    a = D.gzip_bytes("p cnf 1 1\n1 0\n")
    b = D.gzip_bytes(b"p cnf 1 1\n1 0\n")
    assert a == b and gzip.decompress(a) == b"p cnf 1 1\n1 0\n"
    assert a[4:8] == b"\0\0\0\0"  # mtime field
    D.write_gz(tmp_path / "x.gz", "abc")
    assert D.sha256_file(tmp_path / "x.gz") == D.sha256_bytes(D.gzip_bytes("abc"))
    assert D.read_text(tmp_path / "x.gz") == "abc"


def test_strict_dimacs():
    assert D.parse_dimacs("c x\np cnf 2 1\n1\n-2 0\n") == (2, [[1, -2]])
    for bad, msg in [("p cnf 2 2\n1 0\n", "header says 2"), ("1 0\n", "before the"),
                     ("p cnf 1 1\n2 0\n", "exceeds"), ("p cnf 1 1\n1\n", "not terminated")]:
        with pytest.raises(InputError, match=msg):
            D.parse_dimacs(bad)


def test_unknown_checker():
    with pytest.raises(InputError, match="unknown checker"):
        D.check_drat([[1], [-1]], text="0\n", checkers=("bogus",))
