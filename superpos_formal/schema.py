"""JSON formats for tasks, families and networks, with a schema version.

Every file carries ``{"format": "superpos-formal/<kind>", "version": 1}``.
Loading validates everything (shapes, bounds, known activations and modes,
consistency between fields) and raises :class:`InputError` with one line that
names the field; the CLI shows that line and exits non-zero.
"""

import json
from pathlib import Path

from .errors import InputError
from .network import Network

__all__ = [
    "SCHEMA_VERSION", "task_to_dict", "task_from_dict", "family_to_dict",
    "family_from_dict", "network_to_dict", "network_from_dict", "dump",
    "load", "load_json", "write_json", "int_matrix", "codes_from_dict", "load_codes",
    "MAX_JSON_DEPTH",
]

#: Deepest JSON nesting read (every format here is at most a few levels
#: deep; the limit keeps a hostile file from exhausting the stack).
MAX_JSON_DEPTH = 64

SCHEMA_VERSION = 1
_FMT = "superpos-formal/"


def _header(kind):
    return {"format": _FMT + kind, "version": SCHEMA_VERSION}


def _check_header(d, kind):
    if not isinstance(d, dict):
        raise InputError(f"expected a JSON object for a {kind}")
    fmt = d.get("format")
    if fmt is not None and fmt != _FMT + kind:
        raise InputError(f"format: expected {_FMT + kind!r}, got {fmt!r}")
    v = d.get("version", SCHEMA_VERSION)
    if v != SCHEMA_VERSION:
        raise InputError(f"version: unsupported schema version {v!r} "
                         f"(this toolkit reads version {SCHEMA_VERSION})")


_FIELDS = {
    "task": {"kind", "m", "m_out", "s", "pi", "pairs", "outputs"},
    "family": {"kind", "m", "m_out", "s", "op", "members", "sample"},
    "network": {"mode", "activation", "m", "m_out", "B", "B_bias", "B_code", "theta",
                "E", "layers", "V", "c", "R", "meta"},
}


def _check_fields(d, kind):
    """Unknown fields are refused: a misspelt key must not be ignored."""
    extra = sorted(set(d) - _FIELDS[kind] - {"format", "version"})
    if extra:
        raise InputError(f"{extra[0]}: unknown field of a {kind} (expected "
                         f"{', '.join(sorted(_FIELDS[kind]))})")


def _int(d, key, minimum=None):
    if key not in d:
        raise InputError(f"{key}: missing")
    v = d[key]
    if not isinstance(v, int) or isinstance(v, bool):
        raise InputError(f"{key}: {v!r} is not an integer")
    if minimum is not None and v < minimum:
        raise InputError(f"{key}: must be >= {minimum}, got {v}")
    return v


# ------------------------------------------------------------------ tasks

def task_to_dict(task):
    d = _header("task")
    d.update(task.to_dict())
    return d


def task_from_dict(d):
    """Rebuild a task; the stored ``m_out`` must match the constructor's."""
    from . import tasks as T

    _check_header(d, "task")
    _check_fields(d, "task")
    kind = d.get("kind")
    m = _int(d, "m", 1)
    s = _int(d, "s", 0)
    if kind == "permutation":
        t = T.permutation(m, _list(d, "pi"), s)
    elif kind in ("and_pairs", "or_pairs", "xor_pairs"):
        t = T._pairs_task(kind.split("_")[0], m, _list(d, "pairs"), s)
    elif kind == "identity":
        t = T.identity(m, s)
    elif kind == "table":
        t = T.table(m, s, outputs=_list(d, "outputs"))
    else:
        raise InputError(f"kind: unknown task kind {kind!r}")
    if "m_out" in d and d["m_out"] != t.m_out:
        raise InputError(f"m_out: file says {d['m_out']!r}, the task defines {t.m_out}")
    return t


def _list(d, key):
    if key not in d:
        raise InputError(f"{key}: missing")
    if not isinstance(d[key], list):
        raise InputError(f"{key}: expected a list")
    return d[key]


# --------------------------------------------------------------- families

def family_to_dict(fam):
    d = _header("family")
    d.update(fam.to_dict())
    return d


def family_from_dict(d):
    from . import tasks as T

    _check_header(d, "family")
    _check_fields(d, "family")
    kind = d.get("kind")
    m = _int(d, "m", 1)
    s = _int(d, "s", 0)
    if kind == "permutations":
        fam = T.permutation_family(m, s)
    elif kind == "pair_sets":
        fam = T.pair_set_family(m, _int(d, "m_out", 1), s, d.get("op", "and"))
    elif kind == "explicit":
        members = [task_from_dict(t) for t in _list(d, "members")]
        fam = T.explicit_family(members)
        if "sample" in d:
            sp = d["sample"]
            if not isinstance(sp, dict) or not {"of", "k", "seed", "size_of"} <= set(sp):
                raise InputError("sample: expected {of, k, seed, size_of}")
            fam = T.Family(fam.kind, fam.m, fam.m_out, fam.s, fam.params,
                           tuple((k, sp[k]) for k in ("of", "k", "seed", "size_of")))
    else:
        raise InputError(f"kind: unknown family kind {kind!r}")
    if "m_out" in d and d["m_out"] != fam.m_out:
        raise InputError(f"m_out: file says {d['m_out']!r}, the family defines {fam.m_out}")
    return fam


# --------------------------------------------------------------- networks

def network_to_dict(net):
    d = _header("network")
    d.update({
        "mode": net.mode,
        "activation": net.activation,
        "m": net.m,
        "m_out": net.m_out,
        "B": net.B,
        "B_bias": net.B_bias,
        "B_code": net.B_code,
        "theta": net.theta,
        "E": [list(r) for r in net.E],
        "layers": [{"W": [list(r) for r in W], "b": list(b)} for W, b in net.layers],
        "V": None if net.V is None else [list(r) for r in net.V],
        "c": None if net.c is None else list(net.c),
        "R": [list(r) for r in net.R],
    })
    if net.meta:
        d["meta"] = dict(net.meta)
    return d


def network_from_dict(d):
    _check_header(d, "network")
    _check_fields(d, "network")
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
        theta=d.get("theta", 1), B=_int(d, "B", 0),
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
    from .tasks import Family, Task

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
    """Read a JSON file; a missing or malformed file is an :class:`InputError`."""
    path = Path(path)
    try:
        text = path.read_text()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except (IsADirectoryError, PermissionError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e.__class__.__name__})") from None
    depth = _max_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{path}: JSON nested {depth} levels deep; at most "
                         f"{MAX_JSON_DEPTH} are read")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{path}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except RecursionError:
        raise InputError(f"{path}: JSON nested too deeply") from None


def _max_depth(text):
    """Deepest bracket nesting of JSON text, outside strings (no recursion).

    >>> _max_depth('{"a": [1, {"b": "[[["}]}')
    3
    """
    depth = best = 0
    in_str = esc = False
    for ch in text:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            best = max(best, depth)
        elif ch in "]}":
            depth -= 1
    return best


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
