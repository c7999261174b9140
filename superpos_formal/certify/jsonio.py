"""Bundle file I/O: canonical JSON, and bounded reading of (gzipped) text.

A bundle is untrusted input. :func:`read_text` decompresses in chunks and
stops with an :class:`InputError` as soon as the text would exceed
``limit`` bytes, so a small file that inflates to gigabytes (a gzip bomb)
is rejected without being held in memory.

Examples
--------
>>> import gzip, tempfile, os
>>> p = os.path.join(tempfile.mkdtemp(), "z.gz")
>>> _ = open(p, "wb").write(gzip.compress(b"0" * 5000))
>>> len(read_text(p))
5000
>>> read_text(p, limit=1000)
Traceback (most recent call last):
...
superpos_formal.errors.InputError: z.gz: decompresses to more than 1000 bytes (the limit; raise it with --max-unzipped-mb)
"""

import json
import os
import zlib
from pathlib import Path

from ..errors import InputError
from ..inputs import MAX_JSON_BYTES, check_regular, read_json

__all__ = ["MAX_TEXT_BYTES", "dumps", "write", "load", "read_text"]

#: default bound on the uncompressed size of a formula or proof: 512 MiB.
#: The largest proof checked in-process is 150 MB (solve/search.py
#: CHECK_MAX_BYTES, measured on the raw file), so every bundle the toolkit
#: makes fits; past it the reader stops.
MAX_TEXT_BYTES = 512 * 1024 * 1024
_CHUNK = 1 << 20


def dumps(d):
    return json.dumps(d, indent=1, sort_keys=True) + "\n"


def write(path, text_or_bytes):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text_or_bytes, str):
        path.write_text(text_or_bytes)
    else:
        path.write_bytes(text_or_bytes)


def load(path):
    """JSON of ``path`` through the bounded reader
    (:func:`superpos_formal.inputs.read_json`: a regular file of at most 64
    MiB, nested at most 64 levels); :class:`InputError` ``"<name>: missing"``,
    ``"<name>: not valid JSON"`` and so on. Symlinks are not followed."""
    path = Path(path)
    if os.path.islink(path):
        raise InputError(f"{path.name}: a symlink (a bundle holds regular files only)")
    if not os.path.lexists(path):
        raise InputError(f"{path.name}: missing")
    if path.is_dir():
        raise InputError(f"{path.name}: a directory, not a file")
    return read_json(path, MAX_JSON_BYTES, what=path.name)


def _too_big(path, limit):
    return InputError(f"{Path(path).name}: decompresses to more than {limit} bytes "
                      f"(the limit; raise it with --max-unzipped-mb)")


def read_text(path, limit=None):
    """ASCII text of ``path``, gunzipped (every gzip member) when it starts
    with the gzip magic; never more than ``limit`` bytes (default
    :data:`MAX_TEXT_BYTES`) of text are produced."""
    limit = MAX_TEXT_BYTES if limit is None else limit
    path = Path(path)
    check_regular(path, path.name)  # a FIFO would block, /dev/zero never end
    out = bytearray()
    with open(path, "rb") as fh:
        head = fh.read(2)
        if head != b"\x1f\x8b":
            if os.fstat(fh.fileno()).st_size > limit:
                raise _too_big(path, limit)
            out += head + fh.read()
        else:
            fh.seek(0)
            d, buf, fed = zlib.decompressobj(16 + zlib.MAX_WBITS), b"", False
            try:
                while True:
                    if not buf:
                        buf = fh.read(_CHUNK)
                        if not buf:
                            break
                    # max_length (>= 1 here) bounds each step's output:
                    # never more than one byte past the limit is held
                    out += d.decompress(buf, limit + 1 - len(out))
                    fed = True
                    if len(out) > limit:
                        raise _too_big(path, limit)
                    if d.eof:  # the next gzip member, if any
                        buf, fed = d.unused_data, False
                        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    else:
                        buf = d.unconsumed_tail
                if fed and not d.eof:
                    raise InputError(f"{path.name}: not a valid gzip file (truncated)")
            except zlib.error as e:
                raise InputError(f"{path.name}: not a valid gzip file ({e})") from None
    try:
        return out.decode("ascii")
    except UnicodeDecodeError:
        raise InputError(f"{path.name}: not ASCII text") from None
