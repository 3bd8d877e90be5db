"""What the reliability tests share besides tests/support and tools/ (the seed data and figures).

The runners come from tests/support and tools/: ``support.playbook.make_runner`` (real ansible-playbook
runs, as in tests/integration) and ``tools.inprocess`` (a module's ``main()`` in this process, for the
property-based tests, where a playbook per example would be far too slow); the writes among the
simulator's requests from ``tools.simlog``.
"""

import json
from pathlib import Path

from apio_sim.testing import SYNTHETIC_GROUP, SYNTHETIC_TENANT

FIGURES = Path(__file__).resolve().parents[2] / ".build" / "reliability"

CUSTOMER = "11111111-1111-4111-8111-111111111111"
BENCH_CUSTOMER = "33333333-3333-4333-8333-333333333333"
FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}
BENCH = {"tenant": SYNTHETIC_TENANT, "group": SYNTHETIC_GROUP}


def record_figures(name, figures):
    """Keep the measured figures of one test in .build/reliability/<name>.json (for docs/reliability.md)."""
    FIGURES.mkdir(parents=True, exist_ok=True)
    (FIGURES / ("%s.json" % name)).write_text(json.dumps(figures, indent=1, sort_keys=True) + "\n")
