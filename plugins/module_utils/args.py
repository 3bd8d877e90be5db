# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared option groups (documented in the doc fragments of the same names) and the client factories."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import env_fallback

from ansible_collections.telephony.apio.plugins.module_utils.client import ApioClient, PortalClient
from ansible_collections.telephony.apio.plugins.module_utils.results import DEFAULT_RESULT_LIMIT

DEFAULT_PARALLEL = 8
MAX_PARALLEL = 64


def _env(name):
    return (env_fallback, [name])


def _tls_and_retry_options(prefix):
    return dict(
        validate_certs=dict(type="bool", default=True, fallback=_env(prefix + "VALIDATE_CERTS")),
        ca_path=dict(type="path", fallback=_env(prefix + "CA_PATH")),
        timeout=dict(type="float", default=30, fallback=_env(prefix + "TIMEOUT")),
        retries=dict(type="int", default=3, fallback=_env(prefix + "RETRIES")),
    )


def apio_argument_spec():
    spec = dict(
        url=dict(type="str", required=True, fallback=_env("APIO_URL")),
        api_prefix=dict(type="str", default="/api/v1", fallback=_env("APIO_API_PREFIX")),
        token=dict(type="str", no_log=True, fallback=_env("APIO_TOKEN")),
        username=dict(type="str", fallback=_env("APIO_USERNAME")),
        password=dict(type="str", no_log=True, fallback=_env("APIO_PASSWORD")),
    )
    spec.update(_tls_and_retry_options("APIO_"))
    return spec


def portal_argument_spec():
    spec = dict(
        portal_url=dict(type="str", required=True, fallback=_env("APIO_PORTAL_URL")),
        portal_token=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_TOKEN")),
        client_id=dict(type="str", fallback=_env("APIO_PORTAL_CLIENT_ID")),
        client_secret=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_CLIENT_SECRET")),
        refresh_token=dict(type="str", no_log=True, fallback=_env("APIO_PORTAL_REFRESH_TOKEN")),
        token_url=dict(type="str", no_log=False, fallback=_env("APIO_PORTAL_TOKEN_URL")),  # a URL, not a secret
    )
    spec.update(_tls_and_retry_options("APIO_PORTAL_"))
    return spec


def batch_argument_spec(info=False):
    spec = dict(
        batch=dict(type="list", elements="dict"),
        parallel=dict(type="int", default=DEFAULT_PARALLEL),
        report=dict(type="path"),
        result_limit=dict(type="int", default=DEFAULT_RESULT_LIMIT),
        return_unchanged=dict(type="bool", default=False),
    )
    if not info:
        spec["on_invalid"] = dict(type="str", default="abort", choices=["abort", "skip"])
    return spec


AUTH_RULES = {
    "apio": dict(required_together=[("username", "password")],
                 required_one_of=[("token", "username")]),
    "portal": dict(required_together=[("client_id", "client_secret")],
                   required_one_of=[("portal_token", "client_id")]),
}


def make_client(api, params):
    """The client for ``api`` ('apio' or 'portal') from validated module parameters."""
    common = dict(validate_certs=params["validate_certs"], ca_path=params["ca_path"],
                  timeout=params["timeout"], retries=params["retries"],
                  pool_size=params.get("parallel") or 1)
    if api == "apio":
        return ApioClient(params["url"], api_prefix=params["api_prefix"], token=params["token"],
                          username=params["username"], password=params["password"], **common)
    return PortalClient(params["portal_url"], portal_token=params["portal_token"],
                        client_id=params["client_id"], client_secret=params["client_secret"],
                        refresh_token=params["refresh_token"], token_url=params["token_url"], **common)
