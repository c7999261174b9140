"""Export integer networks to PyTorch (``.pt``), safetensors and ONNX, load
them back, and check an exported file against the exact verifier.

Formats (by the output file's suffix)
-------------------------------------
``.pt``
    ``torch.save`` of a plain dict ``{"format", "version", "metadata",
    "state_dict", "activation", "stacked"}``: tensors, strings and numbers
    only, so ``torch.load(path, weights_only=True)`` reads it without this
    package.
``.safetensors``
    the tensors of :mod:`.arrays`; the metadata JSON in the header under
    the key ``superpos-formal`` (``safe_open(path).metadata()``).
``.onnx``
    the graph of :mod:`.onnx_model`; the metadata JSON in the model's
    ``metadata_props`` under ``superpos-formal``.

Exactness: the float type is chosen by :func:`.precision.float_type` (the
argument is in that module's docstring): float32 when every intermediate
value on ``X(m, s)`` is below ``2^24``, float64 below ``2^53``, refused
beyond. :func:`check_export` runs an exported file on every input of
``X(m, s)`` (one batch) and compares with the integer network and the task.
"""

import json
from pathlib import Path

import numpy as np

from ..domain import domain
from ..errors import InputError
from ..network import CONVERTERS, Network
from ..verify import _INT64_SAFE, _Compiled, _input_matrix, evaluate_all
from ._deps import need
from .arrays import network_arrays
from .onnx_model import onnx_model
from .precision import float_type
from .source import EXPORT_FORMAT, Source, from_network, load_source
from .torch_model import exact_net_class, module_from_arrays

__all__ = ["export", "export_source", "to_torch", "load_export", "run_export",
           "check_export", "exact_outputs_of", "SUFFIXES", "ExportCheck"]

SUFFIXES = (".pt", ".safetensors", ".onnx")
META_KEY = "superpos-formal"


def _suffix(path):
    suf = Path(path).suffix
    if suf not in SUFFIXES:
        raise InputError(f"-o: {Path(path).name}: unknown format {suf or '(no suffix)'!r} "
                         f"(one of {', '.join(SUFFIXES)})")
    return suf


def _prepare(source, dtype=None):
    name, bound = float_type(source.networks, source.s, dtype)
    arrays = network_arrays(source.networks, name, source.is_family)
    return arrays, source.metadata(name, bound)


def to_torch(network_or_source, dtype=None):
    """A ``torch.nn.Module`` computing ``network`` exactly on ``X(m, s)``
    (``Network.to_torch`` calls this; a :class:`.Source` gives a family's
    stacked module)."""
    src = network_or_source if isinstance(network_or_source, Source) \
        else from_network(network_or_source)
    arrays, meta = _prepare(src, dtype)
    return module_from_arrays(arrays, str(src.network.activation), src.is_family, meta)


def export_source(source, path, dtype=None):
    """Write ``source`` to ``path`` (format by suffix); returns the metadata."""
    path = Path(path)
    suf = _suffix(path)
    arrays, meta = _prepare(source, dtype)
    act, stacked = str(source.network.activation), source.is_family
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    if suf == ".pt":
        torch = need("torch")
        torch.save({"format": EXPORT_FORMAT, "version": 1, "metadata": json.dumps(meta),
                    "activation": act, "stacked": stacked,
                    "state_dict": {k: torch.from_numpy(v.copy()) for k, v in arrays.items()}},
                   tmp)
    elif suf == ".safetensors":
        st = need("safetensors.numpy")
        header = dict(meta)
        header.update({"activation": act, "stacked": stacked})
        st.save_file({k: np.ascontiguousarray(v) for k, v in arrays.items()}, str(tmp),
                     metadata={META_KEY: json.dumps(header)})
    else:
        onnx = need("onnx")
        onnx.save(onnx_model(arrays, act, stacked, meta), str(tmp))
    tmp.replace(path)
    return meta


def export(src, path, dtype=None):
    """Export a bundle, minimum directory or network file (a path), or a
    :class:`~superpos_formal.network.Network`, to ``path``."""
    if not isinstance(src, Source):
        src = from_network(src) if isinstance(src, Network) else load_source(src)
    return export_source(src, path, dtype)


def load_export(path):
    """``(module_or_session, metadata)`` of an exported file: a torch module
    for ``.pt`` / ``.safetensors``, an onnxruntime session for ``.onnx``."""
    path = Path(path)
    suf = _suffix(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if suf == ".onnx":
        onnx = need("onnx")
        ort = need("onnxruntime")
        model = onnx.load(str(path))
        props = {p.key: p.value for p in model.metadata_props}
        if META_KEY not in props:
            raise InputError(f"{path}: not a superpos-formal export (no {META_KEY} metadata)")
        sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        return sess, json.loads(props[META_KEY])
    torch = need("torch")
    if suf == ".pt":
        d = torch.load(str(path), weights_only=True)
        if not isinstance(d, dict) or d.get("format") != EXPORT_FORMAT:
            raise InputError(f"{path}: not a superpos-formal export")
        meta = json.loads(d["metadata"])
        mod = exact_net_class()(dict(d["state_dict"]), d["activation"], d["stacked"], meta)
        return mod.eval(), meta
    st = need("safetensors.torch")
    from safetensors import safe_open
    with safe_open(str(path), framework="pt") as f:
        header = f.metadata() or {}
    if META_KEY not in header:
        raise InputError(f"{path}: not a superpos-formal export (no {META_KEY} metadata)")
    meta = json.loads(header[META_KEY])
    mod = exact_net_class()(st.load_file(str(path)), meta["activation"], meta["stacked"], meta)
    return mod.eval(), meta


def run_export(model, X, dtype):
    """Outputs ``y`` (numpy int8) of a loaded export on the input matrix
    ``X`` (one batch)."""
    X = np.asarray(X, dtype=dtype).reshape(len(X), -1)
    if hasattr(model, "run"):  # onnxruntime session
        y = model.run(["y"], {"x": X})[0]
    else:
        torch = need("torch")
        with torch.no_grad():
            y = model(torch.from_numpy(X)).numpy()
    return np.asarray(y).astype(np.int8)


class ExportCheck:
    """Result of :func:`check_export`: ``ok``, inputs checked, first mismatch."""

    def __init__(self, ok, checked, members, first=None):
        self.ok, self.checked, self.members, self.first = ok, checked, members, first

    def __repr__(self):
        if self.ok:
            return (f"<ExportCheck ok: {self.checked} inputs x {self.members} member(s) equal "
                    f"the exact network and the task>")
        return f"<ExportCheck FAILED: {self.first}>"


def exact_outputs_of(source, X):
    """The integer networks' outputs on ``X``: int8 ``(len(X), members, m')``.

    Exact: numpy ``int64`` over sparse rows only when
    :meth:`~superpos_formal.network.Network.value_bound` proves no overflow
    (the verifier's own path, :func:`superpos_formal.verify.verify_batch`),
    Python integers otherwise."""
    out = []
    for nt in source.networks:
        if nt.value_bound(source.s) < _INT64_SAFE // 2:
            out.append(_Compiled(nt).outputs(_input_matrix(X)))
        else:
            out.append(np.asarray(evaluate_all(nt, X), dtype=np.int8).reshape(len(X), nt.m_out))
    return np.stack(out, axis=1).astype(np.int8)


def check_export(path_or_model, source, metadata=None, want=None):
    """Run an exported model on every input of ``X(m, s)`` and compare with
    the exact integer outputs of ``source``'s networks (and, when known, the
    tasks). One forward pass for all inputs; ``want`` (from
    :func:`exact_outputs_of`) may be passed to reuse it across formats."""
    if isinstance(path_or_model, (str, Path)):
        model, metadata = load_export(path_or_model)
    else:
        model = path_or_model
    net = source.network
    X = domain(net.m, source.s)
    got = run_export(model, X, metadata["dtype"])
    if not source.is_family:
        got = got[:, None, :]
    k = len(source.networks)
    if got.shape != (len(X), k, net.m_out):
        return ExportCheck(False, len(X), k, f"output shape {got.shape}, expected "
                                             f"{(len(X), k, net.m_out)}")
    if want is None:
        want = exact_outputs_of(source, X)
    bad = np.argwhere(got != want)
    if len(bad):
        r, i, j = bad[0]
        return ExportCheck(False, len(X), k, f"member {i}: x={list(X[r])}, output {j}: "
                                             f"exported {got[r, i, j]}, exact {want[r, i, j]}")
    if source.members:
        tw = np.stack([np.asarray(t.outputs, dtype=np.int8).reshape(len(X), net.m_out)
                       for t in source.members], axis=1)
        bad = np.argwhere(got != tw)
        if len(bad):
            r, i, j = bad[0]
            return ExportCheck(False, len(X), k, f"member {i}: x={list(X[r])}, output {j}: "
                                                 f"exported {got[r, i, j]}, task {tw[r, i, j]}")
    return ExportCheck(True, len(X), k)


CONVERTERS["torch"] = to_torch  # Network.to_torch
