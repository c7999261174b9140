"""Soak run of the canonicalisation property tests (not run by CI).

CI runs ``tests/test_canonical.py`` with a few dozen derandomised examples
per mode. This script runs the same tests with ``N`` random examples each
(``SUPERPOS_CANONICAL_EXAMPLES``), one pytest process, and prints a table of
the per-test wall times (measured under whatever load the machine has).

Run:  python benchmarks/soak_canonical.py [N]      (default 2000)
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(argv):
    n = int(argv[1]) if len(argv) > 1 else 2000
    env = dict(os.environ, SUPERPOS_CANONICAL_EXAMPLES=str(n),
               PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "pytest", "tests/test_canonical.py",
                           "-q", "-p", "no:cacheprovider", "--durations=0", "-rA"],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    rows = re.findall(r"^([\d.]+)s call\s+tests/test_canonical.py::(\S+)$",
                      proc.stdout, re.M)
    status = {t: s for s, t in re.findall(
        r"^(PASSED|FAILED) tests/test_canonical.py::(\S+)", proc.stdout, re.M)}
    print("| test | examples | result | seconds |\n|---|---|---|---|")
    for sec, test in sorted(rows, key=lambda r: r[1]):
        hyp = "sampled" in test or "emitted" in test
        print(f"| {test} | {n if hyp else 1} | {status.get(test, '?')} | {float(sec):.1f} |")
    if proc.returncode:
        print(proc.stdout[-4000:], file=sys.stderr)
    return proc.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv))
