"""Lazy imports of the optional extra ``.[torch]`` (torch, safetensors,
onnx, onnxruntime).

The core package never imports them; every bridge function that needs one
calls :func:`need` at run time, so ``import superpos_formal`` and the
README's commands work without the extra, and a missing package is one line
naming the install command (an :class:`~superpos_formal.errors.InputError`,
shown by the CLI as ``superpos: error: ...``, exit 2).
"""

import importlib

from ..errors import InputError

__all__ = ["need", "INSTALL_HINT", "load_drup_first"]

INSTALL_HINT = "pip install '.[torch]'"


def need(name):
    """Import and return module ``name`` or raise a one-line InputError.

    >>> need("json").__name__
    'json'
    >>> need("no_such_module_xyz")
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: no_such_module_xyz is not installed: the PyTorch/ONNX bridge needs the optional extra (pip install '.[torch]')
    """
    try:
        return importlib.import_module(name)
    except ImportError:
        raise InputError(f"{name} is not installed: the PyTorch/ONNX bridge needs the "
                         f"optional extra ({INSTALL_HINT})") from None


def load_drup_first():
    # Once onnxruntime is loaded, or torch has run any operation (its thread
    # pool), loading drup (the third proof checker, an OCaml 5 library) aborts
    # the whole process ("Failed to allocate signal stack for domain 0"); in
    # the other order all work. So a process that exports to ONNX or runs a
    # torch model and then verifies a bundle must have drup in first: the
    # bridge package calls this when it is imported, which importing
    # superpos_formal does, so need() and the tests get the order for free.
    try:
        importlib.import_module("drup")
    except ImportError:
        pass

