"""Authentication: core login, refresh token first on 401, then login; static tokens; one renewal per expiry."""

import threading

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError

from support.fake_server import reply

LOGIN = ("POST", "/api/v01/auth/login")
REFRESH = ("GET", "/api/v01/auth/access_token")
PATH = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"
GET = ("GET", PATH)
OK = reply(200, {"primaryLinePort": False})
EXPIRED = reply(401, {"error": "token expired"})


def tokens(access, refresh):
    return reply(200, {"access_token": access, "refresh_token": refresh})


def _get(apio):
    return apio.request("GET", apio.user_url("foo", "foogroup", "foouser", "access_device", "primary_line_port"),
                        "primary line port")


# -- APIO --------------------------------------------------------------------------------------------

def test_login_then_bearer_token(server, clients):
    server.script(tokens("acc1", "ref1"), OK, OK)
    apio = clients.apio(server.url, username="admin", password="s3cret")
    _get(apio)
    _get(apio)
    assert server.sent() == [LOGIN, GET, GET]  # one login for the whole task
    login = server.requests[0]
    assert login.json == {"username": "admin", "password": "s3cret"}
    assert login.headers["content-type"] == "application/json"
    assert [r.token for r in server.requests[1:]] == ["acc1", "acc1"]


def test_auth_routes_ignore_the_api_prefix(server, clients):
    server.script(tokens("acc1", "ref1"), OK)
    apio = clients.apio(server.url, username="admin", password="s3cret", api_prefix="/api/v01/p1")
    _get(apio)
    assert server.sent() == [LOGIN, ("GET", PATH.replace("/api/v1/", "/api/v01/p1/"))]


def test_401_renews_with_the_refresh_token_first(server, clients):
    server.script(tokens("acc1", "ref1"), EXPIRED, tokens("acc2", "ref2"), OK)
    apio = clients.apio(server.url, username="admin", password="s3cret")
    assert _get(apio) == {"primaryLinePort": False}
    assert server.sent() == [LOGIN, GET, REFRESH, GET]
    assert server.requests[2].token == "ref1"
    assert server.requests[3].token == "acc2"
    assert apio.logins == 1


def test_the_new_refresh_token_is_used_next_time(server, clients):
    server.script(tokens("acc1", "ref1"), EXPIRED, tokens("acc2", "ref2"), OK,
                  EXPIRED, tokens("acc3", "ref3"), OK)
    apio = clients.apio(server.url, username="admin", password="s3cret")
    _get(apio)
    _get(apio)
    assert server.sent() == [LOGIN, GET, REFRESH, GET, GET, REFRESH, GET]
    assert [r.token for r in server.requests] == [None, "acc1", "ref1", "acc2", "acc2", "ref2", "acc3"]


def test_refused_refresh_token_falls_back_to_login(server, clients):
    server.script(tokens("acc1", "ref1"), EXPIRED, reply(401, {"error": "refresh token expired"}),
                  tokens("acc2", "ref2"), OK)
    apio = clients.apio(server.url, username="admin", password="s3cret")
    assert _get(apio) == {"primaryLinePort": False}
    assert server.sent() == [LOGIN, GET, REFRESH, LOGIN, GET]
    assert server.requests[-1].token == "acc2"
    assert apio.logins == 2


def test_reauthentication_happens_once_per_request(server, clients):
    server.script(tokens("acc1", "ref1"), EXPIRED, tokens("acc2", "ref2"),
                  reply(401, {"error": "token expired"}), OK)
    apio = clients.apio(server.url, username="admin", password="s3cret")
    with pytest.raises(ApiError) as caught:
        _get(apio)
    assert server.sent() == [LOGIN, GET, REFRESH, GET]
    assert str(caught.value) == "GET primary line port failed: HTTP 401: token expired"


def test_bad_credentials(server, clients):
    server.script(reply(401, {"error": "invalid credentials"}))
    apio = clients.apio(server.url, username="admin", password="wrong")
    with pytest.raises(ApiError) as caught:
        _get(apio)
    assert server.sent() == [LOGIN]
    assert caught.value.status == 401
    assert str(caught.value) == "POST APIO login failed: HTTP 401: invalid credentials (as user 'admin')"
    assert "wrong" not in str(caught.value)


def test_login_answer_without_access_token(server, clients):
    server.script(reply(200, {"refresh_token": "ref1"}))
    apio = clients.apio(server.url, username="admin", password="s3cret")
    with pytest.raises(ApiError, match="the answer carries no access_token"):
        _get(apio)


def test_static_token_is_sent_as_is_and_never_logs_in(server, clients):
    server.script(OK)
    apio = clients.apio(server.url, token="machine-token")
    _get(apio)
    assert server.sent() == [GET]
    assert server.requests[0].headers["authorization"] == "Bearer machine-token"


def test_refused_static_token_fails_without_login_or_refresh(server, clients):
    server.script(EXPIRED, OK)
    apio = clients.apio(server.url, token="machine-token")
    with pytest.raises(ApiError) as caught:
        _get(apio)
    assert server.sent() == [GET]
    assert caught.value.status == 401
    assert str(caught.value) == ("APIO authentication failed: HTTP 401: the APIO token was refused "
                                 "(expired, revoked or unknown)")


def test_refused_static_token_with_credentials_logs_in(server, clients):
    server.script(EXPIRED, tokens("acc1", "ref1"), OK)
    apio = clients.apio(server.url, token="old-token", username="admin", password="s3cret")
    assert _get(apio) == {"primaryLinePort": False}
    assert server.sent() == [GET, LOGIN, GET]
    assert [r.token for r in server.requests] == ["old-token", None, "acc1"]


@pytest.mark.parametrize("flow", ["refresh", "static+login"])
def test_many_threads_seeing_one_401_renew_once(server, clients, flow):
    threads = 8
    first_round = threading.Barrier(threads, timeout=5)
    old = "acc1" if flow == "refresh" else "old-token"

    def handler(req):
        if (req.method, req.path) == LOGIN:
            return tokens("acc1" if flow == "refresh" and not apio.logins else "acc2", "ref")
        if (req.method, req.path) == REFRESH:
            return tokens("acc2", "ref2")
        if req.token == old:
            first_round.wait()  # every thread holds the old token when the first 401 goes out
            return EXPIRED
        return OK if req.token == "acc2" else reply(403, {"errors": [{"message": "bad token"}]})

    server.handler = handler
    if flow == "refresh":
        apio = clients.apio(server.url, username="admin", password="s3cret", pool_size=threads)
    else:
        apio = clients.apio(server.url, token="old-token", username="admin", password="s3cret",
                            pool_size=threads)
    apio._current_token()  # log in before the threads start, as a batch's first user would
    errors = []

    def work():
        try:
            assert _get(apio) == {"primaryLinePort": False}
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for unused_worker in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(10)
    assert errors == []
    renewals = [s for s in server.sent() if s in (LOGIN, REFRESH)]
    if flow == "refresh":
        assert renewals == [LOGIN, REFRESH]
    else:
        assert renewals == [LOGIN]
    assert server.sent().count(GET) == 2 * threads


def test_refused_login_is_not_repeated_for_every_user(server, clients):
    server.handler = lambda req: reply(401, {"error": "invalid credentials"})
    apio = clients.apio(server.url, username="admin", password="wrong")
    for _attempt in range(3):
        with pytest.raises(ApiError, match="invalid credentials"):
            _get(apio)
    assert server.sent() == [LOGIN]


# -- Enterprise Portal -------------------------------------------------------------------------------

DEVICES = ("GET", "/api/v1.0/customers/c1/users/u1/devices/pbx")
TOKEN = ("POST", "/connect/token")


def _devices(portal):
    return portal.request("GET", portal.url("customers", "c1", "users", "u1", "devices", "pbx"), "devices")


def portal_tokens(access, refresh=None):
    body = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
    if refresh:
        body["refresh_token"] = refresh
    return reply(200, body)


def test_portal_client_credentials(server, clients):
    server.script(portal_tokens("p1", "r1"), reply(200, {"data": []}))
    portal = clients.portal(server.url, client_id="cid", client_secret="csecret")
    _devices(portal)
    assert server.sent() == [TOKEN, DEVICES]
    assert server.requests[0].form == {"grant_type": "client_credentials", "client_id": "cid",
                                       "client_secret": "csecret"}
    assert server.requests[0].headers["content-type"] == "application/x-www-form-urlencoded"
    assert server.requests[1].token == "p1"


def test_portal_custom_token_url(server, clients):
    server.script(portal_tokens("p1"), reply(200, {"data": []}))
    portal = clients.portal(server.url, client_id="cid", client_secret="csecret",
                            token_url=server.url + "/oauth2/token")
    _devices(portal)
    assert server.sent() == [("POST", "/oauth2/token"), DEVICES]


def test_portal_401_uses_refresh_grant_then_client_credentials(server, clients):
    server.script(portal_tokens("p1", "r1"), reply(401), reply(400, {"error": "invalid_grant"}),
                  portal_tokens("p2", "r2"), reply(200, {"data": []}))
    portal = clients.portal(server.url, client_id="cid", client_secret="csecret")
    assert _devices(portal) == {"data": []}
    assert server.sent() == [TOKEN, DEVICES, TOKEN, TOKEN, DEVICES]
    assert server.requests[2].form == {"grant_type": "refresh_token", "refresh_token": "r1",
                                       "client_id": "cid", "client_secret": "csecret"}
    assert server.requests[3].form["grant_type"] == "client_credentials"
    assert server.requests[4].token == "p2"


def test_portal_given_refresh_token_is_used_first(server, clients):
    server.script(portal_tokens("p1", "r2"), reply(200, {"data": []}))
    portal = clients.portal(server.url, client_id="cid", client_secret="csecret", refresh_token="r1")
    _devices(portal)
    assert server.requests[0].form["grant_type"] == "refresh_token"
    assert server.requests[0].form["refresh_token"] == "r1"
    assert server.sent() == [TOKEN, DEVICES]


def test_portal_static_token_refused(server, clients):
    server.script(reply(401), reply(200, {"data": []}))
    portal = clients.portal(server.url, portal_token="ptok")
    with pytest.raises(ApiError) as caught:
        _devices(portal)
    assert server.sent() == [DEVICES]
    assert server.requests[0].token == "ptok"
    assert str(caught.value) == (
        "portal authentication failed: HTTP 401: the portal token was refused (expired, revoked or unknown); "
        "give client_id and client_secret to renew it automatically")


def test_portal_bad_client_credentials(server, clients):
    server.script(reply(400, {"error": "invalid_client"}))
    portal = clients.portal(server.url, client_id="cid", client_secret="wrong")
    with pytest.raises(ApiError) as caught:
        _devices(portal)
    assert str(caught.value) == "POST portal token request failed: HTTP 400: invalid_client (client_id 'cid')"
    assert "wrong" not in str(caught.value)
