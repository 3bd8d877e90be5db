# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A saved plan: the report file of a dry run, applied as it was reviewed (the modules' option ``plan``).

A plan is a promise: the apply writes the users of the plan and the values of the plan, nothing else,
and only to users that are still as the plan found them. ``digest`` seals what a reviewer read (the
fields of ``SEALED``), so that a file edited by hand, cut or mixed with another run is refused instead
of being applied; it is a check against accidents, not a signature.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os

# The report file's format (docs/plan-report.schema.json's $id): a plan of another format is refused.
SCHEMA = "urn:telephony-apio:plan-report:2"
# What the digest covers: what the engine decided. Fields added later by the plan_report module
# (unmanaged) are not part of the promise.
SEALED = ("changes", "check_mode", "counts", "failed", "not_written", "object", "schema", "skipped")
# The fields of an entry of ``changes`` that say what happened rather than who the user is and how to
# reach them; the rest are the options the write needs (identity, and e.g. accept_charges).
# The fields of a report entry that say how the user was planned (the resource's report fields), not how to reach it.
REPORT_FIELDS = ("template", "vars")
OUTCOME_FIELDS = frozenset(("changed", "changes", "current", "failed", "msg", "previous", "user_label", "blocked",
                            "status", "invalid", "skipped", "held") + REPORT_FIELDS)


class PlanError(ValueError):
    """A plan file that cannot be applied as it is: missing, corrupt, edited, for another object or format."""


def digest(report):
    """The sha256 of the sealed fields of ``report``, fed piece by piece (a large plan is megabytes)."""
    hasher = hashlib.sha256()
    for name in SEALED:
        value = report.get(name)
        hasher.update(json.dumps(name).encode("utf-8"))
        if isinstance(value, list):
            hasher.update(b"[")
            for item in value:
                hasher.update(json.dumps(item, sort_keys=True).encode("utf-8"))
                hasher.update(b",")
            hasher.update(b"]")
        else:
            hasher.update(json.dumps(value, sort_keys=True).encode("utf-8"))
    return hasher.hexdigest()


def seal(report, kind):
    """``report`` with the fields that make it a plan: the object it is for, the format and the digest."""
    sealed = dict(report, object=kind, schema=SCHEMA)
    sealed["digest"] = digest(sealed)
    return sealed


def load(path, kind, reverse=False):
    """The entries of ``changes`` of the plan file ``path`` for object ``kind``; raises PlanError.

    With ``reverse`` (an undo), ``path`` is the report of a run that wrote, and the entries are its changed
    users with ``previous`` and ``current`` swapped: the plan that puts each of them back.
    """
    shown = os.path.abspath(os.path.expanduser(path))
    name = "undo report" if reverse else "plan"
    again = "" if reverse else "make the plan again with this release"
    file_kind = "report" if reverse else "plan"
    try:
        with open(shown, encoding="utf-8") as stream:
            report = json.load(stream)
    except (OSError, IOError) as exc:
        raise PlanError("%s %s cannot be read: %s" % (name, shown, getattr(exc, "strerror", None) or exc))
    except ValueError as exc:
        raise PlanError("%s %s is not a %s file (not JSON: %s)" % (name, shown, file_kind, exc))
    if not isinstance(report, dict) or "changes" not in report or "counts" not in report:
        raise PlanError("%s %s is not a %s file (no changes and counts)" % (name, shown, file_kind))
    if report.get("schema") != SCHEMA:
        raise PlanError("%s %s is of format %s, not %s%s"
                        % (name, shown, report.get("schema") or "unknown (an older release)", SCHEMA,
                           ": " + again if again else ""))
    if report.get("object") != kind:
        raise PlanError("%s %s is a %s of %s, not of %s" % (name, shown, file_kind, report.get("object"), kind))
    if report.get("digest") != digest(report):
        raise PlanError("%s %s was changed after it was made (its digest does not match): %s" % (
            name, shown, "an undo puts back what the run wrote, as it recorded it" if reverse else
            "a plan is applied as it was reviewed; make the plan again"))
    if reverse:
        if report.get("check_mode"):
            raise PlanError("undo report %s is the report of a dry run (check mode): it wrote nothing to undo"
                            % shown)
        return [_reversed(entry) for entry in _entries(report, shown, name)]
    if not report.get("check_mode"):
        raise PlanError("plan %s is the report of a run that wrote, not of a dry run (check mode)" % shown)
    problems = []
    if report.get("failed"):
        problems.append("%d failed" % len(report["failed"]))
    if report.get("not_written"):
        problems.append("%d held back" % len(report["not_written"]))
    if problems:
        raise PlanError("plan %s has users that could not be planned (%s): fix them and make the plan again"
                        % (shown, ", ".join(problems)))
    return _entries(report, shown, name, file_kind)


def _entries(report, shown, name, file_kind="report"):
    entries = report["changes"]
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("previous"), dict) and isinstance(e.get("current"), dict)
            for e in entries):
        raise PlanError("%s %s is not a %s file (an entry of changes without previous and current)"
                        % (name, shown, file_kind))
    return entries


def _reversed(entry):
    return dict(entry, previous=entry["current"], current=entry["previous"])


def params_of(entry):
    """The options that name and reach the user of a plan entry (identity, and what the write needs)."""
    return dict((k, v) for k, v in entry.items() if k not in OUTCOME_FIELDS)
