# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # APIO gateway connection and authentication (telephony.apio.connection).
    DOCUMENTATION = r"""
options:
  url:
    description:
      - Root URL of APIO, for example V(https://apio.example.net). The core authentication routes live
        at C(/api/v01/auth/...) below it; the gateway routes below O(api_prefix).
      - If not set, the value of the E(APIO_URL) environment variable is used.
    type: str
    required: true
  api_prefix:
    description:
      - Path of the gateway routes below O(url). V(/api/v1) for a gateway reached directly; V(/api/v01/p1)
        (the proxy name varies per installation) for a gateway proxied through APIO core.
      - If not set, the value of the E(APIO_API_PREFIX) environment variable is used.
    type: str
    default: /api/v1
  token:
    description:
      - A ready Bearer token, or a machine-to-machine token that never expires. Used instead of
        O(username)/O(password) when both are given; if it is refused and a username and password are
        set, the collection logs in instead.
      - If not set, the value of the E(APIO_TOKEN) environment variable is used.
      - One of O(token) and O(username) is required.
    type: str
  username:
    description:
      - Account for the APIO core login (C(POST /api/v01/auth/login)). The collection logs in once per task
        (once per inventory source for the inventory plugin), refreshes the access token when it expires,
        and logs in again when the refresh token is refused.
      - The account needs at least Group Admin level on the users it manages (or lists).
      - If not set, the value of the E(APIO_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username). Never shown in output, diffs or logs.
      - If not set, the value of the E(APIO_PASSWORD) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only for a test system.
      - If not set, the value of the E(APIO_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust instead of the system's.
      - If not set, the value of the E(APIO_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer. A task that gets no answer fails after at most
        O(timeout) x (O(retries) + 1) seconds plus the backoff.
      - If not set, the value of the E(APIO_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried on a connection error, a timeout, or an answer 429, 500, 502,
        503 or 504, with an exponential, jittered backoff (0.5 s doubling, at most 30 s) that honours
        C(Retry-After). Every write is an idempotent PUT, so a retried write is safe.
      - If not set, the value of the E(APIO_RETRIES) environment variable is used.
    type: int
    default: 3
"""

    # Enterprise Portal connection and authentication (telephony.apio.connection.portal).
    PORTAL = r"""
options:
  portal_url:
    description:
      - Root URL of the Enterprise Portal, for example V(https://portal.example.net); the API lives at
        C(/api/v1.0) below it.
      - If not set, the value of the E(APIO_PORTAL_URL) environment variable is used.
    type: str
    required: true
  portal_token:
    description:
      - A ready OAuth2 access token. When it expires and O(client_id)/O(client_secret) are set, the module
        gets a new one.
      - If not set, the value of the E(APIO_PORTAL_TOKEN) environment variable is used.
      - One of O(portal_token) and O(client_id) is required.
    type: str
  client_id:
    description:
      - OAuth2 client for the C(client_credentials) grant at O(token_url).
      - If not set, the value of the E(APIO_PORTAL_CLIENT_ID) environment variable is used.
    type: str
  client_secret:
    description:
      - Secret of O(client_id). Never shown in output, diffs or logs.
      - If not set, the value of the E(APIO_PORTAL_CLIENT_SECRET) environment variable is used.
    type: str
  refresh_token:
    description:
      - An OAuth2 refresh token, tried (C(refresh_token) grant) before the client credentials when a new
        access token is needed.
      - If not set, the value of the E(APIO_PORTAL_REFRESH_TOKEN) environment variable is used.
    type: str
  token_url:
    description:
      - The OAuth2 token endpoint. Defaults to O(portal_url) followed by C(/connect/token).
      - If not set, the value of the E(APIO_PORTAL_TOKEN_URL) environment variable is used.
    type: str
  validate_certs:
    description:
      - Verify the server's TLS certificate. Turn off only for a test system.
      - If not set, the value of the E(APIO_PORTAL_VALIDATE_CERTS) environment variable is used.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to trust instead of the system's.
      - If not set, the value of the E(APIO_PORTAL_CA_PATH) environment variable is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each answer.
      - If not set, the value of the E(APIO_PORTAL_TIMEOUT) environment variable is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request is retried on a connection error, a timeout, or an answer 429, 500, 502,
        503 or 504, with an exponential, jittered backoff that honours C(Retry-After).
      - If not set, the value of the E(APIO_PORTAL_RETRIES) environment variable is used.
    type: int
    default: 3
"""
