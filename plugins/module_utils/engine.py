# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine shared by every module of the collection: ``run(resource_cls, params, ...)``
returns an ``outcome.Outcome``; it never exits.

Every run follows the same fixed sequence, for one user or for a batch of thousands:

1. validate each user's options (top-level options are defaults that a batch item may override);
2. phase "plan", in parallel: read the current state, normalise it, fold the desired options into the
   desired state (``Resource.desired`` normalises and validates), and compare;
3. plan, then apply: when any user is not valid (bad input, refused by the phone type, unknown user,
   permission denied), nothing is written at all, unless ``on_invalid=skip`` (then only the invalid
   users are left out). A read that failed for a passing reason (transport, 5xx, 429 after the
   retries) only fails that user;
4. phase "apply", in parallel and only when not in check mode: write the users that differ, taking the
   write's answer (or the emulated state) as the new state; at once, or wave by wave (option waves);
5. the outcome (outcome.py): ``changed``, ``previous``/``current``, the changes in words, ``diff`` and,
   for a batch, counts and per-user results, kept under a size budget; the report file. It failed if
   any user failed, naming each.

With ``plan`` (a saved plan: the report file of a dry run, ``saved_plan``), the users and their desired
states are the plan's, not the task's: a user still as the plan found it is written as planned, one
already as planned is done, and one that changed since is invalid (``on_moved=abort``) or skipped.

A user whose read failed is never written. The phases run through ``parallel.for_each``; ``progress``
is called as ``progress(phase, done, total)`` at most every ``parallel.PROGRESS_INTERVAL`` seconds of a
phase and at its end. ``watch`` (run_watch) says when the run must stop.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.telephony.apio.plugins.module_utils import apis
from ansible_collections.telephony.apio.plugins.module_utils import args as shared_args
from ansible_collections.telephony.apio.plugins.module_utils import outcome, parallel, saved_plan
from ansible_collections.telephony.apio.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
    AuthError,
    Stopped,
)
from ansible_collections.telephony.apio.plugins.module_utils.resource import InputError, Skip, is_invalid, sanitise
from ansible_collections.telephony.apio.plugins.module_utils.results import remove_report


def run(resource_cls, params, check_mode=False, diff=False, info=False, progress=None, watch=None):
    """Run one task of ``resource_cls`` with its validated ``params`` (module_argument_spec and
    module_rules): the Outcome. ``info``: an info module's run (read only)."""
    if not HAS_REQUESTS:
        return outcome.Outcome.failure(missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
    try:
        engine = Engine(resource_cls, params, check_mode=check_mode, diff=diff, info=info,
                        progress=progress, watch=watch)
    except _Refused as exc:
        return outcome.Outcome.failure(str(exc))
    return engine.run()


def user_options(resource_cls, info):
    """The argument spec of one user's options (the single form and each batch item)."""
    if not info:
        return resource_cls.options
    if resource_cls.info_options is not None:
        return resource_cls.info_options
    return dict((k, v) for k, v in resource_cls.options.items() if k in resource_cls.api.identity)


class _Refused(Exception):
    """Options that refuse the task before any user is read (a saved plan that cannot be loaded, ...)."""


class _UserItems:
    """The batch items of one user, folded in order into one desired state and at most one write."""

    def __init__(self, index, params):
        self.index = index
        self.items = [params]
        self.label = None
        self.before = None
        self.after = None
        self.current = None
        self.error = None
        self.status = None  # HTTP status of a failed call, for callers that sort failures
        self.invalid = False  # the failure is the input's (blocks every write of the task)
        self.skipped = None  # Skip: left alone on purpose
        self.blocked = False  # differs, but not written because another user is not valid
        self.planned = None  # a saved plan's entry for this user: its previous and current
        self.held = None  # why a user was not read or written: the run was stopped, or a wave failed

    def fail(self, exc, invalid=False):
        self.error = "%s: %s" % (self.label, exc)
        self.status = getattr(exc, "status", None)
        self.invalid = invalid

    @property
    def params(self):
        return self.items[-1]

    @property
    def differs(self):
        return (self.error is None and self.skipped is None and self.before is not None
                and self.before != self.after)

    @property
    def changed(self):
        return self.differs and not self.blocked and self.held is None

    @property
    def not_written(self):
        """Held back (another user not valid), or left by a stop: not written."""
        return self.error is None and self.skipped is None and (self.blocked or self.held is not None)


class Engine:
    """One run of a task: ``Engine(ResourceClass, params, ...).run()`` returns its Outcome. Raises
    _Refused when the options refuse the task (``run`` above turns that into a failed Outcome)."""

    def __init__(self, resource_cls, params, check_mode=False, diff=False, info=False, progress=None, watch=None):
        self.resource_cls = resource_cls
        self.params = params
        self.check_mode = check_mode
        self.diff = diff
        self.info = info
        self.progress = progress
        self.watch = watch  # stop means stop: the run that started the task is gone, or was interrupted
        self.stop_reason = None
        self.waves = None  # the sizes of the write waves (option waves), when there are waves
        self.wave_stop = None  # why a wave stopped the run (max_fail_percentage)
        self.warnings = []
        self.plan = None
        self.undo = bool(params.get("undo"))
        if params.get("plan") or self.undo:
            try:
                # An undo is the apply of the reversed plan: the report of a run that wrote, each changed
                # user put back from its current to its previous.
                self.plan = saved_plan.load(params["undo"] if self.undo else params["plan"],
                                            resource_cls.plan_object, reverse=self.undo)
            except saved_plan.PlanError as exc:
                raise _Refused(str(exc))
        self.is_batch = params["batch"] is not None or self.plan is not None
        problems = shared_args.parallel_problems(params)
        if not info:
            problems += shared_args.wave_problems(params)
        if problems:
            raise _Refused(problems[0])
        try:  # the API's own rules and warnings, as for the inventory plugin and apio_export
            self.client = apis.connect(resource_cls.api, params, self.warnings.append)
        except apis.ConnectionProblem as exc:
            raise _Refused(str(exc))
        if self.watch is not None:
            self.client.stop = self._stopped  # no retry of a request after a stop
        self.auth_error = None  # credentials the API refused: one failure of the task, said once
        task_params = dict((k, params.get(k)) for k in resource_cls.task_options)
        self.resource = resource_cls(self.client, task_params)

    # -- step 1: users ---------------------------------------------------------------------------
    def users(self):
        """The task's users, each with its batch items (validated) or the reason it is not valid."""
        if self.plan is not None:
            return self._planned_users()
        params = self.params
        user_spec = user_options(self.resource_cls, self.info)
        defaults = dict((k, params[k]) for k in user_spec if params.get(k) is not None)
        items = params["batch"] if self.is_batch else [{}]
        validator = ArgumentSpecValidator(user_spec)
        users, by_identity = [], {}
        for index, item in enumerate(items):
            merged = self._merged(defaults, item or {})
            result = validator.validate(merged)
            problems = [_describe(error) for error in result.errors]
            if not problems and not self.info:
                problems = self.resource_cls.item_problems(result.validated_parameters)
            if problems:
                user = _UserItems(index, merged)
                user.label = self._item_label(index, merged)
                user.error = "%s: %s" % (user.label, "; ".join(problems))
                user.invalid = True
                users.append(user)
                continue
            valid = result.validated_parameters
            key = tuple(valid.get(k) for k in self.resource_cls.api.identity)
            if key in by_identity:
                by_identity[key].items.append(valid)
                continue
            user = by_identity[key] = _UserItems(index, valid)
            user.label = self.resource.label(valid)
            users.append(user)
        return users

    def _merged(self, defaults, item):
        """A batch item over the top-level options (merged_options: dict over dict)."""
        merged = dict(defaults)
        merged.update(item)
        for name in self.resource_cls.merged_options:
            if isinstance(defaults.get(name), dict) and isinstance(item.get(name), dict):
                merged[name] = dict(defaults[name], **item[name])
        return merged

    def _planned_users(self):
        """The users of the saved plan, each with the options that reach it and its planned states."""
        users = []
        for index, entry in enumerate(self.plan):
            user = _UserItems(index, saved_plan.params_of(entry))
            user.label = self.resource.label(user.params)
            user.planned = entry
            users.append(user)
        return users

    def _as_planned(self, user):
        """The desired state of a user of a saved plan: as planned, if the user is still as the plan found
        it (or already as planned); otherwise the user moved since the plan was made."""
        seen = _plain(sanitise(self.resource.info(user.before)))
        if seen == _plain(user.planned["current"]):
            return user.before
        if seen == _plain(user.planned["previous"]):
            return self.resource.from_info(user.planned["current"])
        moved = self.resource.changes(self.resource.from_info(user.planned["previous"]), user.before)
        if self.undo:
            reason = "changed on the platform since the run that is undone (%s): not put back" % (
                "; ".join(moved) or "its state differs")
        else:
            reason = "changed on the platform since the plan was made (%s): make the plan again" % (
                "; ".join(moved) or "its state differs")
        if self.params["on_moved"] == "skip":
            raise Skip(reason, "moved")
        raise InputError(reason)

    def _item_label(self, index, item):
        where = "batch[%d]" % index if self.is_batch else "options"
        try:
            return "%s (%s)" % (self.resource.label(item), where)
        except (KeyError, TypeError):
            return where

    # -- steps 2 to 4 ----------------------------------------------------------------------------
    def _stopped(self):
        """Why the run must stop now (see run_watch), or None."""
        if self.stop_reason is None and self.watch is not None:
            self.stop_reason = self.watch.stopped()
        return self.stop_reason

    def read(self, user):
        """Phase "read" of one user: its current state and, unless info, its desired state."""
        if self._stopped():
            user.held = "the run was stopped before it was read"
            return
        try:
            user.before = self.resource.read(user.items[0])
            if self.info:
                return
            if user.planned is not None:
                user.after = self._as_planned(user)
                return
            user.after = self.resource.desired_all(user.before, user.items)
        except Skip as skip:
            user.skipped = skip
        except Stopped:
            user.before = user.after = None
            user.held = "the run was stopped before it was read"
        except AuthError as exc:
            self.auth_error = exc
            user.fail(exc)
        except (ApiError, InputError) as exc:
            user.fail(exc, invalid=is_invalid(exc))

    def apply(self, user):
        """Phase "write" of one user that differs (in check mode: the state it would have)."""
        if self.check_mode:
            user.current = user.after
            return
        if self._stopped():  # checked before each write: nothing new is sent after a stop
            user.held = "the run was stopped"
            return
        try:
            user.current = self.resource.write(user.params, user.before, user.after)
        except Stopped:
            user.held = "the run was stopped"  # a write that failed, not tried again after the stop
        except (ApiError, InputError) as exc:
            user.fail(exc)

    def each(self, phase, work, users, done=0, total=None):
        """``work(user)`` for every user, ``parallel`` at once, reporting progress as ``phase``."""
        report = self.progress
        progress = None if report is None else (lambda count, of: report(phase, count, of))
        parallel.for_each(users, work, self.params["parallel"], progress, done=done, total=total)

    def write(self, users):
        """Write the users that differ: at once, or wave by wave (option waves), each wave only if the waves
        before it stayed within max_fail_percentage."""
        self.waves = shared_args.wave_sizes(self.params.get("waves"), len(users))
        if not self.waves:
            return self.each("write", self.apply, users)
        budget = self.params.get("max_fail_percentage")
        start = 0
        for number, size in enumerate(self.waves, 1):
            wave = users[start:start + size]
            phase = "write wave %d of %d" % (number, len(self.waves))
            self.each(phase, self.apply, wave, done=start, total=len(users))
            start += size
            failed = sum(1 for u in wave if u.error is not None)
            over = failed * 100.0 / size > budget if budget is not None else failed == size
            if over and start < len(users) and not self.stop_reason:
                self.wave_stop = "wave %d of %d stopped the run: %d of its %d writes failed (%s)" % (
                    number, len(self.waves), failed, size,
                    "more than max_fail_percentage %s%%" % _number(budget) if budget is not None else "all of them")
                for user in users[start:]:
                    user.held = "wave %d of %d failed beyond max_fail_percentage" % (number, len(self.waves))
                return

    # -- the run ---------------------------------------------------------------------------------
    def run(self):
        """The task's Outcome (the watch, if any, started and finished around the run)."""
        if self.watch is None:
            return self._run()
        self.watch.start()
        try:
            return self._run()
        finally:
            self.watch.finish()

    def _run(self):
        if self.params.get("report"):
            remove_report(self.params["report"])  # a run that stops early must not leave an old one
        users = self.users()
        self.each("read", self.read, [u for u in users if u.error is None])
        if self.auth_error is not None:
            # Every user would fail alike: one message that says what to fix, not one per user.
            return outcome.Outcome.failure(self.resource_cls.api.login_failure(self.auth_error), self.warnings)
        if self.info:
            return outcome.info(self.resource, users, self.is_batch, self.params, self.warnings)
        invalid = [u for u in users if u.invalid]
        if invalid and self.params["on_invalid"] == "abort":
            for user in users:
                user.blocked = user.differs
        self.write([u for u in users if u.changed])
        return self.outcome(users)

    def outcome(self, users):
        """The Outcome of the written (or planned) users."""
        if not self.is_batch:
            return outcome.single(self.resource, users[0], self.diff, self.stop_reason, self.warnings)
        return outcome.batch(self.resource, users, outcome.Run(
            self.params, self.check_mode, self.diff, self.waves, self._halted(), self.warnings))

    def _halted(self):
        """Why users were left: the run was stopped (run_watch) or a wave failed beyond the budget."""
        if self.stop_reason:
            return "the run was stopped: %s" % self.stop_reason
        return self.wave_stop


def _describe(error):
    # The validator's text for an unknown option lacks the words that AnsibleModule adds.
    if isinstance(error, UnsupportedError):
        return "unsupported parameters: %s" % error.msg
    return error.msg


def _plain(value):
    """``value`` as JSON has it (tuples as lists...), to compare a state with a saved plan's."""
    return json.loads(json.dumps(value, sort_keys=True))


def _number(value):
    return ("%d" % value) if float(value).is_integer() else ("%s" % value)
