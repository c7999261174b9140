"""What `superpos cubes --help` and its errors tell a newcomer (issue 21):
the true cube count per depth, help on every option, no Sphinx markup, a way
to list member names and a "not a member" error that shows some."""

import json
import re

import pytest

from superpos_formal.cli import build_parser, main


def _help(capsys, cmd):
    with pytest.raises(SystemExit):
        main([cmd, "--help"])
    return capsys.readouterr().out


def test_cubes_help_has_no_sphinx_markup_and_every_option_has_help(capsys):
    text = _help(capsys, "cubes")
    assert ":mod:" not in text and "``" not in text
    sub = build_parser()._subparsers._group_actions[0].choices["cubes"]
    bare = [a.option_strings[0] for a in sub._actions
            if a.option_strings and not a.help and a.dest != "help"]
    assert bare == []


def test_cubes_help_gives_the_true_cube_count(tmp_path, capsys):
    text = " ".join(_help(capsys, "cubes").split())
    assert "up to 2**depth" not in text and "more than 2**depth" in text
    # the count the help quotes for depth 2 is what a run gives
    assert main(["cubes", "--task", "uand", "--m", "4", "--mode", "explicit", "--activation",
                 "step", "--n", "2", "--B", "1", "--depth", "2", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"UNSAT: 8 cubes", out) and "e.g. 8 at depth 2" in text


def test_cubes_list_members_feeds_members(tmp_path, capsys):
    assert main(["cubes", "--family", "permutations", "--m", "3", "--list-members"]) == 0
    names = json.loads(capsys.readouterr().out)
    assert len(names) == 6 and "permutation(m=3,pi=[2, 0, 1])" in names
    sub = tmp_path / "sub.json"
    sub.write_text(json.dumps(names[:2] + ["permutation(m=3,pi=[0, 1])"]))
    assert main(["cubes", "--family", "permutations", "--m", "3", "--mode", "superposed",
                 "--codes", "free", "--activation", "relu", "--n", "1", "--B", "1",
                 "--B-code", "1", "--members", str(sub)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "is not a member" in err[0]
    assert repr(names[0]) in err[0] and "--list-members" in err[0]


def test_list_members_needs_a_family(capsys):
    assert main(["cubes", "--task", "uand", "--m", "3", "--list-members"]) == 2
    assert "only with --family" in capsys.readouterr().err
