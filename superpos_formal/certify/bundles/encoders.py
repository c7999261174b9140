"""Regenerating a claim's formula: the encoder registry.

An UNSAT claim is tied to its proof only through the formula: the verifier
rebuilds the CNF from ``claim.json`` with the encoder the claim names and
compares it with ``formula.cnf.gz``. Encoders are looked up here by name.

Examples
--------
>>> "order-tree" in ENCODERS
True
>>> encoder("nope")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
superpos_formal.errors.InputError: encoder: unknown encoder 'nope' (known: ...)
"""

import importlib

from ...errors import InputError

__all__ = ["ENCODERS", "register_encoder", "encoder", "default_encoder_name", "encode",
           "encoder_kwargs", "regenerate_base"]

#: encoder name -> module path exposing ``encode_sat``, ``encode_family_sat``
#: and ``ENCODER_VERSION``; or an object with the same attributes.
ENCODERS = {"order-tree": "superpos_formal.encode.sat",
            "code-choice": "superpos_formal.encode.code_choice"}


def register_encoder(name, module):
    """Make encoder ``name`` available for regeneration (module or object)."""
    ENCODERS[name] = module


def encoder(name):
    if not isinstance(name, str) or name not in ENCODERS:
        raise InputError(f"encoder: unknown encoder {name!r} (known: {', '.join(sorted(ENCODERS))})")
    mod = ENCODERS[name]
    if isinstance(mod, str):
        mod = importlib.import_module(mod)
    return mod


def default_encoder_name():
    return getattr(encoder("order-tree"), "ENCODER_NAME", "order-tree")


def encoder_kwargs(options):
    """Encoder keyword arguments of a claim's options (``members`` is the
    task list itself, not a keyword)."""
    kw = {k: v for k, v in options.items() if k != "members"}
    if kw.get("inputs") is not None:
        kw["inputs"] = [tuple(x) for x in kw["inputs"]]
    return kw


def encode(name, question, members, shape, options):
    """``(encoding, module)``: the formula a claim describes."""
    mod = encoder(name)
    kw = encoder_kwargs(options)
    if question == "family":
        return mod.encode_family_sat(members, shape, **kw), mod
    return mod.encode_sat(members[0], shape, **kw), mod


def regenerate_base(encode_fn, options, rep):
    """``F`` rebuilt by ``encode_fn(options)`` for a verify report ``rep``,
    or ``None`` with the reason in ``rep.failures``: an encoding error, or an
    encoding that carries symmetry breaks (then it is not ``F``, whatever
    the options say). The base, generator and regenerable proofs of ``F``
    all start here."""
    try:
        base = encode_fn(options)
    except InputError as e:
        rep.failures.append(f"regenerate F: {e}")
        return None
    if getattr(base, "sb_ranges", None) or base.info.get("symmetry"):
        rep.failures.append("regenerate F: the encoder emitted symmetry breaks with "
                            "symmetry off")
        return None
    return base
