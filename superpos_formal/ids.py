"""Stable identities and file-format headers shared by every record.

The lowest module of the model layer besides :mod:`~superpos_formal.errors`:
tasks, networks, claims and campaign cells all take their identity from
:func:`stable_id`, and every JSON file the toolkit writes starts with
:func:`header`. Keeping both here lets :mod:`~superpos_formal.tasks`,
:mod:`~superpos_formal.network` and :mod:`~superpos_formal.schema` depend on
it without depending on each other (docs/MODEL.md, "Layers").

Examples
--------
>>> header("task")
{'format': 'superpos-formal/task', 'version': 1}
>>> stable_id({"b": 1, "a": [1, 2]}) == stable_id({"a": [1, 2], "b": 1})
True
"""

import hashlib
import json

from .errors import InputError

__all__ = ["stable_id", "header", "check_header", "SCHEMA_VERSION", "FORMAT_PREFIX"]

SCHEMA_VERSION = 1
FORMAT_PREFIX = "superpos-formal/"


def stable_id(obj):
    """sha256 (hex, first 16 chars) of the canonical JSON of ``obj``.

    Canonical: sorted keys, no spaces. The identity of every record
    (task, family, network, claim) is built this way, so it survives
    process boundaries and is the same on every machine.

    Parameters
    ----------
    obj : JSON-able value

    Returns
    -------
    str
        16 hexadecimal characters.

    Examples
    --------
    >>> len(stable_id([1, 2, 3]))
    16
    """
    text = json.dumps(obj, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def header(kind):
    """The ``{"format", "version"}`` header of a file of ``kind``."""
    return {"format": FORMAT_PREFIX + kind, "version": SCHEMA_VERSION}


def check_header(d, kind):
    """Reject an object that is not a ``kind`` file of this schema version.

    A missing ``format`` is accepted (hand-written objects, members embedded
    in a family); a different one, or another version, is an error.

    Examples
    --------
    >>> check_header({"format": "superpos-formal/task"}, "task")
    >>> check_header({"format": "superpos-formal/network"}, "task")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: format: expected 'superpos-formal/task', got 'superpos-formal/network'
    """
    if not isinstance(d, dict):
        raise InputError(f"expected a JSON object for a {kind}")
    fmt = d.get("format")
    if fmt is not None and fmt != FORMAT_PREFIX + kind:
        raise InputError(f"format: expected {FORMAT_PREFIX + kind!r}, got {fmt!r}")
    v = d.get("version", SCHEMA_VERSION)
    if v != SCHEMA_VERSION:
        raise InputError(f"version: unsupported schema version {v!r} "
                         f"(this toolkit reads version {SCHEMA_VERSION})")
