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
OUTCOME_FIELDS = frozenset(("changed", "changes", "current", "failed", "msg", "previous", "user_label", "blocked",
                            "template", "vars", "status", "invalid", "skipped"))


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


def load(path, kind):
    """The entries of ``changes`` of the plan file ``path`` for object ``kind``; raises PlanError."""
    shown = os.path.abspath(os.path.expanduser(path))
    try:
        with open(shown, encoding="utf-8") as stream:
            report = json.load(stream)
    except (OSError, IOError) as exc:
        raise PlanError("plan %s cannot be read: %s" % (shown, getattr(exc, "strerror", None) or exc))
    except ValueError as exc:
        raise PlanError("plan %s is not a plan file (not JSON: %s)" % (shown, exc))
    if not isinstance(report, dict) or "changes" not in report or "counts" not in report:
        raise PlanError("plan %s is not a plan file (no changes and counts)" % shown)
    if report.get("schema") != SCHEMA:
        raise PlanError("plan %s is of format %s, not %s: make the plan again with this release"
                        % (shown, report.get("schema") or "unknown (an older release)", SCHEMA))
    if report.get("object") != kind:
        raise PlanError("plan %s is a plan of %s, not of %s" % (shown, report.get("object"), kind))
    if report.get("digest") != digest(report):
        raise PlanError("plan %s was changed after it was made (its digest does not match): a plan is "
                        "applied as it was reviewed; make the plan again" % shown)
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
    entries = report["changes"]
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("previous"), dict) and isinstance(e.get("current"), dict)
            for e in entries):
        raise PlanError("plan %s is not a plan file (an entry of changes without previous and current)" % shown)
    return entries


def params_of(entry):
    """The options that name and reach the user of a plan entry (identity, and what the write needs)."""
    return dict((k, v) for k, v in entry.items() if k not in OUTCOME_FIELDS)
