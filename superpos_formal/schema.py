"""JSON formats for tasks, families and networks, with a schema version.

Every file carries ``{"format": "superpos-formal/<kind>", "version": 1}``.
Loading validates everything (shapes, bounds, known activations and modes,
consistency between fields) and raises :class:`InputError` with one line that
names the field; the CLI shows that line and exits non-zero.
"""

import json
from pathlib import Path

from .errors import InputError
from .inputs import MAX_JSON_DEPTH, json_depth, read_json
from .ids import FORMAT_PREFIX, SCHEMA_VERSION, check_header, header
from .network import Network
from .tasks import Family, Task, check_fields, family_from_dict, int_field, task_from_dict

__all__ = [
    "SCHEMA_VERSION", "task_to_dict", "task_from_dict", "family_to_dict",
    "family_from_dict", "network_to_dict", "network_from_dict", "dump",
    "load", "load_json", "write_json", "int_matrix", "codes_from_dict", "load_codes",
    "MAX_JSON_DEPTH", "check_fields",
]


_FMT = FORMAT_PREFIX
_header = header
_check_header = check_header




# ------------------------------------------------------------------ tasks

def task_to_dict(task):
    d = _header("task")
    d.update(task.to_dict())
    return d


# --------------------------------------------------------------- families

def family_to_dict(fam):
    d = _header("family")
    d.update(fam.to_dict())
    return d


# --------------------------------------------------------------- networks

def network_to_dict(net):
    """The JSON object of a network (see :meth:`Network.to_dict`)."""
    return net.to_dict()


def network_from_dict(d):
    _check_header(d, "network")
    check_fields(d, "network")
    for key in ("mode", "activation", "E", "layers", "R"):
        if key not in d:
            raise InputError(f"{key}: missing")
    layers = d["layers"]
    if not isinstance(layers, list):
        raise InputError("layers: expected a list of {W, b}")
    ls = []
    for i, L in enumerate(layers):
        if not isinstance(L, dict) or "W" not in L or "b" not in L:
            raise InputError(f"layers[{i}]: expected an object with W and b")
        ls.append((L["W"], L["b"]))
    meta = d.get("meta") or {}
    if not isinstance(meta, dict):
        raise InputError("meta: expected an object")
    net = Network(
        mode=d["mode"], activation=d["activation"], E=d["E"], layers=tuple(ls),
        V=d.get("V"), c=d.get("c"), R=d["R"],
        theta=d.get("theta", 1), B=int_field(d, "B", 0),
        B_bias=d.get("B_bias"), B_code=d.get("B_code"),
        meta=tuple(sorted(meta.items())),
    )
    for key, val in (("m", net.m), ("m_out", net.m_out)):
        if key in d and d[key] != val:
            raise InputError(f"{key}: file says {d[key]!r}, the matrices give {val}")
    return net


# ---------------------------------------------------------------- files

_WRITERS = {"task": task_to_dict, "family": family_to_dict, "network": network_to_dict}
_READERS = {"task": task_from_dict, "family": family_from_dict, "network": network_from_dict}


def dump(obj):
    """The JSON-able dict of a task, family or network."""
    if isinstance(obj, Task):
        return task_to_dict(obj)
    if isinstance(obj, Family):
        return family_to_dict(obj)
    if isinstance(obj, Network):
        return network_to_dict(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def write_json(obj, path):
    """Write ``obj`` (task, family, network or plain dict) as JSON, atomically."""
    d = obj if isinstance(obj, dict) else dump(obj)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(d, indent=1, sort_keys=False) + "\n")
    tmp.replace(path)


def load_json(path):
    """Read a JSON file through the one bounded reader
    (:func:`superpos_formal.inputs.read_json`: regular files only, at most
    64 MiB, at most :data:`MAX_JSON_DEPTH` levels); a missing, special,
    oversized or malformed file is an :class:`InputError`."""
    return read_json(path)


def _max_depth(text):
    """Deepest bracket nesting of JSON text, outside strings (no recursion).

    >>> _max_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    return json_depth(text)


def int_matrix(value, name, rows=None, cols=None):
    """``value`` as a tuple of integer rows: a non-empty list of non-empty,
    equally long lists of integers (not booleans); InputError otherwise,
    naming ``name``, the row and the entry.

    >>> int_matrix([[1, 0], [0, -1]], "E")
    ((1, 0), (0, -1))
    >>> int_matrix([[1, 0], [0]], "E")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: E: row 1 has 1 entries, row 0 has 2 (rows must have equal length)
    >>> int_matrix([[1, "1"]], "R")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: R[0][1]: '1' is not an integer
    """
    if not isinstance(value, list) or not value:
        raise InputError(f"{name}: expected a non-empty list of rows, got {_short(value)}")
    out = []
    for i, row in enumerate(value):
        if not isinstance(row, list) or not row:
            raise InputError(f"{name}: row {i} is {_short(row)}, expected a non-empty list "
                             f"of integers")
        if out and len(row) != len(out[0]):
            raise InputError(f"{name}: row {i} has {len(row)} entries, row 0 has "
                             f"{len(out[0])} (rows must have equal length)")
        for j, v in enumerate(row):
            if not isinstance(v, int) or isinstance(v, bool):
                raise InputError(f"{name}[{i}][{j}]: {_short(v)} is not an integer")
        out.append(tuple(row))
    if rows is not None and len(out) != rows:
        raise InputError(f"{name}: {len(out)} rows, expected {rows}")
    if cols is not None and len(out[0]) != cols:
        raise InputError(f"{name}: {len(out[0])} columns, expected {cols}")
    return tuple(out)


def _short(v):
    r = repr(v)
    return r if len(r) <= 40 else r[:37] + "..."


def codes_from_dict(d):
    """``(E, R)`` of a codes object ``{"E": [[...]], "R": [[...]]}``: integer
    matrices, ``R`` with as many columns as ``E`` has rows; no other keys
    than ``format``, ``version``, ``E``, ``R``."""
    _check_header(d, "codes")
    extra = set(d) - {"format", "version", "E", "R"}
    if extra:
        raise InputError(f"{sorted(extra)[0]}: unknown field (a codes file has E and R)")
    for key in ("E", "R"):
        if key not in d:
            raise InputError(f"{key}: missing")
    E = int_matrix(d["E"], "E")
    R = int_matrix(d["R"], "R", cols=len(E))
    return E, R


def load_codes(path):
    """Read and validate a codes file (:func:`codes_from_dict`)."""
    d = load_json(path)
    try:
        return codes_from_dict(d)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None


def load(path, kind=None):
    """Load a task, family or network from JSON; ``kind`` forces one.

    Without ``kind`` the ``format`` field decides.
    """
    d = load_json(path)
    if not isinstance(d, dict):
        raise InputError(f"{path}: expected a JSON object")
    if kind is None:
        fmt = d.get("format", "")
        kind = fmt[len(_FMT):] if isinstance(fmt, str) and fmt.startswith(_FMT) else None
        if kind not in _READERS:
            raise InputError(f"{path}: format: missing or unknown {fmt!r}")
    try:
        return _READERS[kind](d)
    except InputError as e:
        raise InputError(f"{path}: {e}") from None
