"""The package's layers point one way (docs/MODEL.md, "Layers").

    model  <-  encode  <-  solve  <-  certify  <-  api / report  <-  cli

A module may import its own layer and the layers to its left, never one to
its right; no modules import each other in a loop; and no module hides an
import of another package module inside a function body (that is how loops
and upward imports hide), except the few listed in ``ALLOWED_LOCAL`` with
the reason.

The import graph is read from the source with :mod:`ast` (nothing is
imported), so the test sees every ``import`` statement, at module top or
not. The checks are plain functions over a graph so that the tests at the
bottom can feed them a synthetic bad graph and see them fail.

A new module must be given a layer here: an unknown module fails the test
(fail closed), with the message saying where to add it.
"""

import ast
from pathlib import Path

import pytest

PKG = "superpos_formal"
ROOT = Path(__file__).resolve().parent.parent / PKG

#: layers, lowest first; a module may import from its own layer or lower
ORDER = ("model", "encode", "solve", "certify", "api", "cli")

#: sub-packages: every module inside takes the package's layer
PACKAGES = {"encode": "encode", "solve": "solve", "certify": "certify", "cli": "cli",
            "bounds": "model", "constructions": "model",
            # exporters and importers for torch/ONNX: they read bundles
            # (certify) and repair by SAT (solve), so they sit with the api
            "bridge": "api",
            # the report by role (collect, analysis, render, plots): report.py runs them
            "reporting": "api"}

#: top-level modules
MODULES = {
    "errors": "model", "ids": "model", "version": "model", "results": "model", "domain": "model",
    "tasks": "model", "codes": "model", "network": "model", "verify": "model",
    "schema": "model", "shape": "model", "graph": "model", "bounds": "model", "fit": "model",
    "budget": "model", "sizes": "model", "inputs": "model", "options": "model",
    "request": "model", "tables": "model",
    "campaign": "api", "api": "api", "report": "api", "store": "api",
    "distributed": "api", "band": "api",
    # the package itself re-exports the api (the front door)
    "__init__": "api", "__main__": "cli",
}

#: (module, imported module) pairs allowed inside a function body, with why
ALLOWED_LOCAL = {
}


def module_name(path):
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def all_modules():
    return {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def layer_of(mod):
    """The layer of a package module, or None when it has none assigned."""
    parts = mod.split(".")
    if parts == [PKG]:
        return MODULES["__init__"]
    if len(parts) >= 3 or (len(parts) == 2 and parts[1] in PACKAGES):
        return PACKAGES.get(parts[1])
    return MODULES.get(parts[1])


def _resolve(mod, is_pkg, node, known):
    """Package modules named by one import statement."""
    out = []
    if isinstance(node, ast.Import):
        for a in node.names:
            if a.name == PKG or a.name.startswith(PKG + "."):
                out.append(a.name)
        return out
    if node.level == 0:
        base = node.module or ""
        if not (base == PKG or base.startswith(PKG + ".")):
            return out
    else:
        pkg = mod.split(".") if is_pkg else mod.split(".")[:-1]
        pkg = pkg[:len(pkg) - (node.level - 1)]
        base = ".".join(pkg + ([node.module] if node.module else []))
    for a in node.names:
        cand = f"{base}.{a.name}"
        out.append(cand if cand in known else base)
    return out


def import_graph():
    """``{module: {(imported, local)}}`` over the package's own modules;
    ``local`` is True for an import inside a function or class body."""
    mods = all_modules()
    graph = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        is_pkg = path.name == "__init__.py"
        edges = set()
        top = set(id(n) for n in tree.body)
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                local = id(node) not in top and not _in_module_level_block(tree, node)
                for tgt in _resolve(mod, is_pkg, node, mods):
                    if tgt != mod:
                        edges.add((tgt, local))
        graph[mod] = edges
    return graph


def _in_module_level_block(tree, node):
    """Imports under a module-level ``try``/``if`` count as top-level."""
    for stmt in tree.body:
        if isinstance(stmt, (ast.Try, ast.If)):
            for sub in ast.walk(stmt):
                if sub is node:
                    return True
    return False


def layer_violations(graph, layer):
    """``[(importer, imported, why)]`` for every import of a higher layer or
    from/to a module with no layer."""
    bad = []
    for mod, edges in sorted(graph.items()):
        lm = layer(mod)
        for tgt, _local in sorted(edges):
            lt = layer(tgt)
            if lm is None or lt is None:
                who = mod if lm is None else tgt
                bad.append((mod, tgt, f"{who} has no layer: add it to MODULES or "
                                      f"PACKAGES in tests/test_layers.py"))
            elif ORDER.index(lt) > ORDER.index(lm):
                bad.append((mod, tgt, f"{lm} imports {lt}"))
    return bad


def find_cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, on, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w, _ in graph.get(v, ()):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def local_imports(graph):
    return sorted((mod, tgt) for mod, edges in graph.items() for tgt, local in edges
                  if local and (mod, tgt) not in ALLOWED_LOCAL)


# ---------------------------------------------------------------- the package

def test_every_module_has_a_layer():
    missing = [m for m in all_modules() if layer_of(m) is None]
    assert not missing, (f"modules without a layer: {missing}; add them to MODULES or "
                         f"PACKAGES in tests/test_layers.py")


def test_layers_point_one_way():
    bad = layer_violations(import_graph(), layer_of)
    assert not bad, "\n".join(f"{a} -> {b}: {why}" for a, b, why in bad)


def test_no_import_loops():
    cycles = find_cycles(import_graph())
    assert not cycles, f"modules importing each other in a loop: {cycles}"


def test_no_hidden_package_imports():
    hidden = local_imports(import_graph())
    assert not hidden, (f"package imports inside function bodies (move them to the "
                        f"module top, or list them with the reason in ALLOWED_LOCAL): "
                        f"{hidden}")


def test_graph_is_read():
    """The reader finds imports we know are there (guards a reader that
    silently sees nothing, which would make every check above pass)."""
    g = import_graph()
    assert ("superpos_formal.tasks", False) in g["superpos_formal.schema"]
    assert ("superpos_formal.encode.sat", False) in g["superpos_formal.solve.search"]
    assert ("superpos_formal.certify.proofcheck.drat", False) in g["superpos_formal.certify.bundles.verify"]
    assert len(g) >= 30


# ---------------------------------------------------------------- the checks can fail

def test_checks_fail_on_a_synthetic_bad_graph():
    g = {
        "superpos_formal.tasks": {("superpos_formal.solve.search", False)},
        "superpos_formal.solve.search": {("superpos_formal.certify.proofcheck.drat", False),
                                         ("superpos_formal.tasks", False)},
        "superpos_formal.certify.proofcheck.drat": {("superpos_formal.solve.search", True)},
        "superpos_formal.encode.sat": {("superpos_formal.network", False)},
        "superpos_formal.network": set(),
        "superpos_formal.mystery": {("superpos_formal.network", False)},
    }
    bad = {(a, b) for a, b, _ in layer_violations(g, layer_of)}
    assert ("superpos_formal.tasks", "superpos_formal.solve.search") in bad
    assert ("superpos_formal.solve.search", "superpos_formal.certify.proofcheck.drat") in bad
    assert ("superpos_formal.mystery", "superpos_formal.network") in bad
    assert ("superpos_formal.encode.sat", "superpos_formal.network") not in bad
    assert ("superpos_formal.certify.proofcheck.drat", "superpos_formal.solve.search") not in bad
    cycles = find_cycles(g)
    assert sorted(map(tuple, cycles)) == [("superpos_formal.certify.proofcheck.drat",
                                           "superpos_formal.solve.search",
                                           "superpos_formal.tasks")]
    assert local_imports(g) == [("superpos_formal.certify.proofcheck.drat",
                                 "superpos_formal.solve.search")]


def test_reader_sees_relative_and_local_imports(tmp_path, monkeypatch):
    """A synthetic package with an upward relative import inside a function."""
    pkg = tmp_path / PKG
    (pkg / "solve").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "solve" / "__init__.py").write_text("")
    (pkg / "tasks.py").write_text("def f():\n    from .solve import search\n")
    (pkg / "solve" / "search.py").write_text("from .. import tasks\n")
    monkeypatch.setattr(__import__(__name__), "ROOT", pkg)
    g = import_graph()
    assert ("superpos_formal.solve.search", True) in g["superpos_formal.tasks"]
    assert ("superpos_formal.tasks", False) in g["superpos_formal.solve.search"]
    assert find_cycles(g) == [["superpos_formal.solve.search", "superpos_formal.tasks"]]
    assert layer_violations(g, layer_of)[0][:2] == ("superpos_formal.tasks",
                                                    "superpos_formal.solve.search")


@pytest.mark.parametrize("mod,layer", [
    ("superpos_formal", "api"), ("superpos_formal.cli.search", "cli"),
    ("superpos_formal.encode.sat", "encode"), ("superpos_formal.tasks", "model"),
    ("superpos_formal.nowhere", None), ("superpos_formal.newpkg.x", None),
])
def test_layer_of(mod, layer):
    assert layer_of(mod) == layer
