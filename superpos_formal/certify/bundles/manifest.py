"""``manifest.json``: the sha256 of every file of a bundle, and nothing else.

A manifest names plain relative file names (``claim.json``,
``logs/native.log``): no ``.`` or ``..`` segments, no leading ``/``, no empty
segment, no backslash. The directory it describes holds regular files and
directories only: a symlink or a special file anywhere in it is rejected
(a symlink could make the checked bytes differ from the bytes a reader
sees). Every file is listed, every listed file exists with its hash.

``skip`` names sub-directories that are bundles in their own right (the two
halves of a minimum claim): the parent manifest lists their
``manifest.json`` instead of their files, which chains the hashes.

Examples
--------
>>> bad_name("./claim.json"), bad_name("logs/native.log"), bad_name("../x")
('a "." segment', None, 'a ".." segment')
"""

import os
import re
import shutil
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path

from ...errors import InputError
from ..proofcheck import drat
from ..jsonio import dumps, load, write

__all__ = ["MANIFEST_FORMAT", "MANIFEST_VERSION", "bad_name", "walk_files",
           "write_manifest", "check_manifest", "rewritten_bundle"]

MANIFEST_FORMAT = "superpos-formal/manifest"
MANIFEST_VERSION = 1
_HEX64 = re.compile(r"[0-9a-f]{64}")


def bad_name(rel):
    """Why ``rel`` is not a plain relative file name, or None if it is."""
    if not isinstance(rel, str) or not rel:
        return "not a non-empty string"
    if "\\" in rel or "\0" in rel:
        return "a backslash or NUL"
    if rel.startswith("/"):
        return "an absolute path"
    for seg in rel.split("/"):
        if seg == "":
            return "an empty segment"
        if seg in (".", ".."):
            return f'a "{seg}" segment'
    return None


def walk_files(root, skip=()):
    """``(files, problems)``: relative names of the regular files under
    ``root`` (not following symlinks, minus ``manifest.json`` and the
    ``skip`` directories), and one message per symlink or special file."""
    root = Path(root)
    files, problems = [], []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = Path(dirpath).relative_to(root)
        for name in sorted(dirnames):
            rel = (rel_dir / name).as_posix()
            if os.path.islink(Path(dirpath) / name):
                problems.append(f"symlink: {rel} (a bundle holds regular files only)")
                dirnames.remove(name)
            elif rel in skip:
                dirnames.remove(name)
        for name in sorted(filenames):
            p = Path(dirpath) / name
            rel = (rel_dir / name).as_posix()
            mode = os.lstat(p).st_mode
            if stat.S_ISLNK(mode):
                problems.append(f"symlink: {rel} (a bundle holds regular files only)")
            elif not stat.S_ISREG(mode):
                problems.append(f"special file: {rel} (a bundle holds regular files only)")
            elif rel != "manifest.json":
                files.append(rel)
    return sorted(files), problems


def write_manifest(root, skip=(), extra=None):
    """(Re)write ``manifest.json`` with the sha256 of every other file.

    ``extra`` adds files inside ``skip`` directories (their manifests)."""
    root = Path(root)
    files, problems = walk_files(root, skip)
    if problems:
        raise InputError(f"{root}: {problems[0]}")
    names = files + list(extra or ())
    listed = {rel: drat.sha256_file(root / rel) for rel in names}
    write(root / "manifest.json", dumps({"format": MANIFEST_FORMAT,
                                          "version": MANIFEST_VERSION, "files": listed}))
    return listed


def check_manifest(root, skip=(), required=()):
    """Failure messages (empty when the manifest matches the directory).

    ``required`` are names the manifest must list (e.g. ``claim.json``)."""
    root = Path(root)
    try:
        man = load(root / "manifest.json")
    except InputError as e:  # missing / not JSON
        return [f"manifest.json: {str(e).split(': ', 1)[-1]}"]
    if os.path.islink(root / "manifest.json"):
        return ["symlink: manifest.json (a bundle holds regular files only)"]
    if not isinstance(man, dict) or man.get("format") != MANIFEST_FORMAT \
            or not isinstance(man.get("files"), dict):
        return ["manifest.json: not a superpos-formal manifest"]
    if man.get("version") != MANIFEST_VERSION or set(man) != {"format", "version", "files"}:
        return ["manifest.json: unknown version or fields"]
    listed = man["files"]
    fails = []
    files, problems = walk_files(root, skip)
    fails += problems
    bad = set()
    for rel in sorted(listed):
        why = bad_name(rel)
        if why:
            fails.append(f"manifest.json: {rel!r} is not a plain relative file name ({why})")
            bad.add(rel)
            continue
        if not isinstance(listed[rel], str) or not _HEX64.fullmatch(listed[rel]):
            fails.append(f"manifest.json: {rel}: not a sha256")
            continue
        p = root / rel
        if any(os.path.islink(root.joinpath(*rel.split("/")[:i + 1]))
               for i in range(rel.count("/") + 1)):
            fails.append(f"symlink: {rel} (a bundle holds regular files only)")
        elif not p.is_file():
            fails.append(f"missing file: {rel} (listed in manifest.json)")
        elif drat.sha256_file(p) != listed[rel]:
            fails.append(f"changed file: {rel} (sha256 differs from manifest.json)")
    for rel in files:
        if rel not in listed:
            fails.append(f"extra file: {rel} (not in manifest.json)")
    for rel in required:
        if rel not in listed:
            fails.append(f"manifest.json: does not list {rel}")
    return list(dict.fromkeys(fails))


@contextmanager
def rewritten_bundle(bundle, prefix=".rewrite-"):
    """Edit a copy of ``bundle``; swap it in only if the edit finishes.

    Yields the copy (a temporary sibling of ``bundle``, so the rename stays
    on one file system). When the ``with`` body returns, the copy's manifest
    is rewritten and the copy replaces ``bundle`` by two renames; when it
    raises, the stored bundle is left as it was (restored if the failure
    fell between the renames) and the copy is removed.
    """
    bundle = Path(bundle)
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=bundle.parent))
    work, old = tmp / bundle.name, tmp / (bundle.name + ".old")
    try:
        shutil.copytree(bundle, work)
        yield work
        write_manifest(work)
        os.replace(bundle, old)
        os.replace(work, bundle)
        os.chmod(bundle, 0o755)
    except BaseException:
        if not bundle.exists() and old.exists():
            os.replace(old, bundle)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
