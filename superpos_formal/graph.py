"""Networks as graphs: networkx conversion, GraphML/DOT export, drawing.

The graph is a layered DAG, one column (``layer``) per stage of docs/MODEL.md 2:

============  ==========================  ====================================
role          superposed mode             explicit mode
============  ==========================  ====================================
``input``     features ``x_i``            features ``x_i``
``code``      units of ``a_0 = E x``      absent (``E = I``: ``x`` feeds W_1)
``hidden``    ``a_l``, one column per l   same
``output``    units of ``z = V a_L + c``  same; these *are* the features
``readout``   features ``y_j`` (via R)    absent (``R = I``)
============  ==========================  ====================================

Edges are the nonzero entries of the matrices drawn, so the edge count equals
their nonzero count: superposed mode draws ``E``, every ``W_l``, ``V`` and
``R``; explicit mode draws every ``W_l`` and ``V``. Identity codes are not
drawn because they carry no choice. With no hidden layer (``L = 0``) there is
no output layer (``z = a_0``): a superposed network is ``input -E-> code -R->
readout``; an explicit one is ``input -E-> output`` with ``E = I`` drawn, the
only case in which explicit mode draws ``E`` (otherwise the outputs would have
no inputs).

Examples
--------
>>> from superpos_formal.network import Network
>>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
>>> G = to_graph(net)
>>> sorted(G.edges(data="weight"))
[('h1_0', 'z0', 1), ('x0', 'h1_0', 1), ('x1', 'h1_0', 1)]
>>> G.nodes["h1_0"]["role"], G.nodes["h1_0"]["layer"], G.nodes["h1_0"]["bias"]
('hidden', 1, -1)
"""

from pathlib import Path

import networkx as nx

from .errors import InputError
from .results import Mode

__all__ = ["to_graph", "write_graphml", "write_dot", "draw", "draw_on", "export",
           "EXPORT_SUFFIXES"]

#: suffixes :func:`export` understands
EXPORT_SUFFIXES = (".png", ".svg", ".graphml", ".dot")

_POS, _NEG = "#1f5fbf", "#c8322b"  # edge colours: blue positive, red negative
_ROLE_COLOUR = {"input": "#e8e8e8", "code": "#fde7b0", "hidden": "#cfe3f7",
                "output": "#d5efcf", "readout": "#f4d0e6"}


def _columns(net):
    """``[(role, [node ids], [labels], [biases])]`` left to right, plus the
    matrices between consecutive columns (``rows = target, cols = source``)."""
    m, L = net.m, net.depth
    cols = [("input", [f"x{i}" for i in range(m)], [0] * m)]
    mats = []
    sup = net.mode == Mode.SUPERPOSED
    if sup:
        d = len(net.E)
        cols.append(("code", [f"a{k}" for k in range(d)], [0] * d))
        mats.append(net.E)
    for l, (W, b) in enumerate(net.layers, start=1):
        cols.append(("hidden", [f"h{l}_{k}" for k in range(len(W))], list(b)))
        mats.append(W)
    if L:
        cols.append(("output", [f"z{j}" for j in range(len(net.V))], list(net.c)))
        mats.append(net.V)
    elif not sup:
        cols.append(("output", [f"z{j}" for j in range(m)], [0] * m))
        mats.append(net.E)
    if sup:
        cols.append(("readout", [f"y{j}" for j in range(net.m_out)], [0] * net.m_out))
        mats.append(net.R)
    return cols, mats


def to_graph(network):
    """The network as a layered :class:`networkx.DiGraph`.

    Node ids are ``x{i}``, ``a{k}``, ``h{l}_{k}`` (``l`` from 1), ``z{j}``,
    ``y{j}``. Node attributes: ``role``, ``layer`` (column, 0 = inputs),
    ``index`` (position in its column), ``bias`` (``b_l``/``c`` entry, else 0)
    and ``label``. Edge attribute ``weight`` is the nonzero integer entry.
    Graph attributes carry mode, activation, theta, bounds and counts so a
    GraphML file stands on its own.

    Examples
    --------
    A superposed network with no hidden layer: 2 features in 1 unit.

    >>> from superpos_formal.network import Network
    >>> net = Network.superposed([[1, -1]], [[1], [-1]], "relu", [], None, None, B=1)
    >>> G = to_graph(net)
    >>> [G.nodes[v]["role"] for v in G]
    ['input', 'input', 'code', 'readout', 'readout']
    >>> sorted(G.edges(data="weight"))
    [('a0', 'y0', 1), ('a0', 'y1', -1), ('x0', 'a0', 1), ('x1', 'a0', -1)]
    """
    cols, mats = _columns(network)
    counts = network.counts()
    G = nx.DiGraph(mode=str(network.mode), activation=str(network.activation),
                   theta=network.theta, B=network.B, B_bias=network.B_bias,
                   B_code=network.B_code, m=network.m, m_out=network.m_out,
                   **counts)
    for layer, (role, ids, biases) in enumerate(cols):
        for k, (v, bias) in enumerate(zip(ids, biases)):
            G.add_node(v, role=role, layer=layer, index=k, bias=int(bias), label=v)
    for layer, M in enumerate(mats):
        src, dst = cols[layer][1], cols[layer + 1][1]
        for r, row in enumerate(M):
            for c, w in enumerate(row):
                if w:
                    G.add_edge(src[c], dst[r], weight=int(w))
    return G


def write_graphml(network, path):
    """Write GraphML (readable by networkx, Gephi, yEd); integer attributes
    stay integers on re-read."""
    nx.write_graphml(to_graph(network), str(path))


def _q(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_dot(network, path):
    """Write Graphviz DOT by hand (no pydot/graphviz needed).

    The signed weight is the edge ``label`` (DOT's own ``weight`` must be
    non-negative, so it is not used); colour gives the sign and ``penwidth``
    the magnitude. Each column is one ``rank=same`` group.
    """
    G = to_graph(network)
    maxw = max((abs(w) for _, _, w in G.edges(data="weight")), default=1)
    lines = ["digraph network {", "  rankdir=LR;",
             f"  label={_q(_title(G))};", "  labelloc=t;",
             '  node [shape=circle, style=filled, fontsize=10];']
    by_layer = {}
    for v, a in G.nodes(data=True):
        by_layer.setdefault(a["layer"], []).append(v)
        lab = a["label"] + (f"\\nb={a['bias']}" if a["bias"] else "")
        lines.append(f'  {_q(v)} [label="{lab}", role={_q(a["role"])}, '
                     f'layer={a["layer"]}, index={a["index"]}, bias={a["bias"]}, '
                     f'fillcolor={_q(_ROLE_COLOUR[a["role"]])}];')
    for layer in sorted(by_layer):
        lines.append("  { rank=same; " + " ".join(_q(v) + ";" for v in by_layer[layer]) + " }")
    for u, v, w in G.edges(data="weight"):
        pw = 0.5 + 2.5 * abs(w) / maxw
        lines.append(f"  {_q(u)} -> {_q(v)} [label={_q(w)}, "
                     f"color={_q(_POS if w > 0 else _NEG)}, penwidth={pw:.2f}];")
    lines.append("}")
    Path(path).write_text("\n".join(lines) + "\n")


def _title(G):
    g = G.graph
    return (f"{g['mode']} {g['activation']} network: m={g['m']}, m'={g['m_out']}, "
            f"hidden neurons={g['hidden_neurons']}, nonzero params={g['params_nonzero']}"
            + (f", code nonzeros={g['code_nonzeros']}" if g["mode"] == Mode.SUPERPOSED else ""))


def draw(network, path):
    """Draw the network left to right into ``path`` (``.png`` or ``.svg``).

    Uses matplotlib's object API with the Agg canvas, so the global pyplot
    backend is never touched. The picture is :func:`draw_on`'s.
    """
    path = Path(path)
    if path.suffix.lower() not in (".png", ".svg"):
        raise InputError(f"{path}: draw writes .png or .svg, not {path.suffix!r}")
    ax = draw_on(network)
    ax.figure.savefig(path, format=path.suffix.lower()[1:], bbox_inches="tight")


def draw_on(network, ax=None):
    """Draw the network left to right on matplotlib axes ``ax``; return them.

    Without ``ax`` a new figure (object API, Agg canvas: the pyplot backend
    is never touched) is made; ``ax.figure`` is it. Edges: blue positive,
    red negative, width by ``|weight|``; zero weights are absent. Up to 40
    nodes every edge is labelled with its weight; beyond that labels would
    collide, so only node names are shown, in a smaller font (none at all
    beyond 150 nodes).

    Examples
    --------
    >>> from superpos_formal.network import Network
    >>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> ax = draw_on(net)
    >>> ax.get_title()
    "explicit step network: m=2, m'=1, hidden neurons=1, nonzero params=4"
    """
    # matplotlib is imported here, not at module top: it is needed only for
    # pictures and costs about half a second to import
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    G = to_graph(network)
    cols = {}
    for v, a in G.nodes(data=True):
        cols.setdefault(a["layer"], []).append(v)
    tallest = max(len(c) for c in cols.values())
    pos = {}
    for layer, vs in cols.items():
        off = (tallest - len(vs)) / 2
        for k, v in enumerate(vs):
            pos[v] = (layer, -(off + k))
    N = G.number_of_nodes()
    small = N > 40
    if ax is None:
        fig = Figure(figsize=(min(3 + 2.2 * len(cols), 40), min(2 + 0.5 * tallest, 60)))
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
    ax.set_axis_off()
    edges = list(G.edges(data="weight"))
    maxw = max((abs(w) for *_, w in edges), default=1)
    if edges:
        ax.add_collection(LineCollection(
            [(pos[u], pos[v]) for u, v, _ in edges],
            colors=[_POS if w > 0 else _NEG for *_, w in edges],
            linewidths=[0.6 + 2.4 * abs(w) / maxw for *_, w in edges],
            alpha=0.75, zorder=1))
    if not small:
        for u, v, w in edges:
            (x0, y0), (x1, y1) = pos[u], pos[v]
            ax.text(x0 + 0.7 * (x1 - x0), y0 + 0.7 * (y1 - y0), str(w), fontsize=7,
                    ha="center", va="center", color=_POS if w > 0 else _NEG, zorder=3,
                    bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8))
    xs, ys = zip(*(pos[v] for v in G))
    ax.scatter(xs, ys, s=120 if small else 900, zorder=2, edgecolors="#444444",
               c=[_ROLE_COLOUR[G.nodes[v]["role"]] for v in G])
    if N <= 150:
        for v, a in G.nodes(data=True):
            lab = a["label"] + (f"\nb={a['bias']}" if a["bias"] else "")
            ax.text(*pos[v], lab, fontsize=5 if small else 8, ha="center",
                    va="center", zorder=4)
    ax.set_xlim(-0.5, len(cols) - 0.5)
    ax.set_ylim(-tallest + 0.5, 0.5)
    ax.set_title(_title(G), fontsize=9 if small else 10)
    ax.legend(handles=[Line2D([], [], color=_POS, label="positive weight"),
                       Line2D([], [], color=_NEG, label="negative weight")],
              loc="lower center", bbox_to_anchor=(0.5, -0.08), ncol=2,
              fontsize=8, frameon=False)
    return ax


def export(network, path):
    """Write ``network`` to ``path`` in the format its suffix names.

    Examples
    --------
    >>> export(None, "net.jpg")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: net.jpg: unknown output format '.jpg' (use .png, .svg, .graphml or .dot)
    """
    suffix = Path(path).suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise InputError(f"{path}: unknown output format {suffix!r} "
                         f"(use .png, .svg, .graphml or .dot)")
    if suffix == ".graphml":
        write_graphml(network, path)
    elif suffix == ".dot":
        write_dot(network, path)
    else:
        draw(network, path)
