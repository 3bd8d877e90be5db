"""Retries: 429 (with Retry-After), 500, 502, 503, 504 and connection errors, bounded by ``retries``."""

import time

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from apio_sim.testing import free_port

from support.fake_server import DROP, reply

OK = reply(200, {"primaryLinePort": True})
PATH = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"


def _url(apio):
    return apio.user_url("foo", "foogroup", "foouser", "access_device", "primary_line_port")


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_passing_fault_is_retried_then_succeeds(server, clients, status):
    server.script(reply(status, {"errors": [{"message": "busy"}]}), OK)
    apio = clients.apio(server.url, token="tok", retries=2)
    assert apio.request("GET", _url(apio), "primary line port") == {"primaryLinePort": True}
    assert server.sent() == [("GET", PATH), ("GET", PATH)]


def test_put_is_retried_with_the_same_body_and_headers(server, clients):
    server.script(reply(503, "maintenance"), OK)
    apio = clients.apio(server.url, token="tok", retries=1)
    apio.request("PUT", _url(apio), "primary line port", json_body={"primaryLinePort": True})
    assert server.sent() == [("PUT", PATH), ("PUT", PATH)]
    for sent in server.requests:
        assert sent.json == {"primaryLinePort": True}
        assert sent.headers["content-type"] == "application/json"
        assert sent.headers["authorization"] == "Bearer tok"


@pytest.mark.parametrize("retries", [0, 1, 3])
def test_retries_are_bounded_and_the_last_answer_is_reported(server, clients, retries):
    server.handler = lambda req: reply(503, {"errors": [{"message": "gateway overloaded"}]})
    apio = clients.apio(server.url, token="tok", retries=retries)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert len(server.requests) == retries + 1
    assert caught.value.status == 503
    assert str(caught.value) == "GET primary line port failed: HTTP 503: gateway overloaded"


@pytest.mark.parametrize("status", [400, 403, 404, 409, 422])
def test_client_errors_are_not_retried(server, clients, status):
    server.script(reply(status, {"errors": [{"message": "no"}]}), OK)
    apio = clients.apio(server.url, token="tok", retries=3)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert caught.value.status == status
    assert len(server.requests) == 1


def test_retry_after_is_honoured(server, clients):
    # Backoff is patched to zero (conftest), so only Retry-After can separate the two requests.
    server.script(reply(429, {"errors": [{"message": "slow down"}]}, {"Retry-After": "1"}), OK)
    apio = clients.apio(server.url, token="tok", retries=2)
    assert apio.request("GET", _url(apio), "primary line port") == {"primaryLinePort": True}
    first, second = server.requests
    assert second.time - first.time >= 0.9


def test_without_retry_after_the_retry_is_immediate_when_backoff_is_zero(server, clients):
    # The counterpart of the test above: proves that its 1 s gap comes from Retry-After.
    server.script(reply(429, {"errors": [{"message": "slow down"}]}), OK)
    apio = clients.apio(server.url, token="tok", retries=2)
    apio.request("GET", _url(apio), "primary line port")
    first, second = server.requests
    assert second.time - first.time < 0.8


def test_429_after_all_retries_fails_with_the_api_message(server, clients):
    server.handler = lambda req: reply(429, {"errors": [{"message": "rate limit exceeded"}]})
    apio = clients.apio(server.url, token="tok", retries=1)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert (caught.value.status, caught.value.message) == (429, "rate limit exceeded")
    assert len(server.requests) == 2


def test_dropped_connection_is_retried(server, clients):
    server.script(DROP, DROP, OK)
    apio = clients.apio(server.url, token="tok", retries=2)
    assert apio.request("GET", _url(apio), "primary line port") == {"primaryLinePort": True}
    assert len(server.requests) == 3


def test_dropped_connections_beyond_retries_fail_without_a_traceback(server, clients):
    server.handler = lambda req: DROP
    apio = clients.apio(server.url, token="tok", retries=2)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert len(server.requests) == 3
    assert caught.value.status is None
    assert str(caught.value).startswith(f"GET primary line port failed: cannot reach {server.url}: ")


def test_connection_refused(clients):
    port = free_port()  # nothing listens there
    apio = clients.apio(f"http://127.0.0.1:{port}", token="tok", retries=2)
    started = time.monotonic()
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert time.monotonic() - started < 5
    assert caught.value.status is None
    message = str(caught.value)
    assert message.startswith(f"GET primary line port failed: cannot reach http://127.0.0.1:{port}: ")
    assert "refused" in message.lower()


def test_read_timeout_says_timeout(server, clients):
    def slow(req):
        time.sleep(0.4)
        return OK

    server.handler = slow
    apio = clients.apio(server.url, token="tok", retries=0, timeout=0.1)
    with pytest.raises(ApiError) as caught:
        apio.request("GET", _url(apio), "primary line port")
    assert str(caught.value) == ("GET primary line port failed: no answer within the timeout of 0.1 s "
                                 "(1 attempt)")
