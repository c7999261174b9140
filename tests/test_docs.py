"""The README's Python snippet and docs/example_notebook.py run as written.

The README's ```python blocks are doctests (their expected outputs are
compared); the example script's own asserts check its claims. A failure here
means the documentation no longer describes the package.
"""

import doctest
import re
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_blocks():
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_a_python_api_section():
    text = (ROOT / "README.md").read_text()
    assert "## Python API" in text
    blocks = readme_blocks()
    assert blocks and all(">>>" in b for b in blocks)


def test_readme_python_snippets_run():
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for i, block in enumerate(readme_blocks()):
        test = parser.get_doctest(block, {}, f"README.md[python {i}]", "README.md", 0)
        runner.run(test)
    res = runner.summarize(verbose=False)
    assert res.attempted > 5 and res.failed == 0


def test_doctest_runner_catches_a_wrong_readme():
    """The check above can fail: a wrong expected output is reported."""
    bad = ">>> 1 + 1\n3\n"
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(doctest.DocTestParser().get_doctest(bad, {}, "bad", "bad", 0),
               out=lambda s: None)
    assert runner.summarize(verbose=False).failed == 1


def test_example_notebook_runs(capsys):
    runpy.run_path(str(ROOT / "docs" / "example_notebook.py"), run_name="__main__")
    out = capsys.readouterr().out
    assert "verified: True" in out
    assert "minimum n = 2" in out and "minimum n = 3" in out


def test_no_reference_leaves_the_repository():
    """Docs and code point inside the repository (docs/MODEL.md), never to
    files that are not here."""
    # the bracketed letters keep the names themselves out of this file, so
    # the scan covers it too
    gone = re.compile(r"(?<!docs/)MODE[L]\.md|PAPE[R]\.md|ENCODING-NOTE[S]|MODEL-DECISION[S]"
                      r"|\.\./share[d]")
    bad = []
    for p in ROOT.rglob("*"):
        if ".git" in p.parts or not p.is_file() or p.suffix not in (".py", ".md", ".json"):
            continue
        for i, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            if gone.search(line):
                bad.append(f"{p.relative_to(ROOT)}:{i}")
    assert not bad, bad
    assert (ROOT / "docs/MODEL.md").is_file()
