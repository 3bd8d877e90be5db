"""Error mapping: the API's own message, in the order of docs/api.md, 4.2, whatever the body looks like."""

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError

from support.fake_server import reply

CASES = [
    pytest.param(400, {"errors": [{"message": "2: INVALID_PARAMETERS, This Phone Type does not supports "
                                              "primary line port setting"}]},
                 "2: INVALID_PARAMETERS, This Phone Type does not supports primary line port setting",
                 id="apio-errors-message"),
    pytest.param(404, {"errors": [{"message": "user not found", "details": {"reason": "other"}}]},
                 "user not found", id="message-wins-over-reason"),
    pytest.param(400, {"errors": [{"message": "", "details": {"reason": "key 25 is not managed"}}]},
                 "key 25 is not managed", id="empty-message-then-details-reason"),
    pytest.param(400, {"errors": [{"details": {"reason": "bad key"}}]}, "bad key", id="details-reason"),
    pytest.param(400, {"errors": [{"message": "first"}, {"message": "second"}]}, "first", id="first-error"),
    pytest.param(403, {"error": "insufficient level"}, "insufficient level", id="core-error"),
    pytest.param(400, {"errors": [], "error": "core says no"}, "core says no", id="empty-errors-then-core"),
    pytest.param(404, {"error": 404, "message": "Not Found", "status": "error",
                       "timestamp": "2024-01-01T00:00:00Z"}, "Not Found", id="portal-message"),
    pytest.param(400, {"error": 400, "message": "The value 'x' is not valid.", "status": "error"},
                 "The value 'x' is not valid.", id="portal-invalid-customer"),
    pytest.param(403, "forbidden by policy\n", "forbidden by policy", id="raw-text"),
    pytest.param(404, "<html><body>Not here</body></html>", "<html><body>Not here</body></html>", id="html"),
    pytest.param(400, ["not", "a", "dict"], '["not", "a", "dict"]', id="json-list"),
    pytest.param(409, {"unrelated": True}, '{"unrelated": true}', id="json-without-known-fields"),
    pytest.param(403, None, "Forbidden", id="empty-body-then-reason-phrase"),
]


@pytest.mark.parametrize("status, body, message", CASES)
def test_api_message(server, clients, status, body, message):
    server.script(reply(status, body))
    apio = clients.apio(server.url, token="tok")
    with pytest.raises(ApiError) as caught:
        apio.request("GET", apio.url("tenants"), "tenant list")
    assert caught.value.status == status
    assert caught.value.message == message
    assert str(caught.value) == f"GET tenant list failed: HTTP {status}: {message}"


def test_long_raw_text_is_cut(server, clients):
    server.script(reply(502, "x" * 2000))
    apio = clients.apio(server.url, token="tok", retries=0)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", apio.url("tenants"), "tenant list")
    assert caught.value.message == "x" * 500


def test_success_that_is_not_json(server, clients):
    server.script(reply(200, "<html>login page</html>"))
    apio = clients.apio(server.url, token="tok")
    with pytest.raises(ApiError) as caught:
        apio.request("GET", apio.url("tenants"), "tenant list")
    assert str(caught.value) == "GET tenant list failed: HTTP 200: the answer is not JSON: '<html>login page</html>'"


def test_empty_success_is_none(server, clients):
    server.script(reply(201))
    portal = clients.portal(server.url, portal_token="p")
    assert portal.request("PUT", portal.url("x"), "assign", json_body={"clientType": "desktop"},
                          ok=(200, 201)) is None


def test_status_outside_ok_fails_even_when_2xx(server, clients):
    server.script(reply(201, {"status": "success"}))
    apio = clients.apio(server.url, token="tok")
    with pytest.raises(ApiError) as caught:
        apio.request("GET", apio.url("tenants"), "tenant list")
    assert caught.value.status == 201


def test_api_error_without_method():
    assert str(ApiError("no", what="APIO login")) == "APIO login failed: no"
    assert str(ApiError("no", status=500)) == "request failed: HTTP 500: no"
