"""The bridge to PyTorch, safetensors and ONNX (optional extra ``.[torch]``).

* :mod:`.export`: a certified network (a claim bundle, a minimum directory, a
  network file, a :class:`~superpos_formal.network.Network`) as a ``.pt``,
  ``.safetensors`` or ``.onnx`` file whose float forward pass equals the
  integer network on every input of ``X(m, s)`` (:mod:`.precision` states
  why), with its metadata (subject, codes, theta, bounds, the bundle's
  manifest sha256, certificate kind);
* :mod:`.zoo`: every certified minimum under ``proofs/`` and a ladder of
  verified constructions, re-checked and exported, with an index;
* :mod:`.importer`: a trained torch MLP read exactly (fractions of its float
  weights), checked on every input, and turned into a verified integer
  network (scale and round, then SAT repair).

Nothing here is imported by the core package, and this module imports no
optional package: each function imports torch, safetensors, onnx or
onnxruntime when it runs and raises a one-line error naming
``pip install '.[torch]'`` when one is missing (:mod:`._deps`).
"""

from ._deps import load_drup_first

# drup must be loaded before torch runs an operation or onnxruntime is
# imported (_deps.py); loading it here (about 12 ms) covers a notebook that
# imports superpos_formal, trains with torch, then checks a proof
load_drup_first()
