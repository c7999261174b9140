"""What an improvement run returns, and the objective it decreases.

The objective is lexicographic: hidden neurons, then nonzero parameters,
then bits (as in the exact searches).
"""

from dataclasses import dataclass, field

from ...network import Network

__all__ = ["Improvement", "objective"]


def objective(nets):
    """``(hidden neurons, nonzero parameters, bits)`` of a network or of a
    family's networks (parameters and bits summed over members; the width is
    the shared one).

    >>> from superpos_formal.network import Network
    >>> net = Network.explicit(2, 1, "step", [([[1, 1]], [-1])], [[1]], [0], B=1)
    >>> objective(net)
    (1, 4, 8)
    """
    if isinstance(nets, Network):
        nets = [nets]
    cs = [n.counts() for n in nets]
    return (cs[0]["hidden_neurons"], sum(c["params_nonzero"] for c in cs),
            sum(c["bits"] for c in cs))


def _counts(nets):
    n, nz, bits = objective(nets)
    d = {"hidden_neurons": n, "params_nonzero": nz, "bits": bits,
         "code_nonzeros": nets[0].counts()["code_nonzeros"]}
    return d


@dataclass
class Improvement:
    """What :func:`improve` found.

    ``networks`` are exhaustively verified (one per member for a family);
    ``minimality`` is always ``"UNKNOWN"``: this search never proves a lower
    side. ``history`` lists ``(step, seconds, hidden, nonzero, bits, move)``
    of every accepted improvement.
    """

    subject: object
    start: list
    networks: list
    seed: int
    steps: int
    seconds: float
    stopped: str
    history: list = field(default_factory=list)
    options: dict = field(default_factory=dict)
    minimality: str = "UNKNOWN"

    @property
    def network(self):
        return self.networks[0]

    @property
    def counts(self):
        return _counts(self.networks)

    @property
    def start_counts(self):
        return _counts(self.start)

    @property
    def first_improvement_seconds(self):
        return self.history[0][1] if self.history else None

    def __repr__(self):
        a, b = self.start_counts, self.counts
        return (f"<Improvement {getattr(self.subject, 'name', self.subject)}: "
                f"n {a['hidden_neurons']} -> {b['hidden_neurons']}, nonzero "
                f"{a['params_nonzero']} -> {b['params_nonzero']}; {self.steps} steps, "
                f"stopped: {self.stopped}, minimality {self.minimality}>")

    def summary(self):
        a, b = self.start_counts, self.counts
        return (f"{a['hidden_neurons']} -> {b['hidden_neurons']} hidden neurons, "
                f"{a['params_nonzero']} -> {b['params_nonzero']} nonzero parameters, "
                f"{a['bits']} -> {b['bits']} bits in {self.steps} steps, "
                f"{self.seconds:.1f}s (stopped: {self.stopped}; minimality {self.minimality})")

