"""README.md's Layout section lists every module and folder of the package
and every top-level folder of the repository, and nothing that is gone.

The Layout is one fenced block: a folder line starts at column 0 with the
folder's path and a trailing ``/`` (``superpos_formal/solve/``, ``proofs/``);
below it, one indented line per module, starting with the file name
(``  runner.py   one solve per process ...``). The checker reads that block
only, so a module named elsewhere in the README does not count. Modules
whose name starts with ``_`` (``__init__.py``, ``__main__.py``, private
helpers) are not listed.
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = "superpos_formal"
#: generated or machine-local top-level folders, never committed
IGNORED_TOP = {"out", "build", "dist", "node_modules"}


def layout_block(readme):
    """The fenced block of the README's ``## Layout`` section."""
    m = re.search(r"^## Layout\n(.*?)(?=^## |\Z)", readme, flags=re.S | re.M)
    if not m:
        raise AssertionError("README.md has no '## Layout' section")
    block = re.search(r"^```\n(.*?)^```", m.group(1), flags=re.S | re.M)
    if not block:
        raise AssertionError("README.md's Layout section has no ``` block")
    return block.group(1)


def listed(readme):
    """Paths the Layout names: folders (``a/b/``) and modules (``a/b/x.py``)."""
    out, folder = set(), None
    for line in layout_block(readme).splitlines():
        if not line.strip():
            continue
        first = line.split()[0]
        if not line[0].isspace() and first.endswith("/"):
            folder = first
            out.add(folder)
        elif line[0].isspace() and first.endswith(".py") and folder:
            out.add(folder + first)
    return out


def expected(root):
    """Every package folder and listed-kind module, and the top-level folders."""
    want = set()
    pkg = root / PKG
    for d in [pkg, *sorted(p for p in pkg.rglob("*") if p.is_dir())]:
        if d.name == "__pycache__" or any(part.startswith((".", "__")) for part in
                                          d.relative_to(root).parts):
            continue
        want.add(d.relative_to(root).as_posix() + "/")
        want |= {f.relative_to(root).as_posix() for f in d.glob("*.py")
                 if not f.name.startswith("_")}
    want |= {p.name + "/" for p in root.iterdir()
             if p.is_dir() and not p.name.startswith(".") and p.name != PKG
             and p.name not in IGNORED_TOP and not p.name.endswith(".egg-info")}
    return want


def problems(readme, root):
    """One line per missing or stale entry, saying exactly what to change."""
    have, want = listed(readme), expected(root)
    out = []
    for path in sorted(want - have):
        if path.endswith("/"):
            out.append(f"README.md Layout omits the folder {path}: add a line `{path}  <what it "
                       f"holds>` at column 0, then one indented line per module in it")
        else:
            folder, name = path.rsplit("/", 1)
            out.append(f"README.md Layout omits {path}: add the line `  {name}  <what it does>` "
                       f"under `{folder}/`")
    for path in sorted(have - want):
        out.append(f"README.md Layout lists {path}, which does not exist: remove its line")
    return out


def test_readme_layout_lists_every_module_and_folder():
    bad = problems((ROOT / "README.md").read_text(), ROOT)
    assert not bad, "\n".join(bad)


SYNTHETIC = """# x

## Layout

```
superpos_formal/             the package
  tasks.py                   tasks
superpos_formal/solve/       solve
  runner.py                  runs
docs/                        docs
```

## Next
"""


def _tree(tmp_path):
    for rel in ("superpos_formal/__init__.py", "superpos_formal/tasks.py",
                "superpos_formal/solve/__init__.py", "superpos_formal/solve/runner.py",
                "superpos_formal/solve/ascend.py", "docs/MODEL.md", "tests/test_x.py"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("")
    return tmp_path


def test_checker_names_an_omitted_module_and_folder(tmp_path):
    root = _tree(tmp_path)
    assert problems(SYNTHETIC, root) == [
        "README.md Layout omits superpos_formal/solve/ascend.py: add the line "
        "`  ascend.py  <what it does>` under `superpos_formal/solve/`",
        "README.md Layout omits the folder tests/: add a line `tests/  <what it holds>` at "
        "column 0, then one indented line per module in it"]


def test_checker_names_a_stale_line_and_accepts_a_complete_layout(tmp_path):
    root = _tree(tmp_path)
    (root / "superpos_formal" / "tasks.py").unlink()
    complete = SYNTHETIC.replace(
        "docs/ ", "  ascend.py                  ascends\ntests/                       t\ndocs/ ")
    assert problems(complete, root) == [
        "README.md Layout lists superpos_formal/tasks.py, which does not exist: remove its line"]
    (root / "superpos_formal" / "tasks.py").write_text("")
    assert problems(complete, root) == []


def test_a_module_named_outside_the_layout_block_does_not_count(tmp_path):
    root = _tree(tmp_path)
    text = SYNTHETIC.replace("# x\n", "# x\n\nsee superpos_formal/solve/ascend.py\n")
    assert any("ascend.py" in p for p in problems(text, root))


def test_a_readme_without_a_layout_section_fails():
    with pytest.raises(AssertionError, match="no '## Layout' section"):
        listed("# x\n\n## Other\n")
