"""Import a trained torch MLP: check it exactly, then find a verified
integer network computing the same task.

Reading
-------
``module`` is a small MLP: a ``torch.nn.Sequential`` (or any module whose
children are, in order) ``Linear, act, Linear, act, ..., Linear`` with
``act`` a ``ReLU`` or a step (a module whose class name contains ``Step``
or ``Heaviside``, or ``activation="step"``), an exported
:class:`~superpos_formal.bridge.torch_model` model, or a ``state_dict``
file of the same. An optional fixed integer input code ``E`` (the MLP reads
``E x``) and readout ``R`` (the output is ``[R z >= theta]``) make it a
superposed network; without them ``E = I``, ``R = I`` (explicit mode). The
readout is the model's: ``y_j = [(R z)_j >= theta]``, ``theta`` a number
(default 0.5: a net trained to output 0/1).

Exact check of the trained network
----------------------------------
Every float weight ``w`` is read as the rational ``Fraction(w)`` (exact: a
float is a dyadic rational), and the network is evaluated in rationals on
every input of ``X(m, s)``: this is the function the trained weights
define, with no rounding. Whether it computes the task is therefore a
checked statement, with the first wrong input when it does not. The torch
forward pass itself (float32 roundings) is run on the same inputs and every
input where it disagrees with the exact evaluation is reported (an input
whose readout sits within rounding of ``theta``).

Integer network
---------------
*Scale and round.* Positive scaling does not change what a ReLU or step
network computes: each hidden neuron's incoming row (weights and bias) is
divided by its largest entry (for ReLU the neuron's outgoing column is
multiplied by the same amount), then every layer is scaled so that its
largest weight is ``k`` and rounded, for ``k = 1..max_B`` per layer; the
readout threshold becomes ``ceil(scale * theta)`` (``R z`` is an integer).
Each candidate is verified exhaustively; the first exact one (smallest
weights first) is the answer ``exact``.

*Repair.* Otherwise the candidate with fewest wrong bits is repaired by SAT
at its own bounds (one hidden layer), reusing the large-neighbourhood
machinery of :mod:`superpos_formal.solve.improve`: first the output rows of
the wrong outputs are freed with everything else fixed to the rounded
values, then also the neurons feeding them, then every weight (the whole
question, with the rounded weights as the solver's phases). A solution is
verified exhaustively and reported as ``repaired`` with the number of
parameters that differ from the rounded network. When the whole question
is UNSAT, the answer is confirmed by :func:`superpos_formal.api.decide`
with a checked DRAT proof: ``no integer network at these bounds``; a
solver limit is ``UNKNOWN``.
"""

import math
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import itertools

from pysat.solvers import Solver

from .. import api
from ..domain import domain
from ..encode.sat import encode_family_sat
from ..errors import InputError, SoundnessError
from ..network import Network
from ..schema import load_json
from ..shape import Shape
from ..solve import improve
from ..tasks import Family, Task
from ..verify import verify, verify_batch
from ._deps import need

__all__ = ["from_torch", "Repair", "ImportResult", "FamilyImportResult", "read_mlp", "exact_outputs", "step_module"]


@dataclass
class ImportResult:
    """What :func:`from_torch` found.

    ``trained_correct``: the trained network's exact (rational) function
    computes the task; ``first_wrong``: ``(x, j, expected, got)`` of the
    first wrong output bit otherwise, ``wrong_bits`` their number;
    ``float_disagreements``: inputs where torch's float forward pass differs
    from the exact evaluation. ``status``: ``"exact"`` (rounding alone
    gives a verified integer network), ``"repaired"`` (``changed``
    parameters differ from the rounded network), ``"no integer network"``
    (checked UNSAT at ``bounds``), ``"UNKNOWN"`` or ``"not attempted"``;
    ``network`` the verified integer network.
    """

    task: str
    trained_correct: bool
    wrong_bits: int
    first_wrong: tuple
    float_disagreements: list
    status: str
    network: Network = None
    changed: int = 0
    rounded_errors: int = None
    scale: tuple = None
    bounds: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)

    def summary(self):
        lines = [f"task {self.task}"]
        if self.trained_correct:
            lines.append("trained network: computes the task exactly on every input "
                         "(rational evaluation of its float weights)")
        else:
            x, j, want, got = self.first_wrong
            lines.append(f"trained network: WRONG on {self.wrong_bits} output bit(s); first at "
                         f"x={list(x)}, output {j}: expected {want}, got {got}")
        if self.float_disagreements:
            lines.append(f"float forward pass differs from the exact evaluation on "
                         f"{len(self.float_disagreements)} input(s), first "
                         f"x={list(self.float_disagreements[0])}")
        b = self.bounds
        where = (f" (B={b.get('B')} bias={b.get('B_bias')} theta={b.get('theta')})"
                 if b else "")
        if self.status == "exact":
            lines.append(f"integer network: exact by scale-and-round{where}, verified on "
                         f"every input")
        elif self.status == "repaired":
            lines.append(f"integer network: repaired by SAT with {self.changed} parameter(s) "
                         f"changed from the rounded one ({self.rounded_errors} wrong bits "
                         f"before){where}, verified on every input")
        elif self.status == "no integer network":
            lines.append(f"integer network: none at these bounds{where} (UNSAT, DRAT proof "
                         f"checked)")
        else:
            lines.append(f"integer network: {self.status}{where}")
        return "\n".join(lines + [f"note: {n}" for n in self.notes])


# ------------------------------------------------------------------ reading

def _is_step(mod):
    name = type(mod).__name__.lower()
    return "step" in name or "heaviside" in name


def read_mlp(module, activation=None):
    """``(layers, (V, c), activation)`` of a torch MLP, every entry a
    Python float (exactly the stored value). ``layers`` is ``[(W, b)]``."""
    torch = need("torch")
    nn = torch.nn
    if hasattr(module, "stacked") and hasattr(module, "E") and hasattr(module, "R"):
        raise InputError("module: an exported superpos-formal model; load its network.json "
                         "instead (it is already an integer network)")
    mods = [m for m in module.children()] if len(list(module.children())) else [module]
    if len(mods) == 1 and isinstance(mods[0], nn.Sequential):
        mods = list(mods[0].children())
    linears, acts = [], []
    for i, m in enumerate(mods):
        if isinstance(m, nn.Linear):
            if len(linears) > len(acts):
                raise InputError(f"module: layer {i}: two Linear layers without an "
                                 f"activation between them")
            linears.append(m)
        elif isinstance(m, nn.ReLU) or _is_step(m):
            if len(acts) >= len(linears):
                raise InputError(f"module: layer {i}: an activation not after a Linear layer")
            acts.append("relu" if isinstance(m, nn.ReLU) else "step")
        elif isinstance(m, (nn.Identity, nn.Flatten)):
            continue
        else:
            raise InputError(f"module: layer {i}: {type(m).__name__} is not Linear, ReLU or "
                             f"a step (a small MLP is expected)")
    if not linears or len(acts) != len(linears) - 1:
        raise InputError("module: expected Linear (act Linear)*: the last layer must be Linear")
    kinds = set(acts) | ({activation} if activation else set())
    if len(kinds) > 1:
        raise InputError(f"module: mixed activations {sorted(kinds)}; one network has one")
    act = kinds.pop() if kinds else (activation or "relu")

    def mat(lin):
        W = lin.weight.detach().to(torch.float64).tolist()
        b = (lin.bias.detach().to(torch.float64).tolist() if lin.bias is not None
             else [0.0] * len(W))
        return W, b

    layers = [mat(l) for l in linears[:-1]]
    return layers, mat(linears[-1]), act


def _frac_mat(M):
    return [[Fraction(v) for v in row] for row in M]


def exact_outputs(layers, out, act, E, R, theta, X):
    """The readout bits of the rational network on each input of ``X``."""
    Lq = [(_frac_mat(W), [Fraction(v) for v in b]) for W, b in layers]
    V, c = _frac_mat(out[0]), [Fraction(v) for v in out[1]]
    E, R = _frac_mat(E), _frac_mat(R)  # integer codes, or a trained float code
    th = Fraction(theta)
    res = []
    for x in X:
        a = [sum(e * xi for e, xi in zip(row, x)) for row in E]
        for W, b in Lq:
            t = [sum(w * v for w, v in zip(row, a)) + bk for row, bk in zip(W, b)]
            a = [max(v, 0) for v in t] if act == "relu" else [1 if v > 0 else 0 for v in t]
        z = [sum(w * v for w, v in zip(row, a)) + ck for row, ck in zip(V, c)]
        rz = [sum(r * v for r, v in zip(row, z)) for row in R]
        res.append(tuple(1 if v >= th else 0 for v in rz))
    return res


# ------------------------------------------------------------------ scale and round

def _normalise(layers, out, act):
    """Divide each hidden row by its largest |entry| (ReLU: the next layer's
    column times it): the function is unchanged (positive homogeneity; a step
    only sees the sign)."""
    layers = [([list(r) for r in W], list(b)) for W, b in layers]
    V, c = [list(r) for r in out[0]], list(out[1])
    for l, (W, b) in enumerate(layers):
        nxt = layers[l + 1][0] if l + 1 < len(layers) else V
        for u, row in enumerate(W):
            s = max([abs(v) for v in row] + [abs(b[u])])
            if s == 0:
                continue
            W[u] = [v / s for v in row]
            b[u] = b[u] / s
            if act == "relu":
                for r in nxt:
                    r[u] *= s
    return layers, (V, c)


def _round_net(layers, out, act, E, R, theta, ks, mode):
    """The rounded integer network for per-layer targets ``ks`` (largest
    weight of each layer, output layer last)."""
    ints, scale = [], 1.0
    for (W, b), k in zip(layers, ks):
        top = max(abs(v) for row in W for v in row) or 1.0
        s = k / top
        if act == "relu":
            Wi = [[round(v * s) for v in row] for row in W]
            bi = [round(v * s * scale) for v in b]
            scale *= s
        else:
            Wi = [[round(v * s) for v in row] for row in W]
            bi = [round(v * s) for v in b]
            scale = 1.0
        ints.append((Wi, bi))
    V, c = out
    top = max(abs(v) for row in V for v in row) or 1.0
    s = ks[-1] / top
    Vi = [[round(v * s) for v in row] for row in V]
    total = s * scale
    ci = [round(v * total) for v in c]
    th = math.ceil(Fraction(theta) * Fraction(total))
    B = max([1] + [abs(v) for W, _ in ints for r in W for v in r] + [abs(v) for r in Vi for v in r])
    Bb = max([0] + [abs(v) for _, b in ints for v in b] + [abs(v) for v in ci])
    Bc = max([1] + [abs(v) for r in E for v in r] + [abs(v) for r in R for v in r])
    if mode == "explicit":
        return Network.explicit(len(E[0]), len(R), act, ints, Vi, ci, B=B, B_bias=Bb, theta=th)
    return Network.superposed(E, R, act, ints, Vi, ci, B=B, B_bias=Bb, B_code=Bc, theta=th)


def _changed(a, b):
    n = 0
    for (W1, b1), (W2, b2) in zip(a.layers, b.layers):
        n += sum(x != y for r1, r2 in zip(W1, W2) for x, y in zip(r1, r2))
        n += sum(x != y for x, y in zip(b1, b2))
    n += sum(x != y for r1, r2 in zip(a.V, b.V) for x, y in zip(r1, r2))
    n += sum(x != y for x, y in zip(a.c, b.c))
    return n


# ------------------------------------------------------------------ repair

def _repair(task, net, budget, conflicts, log):
    """``(status, network)`` by SAT around the rounded ``net`` (one layer)."""

    if net.depth != 1:
        return "not attempted (repair needs one hidden layer)", None
    n = net.widths[0]
    if net.mode == "explicit":
        shape = Shape("explicit", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                      theta=net.theta)
    else:
        shape = Shape("superposed", net.activation, n=n, L=1, B=net.B, B_bias=net.B_bias,
                      B_code=net.B_code, theta=net.theta, codes="given", E=net.E, R=net.R)
    bud = improve.wall_clock(budget)
    wrong = verify(net, task).counterexamples
    outs = sorted({c.j for c in wrong})
    # superposed: output j is read through R; free the code coordinates R reads
    rows = outs if net.mode == "explicit" else sorted(
        {q for j in outs for q, v in enumerate(net.R[j]) if v})
    (W, b), = net.layers
    feeding = sorted({k for j in rows for k, v in enumerate(net.V[j]) if v})
    windows = [
        ("output rows of the wrong outputs", {("V", 0, j, k) for j in rows for k in range(n)}
         | {("c", 0, j) for j in rows}),
        ("and the neurons feeding them", {("V", 0, j, k) for j in rows for k in range(n)}
         | {("c", 0, j) for j in rows}
         | {("W", 0, 0, k, i) for k in feeding for i in range(len(W[0]))}
         | {("b", 0, 0, k) for k in feeding}),
    ]
    for label, free in windows:
        status, got = improve.repair([task], [net], shape, free, bud, conflicts)
        log(f"repair window ({label}, {len(free)} parameters free): {status}")
        if status == "SAT":
            return "repaired", got[0]
    # the whole question, the rounded weights as phases
    enc = encode_family_sat([task], shape, symmetry=False)
    with Solver(name=improve.SOLVER, bootstrap_with=enc.clauses) as s:
        s.set_phases(improve._phases(enc, [net]))
        s.conf_budget(conflicts)
        ok = s.solve_limited()
        model = s.get_model() if ok else None
    log(f"repair: whole question with the rounded weights as phases: "
        f"{'SAT' if ok else 'UNSAT' if ok is False else 'UNKNOWN'}")
    if ok:
        cand = enc.decode_all(model)[2][0]
        if not verify(cand, task).ok:
            raise SoundnessError("import repair: decoded network fails the exact verifier")
        return "repaired", cand
    if ok is False:
        ans = api.decide(task, n, mode=str(net.mode), activation=str(net.activation), L=1,
                         B=net.B, B_bias=net.B_bias, B_code=net.B_code, theta=net.theta,
                         codes="given" if net.mode == "superposed" else None,
                         E=net.E if net.mode == "superposed" else None,
                         R=net.R if net.mode == "superposed" else None, budget=budget)
        if ans.status == "UNSAT" and ans.certified:
            return "no integer network", None
        if ans.status == "SAT":
            return "repaired", ans.network
    return "UNKNOWN", None


# ------------------------------------------------------------------ front door

@dataclass(frozen=True)
class Repair:
    """How hard the SAT repair of a rounded network may try.

    Attributes
    ----------
    seconds : float
        Wall clock for the whole repair (default 60).
    conflicts : int
        Conflicts per window solve (default 200 000).

    Examples
    --------
    >>> Repair(seconds=5).conflicts
    200000
    >>> Repair(seconds=0)
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: repair.seconds: must be > 0, got 0
    """

    seconds: float = 60.0
    conflicts: int = 200_000

    def __post_init__(self):
        if isinstance(self.seconds, bool) or not isinstance(self.seconds, (int, float)) \
                or not self.seconds > 0:
            raise InputError(f"repair.seconds: must be > 0, got {self.seconds!r}")
        if isinstance(self.conflicts, bool) or not isinstance(self.conflicts, int) \
                or self.conflicts < 1:
            raise InputError(f"repair.conflicts: must be a positive integer, "
                             f"got {self.conflicts!r}")


def _repair_policy(repair):
    """``Repair`` or None (no repair) from the ``repair`` argument."""
    if repair is True:
        return Repair()
    if repair is False or repair is None:
        return None
    if isinstance(repair, Repair):
        return repair
    raise InputError(f"repair: expected True, False or a Repair, got {type(repair).__name__}")


def from_torch(module, task, *, input_code=None, readout=None, theta=0.5, activation=None,
               max_B=8, repair=True, log=None):
    """Read a trained MLP, check it exactly on every input of the task's
    ``X(m, s)``, and find a verified integer network (module docstring).

    Parameters
    ----------
    module : torch.nn.Module or path
        The MLP (or a file holding it or its ``state_dict``: ``.pt``).
    task : Task or Family
        What it should compute. For a family, ``module`` is a list of
        modules, one per member in the family's order, all reading the same
        fixed integer ``input_code`` and ``readout`` (the family question's
        shared code); the result is a :class:`FamilyImportResult`.
    input_code, readout : list of list of int, optional
        A fixed integer input code ``E`` (``d x m``) and readout ``R``
        (``m' x d'``): the network is then superposed.
    theta : number
        Readout threshold of the trained model: ``y = [R z >= theta]``.
    max_B : int
        Largest weight tried by scale-and-round (per layer).
    repair : bool or Repair
        SAT repair when rounding is not exact (default ``True``:
        ``Repair()``, 60 s and 200 000 conflicts per window); ``False``:
        none.

    Returns
    -------
    ImportResult
    """
    torch = need("torch")
    log = log or (lambda s: None)
    repair = _repair_policy(repair)
    if isinstance(task, Family):
        return _from_torch_family(module, task, input_code=input_code, readout=readout,
                                  theta=theta, activation=activation, max_B=max_B,
                                  repair=repair, log=log)
    if not isinstance(task, Task):
        raise InputError(f"task: expected a Task, got {type(task).__name__}")
    if isinstance(module, (str, Path)):
        module = _load_module(module, activation or "relu")
    if not isinstance(max_B, int) or max_B < 1:
        raise InputError(f"max_B: must be a positive integer, got {max_B!r}")
    layers, out, act = read_mlp(module, activation)
    m = task.m
    explicit = input_code is None and readout is None
    if (input_code is None) != (readout is None):
        raise InputError("input_code/readout: give both (superposed) or neither (explicit)")
    E = [[int(i == j) for j in range(m)] for i in range(m)] if input_code is None else \
        [list(r) for r in input_code]
    R = [[int(i == j) for j in range(task.m_out)] for i in range(task.m_out)] if readout is None \
        else [list(r) for r in readout]
    for nm, M in (("input_code", E), ("readout", R)):
        if any(not isinstance(v, int) or isinstance(v, bool) for r in M for v in r):
            raise InputError(f"{nm}: entries must be integers")
    d_in = len(layers[0][0][0]) if layers else len(out[0][0])
    if len(E) != d_in or any(len(r) != m for r in E):
        raise InputError(f"input_code: the MLP reads {d_in} inputs; E must be {d_in} x {m}")
    if any(len(r) != len(out[0]) for r in R) or len(R) != task.m_out:
        raise InputError(f"readout: the MLP has {len(out[0])} outputs; R must be "
                         f"{task.m_out} x {len(out[0])}")
    try:
        th = Fraction(theta)
    except (TypeError, ValueError):
        raise InputError(f"theta: {theta!r} is not a number") from None
    X = domain(m, task.s)
    ys = exact_outputs(layers, out, act, E, R, th, X)
    wrong = [(x, j, w, g) for x, y in zip(X, ys) for j, (g, w) in enumerate(zip(y, task(x)))
             if g != w]
    # torch's own float forward pass on every input (one batch)
    Xt = torch.tensor(X, dtype=torch.float64) @ torch.tensor(E, dtype=torch.float64).T
    with torch.no_grad():
        p = next(module.parameters(), None)
        dt = p.dtype if p is not None else torch.float32
        zt = module(Xt.to(dt)).to(torch.float64)
    rz = zt @ torch.tensor(R, dtype=torch.float64).T
    yt = (rz >= float(theta)).to(torch.int64).tolist()
    disagree = [x for x, a, b in zip(X, yt, ys) if tuple(a) != b]
    res = ImportResult(task.name, not wrong, len(wrong), wrong[0] if wrong else None,
                       disagree, "not attempted")
    # scale and round
    nl, no = _normalise(layers, out, act)
    L = len(nl)
    best = None
    for ks in sorted(itertools.product(range(1, max_B + 1), repeat=L + 1),
                     key=lambda k: (max(k), sum(k), k)):
        try:
            cand = _round_net(nl, no, act, E, R, th, ks, "explicit" if explicit else "superposed")
        except InputError as e:
            res.notes.append(f"rounded network not representable: {e}")
            break
        v = verify_batch(cand, task, max_counterexamples=0)
        if best is None or v.errors < best[0]:
            best = (v.errors, cand, ks)
        if v.ok:
            break
    if best is None:
        res.status = "not attempted"
        return res
    errors, cand, ks = best
    res.rounded_errors, res.scale = errors, ks
    res.bounds = {"B": cand.B, "B_bias": cand.B_bias, "B_code": cand.B_code,
                  "theta": cand.theta, "mode": str(cand.mode)}
    if errors == 0:
        res.status, res.network = "exact", cand
        return res
    log(f"scale-and-round: best candidate {errors} wrong bits (targets {ks})")
    if repair is None:
        res.status = "not attempted (repair off)"
        return res
    status, net = _repair(task, cand, repair.seconds, repair.conflicts, log)
    res.status = status
    if net is not None:
        if not verify(net, task).ok:
            raise SoundnessError("import: repaired network fails the exact verifier")
        res.network = net
        res.changed = _changed(cand, net)
    return res


def _load_module(path, activation="relu"):
    torch = need("torch")
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix == ".json":
        doc = load_json(path)
        sd = doc.get("state_dict", doc) if isinstance(doc, dict) else None
        if not isinstance(sd, dict):
            raise InputError(f"{path}: expected a JSON object with a state_dict")
        try:
            # float64 holds every float32 value exactly (the JSON numbers are their reprs)
            sd = {k: torch.tensor(v, dtype=torch.float64) for k, v in sd.items()}
        except (TypeError, ValueError) as e:
            raise InputError(f"{path}: state_dict: {e}") from None
        return _mlp_from_state_dict(sd, path, activation)
    try:
        # a state_dict loads without running pickled code; only a whole pickled
        # module needs the full unpickler (the file is the user's own model)
        obj = torch.load(str(path), weights_only=True)
    except Exception:
        try:
            obj = torch.load(str(path), weights_only=False)
        except Exception as e:  # a corrupt or foreign file: one line
            raise InputError(f"{path}: cannot load ({type(e).__name__}: "
                             f"{str(e)[:80]})") from None
    if isinstance(obj, torch.nn.Module):
        return obj
    if isinstance(obj, dict):
        return _mlp_from_state_dict(obj, path, activation)
    raise InputError(f"{path}: expected a torch module or a state_dict")


def step_module():
    """A ``torch.nn.Module`` computing ``step(t) = [t > 0]`` (what
    :func:`read_mlp` reads as a step activation)."""
    torch = need("torch")

    class Step(torch.nn.Module):
        def forward(self, t):
            return (t > 0).to(t.dtype)

    return Step()


def _mlp_from_state_dict(sd, path, activation="relu"):
    """An MLP from a ``state_dict`` of ``<i>.weight``/``<i>.bias`` Linear layers
    (``nn.Sequential`` numbering); the activation comes from ``--activation``."""
    torch = need("torch")
    if activation not in ("relu", "step"):
        raise InputError(f"--activation: {activation!r} is not relu or step")
    keys = sorted({k.rsplit(".", 1)[0] for k in sd if k.endswith(".weight")},
                  key=lambda s: [int(p) if p.isdigit() else p for p in s.split(".")])
    if not keys:
        raise InputError(f"{path}: no '<layer>.weight' entries (a Linear state_dict)")
    mods = []
    for i, k in enumerate(keys):
        W = sd[k + ".weight"]
        lin = torch.nn.Linear(W.shape[1], W.shape[0], bias=(k + ".bias") in sd)
        with torch.no_grad():
            lin.weight.copy_(W)
            if lin.bias is not None:
                lin.bias.copy_(sd[k + ".bias"])
        mods.append(lin)
        if i < len(keys) - 1:
            mods.append(torch.nn.ReLU() if activation == "relu" else step_module())
    return torch.nn.Sequential(*mods).to(torch.float64)


@dataclass
class FamilyImportResult:
    """One :class:`ImportResult` per family member (shared ``E``, ``R``).

    ``trained_correct``: every member's trained network computes its member;
    ``networks``: the verified integer networks when every member has one
    (they share the given codes; each member has its own bounds and
    threshold, so the family's common bounds are the largest), else ``None``.
    """

    family: str
    members: list

    @property
    def trained_correct(self):
        return all(r.trained_correct for r in self.members)

    @property
    def networks(self):
        nets = [r.network for r in self.members]
        return None if any(n is None for n in nets) else nets

    def summary(self):
        bad = [(i, r) for i, r in enumerate(self.members) if not r.trained_correct]
        lines = [f"family {self.family}: {len(self.members)} members"]
        if bad:
            i, r = bad[0]
            x, j, want, got = r.first_wrong
            lines.append(f"trained networks: {len(bad)} member(s) wrong; first member {i} "
                         f"({r.task}) at x={list(x)}, output {j}: expected {want}, got {got}")
        else:
            lines.append("trained networks: every member computes its task exactly")
        counts = {}
        for r in self.members:
            counts[r.status] = counts.get(r.status, 0) + 1
        lines.append("integer networks: " + ", ".join(f"{v} {k}" for k, v in sorted(counts.items())))
        return "\n".join(lines)


def _from_torch_family(modules, family, **kw):
    if kw.get("input_code") is None or kw.get("readout") is None:
        raise InputError("input_code/readout: a family shares one fixed integer code; give "
                         "both (the family question's E and R)")
    if isinstance(modules, (str, Path)) or not hasattr(modules, "__len__"):
        raise InputError("module: a family needs a list of modules, one per member")
    members = family.member_list(purpose="importing trained members")
    if len(modules) != len(members):
        raise InputError(f"module: {len(modules)} modules for the {len(members)} members of "
                         f"{family.name} (one per member, in the family's order)")
    return FamilyImportResult(family.name, [from_torch(mod, t, **kw)
                                            for mod, t in zip(modules, members)])
