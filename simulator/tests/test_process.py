"""The process as a whole: TLS, the CLI, seeds, synthetic users, logging."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from conftest import CUST3, MACHINE, PORTAL, Api, buttons, portal_path, sorted_keys

from apio_sim.testing import SimulatorError, SimulatorProcess
from apio_sim.tls import make_test_certs


def test_tls(tmp_path):
    certs = make_test_certs(tmp_path)
    with SimulatorProcess().start(tls_cert=certs.cert, tls_key=certs.key) as s:
        assert s.url.startswith("https://127.0.0.1:")
        r = requests.get(s.url + buttons(), headers={"Authorization": f"Bearer {MACHINE}"}, verify=str(certs.ca_cert))
        assert r.status_code == 200
        localhost = s.url.replace("127.0.0.1", "localhost")
        assert requests.get(localhost + "/_sim/health", verify=str(certs.ca_cert), timeout=5).status_code == 200
        with pytest.raises(requests.exceptions.SSLError):
            requests.get(s.url + "/_sim/health", timeout=5)  # not trusted without the CA
        assert s.requests()[0]["status"] == 200  # the admin helpers speak HTTPS too


def test_synthetic_users_load_fast():
    t = time.perf_counter()
    with SimulatorProcess().start(users=100_000) as s:
        assert time.perf_counter() - t < 5
        api = Api(s.url)
        users = api.get("/api/v1/tenants/bench/groups/benchgroup/users/").json()["users"]
        assert len(users) == 100_000
        assert users[0]["userId"] == "user000000@bench.example"
        assert users[-1]["userId"] == "user099999@bench.example"
        types = [api.get(buttons(f"user{i:06d}@bench.example", "bench", "benchgroup")).json() for i in range(3)]
        assert [t["deviceType"] for t in types] == ["Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300"]
        assert [len(t["keys"]) for t in types] == [0, 2, 0]
        last = buttons("user099999@bench.example", "bench", "benchgroup")
        assert api.get(last).status_code == 200
        assert api.get(buttons("user100000@bench.example", "bench", "benchgroup")).status_code == 404
        assert api.get(buttons("user00001@bench.example", "bench", "benchgroup")).status_code == 404
        # A write sticks; the seed users are still there.
        keys = [{"id": 3, "type": "REDIAL", "label": "redial", "parameter": ""}]
        assert api.put(last, json={"keys": keys}).status_code == 200
        assert api.get(last).json()["keys"] == [{"id": 3, "type": "REDIAL", "label": "redial"}]
        assert api.get(buttons()).status_code == 200
        # Portal side: customer 3333 with one unassigned device per user.
        r = api.get(portal_path("user000042@bench.example", CUST3, action="list"), token=PORTAL)
        assert r.json()["data"] == [{"id": "dev-000042", "name": "Bench softphone 42", "clientType": None}]
        path = portal_path("user000042@bench.example", CUST3, "dev-000042", "assign")
        assert api.put(path, token=PORTAL, json={"clientType": "desktop"}).status_code == 201
        assert s.portal_user(CUST3, "user000042@bench.example")["devices"][0]["clientType"] == "desktop"
        assert (
            api.get(portal_path("user000042@bench.example", CUST3, account="reseller1"), token=PORTAL).status_code
            == 200
        )
        # reset(state=True) brings the synthetic users back as they were.
        s.reset(state=True)
        assert sorted_keys(api.get(last).json()["keys"]) == [
            {"id": 1, "type": "DIRECT_CALL", "label": "reception", "parameter": "1000"},
            {"id": 2, "type": "CALLLOG", "label": "history", "parameter": ""},
        ]


def test_custom_seed_and_bad_seed(tmp_path):
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "apio:\n"
        "  accounts: [{username: solo, password: solo-pass, level: 16}]\n"
        "  phone_types: [{technical_name: P, capabilities: {fastkeys: {available_types: [{name: REDIAL}]}}}]\n"
        "  tenants: [{tenantId: t, groups: [{groupId: g, users: [{userId: u, device: {deviceType: P}}]}]}]\n"
    )
    with SimulatorProcess().start(seed=seed) as s:
        api = Api(s.url)
        token = api.token("solo")
        r = api.put(
            buttons("u", "t", "g"),
            token=token,
            json={"keys": [{"id": 24, "type": "REDIAL", "label": "", "parameter": ""}]},
        )
        assert r.status_code == 200
        assert api.get(buttons(), token=token).status_code == 404
    bad = tmp_path / "bad.yaml"
    bad.write_text("apio: {tenants: [{groups: []}]}\n")
    with pytest.raises(SimulatorError, match="missing 'tenantId'"):
        SimulatorProcess().start(seed=bad)


def test_debug_logs_one_line_per_request():
    with SimulatorProcess().start(extra_args=["--log-level", "debug"]) as s:
        requests.get(s.url + buttons(), headers={"Authorization": f"Bearer {MACHINE}"}, timeout=5)
        requests.get(s.url + "/api/v1/tenants/", timeout=5)
        time.sleep(0.2)
        lines = [line for line in s.output().splitlines() if "apio_sim:" in line]
    assert len(lines) == 2
    assert "GET /api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/ 200" in lines[0]
    assert "GET /api/v1/tenants/ 401" in lines[1]


def test_quiet_below_debug(simulator):
    requests.get(simulator.url + "/api/v1/tenants/", timeout=5)
    assert "/api/v1/tenants/" not in simulator.output()


def test_cli_rejects_bad_options():
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run(
        [sys.executable, "-m", "apio_sim", "--tls-cert", "x"], capture_output=True, text=True, timeout=20, env=env
    )
    assert r.returncode == 2 and "--tls-key" in r.stderr
    r = subprocess.run(
        [sys.executable, "-m", "apio_sim", "--seed", "/nonexistent.yaml"],
        capture_output=True,
        text=True,
        timeout=20,
        env=env,
    )
    assert r.returncode == 1 and "cannot start" in r.stderr
