# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reconcile engine shared by every module of the collection.

Every module runs the same fixed sequence, for one user or for a batch of thousands:

1. validate each user's options (top-level options are defaults that a batch item may override);
2. phase "plan", in parallel: read the current state, normalise it, fold the desired options into the
   desired state (``Resource.desired`` normalises and validates), and compare;
3. phase "apply", in parallel and only when not in check mode: write the users that differ, taking the
   write's answer (or the emulated state) as the new state;
4. exit with ``changed``, ``previous``/``current``, the changes in words, ``diff`` and, for a batch,
   counts and per-user results; fail at the end if any user failed, naming each.

Every input error is found in the plan phase, before the first write of the task. A user whose read
failed is never written. A resource only says how to read, normalise, compare and write itself.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading
from concurrent.futures import ThreadPoolExecutor

from ansible.module_utils.basic import AnsibleModule, missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError

from ansible_collections.telephony.apio.plugins.module_utils import args as shared_args
from ansible_collections.telephony.apio.plugins.module_utils.client import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    ApiError,
)

SECRET_WORDS = ("password", "secret", "token", "passcode")
MASK = "********"


class InputError(ValueError):
    """Desired state that cannot be applied; found before any write."""


class Resource:
    """One kind of remote object. Subclasses fill in the class attributes and the four methods."""

    api = "apio"  # which client: 'apio' or 'portal'
    noun = "resource"  # for messages: "reading <noun>"
    options = {}  # argument spec of one user's options (the single form and each batch item)
    info_options = None  # argument spec for the info module (default: the identity options)
    identity = ("tenant", "group", "user")

    def __init__(self, client):
        self.client = client
        self._cache = {}
        self._cache_lock = threading.Lock()

    # -- to implement -------------------------------------------------------------------------
    @classmethod
    def label(cls, params):
        """How messages name the user, e.g. "user foouser@foogroup"."""
        return "user %s@%s" % (params["user"], params["group"])

    def read(self, params):
        """GET and normalise the current state."""
        raise NotImplementedError

    def desired(self, current, params):
        """The normalised state after applying ``params`` to ``current``; raises InputError."""
        raise NotImplementedError

    def write(self, params, before, after):
        """Send the write(s) that take ``before`` to ``after``; return the new normalised state."""
        raise NotImplementedError

    def changes(self, before, after):
        """The differences in words, e.g. ["key 5 label 'call boss' -> 'call chief'"]."""
        raise NotImplementedError

    def info(self, state):
        """The state in the shape the module accepts (the info modules return it)."""
        return state

    def diff_view(self, state):
        """What --diff shows of a state."""
        return self.info(state)

    # -- helpers for subclasses ---------------------------------------------------------------------
    def cached(self, key, load):
        """``load()`` once per task per key, shared by all threads (e.g. a phone type)."""
        with self._cache_lock:
            entry = self._cache.get(key)
            if entry is None:
                entry = self._cache[key] = _Once(load)
        return entry.get()


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


def sanitise(value):
    """Mask anything that looks like a secret before it reaches a result or a diff."""
    if isinstance(value, dict):
        return dict((k, MASK if _is_secret_key(k) and v not in (None, "") else sanitise(v))
                    for k, v in value.items())
    if isinstance(value, list):
        return [sanitise(v) for v in value]
    return value


def _is_secret_key(key):
    lowered = str(key).lower()
    return any(word in lowered for word in SECRET_WORDS)


# -- argument specs --------------------------------------------------------------------------------

def module_argument_spec(resource_cls, info=False):
    """Connection options + the user's options (all optional at top level: they are batch defaults)."""
    spec = shared_args.apio_argument_spec() if resource_cls.api == "apio" else shared_args.portal_argument_spec()
    spec.update(shared_args.batch_argument_spec())
    for name, option in _user_options(resource_cls, info).items():
        option = copy.deepcopy(option)
        option.pop("required", None)
        spec[name] = option
    return spec


def _user_options(resource_cls, info):
    if not info:
        return resource_cls.options
    if resource_cls.info_options is not None:
        return resource_cls.info_options
    return dict((k, v) for k, v in resource_cls.options.items() if k in resource_cls.identity)


class _Group:
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

    def fail(self, exc):
        self.error = "%s: %s" % (self.label, exc)
        self.status = getattr(exc, "status", None)

    @property
    def params(self):
        return self.items[-1]

    @property
    def changed(self):
        return self.error is None and self.before is not None and self.before != self.after


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


class Engine:
    """Runs one module invocation: ``Engine(ResourceClass).run()`` or ``.run(info=True)``."""

    def __init__(self, resource_cls, info=False):
        self.resource_cls = resource_cls
        self.info = info
        self.module = _Module(
            resource_cls.label,
            argument_spec=module_argument_spec(resource_cls, info),
            supports_check_mode=True,
            mutually_exclusive=[("batch", "user")],
            required_one_of=[("batch", "user")] + shared_args.AUTH_RULES[resource_cls.api]["required_one_of"],
            required_together=shared_args.AUTH_RULES[resource_cls.api]["required_together"],
        )
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=str(REQUESTS_IMPORT_ERROR))
        params = self.module.params
        self.is_batch = params["batch"] is not None
        if not 1 <= params["parallel"] <= shared_args.MAX_PARALLEL:
            self.module.fail_json(msg="parallel must be between 1 and %d, got %d"
                                  % (shared_args.MAX_PARALLEL, params["parallel"]))
        url_option = "url" if resource_cls.api == "apio" else "portal_url"
        if not str(params[url_option]).startswith(("http://", "https://")):
            self.module.fail_json(msg="%s must be an http:// or https:// URL, got '%s'"
                                  % (url_option, params[url_option]))
        if params["retries"] < 0 or params["timeout"] <= 0:
            self.module.fail_json(msg="retries must be 0 or more and timeout more than 0")
        if not params["validate_certs"]:
            self.module.warn("TLS certificate verification is off (validate_certs=false): use this only "
                             "for a test system")
        self.client = shared_args.make_client(resource_cls.api, params)
        self.resource = resource_cls(self.client)

    # -- step 1: users ---------------------------------------------------------------------------
    def _groups(self):
        params = self.module.params
        user_spec = _user_options(self.resource_cls, self.info)
        defaults = dict((k, params[k]) for k in user_spec if params.get(k) is not None)
        items = params["batch"] if self.is_batch else [{}]
        validator = ArgumentSpecValidator(user_spec)
        groups, by_identity = [], {}
        for index, item in enumerate(items):
            merged = dict(defaults)
            merged.update(item or {})
            result = validator.validate(merged)
            if result.error_messages:
                group = _Group(index, merged)
                group.label = self._item_label(index, merged)
                group.error = "%s: %s" % (group.label, "; ".join(_describe(error) for error in result.errors))
                groups.append(group)
                continue
            valid = result.validated_parameters
            key = tuple(valid.get(k) for k in self.resource_cls.identity)
            if key in by_identity:
                by_identity[key].items.append(valid)
                continue
            group = by_identity[key] = _Group(index, valid)
            group.label = self.resource.label(valid)
            groups.append(group)
        return groups

    def _item_label(self, index, item):
        where = "batch[%d]" % index if self.is_batch else "options"
        try:
            return "%s (%s)" % (self.resource.label(item), where)
        except (KeyError, TypeError):
            return where

    # -- steps 2 and 3 ---------------------------------------------------------------------------
    def _plan(self, group):
        try:
            group.before = self.resource.read(group.items[0])
            if self.info:
                return
            state = group.before
            for item in group.items:
                state = self.resource.desired(state, item)
            group.after = state
        except (ApiError, InputError) as exc:
            group.fail(exc)

    def _apply(self, group):
        if self.module.check_mode:
            group.current = group.after
            return
        try:
            group.current = self.resource.write(group.params, group.before, group.after)
        except (ApiError, InputError) as exc:
            group.fail(exc)

    def _each(self, work, groups):
        groups = list(groups)
        if len(groups) <= 1 or self.module.params["parallel"] == 1:
            for group in groups:
                work(group)
            return
        with ThreadPoolExecutor(max_workers=min(self.module.params["parallel"], len(groups))) as pool:
            list(pool.map(work, groups))  # drains the pool and re-raises any unexpected error

    # -- step 4 ----------------------------------------------------------------------------------
    def run(self):
        groups = self._groups()
        self._each(self._plan, [g for g in groups if g.error is None])
        if not self.info:
            self._each(self._apply, [g for g in groups if g.changed])
        if self.info:
            return self._exit_info(groups)
        return self._exit(groups)

    def _entry(self, group):
        entry = dict((k, group.params.get(k)) for k in self.resource_cls.identity)
        entry["user_label"] = group.label
        if group.error is not None:
            entry.update(failed=True, changed=False, msg=group.error, status=group.status)
            if group.before is not None:
                entry["previous"] = sanitise(self.resource.info(group.before))
            return entry
        changes = self.resource.changes(group.before, group.after) if group.changed else []
        entry.update(
            failed=False,
            changed=group.changed,
            changes=changes,
            msg="%s: %s" % (group.label, "; ".join(changes) if changes else "no change"),
            previous=sanitise(self.resource.info(group.before)),
            current=sanitise(self.resource.info(group.current if group.changed else group.before)),
        )
        return entry

    def _diff(self, group):
        after = group.current if group.changed else group.before
        return dict(before_header=group.label, after_header=group.label,
                    before=sanitise(self.resource.diff_view(group.before)),
                    after=sanitise(self.resource.diff_view(after)))

    def _exit(self, groups):
        module = self.module
        changed = any(g.changed for g in groups)
        failed = [g for g in groups if g.error is not None]
        if not self.is_batch:
            group = groups[0]
            entry = self._entry(group)
            if group.error is not None:
                module.fail_json(msg=group.error, **_only(entry, "previous"))
            result = dict(changed=changed, msg=entry["msg"], changes=entry["changes"],
                          previous=entry["previous"], current=entry["current"])
            if module._diff:
                result["diff"] = self._diff(group)
            module.exit_json(**result)

        want_all = module.params["return_unchanged"]
        results = [self._entry(g) for g in groups if want_all or g.changed or g.error is not None]
        counts = dict(total=len(groups), changed=sum(1 for g in groups if g.changed), failed=len(failed))
        counts["unchanged"] = counts["total"] - counts["changed"] - counts["failed"]
        result = dict(changed=changed, counts=counts, results=results)
        if module._diff:
            result["diff"] = [self._diff(g) for g in groups if g.changed]
        if failed:
            result["msg"] = "%d of %d users failed (%d changed, %d unchanged): %s" % (
                counts["failed"], counts["total"], counts["changed"], counts["unchanged"],
                "; ".join(g.error for g in failed))
            module.fail_json(**result)
        result["msg"] = "%d users: %d changed, %d unchanged" % (counts["total"], counts["changed"],
                                                                counts["unchanged"])
        module.exit_json(**result)

    def _exit_info(self, groups):
        module = self.module
        failed = [g for g in groups if g.error is not None]
        if not self.is_batch:
            group = groups[0]
            if group.error is not None:
                module.fail_json(msg=group.error)
            module.exit_json(changed=False, **sanitise(self.resource.info(group.before)))
        results = []
        for group in groups:
            entry = dict((k, group.params.get(k)) for k in self.resource_cls.identity)
            if group.error is not None:
                entry.update(failed=True, msg=group.error, status=group.status)
            else:
                entry.update(sanitise(self.resource.info(group.before)))
            results.append(entry)
        if failed:
            module.fail_json(msg="%d of %d users failed: %s" % (len(failed), len(groups),
                                                                "; ".join(g.error for g in failed)),
                             results=results)
        module.exit_json(changed=False, results=results)


def _describe(error):
    # The validator's text for an unknown option lacks the words that AnsibleModule adds.
    if isinstance(error, UnsupportedError):
        return "unsupported parameters: %s" % error.msg
    return error.msg


def _only(entry, *names):
    return dict((k, entry[k]) for k in names if k in entry)


def run_module(resource_cls):
    Engine(resource_cls).run()


def run_info_module(resource_cls):
    Engine(resource_cls, info=True).run()
