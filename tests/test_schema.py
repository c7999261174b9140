"""JSON formats: lossless round trips and one-line errors naming the field."""

import json

import pytest
from conftest import networks, superposed_identity_L0, superposed_perm, uand3_relu, xor_two_layers
from hypothesis import HealthCheck, given, settings

from superpos_formal import tasks as T
from superpos_formal.errors import InputError
from superpos_formal.schema import (SCHEMA_VERSION, dump, family_from_dict, load,
                                    network_from_dict, task_from_dict, write_json)

TASKS = [
    lambda: T.and_pairs(4, [(0, 1), (2, 3)]),
    lambda: T.or_pairs(3, [(0, 2)], s=1),
    lambda: T.xor_pairs(3, [(0, 1), (1, 2)]),
    lambda: T.permutation(4, [3, 1, 0, 2], s=2),
    lambda: T.uand(4),
    lambda: T.identity(3, s=3),
    lambda: T.table(2, 2, outputs=[[0, 1], [1, 1], [1, 0], [0, 0]]),
]


@pytest.mark.parametrize("make", TASKS)
def test_task_round_trip(make, tmp_path):
    t = make()
    d = dump(t)
    assert d["format"] == "superpos-formal/task" and d["version"] == SCHEMA_VERSION
    t2 = task_from_dict(json.loads(json.dumps(d)))
    assert t2 == t and t2.id == t.id
    write_json(t, tmp_path / "sub" / "t.json")
    assert load(tmp_path / "sub" / "t.json") == t
    assert not (tmp_path / "sub" / "t.json.tmp").exists()


@pytest.mark.parametrize("make", [
    lambda: T.permutation_family(3),
    lambda: T.pair_set_family(4, 2, op="or"),
    lambda: T.explicit_family([T.and_pairs(3, [(0, 1)]), T.and_pairs(3, [(1, 2)])]),
    lambda: T.sample_family(T.pair_set_family(5, 2), 4, seed=11),
])
def test_family_round_trip(make, tmp_path):
    f = make()
    f2 = family_from_dict(json.loads(json.dumps(dump(f))))
    assert f2 == f and f2.is_sample == f.is_sample and f2.name == f.name
    assert [t.id for t in f2] == [t.id for t in f]
    write_json(f, tmp_path / "f.json")
    assert load(tmp_path / "f.json") == f


@pytest.mark.parametrize("make", [uand3_relu, superposed_perm, superposed_identity_L0,
                                  xor_two_layers])
def test_hand_network_round_trip(make, tmp_path):
    net = make()
    write_json(net, tmp_path / "n.json")
    n2 = load(tmp_path / "n.json", "network")
    assert n2 == net and n2.id == net.id


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(max_m=5, max_n=4))
def test_random_network_round_trip(net):
    n2 = network_from_dict(json.loads(json.dumps(dump(net))))
    assert n2 == net
    assert (n2.B, n2.B_bias, n2.B_code, n2.theta) == (net.B, net.B_bias, net.B_code, net.theta)


def test_meta_survives_but_not_in_id():
    d = dump(uand3_relu())
    d["meta"] = {"solver": "hand"}
    n = network_from_dict(d)
    assert dict(n.meta) == {"solver": "hand"} and dump(n)["meta"] == {"solver": "hand"}
    assert n.id == uand3_relu().id


def _net_dict(**changes):
    d = dump(uand3_relu())
    d.update(changes)
    return d


@pytest.mark.parametrize("d,field", [
    (_net_dict(activation="sigmoid"), "activation"),
    (_net_dict(mode="dense"), "mode"),
    (_net_dict(theta=None), "theta"),
    (_net_dict(B="1"), "B"),
    (_net_dict(m=4), "m"),
    (_net_dict(m_out=2), "m_out"),
    (_net_dict(V=[[1, 0, 0], [0, 1, 0]]), "c"),
    (_net_dict(V=[[1, 0, 0], [0, 1, 0]], c=[0, 0]), r"R\[0\]"),  # I_3 cannot read 2 outputs
    (_net_dict(layers=[{"W": [[2, 1, 0], [1, 0, 1], [0, 1, 1]], "b": [-1, -1, -1]}]),
     r"layers\[0\]\.W\[0\]\[0\]"),
    (_net_dict(layers=[{"W": [[1, 1], [1, 0], [0, 1]], "b": [-1, -1, -1]}]),
     r"layers\[0\]\.W\[0\]"),
    (_net_dict(layers=[{"W": [[1, 1, 0]]}]), r"layers\[0\]"),
    (_net_dict(layers={"W": []}), "layers"),
    (_net_dict(version=2), "version"),
    (_net_dict(format="superpos-formal/task"), "format"),
    (_net_dict(meta=[1]), "meta"),
    ({k: v for k, v in _net_dict().items() if k != "R"}, "R"),
])
def test_network_errors_name_the_field(d, field):
    with pytest.raises(InputError, match=f"^{field}"):
        network_from_dict(d)


@pytest.mark.parametrize("d,field", [
    ({"kind": "and_pairs", "m": 3, "s": 2, "pairs": [1, 2]}, "pairs"),
    ({"kind": "and_pairs", "m": 3, "s": 2, "pairs": "0-1"}, "pairs"),
    ({"kind": "and_pairs", "m": 3, "s": 2}, "pairs"),
    ({"kind": "permutation", "m": 3, "s": 1, "pi": ["a", 1, 2]}, "pi"),
    ({"kind": "permutation", "m": 3, "s": 1, "pi": [0, 1, 2], "m_out": 2}, "m_out"),
    ({"kind": "table", "m": 2, "s": 1, "outputs": [1, 0, 1]}, "outputs"),
    ({"kind": "nand", "m": 2, "s": 1}, "kind"),
    ({"kind": "identity", "m": 0, "s": 1}, "m"),
    ({"kind": "identity", "m": 2}, "s"),
])
def test_task_errors_name_the_field(d, field):
    with pytest.raises(InputError, match=f"^{field}"):
        task_from_dict(d)


@pytest.mark.parametrize("d,field", [
    ({"kind": "pair_sets", "m": 3, "s": 2, "m_out": 1, "op": ["and"]}, "op"),
    ({"kind": "pair_sets", "m": 3, "s": 2}, "m_out"),
    ({"kind": "explicit", "m": 3, "s": 2, "members": []}, "members"),
    ({"kind": "explicit", "m": 3, "s": 2,
      "members": [{"kind": "identity", "m": 3, "s": 1}], "sample": {"k": 1}}, "sample"),
    ({"kind": "everything", "m": 3, "s": 2}, "kind"),
])
def test_family_errors_name_the_field(d, field):
    with pytest.raises(InputError, match=f"^{field}"):
        family_from_dict(d)


def test_load_file_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text('{"mode": ')
    with pytest.raises(InputError, match="not valid JSON"):
        load(bad)
    arr = tmp_path / "arr.json"
    arr.write_text("[1, 2]")
    with pytest.raises(InputError, match="expected a JSON object"):
        load(arr)
    nofmt = tmp_path / "nofmt.json"
    nofmt.write_text('{"kind": "identity", "m": 2, "s": 1}')
    with pytest.raises(InputError, match="format"):
        load(nofmt)
    assert load(nofmt, "task") == T.identity(2, s=1)
    # errors from inside a file name the file and then the field
    net = tmp_path / "net.json"
    net.write_text(json.dumps(_net_dict(activation="tanh")))
    with pytest.raises(InputError, match=r"net\.json: activation"):
        load(net)
