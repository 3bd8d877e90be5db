# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The resource contract: what a kind of remote object tells the engine (``Resource``), the failures it
raises (``InputError``, ``Unexpected``, ``Skip``), which failures are the input's (``is_invalid``), and the
masking of secrets before anything reaches a result, a diff or a report (``sanitise``).

A resource only says how to read, normalise, compare and write itself (``Resource`` does it for the
common case) and names the API it talks to (``apis.APIO`` or ``apis.PORTAL``: the connection options,
the options that name a user, the client). The engine (engine.py) runs it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import threading

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError

SECRET_WORDS = ("password", "secret", "token", "passcode")
MASK = "********"
# HTTP statuses of a read that say the input is wrong (unknown user, permission denied, refused), as
# opposed to a passing failure (transport, 429, 5xx) that only fails the user it happened to.
INVALID_STATUSES = frozenset((400, 401, 403, 404, 405, 409, 410, 422))


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
