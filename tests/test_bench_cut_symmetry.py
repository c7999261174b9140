"""benchmarks/bench_cut_symmetry.py: its three routes pose the question it
says (every route refutes parity of 3 bits at width 2, the breaks add
clauses to the lemmas), and its table has a row per route."""

from conftest import search_script


def test_routes_and_table(capsys):
    bench = search_script("bench_cut_symmetry", folder="benchmarks")
    plain, lemmas, breaks = (bench.formula(3, r) for r in bench.ROUTES)
    # the lemmas are over F's unit literals; the breaks rename them and add
    # the canonical-form clauses (2 units at h(0), 1 sortedness clause at e_1,
    # and lexicographic clauses for h(e_2) <= h(e_3))
    assert len(lemmas) == 96 and len(breaks) > len(lemmas)
    assert len(plain) > len(lemmas)
    assert bench.main(["--m", "3", "--limit", "60"]) == 0
    rows = [l for l in capsys.readouterr().out.splitlines() if l.startswith("| 3 |")]
    assert [r.split(" | ")[2] for r in rows] == list(bench.ROUTES)
    assert all(r.split(" | ")[3] == "UNSAT" for r in rows)


def test_refuses_m_below_3(capsys):
    bench = search_script("bench_cut_symmetry", folder="benchmarks")
    assert bench.main(["--m", "2"]) == 2
    assert "need m >= 3" in capsys.readouterr().err


def test_a_solve_over_the_cpu_limit_is_TO():
    # plain F of parity(4) at width 3 takes seconds of CPU (CaDiCaL, about
    # 40,000 conflicts); one CPU second cannot decide it
    bench = search_script("bench_cut_symmetry", folder="benchmarks")
    ans, wall, cpu, conflicts, clauses = bench.measure(4, "plain", 1)
    assert (ans, wall, cpu, conflicts, clauses) == ("TO", None, 1, None, None)
