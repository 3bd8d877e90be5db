# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP clients for APIO and the Enterprise Portal.

Everything that talks to the network lives here: one keep-alive ``requests.Session`` per API, URL
building with percent-encoded segments, TLS options, retries with jittered backoff (urllib3's
``Retry``, which also honours ``Retry-After``), re-authentication once on 401, and the mapping of an
API's error body to one readable message. Both clients are thread-safe so that a batch can share them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import threading
import time

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, this only keeps sanity happy
    from urllib import quote  # type: ignore
    from urlparse import urlsplit  # type: ignore

try:
    import requests
    import urllib3
    from requests.adapters import HTTPAdapter
    from urllib3.util.retry import Retry

    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

    class _CappedRetry(Retry):
        """urllib3's Retry, with Retry-After capped like the backoff: a server asking for an hour
        must not stall a task for an hour."""

        # A callable that says why the run was stopped (or None): no request is tried again after a stop,
        # and the wait before a retry ends at the stop (run_watch).
        stop = None

        def get_retry_after(self, response):
            value = super(_CappedRetry, self).get_retry_after(response)
            return None if value is None else min(value, BACKOFF_MAX)

        def new(self, **kw):
            retry = super(_CappedRetry, self).new(**kw)
            retry.stop = self.stop
            return retry

        def sleep(self, response=None):
            delay = None
            if self.respect_retry_after_header and response is not None:
                delay = self.get_retry_after(response)
            if delay is None:
                delay = self.get_backoff_time()
            end = time.monotonic() + max(delay, 0)
            while True:
                reason = self.stop() if self.stop is not None else None
                if reason:
                    raise Stopped("not tried again: %s" % reason)
                left = end - time.monotonic()
                if left <= 0:
                    return
                time.sleep(min(left, 0.1))
except ImportError as exc:  # pragma: no cover - reported by the module through missing_required_lib
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

# Statuses retried with backoff. 500 is included because every write this collection sends is an
# idempotent PUT (a replayed write lands on the same state), and the APIs answer 500 for passing faults.
RETRY_STATUSES = (429, 500, 502, 503, 504)
BACKOFF_FACTOR = 0.5
BACKOFF_JITTER = 0.5
BACKOFF_MAX = 30


class ApiError(Exception):
    """A failed call: the HTTP status (None for a transport failure) and the API's own message."""

    def __init__(self, message, status=None, method=None, what=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.what = what

    @classmethod
    def unexpected(cls, problem, answer, method=None, what=None):
        """A call whose answer is not of its route's shape (docs/api.md): ``problem`` says what is wrong."""
        return cls("unexpected answer, %s: %.200r" % (problem, answer), method=method, what=what)

    def hinted(self, hint):
        """The same failure, with what the user can do about it after the API's message."""
        return ApiError("%s; %s" % (self.message, hint), status=self.status, method=self.method, what=self.what)

    def __str__(self):
        where = "%s %s" % (self.method, self.what) if self.method and self.what else (self.what or "request")
        if self.status is None:
            return "%s failed: %s" % (where, self.message)
        return "%s failed: HTTP %s: %s" % (where, self.status, self.message)


class AuthError(ApiError):
    """Credentials the API refused: a failure of the whole task (every call would fail alike), not of
    the user whose call happened to be first."""

    @classmethod
    def of(cls, exc):
        return cls(exc.message, status=exc.status, method=exc.method, what=exc.what)


class Stopped(ApiError):
    """The run was stopped (run_watch) while a request waited to be tried again: it is not sent."""


def encode_segment(value):
    """Percent-encode one path segment so that it can never become another route.

    ``/``, ``?``, ``#`` and ``%`` are encoded by ``quote``; a segment that is only dots would be removed
    by URL normalisation (RFC 3986 dot segments), so its dots are encoded too.
    """
    text = quote(str(value), safe="")
    if text in (".", ".."):
        text = text.replace(".", "%2E")
    return text


def api_message(response):
    """The API's own message from an error answer, in the order of docs/api.md, 4.2."""
    try:
        body = response.json()
    except (ValueError, RecursionError):  # RecursionError: a deeply nested answer
        body = None
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            first = errors[0]
            if first.get("message"):
                return str(first["message"])
            details = first.get("details")
            if isinstance(details, dict) and details.get("reason"):
                return str(details["reason"])
        if isinstance(body.get("error"), str) and body["error"]:
            return body["error"]
        if body.get("message"):
            return str(body["message"])
    text = (response.text or "").strip()
    if text:
        return text[:500]
    return response.reason or "no message"


class HttpClient:
    """A keep-alive session with retries, TLS options and bearer authentication.

    Subclasses implement ``_authenticate(stale_token)``, which returns a fresh access token.
    """

    def __init__(self, base_url, validate_certs=True, ca_path=None, timeout=30, retries=3, pool_size=10):
        if not HAS_REQUESTS:  # pragma: no cover - the module checks first and says which library
            raise ApiError("the Python library 'requests' is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.attempts = retries + 1
        self.session = requests.Session()
        self.session.verify = ca_path if (validate_certs and ca_path) else bool(validate_certs)
        if not validate_certs:
            # The module warns once; urllib3 would repeat it on every request.
            urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
        self.session.headers["Accept"] = "application/json"
        self.session.headers["User-Agent"] = "telephony.apio"
        retry = _CappedRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            other=0,
            allowed_methods=None,  # every method: our writes are idempotent PUTs
            status_forcelist=RETRY_STATUSES,
            backoff_factor=BACKOFF_FACTOR,
            backoff_jitter=BACKOFF_JITTER,
            backoff_max=BACKOFF_MAX,
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        retry.stop = self._stop_reason
        self.stop = None  # set by the engine: a callable that says why the run was stopped, or None
        adapter = HTTPAdapter(max_retries=retry, pool_connections=1, pool_maxsize=max(pool_size, 1))
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self._settings_by_host = {}
        self._token = None
        self._auth_error = None
        self._auth_lock = threading.Lock()
        self.logins = 0

    def _stop_reason(self):
        return self.stop() if self.stop is not None else None

    # -- authentication -------------------------------------------------------------------------
    def _authenticate(self, stale_token):  # pragma: no cover - abstract
        raise NotImplementedError

    def _current_token(self):
        with self._auth_lock:
            if self._token is None:
                self._token = self._remembering_failure(None)
            return self._token

    def _renew_token(self, stale_token):
        """Get a new token once per expiry, even when many threads saw the same 401."""
        with self._auth_lock:
            if self._token == stale_token:
                self._token = self._remembering_failure(stale_token)
            return self._token

    def _remembering_failure(self, stale_token):
        # A refused login is not tried again for every user of a batch: that would only repeat the
        # same answer and may lock the account.
        if self._auth_error is not None:
            raise self._auth_error
        try:
            return self._authenticate(stale_token)
        except ApiError as exc:
            if exc.status is not None and 400 <= exc.status < 500:  # refused, not a passing fault
                self._auth_error = AuthError.of(exc)
                raise self._auth_error
            raise

    # -- requests -------------------------------------------------------------------------------
    def _environment_settings(self, url):
        """Proxy and CA settings from the environment, read once per host rather than on every call
        (requests reads os.environ and checks no_proxy each time: a quarter of a batch's CPU)."""
        host = urlsplit(url)[:2]
        settings = self._settings_by_host.get(host)
        if settings is None:
            settings = self._settings_by_host[host] = self.session.merge_environment_settings(
                url, {}, None, self.session.verify, None)
        return settings

    def raw_request(self, method, url, what, **kwargs):
        """One HTTP call with transport errors mapped to ApiError; no authentication."""
        timeout = kwargs.pop("timeout", self.timeout)
        try:
            prepared = self.session.prepare_request(requests.Request(method, url, **kwargs))
            # requests re-quotes the URL and so decodes %2E: a user id ".." would become a dot segment
            # that servers resolve to another route. Our URLs are already fully encoded: keep them.
            prepared.url = url
            return self.session.send(prepared, timeout=timeout, **self._environment_settings(url))
        except requests.exceptions.SSLError as exc:
            raise ApiError("TLS verification failed for %s: %s (set ca_path to a trusted CA bundle, or "
                           "validate_certs=false for a test system)" % (self.base_url, _reason(exc)),
                           method=method, what=what)
        except requests.exceptions.RequestException as exc:
            if isinstance(exc, requests.exceptions.Timeout) or _is_timeout(_innermost(exc)):
                raise ApiError("no answer within the timeout of %s s (%d attempt%s)"
                               % (timeout, self.attempts, "" if self.attempts == 1 else "s"), method=method, what=what)
            raise ApiError("cannot reach %s: %s" % (self.base_url, _reason(exc)), method=method, what=what)

    def request(self, method, url, what, json_body=None, headers=None, ok=(200,)):
        """An authenticated call. Re-authenticates once on 401; returns the decoded JSON body."""
        token = self._current_token()
        for attempt in (1, 2):
            all_headers = {"Authorization": "Bearer %s" % token}
            if headers:
                all_headers.update(headers)
            data = None
            if json_body is not None:
                data = json.dumps(json_body)
                all_headers["Content-Type"] = "application/json"
            response = self.raw_request(method, url, what, data=data, headers=all_headers)
            if response.status_code == 401 and attempt == 1:
                token = self._renew_token(token)
                continue
            break
        if response.status_code not in ok:
            raise ApiError(api_message(response), status=response.status_code, method=method, what=what)
        if not response.content:
            return None
        try:
            return response.json()
        except (ValueError, RecursionError):
            raise ApiError("the answer is not JSON: %r" % response.text[:200], status=response.status_code,
                           method=method, what=what)


def _innermost(exc):
    """The innermost cause of a requests/urllib3 error, through the wrappers' ``reason``/``args``."""
    reason = exc
    seen = set()
    while True:
        nxt = getattr(reason, "reason", None) or (reason.args[0] if getattr(reason, "args", None) else None)
        if nxt is None or not isinstance(nxt, BaseException) or id(nxt) in seen:
            return reason
        seen.add(id(nxt))
        reason = nxt


def _is_timeout(error):
    # urllib3's NewConnectionError (connection refused) derives from ConnectTimeoutError: not a timeout.
    return (isinstance(error, (urllib3.exceptions.ReadTimeoutError, urllib3.exceptions.ConnectTimeoutError))
            and not isinstance(error, urllib3.exceptions.NewConnectionError))


def _reason(exc):
    return str(_innermost(exc))


class ApioClient(HttpClient):
    """APIO gateway client: core login and refresh, or a ready/machine token."""

    def __init__(self, url, api_prefix="/api/v1", token=None, username=None, password=None, **kwargs):
        super(ApioClient, self).__init__(url, **kwargs)
        prefix = "/" + (api_prefix or "").strip("/")
        self.prefix_url = self.base_url + (prefix if prefix != "/" else "")
        self.static_token = token
        self.username = username
        self.password = password
        self._refresh_token = None

    def url(self, *segments):
        """A gateway URL: the prefix, then each segment percent-encoded, then the mandatory slash."""
        return "%s/%s/" % (self.prefix_url, "/".join(encode_segment(s) for s in segments))

    def user_url(self, tenant, group, user, *rest, **kwargs):
        """A route below one user; ``operator`` adds the operator's own segment after the prefix."""
        operator = kwargs.get("operator")
        head = (operator,) if operator else ()
        return self.url(*(head + ("tenants", tenant, "groups", group, "users", user) + rest))

    def _authenticate(self, stale_token):
        if self.static_token and stale_token is None:
            return self.static_token
        if self.static_token and not (self.username and self.password):
            raise ApiError("the APIO token was refused (expired, revoked or unknown)", status=401,
                           what="APIO authentication")
        if self._refresh_token and stale_token is not None:
            response = self.raw_request(
                "GET", self.base_url + "/api/v01/auth/access_token", "APIO token refresh",
                headers={"Authorization": "Bearer %s" % self._refresh_token})
            if response.status_code == 200:
                return self._take_tokens(response, "APIO token refresh")
        return self._login()

    def _login(self):
        if not (self.username and self.password):
            raise ApiError("set token, or username and password", what="APIO authentication")
        response = self.raw_request(
            "POST", self.base_url + "/api/v01/auth/login", "APIO login",
            data=json.dumps({"username": self.username, "password": self.password}),
            headers={"Content-Type": "application/json"})
        self.logins += 1
        if response.status_code != 200:
            raise ApiError("%s (as user '%s')" % (api_message(response), self.username),
                           status=response.status_code, method="POST", what="APIO login")
        return self._take_tokens(response, "APIO login")

    def _take_tokens(self, response, what):
        try:
            body = response.json()
            access = body["access_token"]
        except (ValueError, KeyError, TypeError):
            raise ApiError("the answer carries no access_token", status=response.status_code, what=what)
        self._refresh_token = body.get("refresh_token") or self._refresh_token
        return access


class PortalClient(HttpClient):
    """Enterprise Portal client: a ready token, or OAuth2 client credentials / refresh token."""

    def __init__(self, portal_url, portal_token=None, client_id=None, client_secret=None,
                 refresh_token=None, token_url=None, **kwargs):
        super(PortalClient, self).__init__(portal_url, **kwargs)
        self.api_url = self.base_url + "/api/v1.0"
        self.static_token = portal_token
        self.client_id = client_id
        self.client_secret = client_secret
        self._refresh_token = refresh_token
        self.token_url = token_url or (self.base_url + "/connect/token")

    def url(self, *segments):
        """A portal URL: segments percent-encoded, no trailing slash (the portal takes none)."""
        return "%s/%s" % (self.api_url, "/".join(encode_segment(s) for s in segments))

    def user_url(self, customer, user, *rest, **kwargs):
        """A route below one user; ``account`` takes the reseller-scoped route of that account."""
        account = kwargs.get("account")
        head = ("accounts", account) if account else ()
        return self.url(*(head + ("customers", customer, "users", user) + rest))

    def _authenticate(self, stale_token):
        if self.static_token and stale_token is None:
            return self.static_token
        if not (self.client_id and self.client_secret):
            if self.static_token:
                raise ApiError("the portal token was refused (expired, revoked or unknown); give client_id and "
                               "client_secret to renew it automatically", status=401, what="portal authentication")
            raise ApiError("set portal_token, or client_id and client_secret", what="portal authentication")
        if self._refresh_token:
            answer = self._token_request({"grant_type": "refresh_token", "refresh_token": self._refresh_token})
            if answer is not None:
                return answer
        answer = self._token_request({"grant_type": "client_credentials"}, final=True)
        return answer

    def _token_request(self, form, final=False):
        form = dict(form, client_id=self.client_id, client_secret=self.client_secret)
        response = self.raw_request("POST", self.token_url, "portal token request", data=form)
        self.logins += 1
        if response.status_code == 200:
            try:
                body = response.json()
                access = body["access_token"]
            except (ValueError, KeyError, TypeError):
                raise ApiError("the answer carries no access_token", status=200, what="portal token request")
            self._refresh_token = body.get("refresh_token") or self._refresh_token
            return access
        if not final:
            return None  # a refused refresh token falls back to client credentials
        raise ApiError("%s (client_id '%s')" % (api_message(response), self.client_id),
                       status=response.status_code, method="POST", what="portal token request")
