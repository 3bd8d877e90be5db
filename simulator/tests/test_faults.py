"""Fault injection: latency, errors, 429, drops, hangs; never on /_sim/, never changing state."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from conftest import CUST2, FOOUSER_KEYS, PORTAL, Api, buttons, portal_path, primary, sorted_keys

from apio_sim.testing import SEED_ADMIN, SimulatorProcess

RELABEL = {"keys": [{"id": 4, "type": "CALLLOG", "label": "x", "parameter": ""}]}


def test_latency_and_jitter(api, sim):
    api.get(buttons())  # warm the connection
    sim.faults(latency_ms=150)
    t = time.perf_counter()
    assert api.get(buttons()).status_code == 200
    assert 0.14 < time.perf_counter() - t < 1.0
    sim.faults(latency_ms=0, jitter_ms=100)
    spent = []
    for _ in range(5):
        t = time.perf_counter()
        api.get(buttons())
        spent.append(time.perf_counter() - t)
    assert max(spent) < 0.5 and max(spent) - min(spent) > 0.005


def test_latency_does_not_block_other_requests(api, sim):
    sim.faults(latency_ms=400, path_contains="phone_buttons")
    slow = threading.Thread(
        target=lambda: requests.get(
            api.url + buttons(), headers={"Authorization": "Bearer sim-machine-token"}, timeout=5
        )
    )
    slow.start()
    time.sleep(0.05)
    t = time.perf_counter()
    assert api.get(primary()).status_code == 200  # not delayed, not queued behind the slow one
    assert time.perf_counter() - t < 0.3
    slow.join()


def test_admin_routes_never_faulted(sim):
    sim.faults(error_rate=1.0, latency_ms=300)
    t = time.perf_counter()
    for _ in range(3):
        assert requests.get(sim.url + "/_sim/health", timeout=5).status_code == 200
    assert time.perf_counter() - t < 0.6  # 0.9 s at least, had they been delayed


@pytest.mark.parametrize("code", [500, 502, 503])
def test_error_rate_in_each_api_style(api, sim, code):
    sim.faults(error_rate=1.0, error_codes=[code])
    r = api.put(buttons(), json=RELABEL)
    assert r.status_code == code
    assert "message" in r.json()["errors"][0]
    r = api.put(
        portal_path(customer=CUST2, device="dev-desk-1", action="assign"),
        token=PORTAL,
        json={"clientType": "desktop"},
        headers={"accept-charges": "true"},
    )
    assert r.status_code == code and r.json()["error"] == code and r.json()["status"] == "error"
    r = requests.post(api.url + "/api/v01/auth/login", json=SEED_ADMIN, timeout=5)
    assert r.status_code == code and "error" in r.json()
    sim.faults(error_rate=0.0)
    # Nothing of the faulted writes happened; no login was counted.
    assert sorted_keys(api.get(buttons()).json()["keys"]) == FOOUSER_KEYS
    assert sim.portal_user(CUST2, "jdoe")["devices"][0]["clientType"] is None
    assert sim.counters()["logins"] == 0
    assert sim.counters()["by_status"][str(code)] == 3


def test_error_rate_is_a_share(api, sim):
    sim.faults(error_rate=0.5)
    statuses = [api.get(primary()).status_code for _ in range(60)]
    errors = sum(s >= 500 for s in statuses)
    assert 10 < errors < 50
    assert set(statuses) <= {200, 500, 502, 503}


def test_rate_limit_every_nth_with_retry_after(api, sim):
    sim.faults(rate_limit_every=3, retry_after=7)
    statuses = []
    for _ in range(9):
        r = api.put(primary(), json={"primaryLinePort": True})
        statuses.append(r.status_code)
        if r.status_code == 429:
            assert r.headers["Retry-After"] == "7"
            assert r.json() == {"errors": [{"message": "too many requests"}]}
    assert statuses == [200, 200, 429] * 3
    sim.faults(rate_limit_every=4, rate_limit_burst=2)
    assert [api.get(primary()).status_code for _ in range(8)] == [200, 200, 429, 429] * 2


def test_rate_limited_write_changes_nothing(api, sim):
    sim.faults(rate_limit_every=1)
    r = api.put(buttons(), json=RELABEL)
    assert r.status_code == 429
    sim.faults(rate_limit_every=0)
    assert sorted_keys(api.get(buttons()).json()["keys"]) == FOOUSER_KEYS


def test_drop_closes_without_answer(api, sim):
    sim.faults(drop_rate=1.0)
    with pytest.raises(requests.ConnectionError):
        requests.put(
            api.url + buttons(), json=RELABEL, headers={"Authorization": "Bearer sim-machine-token"}, timeout=5
        )
    sim.faults(drop_rate=0.0)
    assert sorted_keys(api.get(buttons()).json()["keys"]) == FOOUSER_KEYS
    dropped = sim.requests(method="PUT")[0]
    assert dropped["dropped"] is True and dropped["status"] is None
    assert sim.counters()["dropped"] == 1


def test_faults_narrowed_to_methods(api, sim):
    sim.faults(error_rate=1.0, methods=["PUT"])
    assert api.get(buttons()).status_code == 200
    assert api.put(buttons(), json=RELABEL).status_code >= 500


def test_hang_until_client_gives_up(api, sim):
    sim.faults(hang=True)
    t = time.perf_counter()
    with pytest.raises(requests.ReadTimeout):
        requests.get(api.url + buttons(), headers={"Authorization": "Bearer sim-machine-token"}, timeout=0.5)
    assert time.perf_counter() - t < 2
    sim.faults(hang=False)
    assert api.get(buttons()).status_code == 200
    time.sleep(0.1)  # the hung request is closed once the client left
    assert sim.requests()[0]["dropped"] is True


def test_expire_tokens_mid_run(api, sim):
    token = api.token()
    assert api.get(buttons(), token=token).status_code == 200
    sim.expire_tokens()
    assert api.get(buttons(), token=token).status_code == 401
    assert api.get(buttons(), token=api.token()).status_code == 200


def run_pattern(url: str) -> list[int]:
    api = Api(url)
    return [api.get(primary()).status_code for _ in range(30)]


def test_cli_flags_and_fault_seed_reproducible():
    args = ["--error-rate", "0.3", "--fault-seed", "42", "--jitter-ms", "1", "--rate-limit-every", "10"]
    with SimulatorProcess().start(extra_args=args) as a:
        first = run_pattern(a.url)
        faults = requests.get(a.url + "/_sim/faults", timeout=5).json()
        assert faults["error_rate"] == 0.3 and faults["rate_limit_every"] == 10 and faults["jitter_ms"] == 1
        assert first[9] == 429 and any(s >= 500 for s in first)
    with SimulatorProcess().start(extra_args=args) as b:
        assert run_pattern(b.url) == first


def test_drop_with_the_h11_server():
    with SimulatorProcess().start(extra_args=["--http", "h11", "--drop-rate", "1"]) as s:
        with pytest.raises(requests.ConnectionError):
            requests.get(s.url + buttons(), timeout=5)
        s.faults(drop_rate=0)
        assert (
            requests.get(
                s.url + buttons(), headers={"Authorization": "Bearer sim-machine-token"}, timeout=5
            ).status_code
            == 200
        )
        assert "Traceback" not in s.output()
