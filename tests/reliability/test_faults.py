"""A large batch while the simulator injects faults: errors, 429 bursts, dropped connections and token
expiry. Nothing is lost, nothing is written without a successful read, check mode never writes."""

import threading

from apio_sim.testing import synthetic_id as bench_user
from support.playbook import make_runner
from tools.simlog import writes

from .common import BENCH, record_figures

USERS = 1000
# Every synthetic user changes: odd users have keys 1 (DIRECT_CALL reception 1000) and 2 (CALLLOG history),
# even users none. Keys 2 and 3 exist on the three phone types the synthetic users cycle through.
DESIRED = [{"id": 2, "type": "CALLLOG", "label": "calls"},
           {"id": 3, "type": "DIRECT_CALL", "label": "support", "parameter": "2000"}]
KEY_1 = {"id": 1, "type": "DIRECT_CALL", "label": "reception", "parameter": "1000"}
SEED_KEY_2 = {"id": 2, "type": "CALLLOG", "label": "history", "parameter": ""}
FULL = [dict({"parameter": ""}, **k) for k in DESIRED]

FAULTS = dict(
    latency_ms=1, jitter_ms=2,  # small, to keep the run fast
    error_rate=0.05, error_codes=[500, 502, 503],  # 5 % of requests
    rate_limit_every=200, rate_limit_burst=5, retry_after=1,  # 429 bursts of 5 in every 200 requests
    drop_rate=0.01,  # 1 % of connections closed without an answer
)
# Token expiry during the apply run, after this many API requests: access tokens only (the module
# refreshes), then access and refresh tokens (the module logs in again), then access tokens only.
EXPIRE_AT = ((300, False), (900, True), (1500, False))


def expected_keys(i):
    """The whole key list of bench user ``i`` after convergence: its own key 1 kept, 2 and 3 set."""
    return ([KEY_1] if i % 2 else []) + FULL


def seed_keys(i):
    return [KEY_1, SEED_KEY_2] if i % 2 else []


def converge(users, **options):
    return {"name": "converge", "telephony.apio.apio_phone_buttons": dict(
        BENCH, keys=DESIRED, batch=[{"user": bench_user(i)} for i in range(users)], **options)}


def bench_keys(sim):
    """bench user id -> its keys, from the simulator's state."""
    state = sim.state()
    tenant = next(t for t in state["apio"]["tenants"] if t["tenantId"] == "bench")
    group = next(g for g in tenant["groups"] if g["groupId"] == "benchgroup")
    return {u["userId"]: u["device"]["keys"] for u in group["users"]}


def user_of(path):
    """The user segment of a gateway user route (as sent, percent-encoded)."""
    parts = path.split("/")
    return parts[parts.index("users") + 1]


def reads_before_writes(requests):
    """Assert, from the request log, that no user was written unless its read succeeded first.

    The engine reads every user (plan phase) before the first write (apply phase), so the last read of
    the task comes before its first write, and every written user has a successful read.
    """
    route = "/access_device/phone_buttons/"
    gets = [r for r in requests if r["method"] == "GET" and r["path"].endswith(route)]
    puts = [r for r in requests if r["method"] == "PUT" and r["path"].endswith(route)]
    read_ok = {user_of(r["path"]) for r in gets if r["status"] == 200}
    written = {user_of(r["path"]) for r in puts}
    assert written <= read_ok, "PUT without a successful GET: %s" % sorted(written - read_ok)[:5]
    if puts:
        assert max(r["seq"] for r in gets) < min(r["seq"] for r in puts), "a read came after the first write"
    return gets, puts


class TokenExpirer(threading.Thread):
    """Expires the simulator's tokens when the API request count crosses each threshold."""

    def __init__(self, sim, plan):
        super().__init__(daemon=True)
        self.sim, self.plan, self.done, self.expired = sim, list(plan), threading.Event(), []

    def run(self):
        while self.plan and not self.done.wait(0.05):
            total = self.sim.counters()["total"]
            if total >= self.plan[0][0]:
                unused_threshold, refresh = self.plan.pop(0)
                revoked = self.sim.expire_tokens(refresh=refresh)
                self.expired.append({"after_requests": total, "refresh_too": refresh, "revoked": revoked["apio"]})

    def stop(self):
        self.done.set()
        self.join()


def test_1000_users_converge_under_faults_and_check_mode_never_writes(start_sim, tmp_path):
    sim = start_sim(users=USERS, extra_args=["--fault-seed", "20240601"])
    run = make_runner(sim, tmp_path)
    options = dict(parallel=8, retries=6, timeout=10)
    figures = {"users": USERS, "faults": FAULTS, "options": options}

    # Check mode under faults: every user would change, and not one write is sent.
    sim.faults(**FAULTS)
    check = run([converge(USERS, **options)], check=True)
    assert check.rc == 0, check.output[-3000:]
    assert check.result()["counts"] == {"total": USERS, "changed": USERS, "unchanged": 0, "failed": 0}
    check_log = sim.requests()
    assert writes(check_log) == [], "check mode sent a write"
    figures["check"] = dict(sim.counters(), seconds=round(check.seconds, 1))
    assert bench_keys(sim) == {bench_user(i): seed_keys(i) for i in range(USERS)}

    # Apply under faults, with the access token (and once the refresh token) expiring during the run.
    sim.reset()
    sim.faults(**FAULTS)
    expirer = TokenExpirer(sim, EXPIRE_AT)
    expirer.start()
    try:
        apply = run([converge(USERS, **options)])
    finally:
        expirer.stop()
    counters = sim.counters()
    log = sim.requests()
    figures["apply"] = dict(counters, seconds=round(apply.seconds, 1), token_expiry=expirer.expired)
    result = apply.result()
    figures["apply"]["outcome"] = result["counts"]
    record_figures("faults-1000", figures)

    # Faults really happened, and the tokens really expired mid-run.
    assert len(expirer.expired) == len(EXPIRE_AT), "the run ended before the tokens were expired"
    statuses = counters["by_status"]
    assert all(statuses.get(str(code), 0) > 0 for code in (429, 500, 502, 503, 401)), statuses
    assert counters["dropped"] > 0
    assert counters["refreshes"] >= 1 and counters["logins"] >= 2

    # Every user ends in the desired state, keeping its own key 1: no key lost, none missing.
    assert apply.rc == 0, result["msg"][:3000]
    assert result["counts"] == {"total": USERS, "changed": USERS, "unchanged": 0, "failed": 0}
    final = bench_keys(sim)
    assert final == {bench_user(i): expected_keys(i) for i in range(USERS)}

    # From the request log: each user read successfully before it was written, and each write carried
    # the whole layout (a PUT replaces the key list: a key left out would be cleared).
    gets, puts = reads_before_writes(log)
    ok_puts = [r for r in puts if r["status"] == 200]
    assert len(ok_puts) == USERS, "one successful PUT per user"
    for put in puts:
        i = int(user_of(put["path"])[4:10])
        assert put["body"] == {"keys": expected_keys(i)}

    # Second run, faults still on: nothing to change, nothing written.
    sim.reset()
    sim.faults(**FAULTS)
    again = run([converge(USERS, **options)])
    assert again.rc == 0, again.result()["msg"][:3000]
    assert again.result()["changed"] is False
    assert again.result()["counts"] == {"total": USERS, "changed": 0, "unchanged": USERS, "failed": 0}
    assert writes(sim.requests()) == []
    figures["second_run"] = dict(sim.counters(), seconds=round(again.seconds, 1))
    record_figures("faults-1000", figures)


def test_when_retries_run_out_users_are_reported_failed_untouched_and_a_rerun_converges(start_sim, tmp_path):
    users = 200
    sim = start_sim(users=users, extra_args=["--fault-seed", "7"])
    run = make_runner(sim, tmp_path)
    # Faults on the users' own route only: a login that fails for good fails every user, which is not
    # what this test is about.
    faults = dict(error_rate=0.2, error_codes=[500, 502, 503], drop_rate=0.03, latency_ms=1,
                  path_contains="/access_device/phone_buttons/")
    sim.faults(**faults)
    first = run([converge(users, parallel=8, retries=0, timeout=10)])
    log = sim.requests()
    result = first.result()
    counts = result["counts"]

    # Some users failed (retries=0), the others were applied; the task fails at the end naming each.
    assert first.rc != 0
    assert counts["failed"] > 0 and counts["changed"] > 0
    assert counts["changed"] + counts["failed"] == users
    failed = {r["user"]: r["msg"] for r in result["results"] if r["failed"]}
    assert len(failed) == counts["failed"]
    for user, msg in failed.items():
        assert msg.startswith("user %s (bench/benchgroup): " % user), msg
        assert ("HTTP 50" in msg) or ("cannot reach" in msg), msg
        assert msg in result["msg"]

    # No write for a user whose read failed; failed users are untouched (or correct), the others are
    # correct; no user lost a key.
    gets, puts = reads_before_writes(log)
    read_ok = {user_of(r["path"]) for r in gets if r["status"] == 200}
    final = bench_keys(sim)
    for i in range(users):
        user = bench_user(i)
        if user in failed:
            assert final[user] in (seed_keys(i), expected_keys(i)), user
        else:
            assert final[user] == expected_keys(i), user
    failed_reads = [u for u in failed if u.replace("@", "%40") not in read_ok]
    assert failed_reads, "no read failed: the test proves nothing about reads"
    assert len(failed_reads) < len(failed), "no write failed: the test proves nothing about writes"

    # A second run (faults off) converges exactly the users that failed.
    sim.reset()
    second = run([converge(users, parallel=8, retries=0, timeout=10)])
    assert second.rc == 0, second.result()["msg"][:2000]
    assert second.result()["counts"] == {"total": users, "changed": len(failed), "unchanged": users - len(failed),
                                         "failed": 0}
    assert bench_keys(sim) == {bench_user(i): expected_keys(i) for i in range(users)}
    record_figures("faults-retries-exhausted", {
        "users": users, "faults": faults, "options": {"retries": 0, "parallel": 8},
        "first_run": dict(counts, failed_reads=len(failed_reads), failed_writes=len(failed) - len(failed_reads),
                          requests=len(log), seconds=round(first.seconds, 1)),
        "second_run": dict(second.result()["counts"], seconds=round(second.seconds, 1)),
    })
