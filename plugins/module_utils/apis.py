# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The two APIs a resource talks to, one ``Api`` object each: ``APIO`` (the gateway in front of Cisco
BroadWorks) and ``PORTAL`` (the Enterprise Portal of the UC clients).

An ``Api`` holds all that differs between the two: its connection options (documented in the doc
fragments telephony.apio.connection and telephony.apio.connection.portal), the rules between its
authentication options, the option that holds its URL, the options that name one of its users (doc
fragments telephony.apio.target and telephony.apio.target.portal) and how messages name that user, the
route below one user, and how to build its client from validated parameters.

``connect(api, params, warn)`` is the one way from connection options to a client: the API's own
checks (its required options, the rules between its authentication options, its URL, timeout and
retries), its own environment variables for an option not given (the TLS ones included:
``APIO_PORTAL_VALIDATE_CERTS`` for the portal, ``APIO_VALIDATE_CERTS`` for APIO), and its warnings.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.telephony.apio.plugins.module_utils.client import ApioClient, PortalClient

INSECURE_WARNING = "TLS certificate verification is off (validate_certs=false): use this only for a test system"


def _env(name):
    return (env_fallback, [name])


def _tls_and_retry_options(prefix):
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=_env(prefix + "VALIDATE_CERTS")),
        ca_path=dict(type="path", fallback=_env(prefix + "CA_PATH")),
        timeout=dict(type="float", default=30, fallback=_env(prefix + "TIMEOUT")),
        retries=dict(type="int", default=3, fallback=_env(prefix + "RETRIES")),
    )


def _env_name(option):
    """The environment variable an option falls back on (``fallback=(env_fallback, [NAME])``)."""
    fallback = option.get("fallback") or (None, [])
    return "environment %s" % fallback[1][0] if fallback[1] else "no environment variable"


class ConnectionProblem(Exception):
    """Connection options that make no client (a required one missing, a bad URL), in words."""


def connect(api, params, warn):
    """The client of ``api`` from its connection options in ``params``.

    An option of the API that ``params`` lacks or gives as None takes its environment variable, else
    its default, as a module's would; ``params`` may hold other options (only ``parallel`` is used: one
    connection per request in flight). The API's own rules apply (``rules``, ``problems``): a failure
    raises ``ConnectionProblem`` with the first one in words. Its warnings (TLS verification off) go
    through ``warn(text)``.
    """
    given = dict((name, params[name]) for name in api.own_options if params.get(name) is not None)
    given.update((name, params[name]) for name in _tls_and_retry_options("") if params.get(name) is not None)
    result = ArgumentSpecValidator(api.options, **api.rules).validate(given)
    if result.error_messages:
        raise ConnectionProblem("%s (%s)" % (result.error_messages[0], api.where_to_set()))
    settings = result.validated_parameters
    problems = api.problems(settings)
    if problems:
        raise ConnectionProblem("; ".join(problems))
    if not settings["validate_certs"]:
        warn(api.insecure_warning)
    settings["parallel"] = params.get("parallel")
    return api.client(settings)


class Api:
    """One API: what a ``Resource`` names as its ``api``. Subclasses fill in the class attributes and
    the two methods at the end; ``APIO`` and ``PORTAL`` are their one object each.
    """

    client_class = None
    url_option = None  # the option that holds the API's URL
    own_options = {}  # the API's connection options, URL option first; the TLS and retry ones follow
    env_prefix = None  # of the environment variables that the TLS and retry options fall back on
    rules = {}  # required_together and required_one_of, between the authentication options
    identity_options = {}  # the options that name one user of the API
    identity = ()  # the identity options in the order that results list them
    credentials = ()  # the ways to log in: groups of own options given together
    insecure_warning = INSECURE_WARNING  # what ``connect`` warns of when validate_certs is off

    @property
    def options(self):
        """The connection options' argument spec: a new dict, the caller may add to it."""
        spec = copy.deepcopy(self.own_options)
        spec.update(_tls_and_retry_options(self.env_prefix))
        return spec

    def problems(self, params):
        """What is wrong with validated connection options beyond their types, in words."""
        found = []
        url = params[self.url_option]
        if not str(url).startswith(("http://", "https://")):
            found.append("%s must be an http:// or https:// URL, got '%s'" % (self.url_option, url))
        if params["retries"] < 0 or params["timeout"] <= 0:
            found.append("retries must be 0 or more and timeout more than 0")
        return found

    def client(self, params):
        """The client of this API from validated parameters, one connection per ``parallel``.

        The connection options other than the URL are passed by name: the client's keyword arguments
        bear the options' names.
        """
        own = dict((name, params[name]) for name in self.own_options if name != self.url_option)
        return self.client_class(params[self.url_option], validate_certs=params["validate_certs"],
                                 ca_path=params["ca_path"], timeout=params["timeout"], retries=params["retries"],
                                 pool_size=params.get("parallel") or 1, **own)

    def login_failure(self, exc):
        """The one message of a task whose credentials the API refused: the API's answer, and which
        options (and their environment variables) to fix."""
        ways = []
        for group in self.credentials:
            ways.append(" and ".join("%s (%s)" % (name, _env_name(self.own_options[name])) for name in group))
        return "%s: nothing was read or written; check %s" % (exc, ", or ".join(ways))

    def where_to_set(self):
        """Where the connection options come from, in words: the URL's and the credentials' variables."""
        ways = ", or ".join(" with ".join(self.own_options[name]["fallback"][1][0] for name in group)
                            for group in self.credentials)
        return "or in the environment: %s; %s" % (self.own_options[self.url_option]["fallback"][1][0], ways)

    def label(self, params):
        """How messages name the user that ``params`` names."""
        raise NotImplementedError

    def user_url(self, client, params, *rest):
        """The URL of ``rest`` below the user that ``params`` names."""
        raise NotImplementedError


class _Apio(Api):
    client_class = ApioClient
    url_option = "url"
    own_options = dict(
        url=dict(type="str", required=True, fallback=_env("APIO_URL")),
        api_prefix=dict(type="str", default="/api/v1", fallback=_env("APIO_API_PREFIX")),
        token=dict(type="str", no_log=True, fallback=_env("APIO_TOKEN")),
        username=dict(type="str", fallback=_env("APIO_USERNAME")),
        password=dict(type="str", no_log=True, fallback=_env("APIO_PASSWORD")),
    )
    env_prefix = "APIO_"
    rules = dict(required_together=[("username", "password")], required_one_of=[("token", "username")])
    credentials = (("username", "password"), ("token",))  # the ways to log in, for login_failure
    identity_options = dict(
        tenant=dict(type="str", required=True),
        group=dict(type="str", required=True),
        user=dict(type="str", required=True),
    )
    identity = ("tenant", "group", "user")

    def label(self, params):
        """E.g. "user alice@sip.example.com (foo/foogroup)": a user id is often a SIP URI, so the tenant and
        group go in brackets (the ones given: an item that lacks one is still named)."""
        place = "/".join(str(params[k]) for k in ("tenant", "group") if params.get(k) not in (None, ""))
        return "user %s (%s)" % (params["user"], place) if place else "user %s" % params["user"]

    def user_url(self, client, params, *rest):
        return client.user_url(params["tenant"], params["group"], params["user"], *rest,
                               operator=params.get("operator"))


class _Portal(Api):
    client_class = PortalClient
    url_option = "portal_url"
    own_options = dict(
        portal_url=dict(type="str", required=True, fallback=_env("APIO_PORTAL_URL")),
        portal_token=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_TOKEN")),
        client_id=dict(type="str", fallback=_env("APIO_PORTAL_CLIENT_ID")),
        client_secret=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_CLIENT_SECRET")),
        refresh_token=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_REFRESH_TOKEN")),
        token_url=dict(type="str", no_log=False, fallback=_env("APIO_PORTAL_TOKEN_URL")),  # a URL, not a secret
    )
    env_prefix = "APIO_PORTAL_"
    rules = dict(required_together=[("client_id", "client_secret")], required_one_of=[("portal_token", "client_id")])
    credentials = (("client_id", "client_secret"), ("portal_token",))
    insecure_warning = "Enterprise Portal: " + INSECURE_WARNING
    identity_options = dict(
        customer=dict(type="str", required=True),
        user=dict(type="str", required=True),
        account=dict(type="str"),
    )
    identity = ("account", "customer", "user")

    def label(self, params):
        """E.g. "user jdoe (customer 1111...)"."""
        return "user %s (customer %s)" % (params["user"], params["customer"])

    def user_url(self, client, params, *rest):
        return client.user_url(params["customer"], params["user"], *rest, account=params.get("account"))


APIO = _Apio()
PORTAL = _Portal()
