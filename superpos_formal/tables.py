"""Markdown pipe tables: the one renderer for every table the package writes
(the report, campaign tables, the best-known table).

Examples
--------
>>> print(pipe_table([(1, "a|b"), (22, None)], ["n", "what"], align="rl"))
| n | what |
|---:|:---|
| 1 | a\\|b |
| 22 | None |
"""

__all__ = ["pipe_table", "ALIGN"]

#: separator cell per alignment code; ``None`` leaves the column unaligned
ALIGN = {None: "---", "l": ":---", "r": "---:", "c": ":---:"}


def _cell(value):
    # a bare "|" would end the cell and a newline the row: both would shift
    # every later column of the table
    return " ".join(str(value).replace("|", r"\|").splitlines())


def pipe_table(rows, columns, align=None):
    """A Markdown pipe table (lines joined by newlines, no trailing newline).

    Parameters
    ----------
    rows : iterable of sequences
        One sequence of cells per row, each as long as ``columns``; a cell
        is written as ``str(cell)`` with ``|`` escaped and line breaks
        turned into spaces. No rows gives the header alone (an empty table).
    columns : sequence of str
        Column headers (escaped like cells).
    align : sequence of {None, "l", "r", "c"}, optional
        One alignment code per column; ``None`` (the default) leaves every
        column unaligned (``---``).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        No columns, a row of the wrong length, or an unknown or
        wrong-length ``align``.

    Examples
    --------
    >>> print(pipe_table([], ["a", "b"]))
    | a | b |
    |---|---|
    >>> pipe_table([(1,)], ["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: table row 0 has 1 cell(s), expected 2 (a, b)
    """
    columns = list(columns)
    if not columns:
        raise ValueError("a table needs at least one column")
    align = [None] * len(columns) if align is None else list(align)
    if len(align) != len(columns) or any(a not in ALIGN for a in align):
        raise ValueError(f"align must give one of {sorted(ALIGN, key=str)} per column "
                         f"({len(columns)}), got {align!r}")
    lines = ["| " + " | ".join(_cell(c) for c in columns) + " |",
             "|" + "|".join(ALIGN[a] for a in align) + "|"]
    for i, row in enumerate(rows):
        row = list(row)
        if len(row) != len(columns):
            raise ValueError(f"table row {i} has {len(row)} cell(s), expected "
                             f"{len(columns)} ({', '.join(columns)})")
        lines.append("| " + " | ".join(_cell(c) for c in row) + " |")
    return "\n".join(lines)
