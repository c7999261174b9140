"""The PyTorch module of an exported network (imports torch: load lazily).

:class:`ExactNet` is a plain ``torch.nn.Module`` whose forward pass is the
integer network's, in floats proved exact on ``X(m, s)``
(:mod:`.precision`). Its state dict is exactly the tensors of
:mod:`.arrays`, so the same weights load into an equivalent module written
from scratch (docs/BRIDGE.md has one in ten lines): our package is not
needed to use an exported ``.pt`` or ``.safetensors`` file.
"""

import json

from ._deps import need

__all__ = ["exact_net_class", "module_from_arrays"]

_CLASS = []


def exact_net_class():
    """The :class:`ExactNet` class, defined on first use (it subclasses
    ``torch.nn.Module``, so torch is imported only here)."""
    if not _CLASS:
        _CLASS.append(_define(need("torch")))
    return _CLASS[0]


def _define(torch):
    nn = torch.nn

    class ExactNet(nn.Module):
        """``y = [R z >= theta]``, ``z = V sigma(... sigma(W1 E x + b1) ...) + c``.

        ``forward(x)`` takes a float tensor ``(batch, m)`` of 0/1 inputs and
        returns ``y`` as 0.0/1.0 of shape ``(batch, m')``, or ``(batch, k, m')``
        for a family of ``k`` members. :meth:`trace` also returns the hidden
        activations and the readout ``R z`` before the threshold (what an
        interpretability method would look at). ``metadata`` is the export's
        metadata dict (subject, codes, bounds, certificate, ...).
        """

        def __init__(self, tensors, activation, stacked, metadata=None):
            super().__init__()
            if activation not in ("relu", "step"):
                raise ValueError(f"activation: {activation!r} is not relu or step")
            self.activation = activation
            self.stacked = bool(stacked)
            self.metadata = dict(metadata or {})
            self.L = sum(1 for k in tensors if k.startswith("W"))
            self.register_buffer("E", tensors["E"])
            self.register_buffer("R", tensors["R"])
            self.register_buffer("theta", tensors["theta"])
            for l in range(1, self.L + 1):
                setattr(self, f"W{l}", nn.Parameter(tensors[f"W{l}"], requires_grad=False))
                setattr(self, f"b{l}", nn.Parameter(tensors[f"b{l}"], requires_grad=False))
            if self.L:
                self.V = nn.Parameter(tensors["V"], requires_grad=False)
                self.c = nn.Parameter(tensors["c"], requires_grad=False)

        def _sigma(self, t):
            if self.activation == "relu":
                return torch.relu(t)
            return (t > 0).to(t.dtype)  # step(t) = [t > 0]: step(0) = 0

        def trace(self, x):
            """``{"a0", "h1".."hL", "z", "Rz", "y"}`` for inputs ``x`` (batch first;
            a family's tensors have the member axis first: ``(k, batch, ...)``)."""
            x = x.to(self.E.dtype)
            out = {}
            a = x @ self.E.T
            out["a0"] = a
            if self.stacked:
                a = a.unsqueeze(0)
            for l in range(1, self.L + 1):
                W, b = getattr(self, f"W{l}"), getattr(self, f"b{l}")
                a = self._sigma(a @ W.transpose(-1, -2) + b.unsqueeze(-2))
                out[f"h{l}"] = a
            if self.L:
                z = a @ self.V.transpose(-1, -2) + self.c.unsqueeze(-2)
            else:
                z = a
            out["z"] = z
            rz = z @ self.R.T
            out["Rz"] = rz
            out["y"] = (rz >= self.theta).to(rz.dtype)
            return out

        def forward(self, x):
            y = self.trace(x)["y"]
            return y.permute(1, 0, 2) if self.stacked else y

        def extra_repr(self):
            md = self.metadata
            return (f"activation={self.activation}, L={self.L}, stacked={self.stacked}, "
                    f"subject={json.dumps(md.get('subject'))[:80]}, dtype={md.get('dtype')}")


    return ExactNet


def module_from_arrays(arrays, activation, stacked, metadata=None):
    """An :class:`ExactNet` from numpy arrays (:mod:`.arrays`)."""
    torch = need("torch")
    t = {k: torch.from_numpy(v.copy()) for k, v in arrays.items()}
    return exact_net_class()(t, activation, stacked, metadata).eval()
