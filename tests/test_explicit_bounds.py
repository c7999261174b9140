"""Explicit lower bounds (superpos_formal.bounds.explicit, .scan).

The counting identities are checked against brute-force enumeration of every
weight setting of tiny shapes (evaluated with the tests' own naive
evaluator), the widths against hand derivations, and the check against
every committed result and against a deliberately wrong bound.
"""

import itertools
import json
from pathlib import Path

import pytest

from conftest import naive_eval
from superpos_formal import tasks as T
from superpos_formal.bounds import (
    bits_lower_bound, check_minimum_against_bound, n_lower_bound, params_lower_bound,
    readout_rows, required_columns, required_outputs, scan_results,
    settings_with_nonzeros, stage_values, weight_settings,
)
from superpos_formal.domain import domain
from superpos_formal.errors import InputError, SoundnessError
from superpos_formal.network import Network, bits_for_bound
from superpos_formal.shape import Shape

ROOT = Path(__file__).resolve().parents[1]


def _explicit_settings(m, m_out, n, B, Bb, act):
    """Every explicit L=1 network of width n (all weight settings)."""
    nw, nb = n * m + m_out * n, n + m_out
    for w in itertools.product(range(-B, B + 1), repeat=nw):
        for b in itertools.product(range(-Bb, Bb + 1), repeat=nb):
            W = [list(w[i * m:(i + 1) * m]) for i in range(n)]
            V = [list(w[n * m + j * n:n * m + (j + 1) * n]) for j in range(m_out)]
            yield w + b, Network.explicit(m, m_out, act, [(W, list(b[:n]))], V,
                                          list(b[n:]), B=B, B_bias=Bb)


def _hidden(net, x):
    W, b = net.layers[0]
    t = [sum(wi * xi for wi, xi in zip(r, x)) + bi for r, bi in zip(W, b)]
    return tuple(max(v, 0) if net.activation == "relu" else int(v > 0) for v in t)


CASES = [(2, 1, 1, 1, 1, "step", 2), (2, 1, 1, 1, 1, "relu", 2), (2, 2, 1, 1, 0, "relu", 2),
         (3, 1, 1, 1, 1, "relu", 2), (2, 1, 2, 1, 0, "step", 1)]


@pytest.mark.parametrize("m,mo,n,B,Bb,act,s", CASES)
def test_counts_against_enumeration(m, mo, n, B, Bb, act, s):
    """Argument 1: the settings formula equals the enumerated count and bounds
    the realised functions; argument 2: no setting reaches more hidden states
    than stage_values; argument 3: rows; argument 4: S_P and the bit sums are
    the exact counts of settings with <= P nonzeros / <= beta bits."""
    sh = Shape("explicit", act, n=n, B=B, B_bias=Bb)
    X = domain(m, s)
    funcs, states, rows = set(), set(), set()
    by_nz, by_bits = {}, {}
    total = 0
    bw, bb = bits_for_bound(B), bits_for_bound(Bb)
    nw = n * m + mo * n
    for flat, net in _explicit_settings(m, mo, n, B, Bb, act):
        total += 1
        funcs.add(tuple(naive_eval(net, x) for x in X))
        states |= {_hidden(net, x) for x in X}
        rows |= {tuple(r) + (c,) for r, c in zip(net.V, net.c)}
        nz = sum(1 for v in flat if v)
        bits = sum(bw for v in flat[:nw] if v) + sum(bb for v in flat[nw:] if v)
        by_nz[nz] = by_nz.get(nz, 0) + 1
        by_bits[bits] = by_bits.get(bits, 0) + 1
    assert total == weight_settings(sh, m, mo, n)
    assert len(funcs) <= total
    assert len(states) <= dict(stage_values(sh, m, s, n))["a1"]
    assert len(rows) == readout_rows(sh, n)
    for P in range(0, nw + n + mo + 1):
        want = sum(v for k, v in by_nz.items() if k <= P)
        assert settings_with_nonzeros(sh, m, mo, n, max_params=P) == want
    for beta in range(0, max(by_bits) + 1):
        want = sum(v for k, v in by_bits.items() if k <= beta)
        assert settings_with_nonzeros(sh, m, mo, n, max_bits=beta) == want


def test_smallest_width_by_enumeration():
    """The family of the 3 single-pair ANDs on X(3, 2) with B=1, B_bias=0 in
    explicit step mode: realised members at n=1 counted by enumeration; the
    bound never exceeds a width at which every member is realised."""
    fam = T.pair_set_family(3, 1, 2)
    sh = Shape("explicit", "step", n=1, B=1, B_bias=1)
    X = domain(3, 2)
    wanted = {t.outputs for t in fam.members()}
    got = {tuple(naive_eval(net, x) for x in X)
           for _, net in _explicit_settings(3, 1, 1, 1, 1, "step")}
    assert wanted <= got                      # all members at n = 1
    assert n_lower_bound(fam, sh).n <= 1


def test_hand_derived_widths():
    """Step uand(m): K = 1 + C(m,2) output vectors, 2^n >= K:
    m=3: 4 -> 2; m=4: 7 -> 3; m=5: 11 -> 4; m=6: 16 -> 4.
    Permutations of 4 in superposed relu, B = B_bias = B_code = 1, s = 1:
    K = 5, a_0 entries in [-1,1]: 3^n >= 5 -> n >= 2; rows 3^n >= 4 -> 2;
    weights 3^(2n^2+2n) >= 24 -> 1."""
    for m, want in ((3, 2), (4, 3), (5, 4), (6, 4)):
        lb = n_lower_bound(T.uand(m), Shape("explicit", "step", n=1, B=2))
        assert lb.n == want and lb.by_argument["separation"] == want
    lb = n_lower_bound(T.permutation_family(4),
                       Shape("superposed", "relu", n=1, B=1, codes="free"))
    assert lb.by_argument["weights"] == 1
    assert lb.by_argument["separation_a0"] == 2 and lb.by_argument["readout"] == 2
    assert lb.n == 2
    assert required_outputs(T.permutation_family(4)) == 5
    assert required_columns(T.pair_set_family(5, 3)) == 3


def test_weights_argument_grows_like_sqrt_mlogm():
    """Permutations of m' = 1000 (log2 1000! = 8529.4..): superposed relu with
    B = 1: 3^(2n^2+2n) >= 1000!  <=>  (2n^2+2n) log2 3 >= 8529.4, n = 46
    (2*45^2+2*45 = 4140 -> 6561.6 bits < 8529; 2*46^2+2*46 = 4324 -> 6853 <
    8529; n = 52: 5512 -> 8736 >= 8529; n = 51: 5304 -> 8406 < 8529)."""
    lb = n_lower_bound(T.permutation_family(1000),
                       Shape("superposed", "relu", n=1, B=1, codes="free"))
    assert lb.by_argument["weights"] == 52


def test_params_and_bits_bounds():
    """Permutations of 4 (24 functions), explicit relu B = B_bias = 1, width
    free: S_P(P) counts settings with <= P nonzeros, each in {-1, 1}; at
    P = 2 (width 2: 16 weights + 6 biases = 22 positions) 1 + 22*2 + C(22,2)*4
    = 969 >= 24, at P = 1 (width 1: 8 + 5 = 13 positions) 1 + 26 = 27 >= 24."""
    fam = T.permutation_family(4)
    sh = Shape("explicit", "relu", n=1, B=1)
    assert params_lower_bound(fam, sh) == 1
    # at width 3: 1 + 2*(24+7) = 63 >= 24 with one nonzero; 0 nonzeros: 1 < 24
    assert params_lower_bound(fam, sh, 3) == 1
    # bits: 2 bits per nonzero; beta = 1 allows only the zero setting
    assert bits_lower_bound(fam, sh, 3) == 2
    assert params_lower_bound(T.uand(4), sh) == 0
    with pytest.raises(InputError):
        params_lower_bound(fam, Shape("superposed", "relu", n=1, codes="free", B=1))


def test_check_catches_violations_and_a_wrong_bound():
    sh = Shape("explicit", "step", n=4, B=2)
    assert check_minimum_against_bound(4, T.uand(5), sh) == 4
    with pytest.raises(SoundnessError):
        check_minimum_against_bound(3, T.uand(5), sh)
    # a deliberately wrong bound (one neuron per output: n >= m') rejects the
    # certified minimum uand(5) = 4 < 10
    with pytest.raises(SoundnessError):
        check_minimum_against_bound(4, T.uand(5), sh, bound=lambda t, s: t.m_out)
    with pytest.raises(InputError):
        check_minimum_against_bound(4, T.uand(5), sh, quantity="depth")
    with pytest.raises(InputError):
        check_minimum_against_bound(4, T.uand(5), Shape("explicit", "step", n=4, tolerance=1, B=1))


def test_every_committed_result_is_above_its_bound():
    """CI: every certified minimum and verified width in proofs/ and in the
    campaign records search/results/ is >= n_lb (raises otherwise)."""
    rows = scan_results([ROOT / "proofs", ROOT / "search" / "results"])
    kinds = {r.kind for r in rows}
    assert {"certified minimum", "verified network"} <= kinds
    n_min = sum(1 for _ in (ROOT / "proofs").rglob("minimum.json"))
    assert sum(1 for r in rows if r.kind == "certified minimum"
               and "proofs" in r.source and ".jsonl" not in r.source) == n_min
    assert all(r.value >= r.bound for r in rows)


def test_scan_catches_a_tampered_record(tmp_path):
    """A campaign row claiming uand(5) step in 3 neurons must be caught."""
    row = {"cell": {"task": {"kind": "uand", "m": 5},
                    "shape": {"mode": "explicit", "activation": "step", "B": 2}},
           "minimum": 3, "best_n": 3, "certified": True}
    p = tmp_path / "bad.jsonl"
    p.write_text(json.dumps(row) + "\n")
    with pytest.raises(SoundnessError):
        scan_results([p])
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError):
        scan_results([tmp_path / "empty"])
    row["cell"]["shape"]["colour"] = 1
    p.write_text(json.dumps(row) + "\n")
    with pytest.raises(InputError):
        scan_results([p])
