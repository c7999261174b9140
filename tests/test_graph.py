"""Graph export: structure, GraphML/DOT files, drawings."""

import re

import networkx as nx
import pytest
from conftest import (and2_step, networks, superposed_identity_L0, superposed_perm,
                      uand3_relu, xor_two_layers)
from hypothesis import HealthCheck, given, settings

from superpos_formal.errors import InputError
from superpos_formal.graph import draw, export, to_graph, write_dot, write_graphml
from superpos_formal.network import Network


def drawn_nonzeros(net):
    """Nonzeros of the matrices the graph draws (see graph.py): E, W_l, V, R
    in superposed mode; W_l, V in explicit mode; E = I when explicit L = 0."""
    mats = [W for W, _ in net.layers] + ([net.V] if net.layers else [])
    if net.mode == "superposed":
        mats += [net.E, net.R]
    elif not net.layers:
        mats.append(net.E)
    return sum(1 for M in mats for r in M for v in r if v)


def test_and2_graph_by_hand():
    G = to_graph(and2_step())
    assert {v: (a["role"], a["layer"], a["index"], a["bias"]) for v, a in G.nodes(data=True)} == {
        "x0": ("input", 0, 0, 0), "x1": ("input", 0, 1, 0),
        "h1_0": ("hidden", 1, 0, -1), "z0": ("output", 2, 0, 0)}
    assert sorted(G.edges(data="weight")) == [("h1_0", "z0", 1), ("x0", "h1_0", 1),
                                              ("x1", "h1_0", 1)]


def test_superposed_perm_graph_by_hand():
    G = to_graph(superposed_perm())
    roles = {}
    for v, a in G.nodes(data=True):
        roles.setdefault((a["role"], a["layer"]), []).append(v)
    assert roles == {("input", 0): ["x0", "x1", "x2"], ("code", 1): ["a0", "a1"],
                     ("hidden", 2): ["h1_0", "h1_1"], ("output", 3): ["z0", "z1"],
                     ("readout", 4): ["y0", "y1", "y2"]}
    # E has 4 nonzeros, W = I 2, V = I 2, R 6: 14 edges
    assert G.number_of_edges() == 14
    assert G["x2"]["a0"]["weight"] == 1 and G["x2"]["a1"]["weight"] == 1
    assert not G.has_edge("x0", "a1")                      # zero weight left out
    assert G["z1"]["y1"]["weight"] == -2 and G["z0"]["y0"]["weight"] == 1
    assert G.graph["mode"] == "superposed" and G.graph["theta"] == 2


def test_two_layer_and_L0_graphs():
    G = to_graph(xor_two_layers())
    assert [G.nodes[v]["layer"] for v in ("x0", "h1_0", "h2_0", "z0")] == [0, 1, 2, 3]
    assert G["h1_0"]["h2_0"]["weight"] == 1 and G["h1_1"]["h2_0"]["weight"] == -1
    assert G.nodes["h1_1"]["bias"] == -1 and G.nodes["h1_0"]["bias"] == 0
    G0 = to_graph(superposed_identity_L0())
    assert {a["role"] for _, a in G0.nodes(data=True)} == {"input", "code", "readout"}
    # explicit, no hidden layer: outputs are wired by E = I
    e0 = Network("explicit", "relu", [[1, 0], [0, 1]], (), None, None, [[1, 0], [0, 1]])
    assert sorted(to_graph(e0).edges(data="weight")) == [("x0", "z0", 1), ("x1", "z1", 1)]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_m=5, max_n=4))
def test_edge_count_is_nonzero_count(net):
    G = to_graph(net)
    assert G.number_of_edges() == drawn_nonzeros(net)
    assert all(w != 0 for *_, w in G.edges(data="weight"))
    assert nx.is_directed_acyclic_graph(G)
    assert sum(1 for _, a in G.nodes(data=True) if a["role"] == "hidden") == \
        net.counts()["hidden_neurons"]


@pytest.mark.parametrize("make", [uand3_relu, superposed_perm, xor_two_layers])
def test_graphml_reread_same_weights(make, tmp_path):
    net = make()
    write_graphml(net, tmp_path / "g.graphml")
    H = nx.read_graphml(tmp_path / "g.graphml")
    G = to_graph(net)
    assert sorted(H.edges(data="weight")) == sorted(G.edges(data="weight"))
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert H.graph["params_nonzero"] == net.counts()["params_nonzero"]


@pytest.mark.parametrize("make", [uand3_relu, superposed_perm, xor_two_layers])
def test_dot_contains_every_edge(make, tmp_path):
    net = make()
    write_dot(net, tmp_path / "g.dot")
    text = (tmp_path / "g.dot").read_text()
    assert text.startswith("digraph") and text.rstrip().endswith("}")
    assert text.count("{") == text.count("}")
    found = {(u, v): int(w) for u, v, w in
             re.findall(r'"([^"]+)" -> "([^"]+)" \[label="(-?\d+)"', text)}
    assert found == {(u, v): w for u, v, w in to_graph(net).edges(data="weight")}
    for v in to_graph(net):
        assert re.search(rf'^\s*"{v}" \[', text, re.M)


@pytest.mark.parametrize("make", [uand3_relu, superposed_perm])
def test_png_and_svg(make, tmp_path):
    net = make()
    draw(net, tmp_path / "g.png")
    data = (tmp_path / "g.png").read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 1000
    export(net, tmp_path / "g.svg")
    assert "<svg" in (tmp_path / "g.svg").read_text()[:2000]


def test_draw_large_network(tmp_path):
    n, m = 10, 30
    E = [[(i + j) % 3 - 1 for j in range(m)] for i in range(n)]
    W = [[(i * j) % 3 - 1 for j in range(n)] for i in range(n)]
    R = [[(i + 2 * j) % 3 - 1 for j in range(n)] for i in range(12)]
    net = Network.superposed(E, R, "relu", [(W, [0] * n)], W, [1] * n, B=1)
    draw(net, tmp_path / "big.png")
    assert (tmp_path / "big.png").read_bytes()[:4] == b"\x89PNG"


def test_export_dispatch_and_errors(tmp_path):
    net = and2_step()
    for suffix in (".graphml", ".dot", ".PNG"):
        export(net, tmp_path / f"g{suffix}")
        assert (tmp_path / f"g{suffix}").stat().st_size > 0
    with pytest.raises(InputError, match="unknown output format '.jpg'"):
        export(net, tmp_path / "g.jpg")
    with pytest.raises(InputError, match="unknown output format ''"):
        export(net, tmp_path / "g")
    with pytest.raises(InputError, match="draw writes .png or .svg"):
        draw(net, tmp_path / "g.pdf")
