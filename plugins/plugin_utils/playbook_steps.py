# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The steps around an object's batch task in the collection's playbooks (phone_buttons.yml,
primary_line.yml, softphones.yml), run on the controller by the actions playbook_start, playbook_hosts and
playbook_finish.

They were tasks of their own (tasks/plan_start.yml, hosts_file.yml, plan_report.yml: 20 of them, a
tempfile, copy, stat and file module among them). In a play of 10,000 hosts ansible-core spends 0.2 to 1 s
on each task however little it does, so the playbooks now take three steps, each one task.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import shutil
import tempfile

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.telephony.apio.plugins.plugin_utils.unknown_variables import unknown_variables
from ansible_collections.telephony.apio.plugins.module_utils.results import plural

REPORT_SUFFIXES = ("json", "md", "html")
SHOWN_UNMANAGED = 20  # hosts named in the message about hosts without desired state


class StepError(Exception):
    """A step that cannot go on; its message is the task's."""


def absolute(path):
    """A path given by the user, as the playbooks take paths: ~ expanded, relative to the directory
    ansible-playbook runs in."""
    return os.path.realpath(os.path.expanduser(path))


def report_path(plan_dir, name, suffix="json"):
    return os.path.join(absolute(plan_dir), "%s.%s" % (name, suffix))


def saved_plan_path(name, plan_file, plan_dir):
    """The saved plan to apply (the file, or ``<dir>/<name>.json`` for a plan directory), absolute; ''
    without one. Refuses the report file this run writes (a plan the run would replace as it applies it)."""
    if not plan_file:
        return ""
    path = absolute(plan_file)
    if os.path.isdir(path):
        path = os.path.join(path, "%s.json" % name)
    if plan_dir and path == report_path(plan_dir, name):
        raise StepError("apio_plan_file %s is the report file this run writes (apio_plan_dir): keep the reviewed "
                        "plan where it is and write the apply's report elsewhere, e.g. -e apio_plan_dir=applied"
                        % path)
    return path


def remove_reports(name, plan_dir):
    """Remove ``<plan_dir>/<name>.json``, ``.md`` and ``.html`` of an earlier run, so that the directory never
    holds a stale report (a run that stops before its report leaves no file saying nothing would change).
    Returns the paths removed."""
    removed = []
    for suffix in REPORT_SUFFIXES:
        path = report_path(plan_dir, name, suffix)
        if os.path.lexists(path):
            os.unlink(path)
            removed.append(path)
    return removed


def write_hosts(described):
    """Write the hosts of the play, described once (a mapping such as {"users": [...], "unmanaged": [...],
    "unknown": {...}}), to a new private directory, each entry to ``<entry>.json``. Returns the directory,
    the files by entry and the mapping. ``described`` may be its JSON text (as
    the playbooks pass it: a mapping rendered by Jinja is text before ansible-core 2.19)."""
    if isinstance(described, str):
        try:
            described = json.loads(described)
        except ValueError as exc:
            raise StepError("hosts: not the JSON of a mapping: %s" % exc) from None
    if not isinstance(described, dict):
        raise StepError("hosts: expected the mapping that describes the hosts, got %s" % type(described).__name__)
    directory = tempfile.mkdtemp(suffix=".apio_hosts")
    files = dict((entry, os.path.join(directory, "%s.json" % entry)) for entry in described)
    for entry, path in files.items():
        with open(path, "w", encoding="utf-8") as stream:
            json.dump(described[entry], stream)
    return directory, files, described


def unknown_warnings(described):
    """The warnings about the managed hosts' variables that look like the collection's but are not, from
    the names the description collected (its "unknown": host -> names, in the order of the play's hosts)."""
    unknown = described.get("unknown") or {}
    return unknown_variables(list(unknown), unknown, warn=False)


def unmanaged_hosts(directory):
    """The hosts without desired state, from the description ``write_hosts`` wrote to ``directory``."""
    if not directory:
        return []
    with open(os.path.join(directory, "unmanaged.json"), encoding="utf-8") as stream:
        return json.load(stream)


def remove_hosts(directory):
    if directory and os.path.basename(directory).endswith(".apio_hosts"):
        shutil.rmtree(directory, ignore_errors=True)


def stopped_report(counts, msg, check_mode):
    """The report file of a run that stopped before its users were planned: its counts and why."""
    return dict(check_mode=check_mode, counts=counts, msg=msg or "", changes=[], not_written=[],
                failed=[msg] if msg else [], skipped=[])


def drift_entry(name, title, check_mode, counts, named, report=None, results=(), truncated="", plan_dir=""):
    """The drift of one object, as drift.yml reports it: who differs, from the report file (every user)
    when there is one, else from the task's result (which may be cut under result_limit: the users it
    left out are counted, not named)."""
    if report is not None:
        users = [entry["user_label"] for entry in report.get("changes") or []]
        truncated = ""
    else:
        users = [entry["user_label"] for entry in results or () if isinstance(entry, dict) and entry.get("changed")]
    changed = int(counts.get("changed") or 0)
    entry = dict(name=name, title=title, check_mode=check_mode, changed=changed, total=int(counts.get("total") or 0),
                 users=users[:named], not_named=max(changed - len(users), 0), truncated=truncated or "",
                 report=("%s/%s.md" % (plan_dir, name)) if plan_dir else "")
    entry["message"] = drift_message(entry)
    return entry


def drift_message(entry):
    """What the run's failure says of one object's drift: how many users, the first ones by name, and
    where the others are."""
    more = entry["changed"] - len(entry["users"]) - entry["not_named"]
    text = "drift: %d of %d users %s the desired state (%s%s): %s%s" % (
        entry["changed"], entry["total"], "differ from" if entry["check_mode"] else "had to be brought back to",
        entry["title"], (", see " + entry["report"]) if entry["report"] else "", ", ".join(entry["users"]),
        (" and %d more" % more) if more > 0 else "")
    if entry["not_named"] > 0:
        text += (" (%d not named: the task's result was cut%s; -e apio_plan_dir=DIR writes every user to DIR/%s.json)"
                 % (entry["not_named"], (" (%s)" % entry["truncated"]) if entry["truncated"] else "", entry["name"]))
    return text


def _first_hosts(hosts):
    return ", ".join(sorted(hosts)[:SHOWN_UNMANAGED]) + (" ..." if len(hosts) > SHOWN_UNMANAGED else "")


def _hosts_have(hosts):
    return "%s %s" % (plural(len(hosts), "host"), "has" if len(hosts) == 1 else "have")


def unmanaged_message(title, hosts):
    return ("%s: %s no desired state in the inventory and %s left alone: %s"
            % (title, _hosts_have(hosts), "was" if len(hosts) == 1 else "were", _first_hosts(hosts)))


def unmanaged_failure(title, hosts):
    return ("%s no desired state for %s in the inventory (apio_fail_on_unmanaged): %s"
            % (_hosts_have(hosts), title.lower(), _first_hosts(hosts)))


def failure_without_localhost(facts):
    """The run's failure (drift.yml's), said by the objects' play: a run whose --limit leaves out localhost
    skips drift.yml, and would otherwise pass whatever it found."""
    found = list(facts.get("apio_unmanaged") or []) + [entry["message"] for entry in facts.get("apio_drift") or []]
    return ("%s (this run leaves out localhost, where the run fails at its end, after every object is checked "
            "(telephony.apio.drift): it fails here instead; add localhost to the limit, e.g. --limit 'alice,localhost', "
            "to check every object first)" % "; ".join(found))


class StepAction(object):
    """What the three actions share: their arguments checked against ``ARGUMENT_SPEC``, no connection to the
    host (they work on the controller's files), and a ``StepError`` as the task's failure."""

    ARGUMENT_SPEC = {}
    # Arguments taken as they are: a validator deep-copies its parameters, and these can hold 10,000 users.
    PASSED_AS_IS = ()
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp=None, task_vars=None):
        result = super(StepAction, self).run(tmp, task_vars)
        args = dict(self._task.args)
        as_is = dict((name, args.pop(name)) for name in self.PASSED_AS_IS if name in args)
        checked = ArgumentSpecValidator(self.ARGUMENT_SPEC).validate(args)
        if checked.error_messages:
            result.update(failed=True, msg="; ".join(checked.error_messages))
            return result
        params = dict(checked.validated_parameters, **as_is)
        try:
            result.update(self.step(params, task_vars or {}))
        except (StepError, OSError, ValueError) as exc:
            result.update(failed=True, msg=str(exc))
        result.setdefault("changed", False)  # the playbook's own files: not a change to the platform
        return result

    def step(self, params, task_vars):
        raise NotImplementedError
