"""Solver option sets and the raced portfolio give the same, checked answers.

Expected answers are hand facts (see each cell), not the code's own output.
"""

import os

import pytest

from superpos_formal.certify.proofcheck.unsat import check_unsat
from superpos_formal.errors import InputError
from superpos_formal.shape import Shape
from superpos_formal.solve.search import CADICAL_CONFIGS, decide
from superpos_formal.tasks import and_pairs, uand
from superpos_formal.verify import verify
from superpos_formal.options import SolveOptions

CELLS = [
    # B = 0 admits only the zero network, which outputs 0 on (1, 1): UNSAT
    (and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=0), "UNSAT"),
    # h = step(x0 + x1 - 1), y = h: SAT
    (and_pairs(2, [(0, 1)]), Shape("explicit", "step", n=1, B=1), "SAT"),
    # uand(3), relu, B = 2 needs 2 hidden units (proof-checked campaign minimum)
    (uand(3), Shape("explicit", "relu", n=1, B=2), "UNSAT"),
    (uand(3), Shape("explicit", "relu", n=2, B=2), "SAT"),
]


@pytest.mark.parametrize("task,shape,expected", CELLS)
@pytest.mark.parametrize("how", [{"config": "sat"}, {"portfolio": ("default", "sat")}])
def test_configs_and_portfolio_answer_with_checked_certificates(task, shape, expected, how,
                                                                 tmp_path):
    proof, cnf = tmp_path / "p.drat", tmp_path / "f.cnf"
    cell = decide(task, shape, SolveOptions(**how), checker=check_unsat, proof_path=str(proof),
                  cnf_path=str(cnf))
    assert cell.status == expected
    assert cell.info["config"] in how.get("portfolio", (how.get("config"),))
    if expected == "SAT":
        assert verify(cell.network, task).ok
    else:
        # the winner's proof was moved into place and checked against its CNF
        assert cell.certified and proof.exists() and cnf.exists()
    assert not list(tmp_path.glob("*.racer*")), "racers' files left behind"


def test_unknown_config_and_empty_portfolio_are_rejected():
    task, shape = CELLS[0][:2]
    with pytest.raises(InputError, match="config"):
        decide(task, shape, SolveOptions(config="fast"))
    with pytest.raises(InputError, match="portfolio"):
        decide(task, shape, SolveOptions(portfolio=()))
    with pytest.raises(InputError, match="CaDiCaL"):
        decide(task, shape, SolveOptions(solver="glucose4", config="sat"))


def test_sat_preset_is_cadicals_documented_one():
    # CaDiCaL 1.9.5 src/config.cpp, "sat" configuration
    assert CADICAL_CONFIGS["sat"] == {"elimreleff": 10, "stabilizeonly": 1,
                                      "subsumereleff": 60}


def _touch(path):
    open(path, "w").close()
    return "touched"


def test_staggered_racer_starts_only_when_nobody_has_answered(tmp_path):
    from superpos_formal.solve.runner import race_limited
    late = tmp_path / "late"
    # the first racer answers at once: the one due after 60 s never starts
    assert race_limited([(sum, ([2, 3],), {}), (_touch, (str(late),), {})],
                        delays=[0, 60]) == (0, 5)
    assert not late.exists()
    # the first racer is slow: the late one starts after its delay and wins
    import time
    assert race_limited([(time.sleep, (30,), {}), (_touch, (str(late),), {})],
                        delays=[0, 0.2], time_limit=20) == (1, "touched")
    assert late.exists()


def test_default_portfolio_names_its_winner_and_answers_as_one_config():
    from superpos_formal.solve.search import AUTO_PORTFOLIO, resolve_portfolio, usable_cores
    task, shape, expected = CELLS[3]
    cell = decide(task, shape)
    assert cell.status == expected
    configs, delays = resolve_portfolio("auto", "default", cell.solver)
    assert cell.info["config"] in configs
    if usable_cores() >= 2:
        assert configs == AUTO_PORTFOLIO and delays[0] == 0 < delays[1]
    with pytest.raises(InputError, match="portfolio"):
        decide(task, shape, SolveOptions(portfolio="fast"))


def _hog():
    return len([bytearray(2 ** 20) for _ in range(4000)])


def _answer_late(value):
    import time
    time.sleep(0.5)
    return value


def test_a_racer_out_of_memory_drops_out_and_is_never_called_a_time_limit():
    from superpos_formal.budget import Budget
    from superpos_formal.solve.runner import _size_bytes, race
    # a forked racer starts with this process's address space: cap above it
    cap = _size_bytes() // 2 ** 20 + 300
    with Budget(120, memory_mb=cap):
        # the hog drops out; the other racer still answers
        i, out = race([(_hog, (), {}), (_answer_late, ("ok",), {})])
        assert (i, out.done, out.value) == (1, True, "ok")
        # every racer out of memory: the race says memory, with the cap
        i, out = race([(_hog, (), {}), (_hog, (), {})], time_limit=60)
    assert i is None and out.limit == "memory" and f"{cap} MB" in out.reason


# ------------------------------------------------------------ free-core rule

def _stat(path, user, nice, system, idle, iowait):
    path.write_text(f"cpu  {user} {nice} {system} {idle} {iowait} 0 0 0 0 0\n"
                    "cpu0 0 0 0 0 0 0 0 0 0 0\ncpu1 0 0 0 0 0 0 0 0 0 0\nintr 1\n")


def test_idle_probe_counts_idle_cores_over_its_window(tmp_path):
    from superpos_formal.solve.cores import IdleProbe
    stat = tmp_path / "stat"
    _stat(stat, 100, 0, 0, 100, 0)
    probe, strict = IdleProbe(str(stat), count_nice=True), IdleProbe(str(stat), count_nice=False)
    # 200 jiffies pass on 2 CPUs: 100 busy (user), 60 idle, 20 iowait, 20
    # nice: free = 80 (or 100 with nice) of 200, times 2 CPUs
    _stat(stat, 200, 20, 0, 160, 20)
    assert probe.free_cores() == pytest.approx(1.0)
    assert strict.free_cores() == pytest.approx(0.8)
    assert probe.core_free() and strict.core_free()
    # the next window: all 200 jiffies busy
    busy = IdleProbe(str(stat), count_nice=True)
    _stat(stat, 400, 20, 0, 160, 20)
    assert busy.free_cores() == 0.0 and not busy.core_free()


def test_niced_time_is_free_only_without_autogroup(tmp_path, monkeypatch):
    """Under autogroup a nice-19 job of another session takes an equal
    share of a core, so its time must not count as free (the rule used when
    the process table cannot be scanned; with it, see
    test_idle_probe_counts_time_of_processes_that_yield_as_free)."""
    from superpos_formal.solve import cores
    flag = tmp_path / "autogroup"
    flag.write_text("1\n")
    assert not cores.nice_yields(str(flag))
    flag.write_text("0\n")
    assert cores.nice_yields(str(flag))
    stat = tmp_path / "stat"
    _stat(stat, 100, 0, 0, 100, 0)
    monkeypatch.setattr(cores, "nice_yields", lambda *a: False)
    noproc = str(tmp_path / "noproc")
    grouped = cores.IdleProbe(str(stat), proc=noproc)
    # the other CPU spent the whole window on a niced job: not free here
    _stat(stat, 200, 100, 0, 100, 0)
    assert grouped.free_cores() == 0.0 and not grouped.core_free()
    if os.getpriority(os.PRIO_PROCESS, 0) <= 0:
        monkeypatch.setattr(cores, "nice_yields", lambda *a: True)
        _stat(stat, 100, 0, 0, 100, 0)
        plain = cores.IdleProbe(str(stat), proc=noproc)
        _stat(stat, 200, 100, 0, 100, 0)
        assert plain.free_cores() == pytest.approx(1.0)


def test_idle_probe_without_proc_stat_falls_back_to_the_load_average(tmp_path):
    from superpos_formal.solve.cores import IdleProbe
    probe = IdleProbe(str(tmp_path / "missing"))
    assert probe.free_cores() >= 0.0


def test_a_racer_the_start_rule_refuses_never_starts(tmp_path):
    from superpos_formal.solve.runner import race_limited
    import time
    late = tmp_path / "late"
    asked = []

    def rule(k):
        asked.append(k)
        return False

    # the first racer is slow, the late one is refused: the first one answers
    assert race_limited([(_answer_late, ("first",), {}), (_touch, (str(late),), {})],
                        delays=[0, 0.1], start_if=rule, time_limit=20) == (0, "first")
    assert asked == [1] and not late.exists()
    # racers due at once are never asked about
    asked.clear()
    assert race_limited([(time.sleep, (30,), {}), (_touch, (str(late),), {})],
                        start_if=rule, time_limit=20) == (1, "touched")
    assert asked == []


@pytest.mark.parametrize("free", [True, False])
def test_staggered_portfolio_answers_the_same_with_or_without_the_free_core_rule(
        free, tmp_path):
    task, shape, expected = CELLS[2]
    proof, cnf = tmp_path / "p.drat", tmp_path / "f.cnf"
    cell = decide(task, shape, SolveOptions(portfolio=("default", "sat"), stagger=0.01, race_if_free=free), checker=check_unsat, proof_path=str(proof), cnf_path=str(cnf))
    assert cell.status == expected and cell.certified
    assert not list(tmp_path.glob("*.racer*"))


def test_family_member_options_are_checked():
    from superpos_formal.solve.family import decide_family
    from superpos_formal.tasks import permutation_family
    shape = Shape("superposed", "relu", n=2, B=1, codes="free")
    with pytest.raises(InputError, match="member_options"):
        decide_family(permutation_family(2), shape, member_options={"sums": "tree"})


@pytest.mark.parametrize("config", ["default", "sat"])
def test_family_session_solver_option_sets_answer_alike(config):
    from superpos_formal.solve.family import decide_family
    from superpos_formal.tasks import permutation_family
    # permutations of 2 features at n = 1, B = 1: SAT (api.min_neurons
    # doctest: the family minimum is 1)
    shape = Shape("superposed", "relu", n=1, B=1, codes="free")
    cell = decide_family(permutation_family(2), shape, SolveOptions(time_limit=60), config=config)
    assert cell.status == "SAT" and len(cell.networks) == 2
    for t, net in zip(permutation_family(2).members(), cell.networks):
        assert verify(net, t).ok


def test_family_config_is_checked():
    from superpos_formal.solve.family import decide_family
    from superpos_formal.tasks import permutation_family
    shape = Shape("superposed", "relu", n=1, B=1, codes="free")
    with pytest.raises(InputError, match="config"):
        decide_family(permutation_family(2), shape, config="fast")
    with pytest.raises(InputError, match="config"):
        decide_family(permutation_family(2), shape, SolveOptions(family_incremental=False), config="sat")


def test_idle_probe_with_an_unreadable_stat_line_falls_back(tmp_path):
    from superpos_formal.solve.cores import IdleProbe
    stat = tmp_path / "stat"
    stat.write_text("cpu  1 2 x 4 5 6 7 8\n")
    assert IdleProbe(str(stat)).free_cores() >= 0.0


# ------------------------------------------- yielding processes (autogroup)

def _fake_proc(root, autogroup_on, procs):
    """A fake ``/proc``: ``procs`` maps pid -> (nice, ticks, group name, group nice);
    this process is pid ``os.getpid()`` at nice 0 in ``/autogroup-1``."""
    (root / "sys" / "kernel").mkdir(parents=True, exist_ok=True)
    (root / "sys" / "kernel" / "sched_autogroup_enabled").write_text(
        "1\n" if autogroup_on else "0\n")
    me = {str(os.getpid()): (0, 5, "/autogroup-1", 0)}
    for pid, (nice, ticks, group, gnice) in {**procs, **me}.items():
        d = root / str(pid)
        d.mkdir(exist_ok=True)
        # fields 3.. of /proc/<pid>/stat; utime = field 14, stime = 15, nice = 19
        rest = ["S"] + ["0"] * 10 + [str(ticks), "0", "0", "0", "20", str(nice)] + ["0"] * 30
        (d / "stat").write_text(f"{pid} (a b) " + " ".join(rest) + "\n")
        (d / "autogroup").write_text(f"{group} nice {gnice}\n")


def test_yields_to_follows_the_scheduler_rules():
    from superpos_formal.solve.cores import yields_to
    me = ("/autogroup-1", 0)
    # no autogroup: a higher nice value yields, an equal or lower one does not
    assert yields_to(19, None, 0, None, autogroup=False)
    assert not yields_to(0, None, 0, None, autogroup=False)
    assert not yields_to(5, None, 10, None, autogroup=False)
    # autogroup: another session yields only if its group is niced above ours
    assert not yields_to(19, ("/autogroup-2", 0), 0, me, autogroup=True)
    assert yields_to(19, ("/autogroup-2", 19), 0, me, autogroup=True)
    # the same session: the process nice values decide
    assert yields_to(19, ("/autogroup-1", 0), 0, me, autogroup=True)


def test_idle_probe_counts_time_of_processes_that_yield_as_free(tmp_path):
    from superpos_formal.solve.cores import IdleProbe, yielding_ticks
    proc, stat = tmp_path / "proc", tmp_path / "stat"
    # pid 101: a background job (nice 19, its session's group niced 19);
    # pid 102: nice 19 in a nice-0 group of another session (competes as equal)
    _fake_proc(proc, True, {101: (19, 1000, "/autogroup-7", 19),
                            102: (19, 2000, "/autogroup-8", 0)})
    assert yielding_ticks(str(proc)) == {"101": 1000}
    _stat(stat, 100, 0, 0, 100, 0)
    probe = IdleProbe(str(stat), proc=str(proc))
    # 200 jiffies on 2 CPUs: 100 ours (user), 100 nice: 80 of them pid 101's
    _fake_proc(proc, True, {101: (19, 1080, "/autogroup-7", 19),
                            102: (19, 2020, "/autogroup-8", 0)})
    _stat(stat, 200, 100, 0, 100, 0)
    assert probe.free_cores() == pytest.approx(0.8)
    assert probe.core_free()
    # the same niced time without the background group's nice: busy
    _fake_proc(proc, True, {101: (19, 1000, "/autogroup-7", 0)})
    _stat(stat, 100, 0, 0, 100, 0)
    busy = IdleProbe(str(stat), proc=str(proc))
    _fake_proc(proc, True, {101: (19, 1100, "/autogroup-7", 0)})
    _stat(stat, 200, 100, 0, 100, 0)
    assert busy.free_cores() == 0.0 and not busy.core_free()
    # autogroup off: every process niced above us yields (102 is still there)
    _fake_proc(proc, False, {101: (19, 1000, "/autogroup-7", 0)})
    assert yielding_ticks(str(proc)) == {"101": 1000, "102": 2020}


# ------------------------------------------- the no-symmetry (SAT-only) racer

def test_nosym_racer_answers_sat_and_declines_unsat(tmp_path):
    from superpos_formal.solve.search import DECLINED, _encode_and_solve
    proof, cnf = tmp_path / "p.drat", tmp_path / "f.cnf"
    for task, shape, expected in CELLS:
        out = _encode_and_solve(task, shape, None, True, None, "auto", "cadical195",
                                "order-tree", str(proof), str(cnf), "sat:nosym")
        # its formula is the one without symmetry breaks
        assert out["info"]["symmetry"] is False and out["info"]["breaks"] == []
        # and it never writes a proof or a CNF: they would not be the asked formula's
        assert not proof.exists() and not cnf.exists()
        if expected == "SAT":
            assert out["status"] == "SAT" and "network" in out
        else:
            assert out["status"] == DECLINED and "network" not in out


@pytest.mark.parametrize("task,shape,expected", CELLS)
def test_portfolio_with_a_nosym_racer_keeps_unsat_proofs_of_the_asked_formula(
        task, shape, expected, tmp_path):
    from superpos_formal.encode.sat import encode_sat
    proof = tmp_path / "p.drat"
    # both racers start at once, so the SAT-only one often finishes first
    cell = decide(task, shape, SolveOptions(portfolio=("sat", "sat:nosym")), checker=check_unsat, proof_path=str(proof))
    assert cell.status == expected and cell.options["symmetry"] is True
    if expected == "SAT":
        assert verify(cell.network, task).ok
    else:
        assert cell.info["config"] == "sat" and cell.certified
        assert cell.info["breaks"] == encode_sat(task, shape).info["breaks"]
    assert not list(tmp_path.glob("*.racer*"))


def test_nosym_racer_is_refused_first_and_dropped_when_the_formula_is_asked(tmp_path):
    task, shape, _ = CELLS[3]
    with pytest.raises(InputError, match="first racer"):
        decide(task, shape, SolveOptions(portfolio=("sat:nosym", "sat")))
    with pytest.raises(InputError, match="config"):
        decide(task, shape, SolveOptions(portfolio=("sat", "fast:nosym")))
    cnf = tmp_path / "f.cnf"
    cell = decide(task, shape, SolveOptions(portfolio=("sat:nosym", "sat")[::-1]), cnf_path=str(cnf))
    assert cell.info["config"] == "sat" and cnf.exists()
    assert decide(task, shape, SolveOptions(portfolio=("sat", "sat:nosym"), symmetry=False)).info["config"] == "sat"


def test_auto_portfolio_races_the_nosym_racer_below_two_hidden_layers():
    from superpos_formal.solve.search import (AUTO_PORTFOLIO, AUTO_PORTFOLIO_DEEP, NOSYM,
                                              resolve_portfolio)
    assert resolve_portfolio("auto", "default", "cadical195", cores=2, depth=1)[0] \
        == AUTO_PORTFOLIO == ("sat", "sat" + NOSYM)
    assert resolve_portfolio("auto", "default", "cadical195", cores=2, depth=2)[0] \
        == AUTO_PORTFOLIO_DEEP == ("sat", "default")
    # one core: the racer that answers both ways, alone
    assert resolve_portfolio("auto", "default", "cadical195", cores=1, depth=1)[0] == ("sat",)
