"""What each claim kind asserts, and what makes a claim file well-formed.

This module is the one place that says what a bundle claims. The verifier
(:mod:`.claimcheck`, :mod:`.minclaim`) checks exactly these statements and rejects
everything else with a one-line reason; ``proofs/README.md`` repeats them.

Claim kinds
-----------
``instance`` SAT
    Some network of the claim's shape (mode, activation, width ``n``, depth
    ``L``, bounds ``B``/``B_bias``/``B_code``, threshold ``theta``, code
    policy, tolerance) computes the task on every input of ``X(m, s)``.
    Checked: ``network.json`` fits the shape (and ``max_nonzero`` if given)
    and is verified exhaustively against the task rebuilt from the claim.
``representation`` SAT
    The same with ``L = 0`` (``y = [R E x >= theta]``).
``family`` SAT
    One code pair ``(E, R)`` (free codes) and, for *every* member of the
    family as the claim defines it, a network of the shape using that code
    which computes the member. Checked: ``network.json`` is a network set
    with exactly one network per member, in the family's own member order
    (complete families are enumerated; a sample is regenerated from its seed
    and must equal the stored member list; duplicates are rejected); network
    ``i`` is verified exhaustively against member ``i``; all share ``E, R``.
    A member subset (``options.members``) is never allowed on a SAT claim.
    ``tolerance`` and ``max_nonzero`` bound each member's network on its own
    (at most ``tolerance`` wrong bits of *that* member, at most
    ``max_nonzero`` nonzero parameters in *its* network), here and in the
    UNSAT formula alike.
``instance`` / ``representation`` / ``family`` UNSAT
    No network of the shape computes the task (every member with one shared
    code). Checked: the CNF is regenerated from the claim with the named
    encoder and must equal ``formula.cnf.gz`` byte for byte (by sha256), and
    the DRAT proof is re-checked by independent checkers. Relaxations (an
    input subset, a member subset) make the formula weaker, so its UNSAT
    still implies the stated claim; they are shown with the claim.

Options
-------
Every key of ``claim.json``'s ``options`` must be in :data:`OPTIONS`; each is
an *encoding* choice (does not change which networks exist), a
*restriction* (changes the question: shown with it, and both halves of a
minimum must agree on it) or a *relaxation* (UNSAT only strengthens: shown).

Examples
--------
>>> c = parse_claim({"format": "superpos-formal/claim", "version": 1,
...     "question": "instance", "answer": "SAT", "options": {"symmetry": True},
...     "task": {"kind": "and_pairs", "m": 3, "pairs": [[0, 1]], "s": 2},
...     "shape": {"mode": "explicit", "activation": "relu", "n": 2, "B": 2}})
>>> c.describe()
'instance and_pairs(m=3,pairs=0-1) s=2 explicit/relu L=1 n=2 B=2 bias=2 theta=1'
>>> parse_claim({**c.raw, "options": {"selectors": True}})
Traceback (most recent call last):
...
superpos_formal.errors.InputError: claim.json: options.selectors: unknown option (known: family_symmetry, inputs, max_nonzero, members, pb_enc, sums, symmetry)
"""

from dataclasses import dataclass

from ...domain import domain
from ...encode.sat import SUM_ENCODINGS
from ...encode.symmetry import family_symmetry_of
from ...errors import InputError
from ...results import bounds_label
from ...schema import family_from_dict, family_to_dict, task_from_dict, task_to_dict
from ...shape import Shape
from ...tasks import sample_family

__all__ = [
    "CLAIM_FORMAT", "CLAIM_VERSION", "QUESTIONS", "OPTIONS", "QUANTITIES", "Option",
    "Quantity", "Claim", "parse_claim", "family_members", "ENCODING", "RESTRICTION",
    "RELAXATION", "MAX_FAMILY_SIZE", "question_of", "SAME_SOLUTIONS", "CERTIFICATES", "CERTIFICATE_FIELDS",
    "register_certificate", "check_subfamily",
]

CLAIM_FORMAT = "superpos-formal/claim"
CLAIM_VERSION = 1
QUESTIONS = ("instance", "representation", "family")
ENCODING, RESTRICTION, RELAXATION = "encoding", "restriction", "relaxation"
#: families larger than this are not enumerated (a claim over one is rejected)
MAX_FAMILY_SIZE = 100_000


@dataclass(frozen=True)
class Option:
    """One known ``options`` key: its kind and why that kind is right."""

    kind: str
    why: str


OPTIONS = {
    "symmetry": Option(ENCODING, "symmetry breaks keep a solution of every orbit "
                       "(arguments beside the code in encode/sat.py, encode/symmetry.py)"),
    "sums": Option(ENCODING, "how sums are encoded (tree, pb or binary); same solutions"),
    "pb_enc": Option(ENCODING, "pysat cardinality encoding for sums=pb; same solutions"),
    "family_symmetry": Option(ENCODING, "relabelling break, sound for a complete family "
                              "closed under it (encode/symmetry.py); checked below"),
    "max_nonzero": Option(RESTRICTION, "only networks with at most this many nonzero "
                          "parameters (W, b, V, c): a different question"),
    "inputs": Option(RELAXATION, "constraints on a subset of X only: UNSAT on the "
                     "subset implies UNSAT on X; a SAT network is still checked on all of X"),
    "members": Option(RELAXATION, "a family UNSAT formula over a subfamily: no shared "
                      "code for the subfamily means none for the family"),
}


@dataclass(frozen=True)
class Quantity:
    """A quantity a minimum claim may minimise, with its monotonicity argument."""

    name: str
    what: str
    min_value: int
    argument: str
    text: str


QUANTITIES = {
    "n": Quantity(
        "n", "width n (hidden width = code dimension)", 1, "zero-padding",
        "a network of width n extends to width n + 1 computing the same function "
        "within every bound: add a zero neuron to each hidden layer (zero weights "
        "in and out, zero bias) and a zero code coordinate (zero row of E, zero "
        "column of R); it adds no nonzero parameter. So SAT at n gives SAT at every "
        "larger n and UNSAT at n - 1 gives UNSAT at every smaller n. Fails for "
        "given codes (they are fixed per n), which are refused. Width 0 is not a "
        "shape (Shape needs n >= 1), so SAT at n = 1 is a minimum by itself."),
}

#: the encoder's defaults, so an omitted option equals its default
_DEFAULTS = {"symmetry": True, "sums": "tree"}

_KEYS_COMMON = {"format", "version", "question", "shape", "answer", "options", "solver",
                "headline", "timings", "encoder", "note", "task", "family",
                # what the evidence proves, and a proof of F (certify/bundles/certificate_kind.py)
                "certificate_kind"}
_KEYS = {"SAT": _KEYS_COMMON | {"network"},
         "UNSAT": _KEYS_COMMON | {"formula", "proof", "checks", "certificate", "base_proof",
                              "generator_proof", "regenerable_proof"}}

#: claim.json ``certificate`` -> the function that checks it, registered by
#: the module that defines it (certify/cubes.py: "cubes", imported by the
#: package's ``__init__``). A claim naming an unregistered certificate fails.
CERTIFICATES = {}
#: the extra claim.json fields each certificate defines
CERTIFICATE_FIELDS = {"cubes": {"cubes"}}


def register_certificate(name, check):
    """``check(path, claim, report, shape, members, options, checkers,
    regenerate, budget, limit=None)`` (``limit``: the bound on a formula's
    or proof's unzipped bytes) verifies UNSAT claims whose ``certificate`` is
    ``name``, in place of the single DRAT proof."""
    CERTIFICATES[name] = check
_REQUIRED = {"SAT": {"format", "version", "question", "shape", "answer", "options"},
             "UNSAT": {"format", "version", "question", "shape", "answer", "options",
                       "encoder", "formula"}}


@dataclass
class Claim:
    """A parsed ``claim.json``: the question, the answer and what it covers.

    ``members`` are the tasks the answer is about: for SAT every member of
    the family (one network each); for UNSAT the tasks the formula encodes.
    """

    raw: dict
    question: str
    answer: str
    shape: Shape
    task: object
    family: object
    members: list
    options: dict

    def relaxations(self):
        """Human-readable relaxations (UNSAT), e.g. ``['members 4/6']``."""
        out = []
        if self.options.get("members") is not None:
            out.append(f"members {len(self.members)}/{self.family.size}")
        if self.options.get("inputs") is not None:
            t = self.members[0]
            out.append(f"inputs {len(self.options['inputs'])}/{len(domain(t.m, t.s))}")
        return out

    def describe(self, n=None):
        """The displayed question: subject, every bound, every option that
        changes or relaxes it. ``n`` replaces the width text (``""`` drops it)."""
        if self.family is not None:
            subj = self.family.name
        else:
            subj = f"{self.task.name} s={self.task.s}"
        sh = self.shape
        parts = [self.question, subj, f"{sh.mode}/{sh.activation}", f"L={sh.L}",
                 f"n={sh.n}" if n is None else n, bounds_label(sh)]
        if sh.mode == "superposed":
            parts.append(f"codes={sh.codes}")
        # a family's bounds hold for each member on its own (docs/MODEL.md 3)
        each = " per member" if self.family is not None else ""
        if sh.tolerance:
            parts.append(f"tolerance={sh.tolerance}{each}")
        if self.options.get("max_nonzero") is not None:
            parts.append(f"max_nonzero={self.options['max_nonzero']}{each}")
        return " ".join(p for p in parts + self.relaxations() if p)


def _fail(msg):
    raise InputError(f"claim.json: {msg}")


def family_members(fam):
    """The members of ``fam`` as the family defines them, in its order.

    Complete built-in families are enumerated; an explicit list must have no
    duplicate task; a sample must be exactly what its seed regenerates.
    Raises :class:`InputError` with the reason otherwise.

    >>> from superpos_formal.tasks import permutation_family
    >>> len(family_members(permutation_family(3)))
    6
    """
    if fam.size > MAX_FAMILY_SIZE:
        raise InputError(f"family: {fam.size} members, more than this verifier "
                         f"enumerates ({MAX_FAMILY_SIZE})")
    members = list(fam.members())
    seen = {}
    for i, t in enumerate(members):
        if t.id in seen:
            raise InputError(f"family: member {i} duplicates member {seen[t.id]} ({t.name})")
        seen[t.id] = i
    if fam.is_sample:
        sp = dict(fam.sample)
        try:
            base = family_from_dict(sp["of"])
        except (InputError, TypeError) as e:
            raise InputError(f"family: sample.of: {e}") from None
        if base.is_sample:
            raise InputError("family: sample.of is itself a sample")
        if not isinstance(sp["k"], int) or isinstance(sp["k"], bool) or sp["k"] < 1:
            raise InputError(f"family: sample.k {sp['k']!r} is not a positive integer")
        if sp["size_of"] != base.size:
            raise InputError(f"family: sample.size_of {sp['size_of']!r}, the family it "
                             f"names has {base.size} members")
        regen = sample_family(base, sp["k"], sp["seed"])
        if [t.id for t in regen.members()] != [t.id for t in members]:
            raise InputError(f"family: the member list is not the sample its seed "
                             f"{sp['seed']!r} regenerates from {base.name}")
    return members


def check_subfamily(family, tasks, where="members", full=None):
    """Check ``tasks`` as a subfamily of ``family``; returns the set of their ids.

    A task is a member only by its full identity (:attr:`Task.id`: ``m``,
    ``m'``, ``s`` and the whole truth table in domain order, so the order of
    the outputs counts): the pairs of a pair set in another output order are
    another task, and no code need serve it. At least one task, none
    repeated. ``full``: the family's members if already enumerated. Raises
    :class:`InputError` naming ``where[i]``. The one membership test of the
    package (claims and cube cells both use it).

    >>> from superpos_formal.tasks import pair_set_family, and_pairs
    >>> check_subfamily(pair_set_family(3, 3), [and_pairs(3, [[0, 2], [0, 1], [1, 2]])])
    Traceback (most recent call last):
    ...
    superpos_formal.errors.InputError: members[0]: and_pairs(m=3,pairs=0-2,0-1,1-2) is not a member of the family and_pair_sets(m=3,m'=3,s=2) (a member is its whole truth table, outputs in order)
    """
    if not isinstance(tasks, (list, tuple)) or not tasks:
        raise InputError(f"{where}: an empty subfamily refutes nothing")
    known = {u.id for u in (family.members() if full is None else full)}
    seen = {}
    for i, t in enumerate(tasks):
        if t.id not in known:
            raise InputError(f"{where}[{i}]: {t.name} is not a member of the family "
                             f"{family.name} (a member is its whole truth table, outputs "
                             f"in order)")
        if t.id in seen:
            raise InputError(f"{where}[{i}] duplicates {where}[{seen[t.id]}]: {t.name} is "
                             f"repeated")
        seen[t.id] = i
    return set(seen)


def _subject(claim, question, answer, options):
    if question == "family":
        if "task" in claim:
            _fail("task: a family claim names its family, not a task")
        if "family" not in claim:
            _fail("family: missing")
        try:
            fam = family_from_dict(claim["family"])
            full = family_members(fam)
        except InputError as e:
            _fail(str(e) if str(e).startswith("family") else f"family: {e}")
        sub = options.get("members")
        if sub is None:
            return None, fam, full
        if answer == "SAT":
            _fail("options.members: a SAT family claim covers every member of the "
                  "family (a member subset is for UNSAT only)")
        if not isinstance(sub, list) or not sub:
            _fail("options.members: expected a non-empty list of tasks")
        members = []
        for i, d in enumerate(sub):
            try:
                members.append(task_from_dict(d))
            except InputError as e:
                _fail(f"options.members[{i}]: {e}")
        try:
            check_subfamily(fam, members, "options.members", full)
        except InputError as e:
            _fail(str(e))
        return None, fam, members
    if "family" in claim:
        _fail(f"family: a {question} claim names a task, not a family")
    if "task" not in claim:
        _fail("task: missing")
    if "members" in options:
        _fail(f"options.members: only for family claims, not {question}")
    try:
        t = task_from_dict(claim["task"])
    except InputError as e:
        _fail(f"task: {e}")
    return t, None, [t]


def _check_options(options, question, answer, shape, members, fam):
    if not isinstance(options, dict):
        _fail("options: expected an object")
    for k in sorted(options):
        if k not in OPTIONS:
            _fail(f"options.{k}: unknown option (known: {', '.join(sorted(OPTIONS))})")
    if not isinstance(options.get("symmetry", True), bool):
        _fail("options.symmetry: expected true or false")
    if options.get("sums", "tree") not in SUM_ENCODINGS:
        _fail(f"options.sums: {options['sums']!r} is not one of {', '.join(SUM_ENCODINGS)}")
    pb = options.get("pb_enc")
    if pb is not None and (not isinstance(pb, int) or isinstance(pb, bool)):
        _fail(f"options.pb_enc: {pb!r} is not an integer")
    mn = options.get("max_nonzero")
    if mn is not None and (not isinstance(mn, int) or isinstance(mn, bool) or mn < 0):
        _fail(f"options.max_nonzero: {mn!r} is not a non-negative integer")
    inputs = options.get("inputs")
    if inputs is not None:
        if question == "family":
            _fail("options.inputs: not defined for family claims")
        X = set(domain(members[0].m, members[0].s))
        if not isinstance(inputs, list) or not inputs:
            _fail("options.inputs: expected a non-empty list of inputs")
        seen = set()
        for i, x in enumerate(inputs):
            if not isinstance(x, list) or tuple(x) not in X:
                _fail(f"options.inputs[{i}]: {x!r} is not an input of X(m, s)")
            if tuple(x) in seen:
                _fail(f"options.inputs[{i}]: duplicate input {x!r}")
            seen.add(tuple(x))
    fsym = options.get("family_symmetry")
    if fsym is not None:
        # the break is sound only for a complete family closed under the
        # relabelling it names (encode/symmetry.py)
        if fam is None or family_symmetry_of(fam) != fsym:
            _fail(f"options.family_symmetry {fsym!r} is not justified for this subject "
                  f"(only complete families closed under that relabelling)")


def parse_claim(claim):
    """Validate a ``claim.json`` dict; returns a :class:`Claim`.

    Raises :class:`InputError` (``"claim.json: ..."``, one line) for an
    unknown format, version, question, answer, field or option, a subject
    that does not match the question, or an inconsistent shape.
    """
    if not isinstance(claim, dict) or claim.get("format") != CLAIM_FORMAT:
        _fail(f"format: expected {CLAIM_FORMAT!r}")
    if claim.get("version") != CLAIM_VERSION:
        _fail(f"version {claim.get('version')!r} unsupported (this toolkit reads "
              f"{CLAIM_VERSION})")
    answer = claim.get("answer")
    if answer not in _KEYS:
        _fail(f"answer: {answer!r} is not SAT or UNSAT")
    cert = claim.get("certificate")
    if cert is not None and (answer != "UNSAT" or cert not in CERTIFICATES):
        _fail(f"certificate {cert!r} is not one this toolkit checks for {answer} claims "
              f"(known: {', '.join(sorted(CERTIFICATES)) or 'none'}, UNSAT only)")
    extra = sorted(set(claim) - _KEYS[answer] - CERTIFICATE_FIELDS.get(cert, set()))
    if extra:
        _fail(f"{extra[0]}: unknown field for a {answer} claim")
    missing = sorted(_REQUIRED[answer] - set(claim))
    if missing:
        _fail(f"{missing[0]}: missing")
    question = claim["question"]
    if question not in QUESTIONS:
        _fail(f"question: unknown question {question!r} (one of {', '.join(QUESTIONS)})")
    try:
        shape = Shape.from_dict(claim["shape"])
    except (InputError, TypeError) as e:
        _fail(f"shape: {e}")
    if question == "instance" and shape.L < 1:
        _fail("question: an instance claim has L >= 1 (L = 0 is the representation question)")
    if question == "representation" and not (shape.L == 0 and shape.mode == "superposed"):
        _fail("question: a representation claim has mode=superposed, L=0")
    options = claim["options"]
    if not isinstance(options, dict):
        _fail("options: expected an object")
    task, fam, members = _subject(claim, question, answer, options)
    _check_options(options, question, answer, shape, members, fam)
    if not isinstance(claim.get("headline", False), bool):
        _fail("headline: expected true or false")
    return Claim(claim, question, answer, shape, task, fam, members, dict(options))


#: encoding options that change only how the clauses are written, never which
#: networks satisfy them ("same solutions" above): each half of a minimum
#: regenerates its own formula from its own claim, so the halves may differ
#: in them (``sums="auto"`` resolves per width: the tree at a narrow width,
#: binary adders at a wider one)
SAME_SOLUTIONS = ("sums", "pb_enc")


def question_of(claim):
    """What a minimum's two halves must share: everything but ``n``, the
    relaxations (``inputs``, ``members``) and the options of
    :data:`SAME_SOLUTIONS`, as a dict of named parts."""
    sh = claim.shape.to_dict()
    sh.pop("n")
    subj = (task_to_dict(claim.task) if claim.task is not None
            else family_to_dict(claim.family))
    out = {"question": claim.question, "subject": subj}
    out.update({f"shape field {k}": v for k, v in sh.items()})
    for k in sorted(OPTIONS):
        if OPTIONS[k].kind != RELAXATION and k not in SAME_SOLUTIONS:
            out[f"option {k}"] = claim.options.get(k, _DEFAULTS.get(k))
    return out

