"""The core CLI commands, through ``main([...])``: outputs, exit codes, and a
one-line ``superpos: error:`` naming the field for every kind of bad input."""

import argparse
import json

import pytest
from conftest import superposed_perm, uand3_relu

from superpos_formal import tasks as T
from superpos_formal.cli import build_parser, main
from superpos_formal.schema import dump, load, write_json


def run(capsys, *argv):
    rc = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return rc, out, err


def one_line_error(err, field):
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("superpos: error: ")
    assert field in lines[0], lines[0]


@pytest.fixture
def files(tmp_path):
    write_json(uand3_relu(), tmp_path / "net.json")
    write_json(T.uand(3), tmp_path / "uand.json")
    write_json(superposed_perm(), tmp_path / "sup.json")
    return tmp_path


# ------------------------------------------------------------------ task

def test_task_pairs(capsys, tmp_path):
    rc, out, _ = run(capsys, "task", "and_pairs", "--m", 3, "--pairs", "0-1,1-2",
                     "-o", tmp_path / "t.json")
    assert rc == 0 and "wrote task" in out
    t = load(tmp_path / "t.json")
    # x0&x1 only on 110, x1&x2 only on 011 (order 000 100 010 001 110 101 011)
    assert [y for y in t.outputs] == [(0, 0)] * 4 + [(1, 0), (0, 0), (0, 1)]


def test_task_permutation_and_stdout(capsys, tmp_path):
    rc, out, _ = run(capsys, "task", "permutation", "--m", 3, "--pi", "2,0,1")
    d = json.loads(out)
    assert rc == 0 and d["kind"] == "permutation" and d["pi"] == [2, 0, 1] and d["s"] == 1
    rc, out, _ = run(capsys, "task", "uand", "--m", 4, "--s", 1)
    d = json.loads(out)
    assert d["m_out"] == 6 and d["s"] == 1
    rc, out, _ = run(capsys, "task", "identity", "--m", 2)
    assert json.loads(out)["kind"] == "identity"


def test_pair_task_defaults_to_all_pairs(capsys):
    rc, out, _ = run(capsys, "task", "xor_pairs", "--m", 3)
    d = json.loads(out)
    assert rc == 0 and d["pairs"] == [[0, 1], [0, 2], [1, 2]] and d["m_out"] == 3


def test_task_parity_majority_table(capsys, tmp_path):
    rc, out, _ = run(capsys, "task", "parity", "--m", 3, "-o", tmp_path / "p.json")
    t = load(tmp_path / "p.json")
    # dense: all 8 inputs of {0,1}^3 (order by weight); parity by hand
    assert rc == 0 and t.s == 3 and t.m_out == 1
    assert [y[0] for y in t.outputs] == [0, 1, 1, 1, 0, 0, 0, 1]
    rc, out, _ = run(capsys, "task", "majority", "--m", 4)
    d = json.loads(out)
    t = load_dict_task(d)
    # strict majority of 4 bits: weight >= 3; inputs ordered by weight 0..4
    assert [y[0] for y in t.outputs] == [0] * 11 + [1] * 5
    # XOR of 2 features as a truth table over X(2, 2): 00 10 01 11
    rc, out, _ = run(capsys, "task", "table", "--m", 2, "--s", 2, "--outputs", "0,1,1,0",
                     "-o", tmp_path / "x.json")
    assert rc == 0
    t = load(tmp_path / "x.json")
    assert t.kind == "table" and t.outputs == ((0,), (1,), (1,), (0,))
    assert t((1, 1)) == (0,) and t((0, 1)) == (1,)


def load_dict_task(d):
    return T.task_from_dict(d)


def test_task_random_pairs_seeded(capsys):
    outs = []
    for seed in (5, 5, 6, 7, 8):
        rc, out, _ = run(capsys, "task", "or_pairs", "--m", 6, "--m-out", 4, "--seed", seed)
        assert rc == 0
        outs.append(json.loads(out)["pairs"])
    assert outs[0] == outs[1]
    assert all(len(p) == 4 and len({tuple(q) for q in p}) == 4 for p in outs)
    assert all(0 <= i < j < 6 for p in outs for i, j in p)
    assert len({json.dumps(p) for p in outs}) > 1


# ------------------------------------------------------------------ family

def test_family_commands(capsys, tmp_path):
    rc, out, _ = run(capsys, "family", "permutations", "--m", 4, "-o", tmp_path / "p.json")
    assert rc == 0 and "24 members" in out and "SAMPLE" not in out
    assert load(tmp_path / "p.json").size == 24
    rc, out, _ = run(capsys, "family", "pair-sets", "--m", 4, "--m-out", 2, "--op", "xor",
                     "-o", tmp_path / "x.json")
    fam = load(tmp_path / "x.json")
    assert rc == 0 and fam.size == 15 and dict(fam.params)["op"] == "xor"
    rc, out, _ = run(capsys, "family", "pair-sets", "--m", 5, "--m-out", 2,
                     "--sample", 5, "--seed", 9, "-o", tmp_path / "s.json")
    assert rc == 0 and "SAMPLE" in out
    s = load(tmp_path / "s.json")
    assert s.is_sample and dict(s.sample)["seed"] == 9 and dict(s.sample)["size_of"] == 45
    assert s.size == 5
    assert json.load(open(tmp_path / "s.json"))["sample"]["k"] == 5


# ------------------------------------------------------------------ check

def test_check_pass(capsys, files):
    rc, out, _ = run(capsys, "check", files / "net.json", files / "uand.json")
    assert rc == 0
    assert "PASS" in out and "FAIL" not in out
    # counts by hand: 3 neurons, 24 dense, 12 nonzero, 24 bits, 6 code nonzeros
    assert "hidden neurons:   3" in out and "24 dense, 12 nonzero" in out
    assert "bits:             24" in out and "code nonzeros:    6" in out


def test_check_fail_prints_counterexamples(capsys, files):
    # the uand network on xor of (1, 2) plus two ANDs: y2 = relu(x1+x2-1) >= 1
    # only on 011, but XOR wants 1 on 010 and 001 and 0 on 011
    write_json(T.table(3, 2, outputs=[[0, 0, 0], [0, 0, 0], [0, 0, 1], [0, 0, 1],
                                      [1, 0, 0], [0, 1, 0], [0, 0, 0]]), files / "t.json")
    rc, out, _ = run(capsys, "check", files / "net.json", files / "t.json")
    assert rc == 1 and "FAIL: 3 wrong output bits of 21" in out
    assert "x=010  j=2  expected=1  got=0" in out
    assert "x=001  j=2  expected=1  got=0" in out
    assert "x=011  j=2  expected=0  got=1" in out
    rc, out, _ = run(capsys, "check", files / "net.json", files / "t.json", "--tolerance", 3)
    assert rc == 0 and "PASS" in out and "3 wrong, within tolerance 3" in out


# ------------------------------------------------------------------ draw / show

def test_draw_all_formats(capsys, files):
    for suffix in ("png", "svg", "graphml", "dot"):
        rc, out, _ = run(capsys, "draw", files / "sup.json", "-o", files / f"g.{suffix}")
        assert rc == 0 and (files / f"g.{suffix}").stat().st_size > 0
    assert (files / "g.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_show(capsys, files):
    rc, out, _ = run(capsys, "show", files / "sup.json")
    assert rc == 0
    assert "m=3, m'=3, theta=2" in out
    lines = out.splitlines()
    i = lines.index("R (3x2):")
    assert [ln.split() for ln in lines[i + 1:i + 4]] == [["1", "1"], ["2", "-2"], ["-2", "2"]]
    assert "E (2x3):" in out and "W1 (2x2):" in out
    rc, out, _ = run(capsys, "show", files / "net.json")
    assert "E = I (3x3)" in out and "R = I (3x3)" in out and "b1 (1x3):" in out


# ------------------------------------------------------------------ errors

def _bad_net(files, name, **changes):
    d = dump(uand3_relu())
    d.update(changes)
    (files / name).write_text(json.dumps(d))
    return files / name


@pytest.mark.parametrize("argv,field", [
    (["task", "and_pairs", "--m", "3", "--pairs", "0-1,1_2"], "--pairs"),
    (["task", "and_pairs", "--m", "3", "--pairs", "0-1-2"], "--pairs"),
    (["task", "and_pairs", "--m", "3", "--pairs", "0-5"], "pairs"),
    (["task", "and_pairs", "--m", "3", "--pairs", "1-0"], "pairs"),
    (["task", "and_pairs", "--m", "3", "--seed", "1"], "--seed"),
    (["task", "parity", "--m", "3", "--pairs", "0-1"], "--pairs"),
    (["task", "table", "--m", "2", "--s", "1", "--outputs", "0,1"], "outputs"),
    (["task", "table", "--m", "2", "--s", "1", "--outputs", "0,2,1"], "--outputs"),
    (["task", "table", "--m", "2", "--outputs", "0,1,1"], "--s"),
    (["task", "table", "--m", "2", "--s", "1"], "--outputs"),
    (["task", "majority", "--m", "3", "--outputs", "0"], "--outputs"),
    (["task", "and_pairs", "--m", "3", "--m-out", "4"], "--m-out"),
    (["task", "and_pairs", "--m", "3", "--m-out", "1", "--pairs", "0-1"], "--m-out"),
    (["task", "permutation", "--m", "3", "--pi", "2,0,x"], "--pi"),
    (["task", "permutation", "--m", "3", "--pi", "2,0,0"], "pi"),
    (["task", "permutation", "--m", "3"], "--pi"),
    (["task", "identity", "--m", "3", "--pi", "0,1,2"], "--pi"),
    (["task", "identity", "--m", "0"], "m"),
    (["task", "uand", "--m", "1"], "m"),
    (["family", "pair-sets", "--m", "4"], "--m-out"),
    (["family", "pair-sets", "--m", "4", "--m-out", "7"], "--m-out"),
    (["family", "permutations", "--m", "4", "--op", "and"], "--op"),
    (["family", "permutations", "--m", "4", "--sample", "0"], "--sample"),
    (["family", "permutations", "--m", "4", "--seed", "1"], "--seed"),
])
def test_bad_options(capsys, argv, field):
    rc, out, err = run(capsys, *argv)
    assert rc == 2
    one_line_error(err, field)


def test_bad_files(capsys, files):
    cases = []
    cases.append((["check", files / "nope.json", files / "uand.json"], "no such file"))
    (files / "broken.json").write_text('{"mode": "explicit",')
    cases.append((["check", files / "broken.json", files / "uand.json"], "not valid JSON"))
    cases.append((["show", _bad_net(files, "b1.json", activation="tanh")], "activation"))
    bad = _bad_net(files, "b2.json", layers=[{"W": [[1, 1], [1, 0], [0, 1]], "b": [-1, -1, -1]}])
    cases.append((["show", bad], "layers[0].W[0]"))
    bad = _bad_net(files, "b3.json", layers=[{"W": [[3, 1, 0], [1, 0, 1], [0, 1, 1]], "b": [-1, -1, -1]}])
    cases.append((["draw", bad, "-o", files / "x.png"], "layers[0].W[0][0]"))
    cases.append((["check", _bad_net(files, "b4.json", V=[[1, 0, 0], [0, 1, 0]], c=[0, 0],
                                     R=[[1, 0], [0, 1]], m_out=2), files / "uand.json"], "m_out"))
    write_json(T.and_pairs(3, [(0, 1)]), files / "one.json")
    cases.append((["check", files / "net.json", files / "one.json"], "m_out"))
    write_json(T.and_pairs(4, [(0, 1), (0, 2), (1, 2)]), files / "m4.json")
    cases.append((["check", files / "net.json", files / "m4.json"], "m:"))
    cases.append((["check", files / "uand.json", files / "net.json"], "format"))
    (files / "pairs.json").write_text('{"kind": "and_pairs", "m": 3, "s": 2, "pairs": [1, 2]}')
    cases.append((["check", files / "net.json", files / "pairs.json"], "pairs"))
    cases.append((["draw", files / "net.json", "-o", files / "x.jpg"], "unknown output format"))
    (files / "dir.png").mkdir()
    cases.append((["draw", files / "net.json", "-o", files / "dir.png"], "-o"))
    cases.append((["task", "identity", "--m", "2", "-o", files / "net.json" / "x.json"],
                  "-o"))
    for argv, field in cases:
        rc, out, err = run(capsys, *argv)
        assert rc == 2, (argv, out, err)
        one_line_error(err, field)


def test_tolerance_must_be_non_negative(capsys, files):
    with pytest.raises(SystemExit) as e:
        main(["check", str(files / "net.json"), str(files / "uand.json"), "--tolerance", "-1"])
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert "--tolerance" in err and "Traceback" not in err


# ------------------------------------------------------------------ help

def _subparsers():
    p = build_parser()
    sub = next(a for a in p._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices


@pytest.mark.parametrize("cmd", ["task", "family", "check", "draw", "show"])
def test_every_option_has_help(cmd, capsys):
    sp = _subparsers()[cmd]
    assert sp.description
    for action in sp._actions:
        assert action.help, (cmd, action.dest)
    with pytest.raises(SystemExit) as e:
        main([cmd, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: superpos {cmd}")
