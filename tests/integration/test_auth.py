"""Authentication, re-authentication and connection errors as a user sees them."""

from apio_sim.testing import SimulatorProcess
from conftest import CUSTOMER, make_runner
from tools.simlog import writes

FOOUSER = {"tenant": "foo", "group": "foogroup", "user": "foouser"}


def info(**extra):
    return {"name": "info", "telephony.apio.apio_primary_line_info": dict(FOOUSER, **extra)}


LOGIN_FAILED = ("POST APIO login failed: HTTP 401: invalid credentials (as user 'admin'): nothing was read or "
                "written; check username (environment APIO_USERNAME) and password (environment APIO_PASSWORD), "
                "or token (environment APIO_TOKEN)")


def test_bad_password_shows_the_api_message(run_tasks, sim):
    run = run_tasks([info()], apio={"username": "admin", "password": "wrong"})
    assert run.rc != 0
    assert run.result()["msg"] == LOGIN_FAILED


def test_bad_password_is_one_error_for_a_batch(run_tasks, sim):
    """Seven users, one login refused: one message that says what to fix, not seven; one login tried."""
    users = [{"user": "foouser"}] + [{"user": "user%d" % n} for n in range(6)]
    task = {"name": "batch", "telephony.apio.apio_primary_line": {
        "tenant": "foo", "group": "foogroup", "primary": True, "batch": users}}
    run = run_tasks([task], apio={"username": "admin", "password": "wrong"})
    assert run.rc != 0
    assert run.result("batch")["msg"] == LOGIN_FAILED
    sent = sim.requests()
    assert [r["path"] for r in sent if r["method"] == "POST"] == ["/api/v01/auth/login"]
    assert writes(sent) == []


def test_missing_credentials_are_refused_before_any_request(run_tasks, sim):
    run = run_tasks([info()], apio={})
    assert run.rc != 0
    assert run.result()["msg"] == "user foouser (foo/foogroup): one of the following is required: token, username"
    assert sim.requests() == []


def test_environment_variables_are_the_fallback(run_tasks, sim):
    play = [{"name": "info", "telephony.apio.apio_primary_line_info": FOOUSER}]
    run = run_tasks(play, apio={"url": None}, env=sim.environment())  # APIO_URL, APIO_USERNAME, APIO_PASSWORD
    assert run.rc == 0, run.output


def test_portal_client_credentials_then_token_reuse(run_tasks, sim):
    task = {"name": "info", "telephony.apio.apio_softphone_info": {
        "customer": CUSTOMER, "batch": [{"user": "jdoe"}, {"user": "noroles"}]}}
    run = run_tasks([task])
    assert run.rc == 0, run.output
    assert sim.counters()["portal_tokens"] == 1
    assert writes(sim.requests()) == []


def test_unreachable_api_names_the_user_and_the_address(run_tasks, sim):
    run = run_tasks([info(retries=0, timeout=2)], apio={"url": "http://127.0.0.1:9", "token": "x"})
    assert run.rc != 0
    assert run.result()["msg"].startswith("user foouser (foo/foogroup): GET primary line port failed: cannot reach "
                                          "http://127.0.0.1:9: ")


def test_url_must_be_http(run_tasks, sim):
    run = run_tasks([info()], apio={"url": "apio.example.net", "token": "some-token"})
    assert run.rc != 0
    assert run.result()["msg"] == "url must be an http:// or https:// URL, got 'apio.example.net'"
    assert sim.requests() == []


def test_access_token_expiring_mid_run_is_refreshed_not_relogged(tmp_path):
    # A simulator whose access tokens live one second, and a batch that lasts several.
    with SimulatorProcess().start(users=12, extra_args=["--access-ttl", "1"]) as short_lived:
        short_lived.faults(latency_ms=150)
        run = make_runner(short_lived, tmp_path)
        task = {"name": "batch", "telephony.apio.apio_primary_line_info": {
            "tenant": "bench", "group": "benchgroup", "parallel": 1,
            "batch": [{"user": "user%06d@bench.example" % i} for i in range(12)]}}
        result = run([task])
        assert result.rc == 0, result.output
        counters = short_lived.counters()
        assert counters["logins"] == 1
        assert counters["refreshes"] >= 1
        assert counters["by_status"].get("401", 0) == counters["refreshes"]
