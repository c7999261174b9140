"""Hand-built networks and a hypothesis strategy shared by the core tests.

Every network here comes with its derivation, so tests compare the code
against arithmetic done by hand, never against the code itself.
"""

import importlib.util
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import strategies as st

from superpos_formal.certify.bundles.manifest import write_manifest
from superpos_formal.network import Network
#: tests/data holds data and the script that made it (it imports torch, an
#: optional extra): with --doctest-modules pytest would import it, and the
#: README's test command (no torch) would stop at collection
collect_ignore_glob = ["data/*.py"]


# ------------------------------------------------------------------ markers
# Marks applied by test name, so that a file owned by someone else need not
# change (a test may as well carry ``@pytest.mark.slow`` itself). A name is
# ``path::function`` (every parameter set) or ``path::function[params]``
# (that one). ``pytest -m "not slow and not proofs"`` is the fast subset;
# tests/test_markers.py checks that every name below matches a collected
# test and what the subset selects.

#: re-checks of committed material: proof bundles under proofs/, the
#: best-known registry, committed results against their bounds
PROOFS = frozenset({
    "tests/test_committed_proofs.py::test_committed_bundle_verifies",
    "tests/test_bridge_export.py::test_every_bundle_exports_and_runs_exactly",
    "tests/test_best_known.py::test_committed_registry_verifies",
    "tests/test_explicit_bounds.py::test_every_committed_result_is_above_its_bound",
    "tests/test_restriction.py::test_committed_lower_bound_claims_verify",
})

#: tests that take about a second or more on 2 quiet cores: one node id
#: per line in tests/slow_tests.txt (which says how they were measured)
SLOW = frozenset(
    line.strip() for line in (Path(__file__).with_name("slow_tests.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#"))


def marked(nodeid, names):
    """Whether ``nodeid`` is named in ``names``, by itself or by its
    function (parameters stripped)."""
    return nodeid in names or nodeid.split("[", 1)[0] in names


@pytest.hookimpl(tryfirst=True)  # before -m deselects by mark
def pytest_collection_modifyitems(config, items):
    for item in items:
        if marked(item.nodeid, PROOFS):
            item.add_marker(pytest.mark.proofs)
        if marked(item.nodeid, SLOW):
            item.add_marker(pytest.mark.slow)


def and2_step():
    """Explicit step, ``y = x0 AND x1`` on X(2, 2).

    One hidden unit ``h = step(x0 + x1 - 1)``: the sum is 2 only on 11, so
    ``h = 1`` exactly there; ``z = h``, ``y = [z >= 1] = h``.
    """
    return Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)


def uand3_relu():
    """Explicit relu uand(3), s = 2, three hidden units ``relu(x_i + x_j - 1)``
    for the pairs (0,1), (0,2), (1,2).

    With ``|x| <= 2``, ``x_i + x_j - 1`` is 1 when both are on, 0 when one is,
    -1 when none is; relu gives 1, 0, 0. ``V = I``, ``c = 0``, so
    ``y_k = [h_k >= 1] = x_i AND x_j``.
    """
    return Network.explicit(
        3, 3, "relu",
        [([[1, 1, 0], [1, 0, 1], [0, 1, 1]], [-1, -1, -1])],
        [[1, 0, 0], [0, 1, 0], [0, 0, 1]], [0, 0, 0], B=1)


SUP_E = [[1, 0, 1], [0, 1, 1]]  # x0 -> (1,0), x1 -> (0,1), x2 -> (1,1)
SUP_R_PERM = [[1, 1], [2, -2], [-2, 2]]


def superposed_perm():
    """Superposed relu, m = 3 features in n = 2 units, s = 1, computing
    ``permutation(3, [2, 0, 1])``: ``y0 = x2, y1 = x0, y2 = x1``.

    Codes: ``E`` columns x0 -> (1,0), x1 -> (0,1), x2 -> (1,1). Hidden layer
    ``W = I, b = 0`` (relu leaves the non-negative codes alone), ``V = I,
    c = 0``, so ``z = E x``. Readout with ``theta = 2``:

    * ``y0 = [z0 + z1 >= 2]``: 1 only on (1,1) = x2;
    * ``y1 = [2 z0 - 2 z1 >= 2]``: 2 on x0, -2 on x1, 0 on x2 and on 000;
    * ``y2 = [-2 z0 + 2 z1 >= 2]``: 2 only on x1.
    """
    return Network.superposed(SUP_E, SUP_R_PERM, "relu",
                              [([[1, 0], [0, 1]], [0, 0])], [[1, 0], [0, 1]], [0, 0],
                              B=1, B_code=2, theta=2)


def superposed_identity_L0():
    """Superposed, no hidden layer: ``y = [R E x >= 2] = x`` for m = 3, n = 2,
    s = 1, with ``E`` as in :func:`superposed_perm` and ``R`` rows
    ``(2,-2)`` (fires on x0), ``(-2,2)`` (x1), ``(1,1)`` (x2)."""
    return Network.superposed(SUP_E, [[2, -2], [-2, 2], [1, 1]], "relu", [], None, None,
                              B=1, B_code=2, theta=2)


def xor_two_layers():
    """Explicit step, 2 hidden layers, ``y = x0 XOR x1`` on X(2, 2).

    Layer 1: ``OR = step(x0 + x1)``, ``AND = step(x0 + x1 - 1)``.
    Layer 2: ``g = step(OR - AND)``: 00 -> step(0)=0, 10/01 -> step(1)=1,
    11 -> step(0)=0. ``z = g``.
    """
    return Network.explicit(2, 1, "step",
                            [([[1, 1], [1, 1]], [0, -1]), ([[1, -1]], [0])],
                            [[1]], [0], B=1)


# --------------------------------------------------------------------------
# random networks (for property tests and round trips)


@st.composite
def networks(draw, max_m=4, max_n=3, max_depth=2):
    """Random valid networks of either mode, depth 0..max_depth."""
    mode = draw(st.sampled_from(["explicit", "superposed"]))
    act = draw(st.sampled_from(["relu", "step"]))
    m = draw(st.integers(1, max_m))
    L = draw(st.integers(0, max_depth))
    B = draw(st.integers(0, 3))
    Bb = draw(st.integers(0, 3))
    Bc = draw(st.integers(1, 3))
    theta = draw(st.integers(-2, 3))

    def mat(r, c, bound):
        return [[draw(st.integers(-bound, bound)) for _ in range(c)] for _ in range(r)]

    if mode == "explicit":
        m_out = m if L == 0 else draw(st.integers(1, max_m))
        widths = [draw(st.integers(1, max_n)) for _ in range(L)]
        E = [[int(i == j) for j in range(m)] for i in range(m)]
        R = [[int(i == j) for j in range(m_out)] for i in range(m_out)]
        d_out = m_out
    else:
        n = draw(st.integers(1, max_n))
        m_out = draw(st.integers(1, max_m))
        widths = [n] * L
        E = mat(n, m, Bc)
        R = mat(m_out, n, Bc)
        d_out = n
    prev = len(E)
    layers = []
    for w in widths:
        layers.append((mat(w, prev, B), mat(1, w, Bb)[0]))
        prev = w
    V = mat(d_out, prev, B) if L else None
    c = mat(1, d_out, Bb)[0] if L else None
    return Network(mode, act, E, tuple(layers), V, c, R, theta, B, Bb, Bc)


# ---------------------------------------------------------------- evaluator

def naive_eval(net, x):
    """Plain-loop evaluation of docs/MODEL.md 2, sharing no code with network.py."""
    E, layers, V, c, R = net.E, net.layers, net.V, net.c, net.R
    a = []
    for i in range(len(E)):
        t = 0
        for k in range(len(x)):
            t += E[i][k] * x[k]
        a.append(t)
    for W, b in layers:
        new = []
        for i in range(len(W)):
            t = b[i]
            for k in range(len(a)):
                t += W[i][k] * a[k]
            if net.activation == "relu":
                new.append(t if t > 0 else 0)
            else:
                new.append(1 if t > 0 else 0)
        a = new
    if layers:
        z = []
        for i in range(len(V)):
            t = c[i]
            for k in range(len(a)):
                t += V[i][k] * a[k]
            z.append(t)
    else:
        z = a
    y = []
    for j in range(len(R)):
        t = 0
        for k in range(len(z)):
            t += R[j][k] * z[k]
        y.append(1 if t >= net.theta else 0)
    return tuple(y)


def count_errors(net, task):
    """Wrong (x, j) bits of ``net`` on ``task``, by :func:`naive_eval`."""
    from superpos_formal.domain import domain

    return sum(sum(1 for u, v in zip(naive_eval(net, x), task(x)) if u != v)
               for x in domain(task.m, task.s))


def search_script(name, folder="search"):
    """The module of ``<folder>/<name>.py`` (``search/`` or ``benchmarks/``),
    loaded from its file: those scripts are not a package (each is run as
    ``python search/<name>.py``), so a test cannot import them by name."""
    path = Path(__file__).resolve().parent.parent / folder / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def pair_sets_minimum(tmp_path, capsys, method):
    """The minimum bundle of pair sets (3, 2), superposed relu, all bounds 1,
    as ``superpos min-neurons --family-method <method> --proof`` writes it;
    the run must find n = 2 (search/results/families.md) and the bundle must
    pass ``superpos verify``, whatever the method."""
    from superpos_formal.cli import main

    out = tmp_path / "o"
    rc = main(["min-neurons", "--family", "pair-sets", "--m", "3", "--m-out", "2",
               "--mode", "superposed", "--codes", "free", "--B", "1", "--B-bias", "1",
               "--B-code", "1", "--family-method", method, "--n-max", "3", "--proof",
               "--out", str(out)])
    text = capsys.readouterr().out
    assert rc == 0 and "minimum n = 2" in text, text
    b = out / "minimum"
    assert main(["verify", str(b)]) == 0
    assert "PASS" in capsys.readouterr().out
    return b


def copy_bundle(src, tmp_path, name="x"):
    """A copy of bundle ``src`` under ``tmp_path`` to tamper with."""
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def edit_claim(bundle, fn):
    """Apply ``fn`` to the bundle's claim.json and re-seal the manifest, so
    that only the edit (not a stale hash) can make the verifier refuse it."""
    c = json.loads((bundle / "claim.json").read_text())
    fn(c)
    (bundle / "claim.json").write_text(json.dumps(c, indent=1, sort_keys=True) + "\n")
    write_manifest(bundle)
    return bundle
