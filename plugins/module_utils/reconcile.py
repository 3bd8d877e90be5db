# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine shared by every module of the collection.

Every module runs the same fixed sequence, for one user or for a batch of thousands:

1. validate each user's options (top-level options are defaults that a batch item may override);
2. phase "plan", in parallel: read the current state, normalise it, fold the desired options into the
   desired state (``Resource.desired`` normalises and validates), and compare;
3. plan, then apply: when any user is not valid (bad input, refused by the phone type, unknown user,
   permission denied), nothing is written at all, unless ``on_invalid=skip`` (then only the invalid
   users are left out). A read that failed for a passing reason (transport, 5xx, 429 after the
   retries) only fails that user;
4. phase "apply", in parallel and only when not in check mode: write the users that differ, taking the
   write's answer (or the emulated state) as the new state;
5. exit with ``changed``, ``previous``/``current``, the changes in words, ``diff`` and, for a batch,
   counts and per-user results, kept under a size budget (``results.fit_result``) so that AWX keeps the
   result; the full per-user detail goes to the ``report`` file when one is asked for. Fail at the end
   if any user failed, naming each.

With ``plan`` (a saved plan: the report file of a dry run, ``saved_plan``), the users and their desired
states are the plan's, not the task's: a user still as the plan found it is written as planned, one
already as planned is done, and one that changed since is invalid (``on_moved=abort``) or skipped.

A user whose read failed is never written. A resource only says how to read, normalise, compare and
write itself (``Resource`` does it for the common case) and names the API it talks to (``apis.APIO``
or ``apis.PORTAL``: the connection options, the options that name a user, the client). The engine
runs inside a module (``run_module``) or, for roll-outs on the controller, inside an action plugin that
hands it a module-like object (``Engine(..., module=...)``).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.telephony.apio.plugins.module_utils import args as shared_args
from ansible_collections.telephony.apio.plugins.module_utils import run_watch, saved_plan
from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO, INSECURE_WARNING
from ansible_collections.telephony.apio.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
    AuthError,
    Stopped,
)
from ansible_collections.telephony.apio.plugins.module_utils.results import (
    fit_result,
    remove_report,
    trim_invocation,
    write_report,
)

SECRET_WORDS = ("password", "secret", "token", "passcode")
MASK = "********"
# HTTP statuses of a read that say the input is wrong (unknown user, permission denied, refused), as
# opposed to a passing failure (transport, 429, 5xx) that only fails the user it happened to.
INVALID_STATUSES = frozenset((400, 401, 403, 404, 405, 409, 410, 422))
PROGRESS_INTERVAL = 5.0  # seconds between two progress reports of a long run


class InputError(ValueError):
    """Desired state that cannot be applied; found before any write."""


class Unexpected(Exception):
    """An answer that is not of its route's shape in docs/api.md (raised by ``Resource.normalise``): the
    read or write reports it as its own failure."""

    def __init__(self, problem, answer):
        super(Unexpected, self).__init__(problem)
        self.problem = problem
        self.answer = answer


class Skip(Exception):
    """A user the task leaves alone on purpose (no phone, no layout for the phone type), with the reason.

    ``kind`` names why (for example ``no_phone``), so that callers sort skipped users by data.
    """

    def __init__(self, reason, kind, **details):
        super(Skip, self).__init__(reason)
        self.kind = kind
        self.details = details  # more fields for the user's entry, e.g. the phone type


def is_invalid(exc):
    """Whether a failure of the plan phase is the input's fault: it blocks every write of the task."""
    if isinstance(exc, InputError):
        return True
    return isinstance(exc, ApiError) and exc.status in INVALID_STATUSES


class Resource:
    """One kind of remote object. Subclasses fill in the class attributes and the methods to implement.

    The common case is one object below the user (``path``), read with a GET and written with a PUT,
    each answered with the object: ``read`` and ``write`` do that with ``normalise`` and ``body``. A
    resource that is read or written otherwise replaces ``read`` or ``write``.
    """

    api = APIO  # which API (apis.py): its connection options, the options that name a user, its client
    noun = "resource"  # for messages: "GET <noun> failed: ..."
    path = ()  # the object's route below the user, e.g. ("access_device", "primary_line_port")
    options = {}  # argument spec of one user's options (the single form and each batch item)
    task_options = {}  # options of the whole task only (not per batch item), e.g. a template library
    info_options = None  # argument spec for the info module (default: the identity options)
    can_skip = False  # whether read/desired may raise Skip (then counts has "skipped")
    merged_options = ()  # dict options whose batch item value is merged over the top-level one
    plan_object = None  # what a saved plan of this resource is a plan of (saved_plan), e.g. "primary_line"
    plan_options = ()  # options beyond the identity that a plan keeps for the write (e.g. accept_charges)

    def __init__(self, client, task_params=None):
        self.client = client
        self.task_params = task_params or {}
        self._cache = {}
        self._cache_lock = threading.Lock()

    # -- to implement -------------------------------------------------------------------------
    def normalise(self, answer):
        """The normalised state from the API's answer (to the read, and to the write); raises Unexpected."""
        raise NotImplementedError

    def body(self, state):
        """The body of the write that sets the normalised ``state``."""
        raise NotImplementedError

    def desired(self, current, params):
        """The normalised state after applying ``params`` to ``current``; raises InputError."""
        raise NotImplementedError

    def changes(self, before, after):
        """The differences in words, e.g. ["key 5 label 'call boss' -> 'call chief'"]."""
        raise NotImplementedError

    # -- defaults, to replace where they do not fit ------------------------------------------------
    def desired_all(self, current, items):
        """The desired state of one user from all of its batch items: each applied in order by ``desired``.

        A resource whose items together say more than each alone (``Softphone``'s ``purge``: the devices
        listed are all the user has) replaces it."""
        state = current
        for item in items:
            state = self.desired(state, item)
        return state

    @classmethod
    def item_problems(cls, params):
        """What is wrong with one validated batch item beyond its argument spec (messages; none: fine)."""
        return []

    # -- defaults, to replace where they do not fit ------------------------------------------------
    @classmethod
    def label(cls, params):
        """How messages name the user, e.g. "user alice@sip.example.com (foo/foogroup)"."""
        return cls.api.label(params)

    def url(self, params, *rest):
        """The URL of the object (and of ``rest`` below it) for the user that ``params`` names."""
        return self.api.user_url(self.client, params, *(self.path + rest))

    def read(self, params):
        """GET and normalise the current state."""
        return self._call("GET", params)

    def write(self, params, before, after):
        """Send the write(s) that take ``before`` to ``after``; return the new normalised state."""
        return self._call("PUT", params, self.body(after))

    def _call(self, method, params, body=None):
        answer = self.client.request(method, self.url(params), self.noun, json_body=body)
        try:
            return self.normalise(answer)
        except Unexpected as exc:
            raise ApiError.unexpected(exc.problem, exc.answer, method=method, what=self.noun)

    def info(self, state):
        """The state as results show it: the info modules, previous and current.

        Its field names must work with Jinja's dot notation: no dict method names such as keys or items.
        """
        return state

    def from_info(self, info):
        """The normalised state that ``info`` shows (a saved plan holds states as ``info`` shows them)."""
        return copy.deepcopy(info)

    def diff_view(self, state):
        """What --diff shows of a state."""
        return self.info(state)

    def report_fields(self, params):
        """More fields of a user's entry in the report file, for the plan report (e.g. its template)."""
        return {}

    def report_details(self):
        """More sections of the report file, about the task as a whole (e.g. the phone types seen)."""
        return {}

    # -- helpers for subclasses ---------------------------------------------------------------------
    def cached(self, key, load):
        """``load()`` once per task per key, shared by all threads (e.g. a phone type)."""
        with self._cache_lock:
            entry = self._cache.get(key)
            if entry is None:
                entry = self._cache[key] = _Once(load)
        return entry.get()

    def loaded(self, kind):
        """What ``cached`` loaded without error under keys ``(kind, name)``: {name: value}."""
        with self._cache_lock:
            entries = [(key[1], entry) for key, entry in self._cache.items() if key[0] == kind]
        return dict((name, entry.value) for name, entry in entries if entry.loaded)


class _Once:
    """A value computed by the first caller; concurrent callers wait for it, errors are re-raised."""

    def __init__(self, load):
        self._load = load
        self._lock = threading.Lock()
        self._done = False
        self._value = None
        self._error = None

    def get(self):
        with self._lock:
            if not self._done:
                try:
                    self._value = self._load()
                except Exception as exc:  # noqa: BLE001 - re-raised to every caller below
                    self._error = exc
                self._done = True
        if self._error is not None:
            raise self._error
        return self._value

    @property
    def loaded(self):
        return self._done and self._error is None

    @property
    def value(self):
        return self._value


def sanitise(value):
    """Mask anything that looks like a secret before it reaches a result or a diff.

    A value with nothing to mask is returned as it is, not copied: a batch's results hold the states of
    thousands of users.
    """
    if isinstance(value, dict):
        masked = dict((k, MASK if _is_secret_key(k) and v not in (None, "") else sanitise(v))
                      for k, v in value.items())
        return value if all(masked[k] is v for k, v in value.items()) else masked
    if isinstance(value, list):
        masked = [sanitise(v) for v in value]
        return value if all(m is v for m, v in zip(masked, value)) else masked
    return value


_SECRET_KEYS = {}  # key name -> whether it names a secret; a batch asks about the same few names 100,000s of times


def _is_secret_key(key):
    found = _SECRET_KEYS.get(key)
    if found is None:
        lowered = str(key).lower()
        found = _SECRET_KEYS[key] = any(word in lowered for word in SECRET_WORDS)
    return found


# -- argument specs --------------------------------------------------------------------------------

def module_argument_spec(resource_cls, info=False):
    """Connection options + the user's options (all optional at top level: they are batch defaults)."""
    spec = resource_cls.api.options
    spec.update(shared_args.batch_argument_spec(info))
    for name, option in _user_options(resource_cls, info).items():
        option = copy.deepcopy(option)
        option.pop("required", None)
        spec[name] = option
    if not info:
        for name, option in resource_cls.task_options.items():
            option = copy.deepcopy(option)
            option.pop("required", None)  # required unless a saved plan is applied: module_rules
            spec[name] = option
    return spec


def module_rules(resource_cls, info=False):
    """The cross-option rules of a module's argument spec, as AnsibleModule and ArgumentSpecValidator take them."""
    forms = ("batch", "user") if info else ("batch", "user", "plan", "undo")
    # A task option the resource requires (a template library) is not needed to apply a saved plan or undo.
    unless_plan = [] if info else [(name, "plan", "undo") for name, option in sorted(resource_cls.task_options.items())
                                   if option.get("required")]
    return dict(
        mutually_exclusive=[forms],
        required_one_of=[forms] + unless_plan + resource_cls.api.rules["required_one_of"],
        required_together=resource_cls.api.rules["required_together"],
    )


def _user_options(resource_cls, info):
    if not info:
        return resource_cls.options
    if resource_cls.info_options is not None:
        return resource_cls.info_options
    return dict((k, v) for k, v in resource_cls.options.items() if k in resource_cls.api.identity)


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


class _Module(AnsibleModule):
    """AnsibleModule whose option errors in the single form name the user, as the batch form's do."""

    def __init__(self, label, **kwargs):
        self._label = label
        self._validated = False
        super(_Module, self).__init__(**kwargs)
        self._validated = True

    def fail_json(self, msg=None, **kwargs):
        params = getattr(self, "params", None)
        if not self._validated and isinstance(params, dict) and params.get("user") and not params.get("batch"):
            try:
                msg = "%s: %s" % (self._label(params), msg)
            except (KeyError, TypeError):
                pass  # not enough options to name the user: the message stands alone
        super(_Module, self).fail_json(msg=msg, **kwargs)

    def _return_formatted(self, kwargs):
        # Ansible echoes the arguments back as `invocation`: a batch of thousands would double the
        # result and push it over AWX's limit. The echo is shortened, the result itself is not.
        kwargs.setdefault("invocation", {"module_args": trim_invocation(self.params)})
        super(_Module, self)._return_formatted(kwargs)


class Engine:
    """Runs one module invocation: ``Engine(ResourceClass).run()`` or ``.run(info=True)``.

    ``module`` replaces the AnsibleModule (an action plugin passes an object with the same
    ``params``, ``check_mode``, ``_diff``, ``warn``, ``exit_json`` and ``fail_json``); ``progress`` is
    called as ``progress(phase, done, total)`` at most every PROGRESS_INTERVAL seconds of a phase and
    at its end.
    """

    def __init__(self, resource_cls, info=False, module=None, progress=None, watch=None):
        self.resource_cls = resource_cls
        self.info = info
        self.progress = progress
        # Stop means stop: the run that started the task is gone, or was interrupted (run_watch).
        self.watch = watch if watch is not None or info else run_watch.RunWatch()
        self.stop_reason = None
        self.waves = None  # the sizes of the write waves (option waves), when there are waves
        self.wave_stop = None  # why a wave stopped the run (max_fail_percentage)
        self.module = module or _Module(
            resource_cls.label,
            argument_spec=module_argument_spec(resource_cls, info),
            supports_check_mode=True,
            **module_rules(resource_cls, info)
        )
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        params = self.module.params
        self.plan = None
        self.undo = bool(params.get("undo"))
        if params.get("plan") or self.undo:
            try:
                # An undo is the apply of the reversed plan: the report of a run that wrote, each changed
                # user put back from its current to its previous.
                self.plan = saved_plan.load(params["undo"] if self.undo else params["plan"],
                                            resource_cls.plan_object, reverse=self.undo)
            except saved_plan.PlanError as exc:
                self.module.fail_json(msg=str(exc))
        self.is_batch = params["batch"] is not None or self.plan is not None
        problems = shared_args.parallel_problems(params) + resource_cls.api.problems(params)
        if not info:
            problems += shared_args.wave_problems(params)
        if problems:
            self.module.fail_json(msg=problems[0])
        if not params["validate_certs"]:
            self.module.warn(INSECURE_WARNING)
        self.client = resource_cls.api.client(params)
        if self.watch is not None:
            self.client.stop = self._stopped  # no retry of a request after a stop
        self.auth_error = None  # credentials the API refused: one failure of the task, said once
        task_params = dict((k, params.get(k)) for k in resource_cls.task_options)
        self.resource = resource_cls(self.client, task_params)

    # -- step 1: users ---------------------------------------------------------------------------
    def _users(self):
        if self.plan is not None:
            return self._planned_users()
        params = self.module.params
        user_spec = _user_options(self.resource_cls, self.info)
        defaults = dict((k, params[k]) for k in user_spec if params.get(k) is not None)
        items = params["batch"] if self.is_batch else [{}]
        validator = ArgumentSpecValidator(user_spec)
        users, by_identity = [], {}
        for index, item in enumerate(items):
            merged = dict(defaults)
            merged.update(item or {})
            for name in self.resource_cls.merged_options:
                if isinstance(defaults.get(name), dict) and isinstance((item or {}).get(name), dict):
                    merged[name] = dict(defaults[name], **item[name])
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
        if self.module.params["on_moved"] == "skip":
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

    def _plan(self, user):
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

    def _apply(self, user):
        if self.module.check_mode:
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

    def _each(self, phase, work, users, done=0, total=None):
        users = list(users)
        tracker = _Progress(self.progress, phase, len(users) if total is None else total, done)
        if len(users) <= 1 or self.module.params["parallel"] == 1:
            for user in users:
                work(user)
                tracker.step()
        else:
            def tracked(user):
                work(user)
                tracker.step()
            with ThreadPoolExecutor(max_workers=min(self.module.params["parallel"], len(users))) as pool:
                list(pool.map(tracked, users))  # drains the pool and re-raises any unexpected error
        tracker.done()

    def run(self):
        if self.watch is None:
            return self._run()
        self.watch.start()
        try:
            return self._run()
        finally:
            self.watch.finish()

    def _run(self):
        if self.module.params.get("report"):
            remove_report(self.module.params["report"])  # a run that stops early must not leave an old one
        users = self._users()
        self._each("read", self._plan, [u for u in users if u.error is None])
        if self.auth_error is not None:
            # Every user would fail alike: one message that says what to fix, not one per user.
            self.module.fail_json(msg=self.resource_cls.api.login_failure(self.auth_error))
        if self.info:
            return self._exit_info(users)
        invalid = [u for u in users if u.invalid]
        if invalid and self.module.params["on_invalid"] == "abort":
            for user in users:
                user.blocked = user.differs
        self._write([u for u in users if u.changed])
        return self._exit(users)

    def _write(self, users):
        """Write the users that differ: at once, or wave by wave (option waves), each wave only if the waves
        before it stayed within max_fail_percentage."""
        params = self.module.params
        self.waves = shared_args.wave_sizes(params.get("waves"), len(users))
        if not self.waves:
            return self._each("write", self._apply, users)
        budget = params.get("max_fail_percentage")
        start = 0
        for number, size in enumerate(self.waves, 1):
            wave = users[start:start + size]
            phase = "write wave %d of %d" % (number, len(self.waves))
            self._each(phase, self._apply, wave, done=start, total=len(users))
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

    # -- step 5 ----------------------------------------------------------------------------------
    def _entry(self, user):
        entry = dict((k, user.params.get(k)) for k in self.resource_cls.api.identity)
        entry["user_label"] = user.label
        if user.error is not None:
            entry.update(failed=True, changed=False, msg=user.error, status=user.status)
            if user.invalid:
                entry["invalid"] = True
            if user.before is not None:
                entry["previous"] = sanitise(self.resource.info(user.before))
            return entry
        if user.skipped is not None:
            entry.update(user.skipped.details)
            entry.update(failed=False, changed=False, skipped=user.skipped.kind,
                         msg="%s: %s" % (user.label, user.skipped))
            entry["reason"] = entry["msg"]
            return entry
        changes = self.resource.changes(user.before, user.after) if user.differs else []
        if user.held is not None:
            message = "%s: not written (%s): %s" % (user.label, user.held, "; ".join(changes))
        elif user.blocked:
            message = "%s: not written (another user is not valid): %s" % (user.label, "; ".join(changes))
        else:
            message = "%s: %s" % (user.label, "; ".join(changes) if changes else "no change")
        entry.update(failed=False, changed=user.changed, changes=changes, msg=message)
        if user.blocked or user.held is not None:
            entry["blocked"] = True
        if user.held is not None:
            entry["held"] = user.held
        entry["previous"] = sanitise(self.resource.info(user.before))
        entry["current"] = sanitise(self.resource.info(user.current if user.changed else user.before))
        return entry

    def _reported(self, user, entry):
        """A user's entry as the report file holds it: with the resource's report fields, and the options
        a saved plan needs to write it."""
        fields = dict((k, user.params[k]) for k in self.resource_cls.plan_options if user.params.get(k) is not None)
        if user.planned is None:
            fields.update(self.resource.report_fields(user.params))
        else:  # a saved plan's user: the report fields it was reviewed with (its template and vars)
            fields.update((k, user.planned[k]) for k in saved_plan.REPORT_FIELDS if k in user.planned)
        return dict(entry, **sanitise(fields)) if fields else entry

    def _diff(self, user):
        after = user.current if user.changed else user.before
        return dict(before_header=user.label, after_header=user.label,
                    before=sanitise(self.resource.diff_view(user.before)),
                    after=sanitise(self.resource.diff_view(after)))

    def _counts(self, users):
        counts = dict(total=len(users), changed=sum(1 for u in users if u.changed),
                      failed=sum(1 for u in users if u.error is not None))
        skipped = sum(1 for u in users if u.skipped is not None)
        if self.resource_cls.can_skip or skipped:
            counts["skipped"] = skipped
        counts["unchanged"] = counts["total"] - counts["changed"] - counts["failed"] - skipped
        blocked = sum(1 for u in users if u.not_written)
        if blocked:
            counts["unchanged"] -= blocked
            counts["not_written"] = blocked
        return counts

    def _exit(self, users):
        module = self.module
        changed = any(u.changed for u in users)
        failed = [u for u in users if u.error is not None]
        blocked = [u for u in users if u.blocked]
        if not self.is_batch:
            user = users[0]
            entry = self._entry(user)
            if user.error is not None:
                module.fail_json(msg=user.error, **_only(entry, "previous"))
            if user.held is not None:
                module.fail_json(msg="%s: not written: %s (%s)" % (user.label, user.held, self.stop_reason))
            if user.skipped is not None:
                module.exit_json(changed=False, msg=entry["msg"], skipped=user.skipped.kind)
            result = dict(changed=changed, msg=entry["msg"], changes=entry["changes"],
                          previous=entry["previous"], current=entry["current"])
            if module._diff:
                result["diff"] = self._diff(user)
            module.exit_json(**result)

        params = module.params
        counts = self._counts(users)
        listed = [u for u in users if u.error is not None or u.skipped is not None
                  or params["return_unchanged"] or u.differs]
        entries = [self._entry(u) for u in listed]  # built once, for the report and the result
        result = dict(changed=changed, counts=counts, results=entries)
        if module._diff:
            result["diff"] = [self._diff(u) for u in users if u.changed]
        held = [u for u in users if u.held is not None]
        halted = self._halted() if held else None
        if halted:
            result["msg"] = "%s: %d users written, %d left (not written)" % (halted, counts["changed"], len(held))
            if failed:
                result["msg"] += "; %d failed: %s" % (len(failed), "; ".join(u.error for u in failed))
        elif failed:
            invalid = [u for u in failed if u.invalid]
            if invalid and params["on_invalid"] == "abort":
                head = "nothing was written: %d of %d users not valid" % (len(invalid), counts["total"])
                if blocked:
                    head += ", %s held back" % _users_that_differ(len(blocked))
            else:
                head = "%d of %d users failed (%d changed, %d unchanged)" % (
                    counts["failed"], counts["total"], counts["changed"], counts["unchanged"])
            result["msg"] = "%s: %s" % (head, "; ".join(u.error for u in failed))
        else:
            result["msg"] = "%d users: %d changed, %d unchanged" % (counts["total"], counts["changed"],
                                                                    counts["unchanged"])
            if counts.get("skipped"):
                result["msg"] += ", %d skipped" % counts["skipped"]
        if self.waves:
            result["waves"] = self.waves
            if not halted:
                result["msg"] += ", %s in %s" % ("would be written" if module.check_mode else "written",
                                                 _waves_in_words(self.waves))
        if params.get("report"):
            report = dict(self.resource.report_details())
            pairs = list(zip(listed, entries))
            report.update(
                check_mode=module.check_mode, counts=counts, msg=result["msg"],
                changes=[self._reported(u, e) for u, e in pairs if e.get("changed")],
                not_written=[self._reported(u, e) for u, e in pairs if e.get("blocked")],
                failed=[e["msg"] for e in entries if e.get("failed")],
                skipped=[e["msg"] for e in entries if e.get("skipped")])
            if self.waves:
                report["waves"] = self.waves
            if halted:
                report["stopped"] = dict(reason=halted, written=counts["changed"], left=len(held))
            write_report(params["report"], saved_plan.seal(report, self.resource_cls.plan_object))
        result = fit_result(result, params["result_limit"], report=params.get("report"))
        if failed or halted:
            module.fail_json(**result)
        module.exit_json(**result)

    def _halted(self):
        """Why users were left: the run was stopped (run_watch) or a wave failed beyond the budget."""
        if self.stop_reason:
            return "the run was stopped: %s" % self.stop_reason
        return self.wave_stop

    def _exit_info(self, users):
        module = self.module
        failed = [u for u in users if u.error is not None]
        if not self.is_batch:
            user = users[0]
            if user.error is not None:
                module.fail_json(msg=user.error)
            module.exit_json(changed=False, **sanitise(self.resource.info(user.before)))
        results = []
        for user in users:
            entry = dict((k, user.params.get(k)) for k in self.resource_cls.api.identity)
            if user.error is not None:
                entry.update(failed=True, msg=user.error, status=user.status)
            else:
                entry.update(sanitise(self.resource.info(user.before)))
            results.append(entry)
        if module.params.get("report"):
            write_report(module.params["report"], dict(results=results))
        result = dict(changed=False, results=results)
        if failed:
            result["msg"] = "%d of %d users failed: %s" % (
                len(failed), len(users), "; ".join(u.error for u in failed))
        result = fit_result(result, module.params["result_limit"], report=module.params.get("report"))
        if failed:
            module.fail_json(**result)
        module.exit_json(**result)


class _Progress:
    """Calls ``report(phase, done, total)`` at most every PROGRESS_INTERVAL seconds, and at the end."""

    def __init__(self, report, phase, total, done=0):
        self.report = report
        self.phase = phase
        self.total = total
        self.start = done
        self.done_count = done
        self.lock = threading.Lock()
        self.last = time.monotonic()

    def step(self):
        if self.report is None:
            return
        with self.lock:
            self.done_count += 1
            now = time.monotonic()
            if now - self.last < PROGRESS_INTERVAL:
                return
            self.last = now
            done = self.done_count
        self.report(self.phase, done, self.total)

    def done(self):
        if self.report is not None and self.total:
            self.report(self.phase, self.done_count, self.total)


def _describe(error):
    # The validator's text for an unknown option lacks the words that AnsibleModule adds.
    if isinstance(error, UnsupportedError):
        return "unsupported parameters: %s" % error.msg
    return error.msg


def _users_that_differ(count):
    return "1 user that differs" if count == 1 else "%d users that differ" % count


def _plain(value):
    """``value`` as JSON has it (tuples as lists...), to compare a state with a saved plan's."""
    return json.loads(json.dumps(value, sort_keys=True))


def _waves_in_words(sizes):
    if len(sizes) == 1:
        return "1 wave of %d users" % sizes[0]
    if len(set(sizes[:-1])) == 1 and len(sizes) > 6:
        return "%d waves of %d users (the last of %d)" % (len(sizes), sizes[0], sizes[-1])
    return "%d waves of %s users" % (len(sizes), ", ".join(str(s) for s in sizes))


def _number(value):
    return ("%d" % value) if float(value).is_integer() else ("%s" % value)


def _only(entry, *names):
    return dict((k, entry[k]) for k in names if k in entry)


def run_module(resource_cls):
    Engine(resource_cls).run()


def run_info_module(resource_cls):
    Engine(resource_cls, info=True).run()
