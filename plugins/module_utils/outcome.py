# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run of the engine came to (``Outcome``), and how it is put: each user's entry, the counts,
the message in words, the diff, and the report file with every user's full detail.

The result is kept under a size budget (``results.fit_result``) so that AWX keeps it; the report file
is written whole. Nothing here exits: a module (reconcile.run_module) or an action plugin turns the
outcome into its own result.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils import saved_plan
from ansible_collections.telephony.apio.plugins.module_utils.resource import sanitise
from ansible_collections.telephony.apio.plugins.module_utils.results import fit_result, users_that_differ, write_report


class Outcome:
    """The result of one run: ``result`` holds the result's fields (``msg`` included, ``failed`` not),
    ``failed`` whether the task failed, ``warnings`` what to warn about, ``report`` the report file
    written (or None)."""

    def __init__(self, result, failed=False, warnings=(), report=None):
        self.result = result
        self.failed = failed
        self.warnings = list(warnings)
        self.report = report

    @classmethod
    def failure(cls, msg, warnings=(), **fields):
        return cls(dict(fields, msg=msg), failed=True, warnings=warnings)

    # The result's fields, None where the result has none.
    changed = property(lambda self: self.result.get("changed"))
    counts = property(lambda self: self.result.get("counts"))
    results = property(lambda self: self.result.get("results"))
    msg = property(lambda self: self.result.get("msg"))
    truncated = property(lambda self: self.result.get("truncated"))
    diff = property(lambda self: self.result.get("diff"))

    def task_result(self):
        """The result as a task returns it: ``failed`` and then ``msg`` last when it failed (as
        AnsibleModule.fail_json puts them), ``warnings`` when there are any."""
        result = dict(self.result)
        if self.failed:
            msg = result.pop("msg", None)
            result.update(failed=True, msg=msg)
        if self.warnings:
            result["warnings"] = list(self.warnings)
        return result


# -- entries ---------------------------------------------------------------------------------------

def entry(resource, user):
    """A user's entry in the results: who, what happened, previous and current."""
    found = dict((k, user.params.get(k)) for k in resource.api.identity)
    found["user_label"] = user.label
    if user.error is not None:
        found.update(failed=True, changed=False, msg=user.error, status=user.status)
        if user.invalid:
            found["invalid"] = True
        if user.before is not None:
            found["previous"] = sanitise(resource.info(user.before))
        return found
    if user.skipped is not None:
        found.update(user.skipped.details)
        found.update(failed=False, changed=False, skipped=user.skipped.kind,
                     msg="%s: %s" % (user.label, user.skipped))
        found["reason"] = found["msg"]
        return found
    changes = resource.changes(user.before, user.after) if user.differs else []
    if user.held is not None:
        message = "%s: not written (%s): %s" % (user.label, user.held, "; ".join(changes))
    elif user.blocked:
        message = "%s: not written (another user is not valid): %s" % (user.label, "; ".join(changes))
    else:
        message = "%s: %s" % (user.label, "; ".join(changes) if changes else "no change")
    found.update(failed=False, changed=user.changed, changes=changes, msg=message)
    if user.blocked or user.held is not None:
        found["blocked"] = True
    if user.held is not None:
        found["held"] = user.held
    found["previous"] = sanitise(resource.info(user.before))
    found["current"] = sanitise(resource.info(user.current if user.changed else user.before))
    return found


def reported(resource, user, found):
    """A user's entry as the report file holds it: with the resource's report fields, and the options
    a saved plan needs to write it."""
    fields = dict((k, user.params[k]) for k in resource.plan_options if user.params.get(k) is not None)
    if user.planned is None:
        fields.update(resource.report_fields(user.params))
    else:  # a saved plan's user: the report fields it was reviewed with (its template and vars)
        fields.update((k, user.planned[k]) for k in saved_plan.REPORT_FIELDS if k in user.planned)
    return dict(found, **sanitise(fields)) if fields else found


def diff_of(resource, user):
    after = user.current if user.changed else user.before
    return dict(before_header=user.label, after_header=user.label,
                before=sanitise(resource.diff_view(user.before)),
                after=sanitise(resource.diff_view(after)))


def counts_of(resource, users):
    counts = dict(total=len(users), changed=sum(1 for u in users if u.changed),
                  failed=sum(1 for u in users if u.error is not None))
    skipped = sum(1 for u in users if u.skipped is not None)
    if resource.can_skip or skipped:
        counts["skipped"] = skipped
    counts["unchanged"] = counts["total"] - counts["changed"] - counts["failed"] - skipped
    blocked = sum(1 for u in users if u.not_written)
    if blocked:
        counts["unchanged"] -= blocked
        counts["not_written"] = blocked
    return counts


# -- the single form -------------------------------------------------------------------------------

def single(resource, user, diff, stop_reason, warnings=()):
    """The outcome of the single form (one user, no batch)."""
    found = entry(resource, user)
    if user.error is not None:
        return Outcome.failure(user.error, warnings, **_only(found, "previous"))
    if user.held is not None:
        return Outcome.failure("%s: not written: %s (%s)" % (user.label, user.held, stop_reason), warnings)
    if user.skipped is not None:
        return Outcome(dict(changed=False, msg=found["msg"], skipped=user.skipped.kind), warnings=warnings)
    result = dict(changed=user.changed, msg=found["msg"], changes=found["changes"],
                  previous=found["previous"], current=found["current"])
    if diff:
        result["diff"] = diff_of(resource, user)
    return Outcome(result, warnings=warnings)


# -- a batch ---------------------------------------------------------------------------------------

class Run:
    """What a batch's outcome is made of besides its users: the task's options, check and diff mode,
    the write waves (or None) and why the run halted (or None), the warnings."""

    def __init__(self, params, check_mode=False, diff=False, waves=None, halted=None, warnings=()):
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.waves = waves
        self.halted = halted
        self.warnings = warnings


def batch(resource, users, run):
    """The outcome of a batch (or a saved plan): counts, the listed users' entries, the message, the
    diff and the report file."""
    params = run.params
    counts = counts_of(resource, users)
    listed = [u for u in users if u.error is not None or u.skipped is not None
              or params["return_unchanged"] or u.differs]
    entries = [entry(resource, u) for u in listed]  # built once, for the report and the result
    result = dict(changed=any(u.changed for u in users), counts=counts, results=entries)
    if run.diff:
        result["diff"] = [diff_of(resource, u) for u in users if u.changed]
    held = [u for u in users if u.held is not None]
    halted = run.halted if held else None
    result["msg"] = _batch_message(users, counts, params, halted)
    if run.waves:
        result["waves"] = run.waves
        if not halted:
            result["msg"] += ", %s in %s" % ("would be written" if run.check_mode else "written",
                                             _waves_in_words(run.waves))
    report = params.get("report")
    if report:
        details = _report(resource, list(zip(listed, entries)), counts, result["msg"], run)
        if halted:
            details["stopped"] = dict(reason=halted, written=counts["changed"], left=len(held))
        write_report(report, saved_plan.seal(details, resource.plan_object))
    failed = halted or any(u.error is not None for u in users)
    return Outcome(fit_result(result, params["result_limit"], report=report), failed=bool(failed),
                   warnings=run.warnings, report=report or None)


def _batch_message(users, counts, params, halted):
    failed = [u for u in users if u.error is not None]
    if halted:
        message = "%s: %d users written, %d left (not written)" % (
            halted, counts["changed"], sum(1 for u in users if u.held is not None))
        if failed:
            message += "; %d failed: %s" % (len(failed), "; ".join(u.error for u in failed))
        return message
    if failed:
        invalid = [u for u in failed if u.invalid]
        if invalid and params["on_invalid"] == "abort":
            head = "nothing was written: %d of %d users not valid" % (len(invalid), counts["total"])
            blocked = sum(1 for u in users if u.blocked)
            if blocked:
                head += ", %s held back" % users_that_differ(blocked)
        else:
            head = "%d of %d users failed (%d changed, %d unchanged)" % (
                counts["failed"], counts["total"], counts["changed"], counts["unchanged"])
        return "%s: %s" % (head, "; ".join(u.error for u in failed))
    message = "%d users: %d changed, %d unchanged" % (counts["total"], counts["changed"], counts["unchanged"])
    if counts.get("skipped"):
        message += ", %d skipped" % counts["skipped"]
    return message


def _report(resource, pairs, counts, msg, run):
    """The report file's content (before ``stopped`` and the seal)."""
    details = dict(resource.report_details())
    details.update(
        check_mode=run.check_mode, counts=counts, msg=msg,
        changes=[reported(resource, u, e) for u, e in pairs if e.get("changed")],
        not_written=[reported(resource, u, e) for u, e in pairs if e.get("blocked")],
        failed=[e["msg"] for u, e in pairs if e.get("failed")],
        skipped=[e["msg"] for u, e in pairs if e.get("skipped")])
    if run.waves:
        details["waves"] = run.waves
    return details


# -- the info modules ------------------------------------------------------------------------------

def info(resource, users, is_batch, params, warnings=()):
    """The outcome of an info module: each user's state as ``Resource.info`` shows it."""
    if not is_batch:
        user = users[0]
        if user.error is not None:
            return Outcome.failure(user.error, warnings)
        return Outcome(dict(changed=False, **sanitise(resource.info(user.before))), warnings=warnings)
    failed = [u for u in users if u.error is not None]
    results = []
    for user in users:
        found = dict((k, user.params.get(k)) for k in resource.api.identity)
        if user.error is not None:
            found.update(failed=True, msg=user.error, status=user.status)
        else:
            found.update(sanitise(resource.info(user.before)))
        results.append(found)
    report = params.get("report")
    if report:
        write_report(report, dict(results=results))
    result = dict(changed=False, results=results)
    if failed:
        result["msg"] = "%d of %d users failed: %s" % (len(failed), len(users), "; ".join(u.error for u in failed))
    return Outcome(fit_result(result, params["result_limit"], report=report), failed=bool(failed),
                   warnings=warnings, report=report or None)


# -- words -----------------------------------------------------------------------------------------

def _waves_in_words(sizes):
    if len(sizes) == 1:
        return "1 wave of %d users" % sizes[0]
    if len(set(sizes[:-1])) == 1 and len(sizes) > 6:
        return "%d waves of %d users (the last of %d)" % (len(sizes), sizes[0], sizes[-1])
    return "%d waves of %s users" % (len(sizes), ", ".join(str(s) for s in sizes))


def _only(found, *names):
    return dict((k, found[k]) for k in names if k in found)
