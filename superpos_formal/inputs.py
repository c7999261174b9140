"""Bounded reading of every file the tool is given: one reader, one set of rules.

A path on the command line (a task, a campaign, a members list, a network,
a ``--start`` bundle, JSONL results, a registry export) is untrusted. It is
read only when it is a regular file, and never more than a size cap: a
directory, a FIFO (which would block forever), a character device such as
``/dev/zero`` or ``/dev/urandom`` (which never ends) or a file larger than
the cap is refused with one line naming the path, before anything is read.

The file is opened non-blocking and checked again on the open descriptor
(``fstat``), so a path swapped for a FIFO between the check and the open
cannot block; at most ``limit + 1`` bytes are ever read.

Examples
--------
>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> p = os.path.join(d, "a.json")
>>> _ = open(p, "w").write('{"a": [1, 2]}')
>>> read_json(p)
{'a': [1, 2]}
>>> read_bytes(p, limit=4)
Traceback (most recent call last):
...
superpos_formal.errors.InputError: ...a.json: larger than 4 bytes (the limit for this input)
>>> read_bytes("/dev/zero")
Traceback (most recent call last):
...
superpos_formal.errors.InputError: /dev/zero: not a regular file (a character device)
"""

import json
import os
import stat
from pathlib import Path

from .errors import InputError

__all__ = ["MAX_JSON_BYTES", "MAX_JSONL_BYTES", "MAX_JSON_DEPTH", "check_regular",
           "read_bytes", "read_text", "read_json", "json_depth"]

#: largest JSON input read (task, campaign, network, members, registry):
#: the biggest the toolkit writes is a few MB
MAX_JSON_BYTES = 64 * 1024 * 1024
#: largest JSONL results file imported
MAX_JSONL_BYTES = 256 * 1024 * 1024
#: deepest JSON nesting read (every format here is a few levels deep; the
#: limit keeps a hostile file from exhausting the parser's stack)
MAX_JSON_DEPTH = 64

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def _kind(mode):
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a file"


def check_regular(path, what=None):
    """``os.stat`` of ``path`` when it is a regular file (symlinks followed);
    InputError naming ``what`` (default: the path) otherwise."""
    what = what or str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"{what}: no such file") from None
    except OSError as e:
        raise InputError(f"{what}: cannot read ({e.strerror or e})") from None
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{what}: not a regular file ({_kind(st.st_mode)})")
    return st


def read_bytes(path, limit=MAX_JSON_BYTES, what=None):
    """The bytes of the regular file ``path``, at most ``limit`` of them
    (InputError past it, or for anything but a regular file)."""
    what = what or str(path)
    check_regular(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise InputError(f"{what}: cannot read ({e.strerror or e})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):  # swapped since the check
            raise InputError(f"{what}: not a regular file ({_kind(st.st_mode)})")
        if st.st_size > limit:
            raise InputError(f"{what}: larger than {limit} bytes (the limit for this input)")
        chunks, n = [], 0
        while True:
            b = os.read(fd, min(1 << 20, limit + 1 - n))
            if not b:
                break
            chunks.append(b)
            n += len(b)
            if n > limit:  # grew while being read
                raise InputError(f"{what}: larger than {limit} bytes (the limit for this "
                                 f"input)")
        return b"".join(chunks)
    except OSError as e:
        raise InputError(f"{what}: cannot read ({e.strerror or e})") from None
    finally:
        os.close(fd)


def read_text(path, limit=MAX_JSON_BYTES, what=None):
    """UTF-8 text of the regular file ``path`` (:func:`read_bytes`)."""
    what = what or str(path)
    data = read_bytes(path, limit, what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{what}: not UTF-8 text (byte {e.start})") from None


def json_depth(text):
    """Deepest bracket nesting of JSON text, outside strings (no recursion).

    >>> json_depth('{"a": [1, {"b": "[[["}]}')
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
            if depth > best:
                best = depth
        elif ch in "]}":
            depth -= 1
    return best


def parse_json(text, what):
    """``json.loads`` with the depth bound and one-line errors naming ``what``."""
    depth = json_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise InputError(f"{what}: JSON nested {depth} levels deep; at most "
                         f"{MAX_JSON_DEPTH} are read")
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise InputError(f"{what}: not valid JSON (line {e.lineno}: {e.msg})") from None
    except (RecursionError, ValueError) as e:
        raise InputError(f"{what}: not valid JSON ({e})") from None


def read_json(path, limit=MAX_JSON_BYTES, what=None):
    """The JSON value of the regular file ``path``: bounded in size
    (``limit`` bytes) and depth (:data:`MAX_JSON_DEPTH`)."""
    what = what or str(path)
    return parse_json(read_text(Path(path), limit, what), what)
