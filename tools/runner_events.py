#!/usr/bin/env python
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the job events of one ansible-runner run, the way AWX reads a job's outcome.

    runner_events.py ARTIFACT_DIR changed=4 ok=6 failures=0 unreachable=0

ARTIFACT_DIR is ``<private data dir>/artifacts/<ident>``. The run must have ended ``successful`` with
rc 0; the play recap (the ``playbook_on_stats`` event), summed over hosts, must show each expected
count; and the per-task events must agree with the recap (as many ``runner_on_ok`` events as ``ok``,
as many of them with ``changed: true`` as ``changed``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

# Names of the counts in the recap event (ansible-runner calls unreachable hosts "dark").
STATS_KEYS = {"ok": "ok", "changed": "changed", "failures": "failures", "unreachable": "dark",
              "skipped": "skipped", "rescued": "rescued", "ignored": "ignored"}


def load_events(artifacts):
    events = []
    for path in (artifacts / "job_events").glob("*.json"):
        events.append(json.loads(path.read_text()))
    return sorted(events, key=lambda event: event.get("counter", 0))


def check(artifacts, expected):
    problems = []
    status = (artifacts / "status").read_text().strip() if (artifacts / "status").exists() else "missing"
    rc = (artifacts / "rc").read_text().strip() if (artifacts / "rc").exists() else "missing"
    if status != "successful" or rc != "0":
        problems.append("the job ended %s with rc %s" % (status, rc))

    events = load_events(artifacts)
    stats = [event["event_data"] for event in events if event.get("event") == "playbook_on_stats"]
    if len(stats) != 1:
        return problems + ["%d playbook_on_stats events, expected 1" % len(stats)]
    recap = dict((name, sum(stats[0].get(key, {}).values())) for name, key in STATS_KEYS.items())

    for name, want in expected.items():
        if recap[name] != want:
            problems.append("%s=%d, expected %d" % (name, recap[name], want))

    task_ok = [event for event in events if event.get("event") == "runner_on_ok"]
    task_changed = [event for event in task_ok if event["event_data"].get("res", {}).get("changed")]
    if len(task_ok) != recap["ok"]:
        problems.append("%d runner_on_ok events but ok=%d in the recap" % (len(task_ok), recap["ok"]))
    if len(task_changed) != recap["changed"]:
        problems.append("%d changed task events but changed=%d in the recap" % (len(task_changed), recap["changed"]))

    summary = ", ".join("%s=%d" % (name, recap[name]) for name in ("ok", "changed", "failures", "unreachable", "skipped"))
    changed_tasks = "; ".join(event["event_data"].get("task", "?") for event in task_changed) or "none"
    print("%s: %s, %d events; changed: %s" % (artifacts.name, summary, len(events), changed_tasks))
    return problems


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    artifacts = Path(argv[1])
    expected = {}
    for arg in argv[2:]:
        name, _sep, value = arg.partition("=")
        if name not in STATS_KEYS or not value.isdigit():
            sys.exit("bad expectation %r: NAME=COUNT with NAME one of %s" % (arg, ", ".join(STATS_KEYS)))
        expected[name] = int(value)
    problems = check(artifacts, expected)
    for problem in problems:
        print("runner_events: %s: %s" % (artifacts.name, problem), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
