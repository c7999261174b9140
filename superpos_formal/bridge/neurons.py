"""What each hidden neuron does, exactly (no torch here).

For every network the firing set of each hidden neuron is computed exactly
over ``X(m, s)``: the supports (sets of active features) of the inputs on
which it is nonzero. Where a construction *defines* what a neuron does
(docs/CONSTRUCTIONS.md), the rule is stated too, and stated only after it
has been checked against the exact activations on every input: a rule that
does not match is dropped (``rule_check`` says where it failed), never
shown. SAT-found networks have no designed rule: their firing sets are
computed, not designed.
"""

import numpy as np

from ..constructions.baseline import output_rule
from ..constructions.channels import star_layout
from ..constructions.hmvc import feature_subsets
from ..domain import domain
from ..verify import _INT64_SAFE

__all__ = ["hidden_activations", "neuron_table", "RULES"]

#: largest number of (neuron, support) firing entries written out per member
MAX_FIRING_ENTRIES = 200_000


def hidden_activations(net, X, s):
    """Per layer an ``(inputs, neurons)`` array whose entries are positive
    exactly where the activation is (numpy int64 activations when
    :meth:`Network.value_bound` proves no overflow; else Python integers,
    reduced to 0/1 firing indicators)."""
    if net.value_bound(s) < _INT64_SAFE // 2:
        a = np.asarray(X, dtype=np.int64).reshape(len(X), -1) @ np.asarray(net.E, dtype=np.int64).T
        out = []
        for W, b in net.layers:
            t = a @ np.asarray(W, dtype=np.int64).T + np.asarray(b, dtype=np.int64)
            a = np.maximum(t, 0) if net.activation == "relu" else (t > 0).astype(np.int64)
            out.append(a)
        return out
    hidden = [net.forward(x)[1] for x in X]
    # Python ints may exceed int64: keep only the sign information we use
    return [np.asarray([[1 if v > 0 else 0 for v in h[l]] for h in hidden], dtype=np.int64)
            for l in range(net.depth)]


def _support(x):
    return frozenset(i for i, v in enumerate(x) if v)


# ------------------------------------------------------------------ designed rules
# each returns [(text, predicate(support) -> bool)] for the first layer, or None

def _explicit_rules(task, n, **_):
    feats, need = output_rule(task)
    rules = []
    for fs in feats:
        names = " AND ".join(f"x{i}" for i in fs)
        rules.append((f"relu({' + '.join(f'x{i}' for i in fs)} - {need - 1}): fires iff {names}",
                      lambda S, fs=frozenset(fs): fs <= S))
    rules += [("unused: never fires", lambda S: False)] * (n - len(rules))
    return rules


def _star_rules(layout, n):
    rules = []
    for c, leaves in layout:
        rules.append((f"star centre x{c}, leaves {{{', '.join(f'x{j}' for j in leaves)}}}: "
                      f"fires exactly on the pairs {{x{c}, leaf}}",
                      lambda S, c=c, J=frozenset(leaves): len(S) == 2 and c in S and (S - {c}) <= J))
    rules += [("unused: never fires", lambda S: False)] * (n - len(rules))
    return rules


def _stars(task, n, params, **_):
    return _star_rules(star_layout(task, params["t"]), n)


def _hmvc(task, n, params, **_):
    S = feature_subsets(task.m, n, tuple(params["q"]), params.get("seed", 0))
    return [(f"relu(sum of x_i over S_u - 1), S_u = {{{', '.join(f'x{i}' for i in sorted(Su))}}}: "
             f"fires iff two active features lie in S_u",
             lambda A, Su=Su: len(A & Su) >= 2) for Su in S]


def _family_perm(task, n, code, **_):
    pi = dict(task.params)["pi"]
    D = [frozenset(u for u, v in enumerate(row) if v) for row in code.R]
    serves = [sorted({pi[p] for p, dp in enumerate(D) if u in dp}) for u in range(n)]
    return [(f"serves {{{', '.join(f'x{j}' for j in Su)}}}: fires iff the one active feature "
             f"is served" if Su else "serves nothing: never fires",
             lambda A, Su=frozenset(Su): len(A) == 1 and A <= Su) for Su in serves]


def _family_pairs(task, n, code, **_):
    return _star_rules(star_layout(task, code.params["t"]), n)


RULES = {"explicit": _explicit_rules, "superposed-trivial": _explicit_rules,
         "stars": _stars, "hmvc": _hmvc, "family-permutations": _family_perm,
         "family-pair_sets": _family_pairs}


def neuron_table(net, task, s, construction=None, **kw):
    """Per hidden neuron (every layer): its firing set over ``X(m, s)`` and,
    for a construction with a designed rule, the rule once it is checked.

    Returns ``(rows, summary)``: ``rows`` a list of dicts ``{layer, neuron,
    fires_on, fires_on_count, rule}``; ``summary`` one line for the index.
    """
    X = domain(net.m, s)
    acts = hidden_activations(net, X, s)
    supports = [_support(x) for x in X]
    rules = None
    check = None
    if construction in RULES and net.depth == 1 and task is not None:
        rules = RULES[construction](task=task, n=net.widths[0], **kw)
        if len(rules) != net.widths[0]:
            rules, check = None, f"rule count {len(rules)} != width {net.widths[0]}"
    rows, entries = [], 0
    fired_sets = []
    for l, layer in enumerate(acts):
        for u in range(layer.shape[1]):
            idx = (layer[:, u] > 0).nonzero()[0].tolist()
            if l == 0:
                fired_sets.append(set(idx))
            entries += len(idx)
            rows.append({"layer": l + 1, "neuron": u,
                         "fires_on": [sorted(supports[i]) for i in idx],
                         "fires_on_count": len(idx), "rule": None})
    if rules is not None:
        for u, (text, pred) in enumerate(rules):
            fired = fired_sets[u]
            bad = next((i for i, S in enumerate(supports) if pred(S) != (i in fired)), None)
            if bad is not None:
                check = (f"neuron {u}: rule '{text}' does not match at x={list(X[bad])}")
                rules = None
                break
        if rules is not None:
            for u, (text, _) in enumerate(rules):
                rows[u]["rule"] = text
    if entries > MAX_FIRING_ENTRIES:
        for r in rows:
            r["fires_on"] = None  # counts only; the model recomputes them exactly
    if rules is not None:
        summary = "designed rule per neuron, checked on every input"
    elif check:
        summary = f"computed firing sets (designed rule NOT confirmed: {check})"
    else:
        summary = "computed firing sets (no designed rule)"
    return rows, summary
