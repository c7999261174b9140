"""The one Markdown pipe-table renderer (superpos_formal/tables.py)."""

import pytest

from superpos_formal.tables import pipe_table


def test_rows_render_as_literal_text():
    text = pipe_table([("uand", 4, None), ("xor", 12, 3.5)], ["subject", "n", "seconds"])
    assert text == ("| subject | n | seconds |\n"
                    "|---|---|---|\n"
                    "| uand | 4 | None |\n"
                    "| xor | 12 | 3.5 |")


def test_alignment_codes():
    assert pipe_table([(1, 2, 3, 4)], "abcd", align=["l", "r", "c", None]).splitlines()[1] \
        == "|:---|---:|:---:|---|"


def test_pipe_is_escaped_and_newlines_flattened():
    text = pipe_table([("x1 | x2", "two\nlines")], ["a|b", "c"])
    assert text.splitlines() == [r"| a\|b | c |", "|---|---|", r"| x1 \| x2 | two lines |"]


def test_no_rows_is_the_header_alone():
    assert pipe_table([], ["a"]) == "| a |\n|---|"
    assert pipe_table(iter(()), ["a", "b"]) == "| a | b |\n|---|---|"


@pytest.mark.parametrize("rows, columns, align, message", [
    ([(1, 2)], ["a"], None, "table row 0 has 2 cell(s), expected 1 (a)"),
    ([(1,), ()], ["a"], None, "table row 1 has 0 cell(s), expected 1 (a)"),
    ([], [], None, "at least one column"),
    ([], ["a", "b"], ["l"], "one of"),
    ([], ["a"], ["x"], "one of"),
])
def test_bad_shapes_are_refused(rows, columns, align, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        pipe_table(rows, columns, align)
