"""Two playbooks reconciling the same users at once.

They agree: every user ends in the desired state. They disagree: the gateway's PUT replaces the whole key
list, so per user the last writer wins (its whole layout, the other's change lost where both wrote);
nothing else is lost, and a second run of a playbook converges its users again.

The two runs are told apart in the simulator's log by their route prefix: one uses the gateway directly
(/api/v1), the other through the APIO core proxy (/api/v01/p1), the same users behind both.
"""

from apio_sim.testing import synthetic_id as bench_user
from support.playbook import make_runner

from .common import BENCH, record_figures

USERS = 240
KEY_1 = {"id": 1, "type": "DIRECT_CALL", "label": "reception", "parameter": "1000"}
KEY_2 = {"id": 2, "type": "CALLLOG", "label": "history", "parameter": ""}
A, B = "/api/v1/", "/api/v01/p1/"


def converge(keys, prefix, users=USERS):
    return {"name": "converge", "telephony.apio.apio_phone_buttons": dict(
        BENCH, keys=keys, api_prefix=prefix.rstrip("/"), parallel=4,
        batch=[{"user": bench_user(i)} for i in range(users)])}


def own_keys(i):
    return [KEY_1, KEY_2] if i % 2 else []


def keys_by_user(sim):
    state = sim.state()
    tenant = next(t for t in state["apio"]["tenants"] if t["tenantId"] == "bench")
    group = next(g for g in tenant["groups"] if g["groupId"] == "benchgroup")
    return {u["userId"]: u["device"]["keys"] for u in group["users"]}


def both_at_once(sim, tmp_path, keys_a, keys_b):
    run = make_runner(sim, tmp_path)
    wait_a = run.start([converge(keys_a, A)], name="writer-a")
    wait_b = run.start([converge(keys_b, B)], name="writer-b")
    first, second = wait_a(), wait_b()
    assert first.rc == 0, first.output[-2000:]
    assert second.rc == 0, second.output[-2000:]
    log = [r for r in sim.requests() if "/access_device/phone_buttons/" in r["path"]]
    by_writer = {p: [r for r in log if r["path"].startswith(p)] for p in (A, B)}
    # The runs overlapped: each one sent requests while the other was sending its own.
    assert by_writer[A][0]["seq"] < by_writer[B][-1]["seq"] and by_writer[B][0]["seq"] < by_writer[A][-1]["seq"]
    return first.result(), second.result(), log


def user_index(path):
    segment = path.split("/users/")[1].split("/")[0]
    return int(segment[4:10])


def test_two_playbooks_that_agree_end_in_the_desired_state(start_sim, tmp_path):
    sim = start_sim(users=USERS)
    sim.faults(latency_ms=20)  # long enough for the two runs to overlap
    desired = [{"id": 3, "type": "DIRECT_CALL", "label": "support", "parameter": "2000"},
               {"id": 2, "type": "CALLLOG", "label": "calls"}]
    first, second, log = both_at_once(sim, tmp_path, desired, desired)
    full = [dict({"parameter": ""}, **k) for k in sorted(desired, key=lambda k: k["id"])]
    assert keys_by_user(sim) == {bench_user(i): ([KEY_1] if i % 2 else []) + full for i in range(USERS)}
    # Each user was written at least once and at most twice (both read it before either wrote).
    puts = [r for r in log if r["method"] == "PUT"]
    assert USERS <= len(puts) <= 2 * USERS
    assert first["counts"]["failed"] == second["counts"]["failed"] == 0
    assert first["counts"]["changed"] + second["counts"]["changed"] == len(puts)
    both = len(puts) - USERS
    # A third run has nothing to do.
    sim.reset()
    again = make_runner(sim, tmp_path)([converge(desired, A)])
    assert again.result()["counts"] == {"total": USERS, "changed": 0, "unchanged": USERS, "failed": 0}
    record_figures("concurrency-agree", {"users": USERS, "puts": len(puts), "users_written_by_both": both,
                                         "changed_a": first["counts"]["changed"],
                                         "changed_b": second["counts"]["changed"]})


def test_two_playbooks_that_disagree_last_writer_wins_per_user_and_a_rerun_converges(start_sim, tmp_path):
    sim = start_sim(users=USERS)
    sim.faults(latency_ms=20)
    keys_a = [{"id": 3, "type": "DIRECT_CALL", "label": "from A", "parameter": "2000"}]
    keys_b = [{"id": 3, "type": "DIRECT_CALL", "label": "from B", "parameter": "2000"},
              {"id": 4, "type": "DND_TOGGLE", "label": "dnd B"}]
    first, second, log = both_at_once(sim, tmp_path, keys_a, keys_b)
    final = keys_by_user(sim)
    full_a = [dict(keys_a[0])]
    full_b = [dict(keys_b[0]), dict(keys_b[1], parameter="")]

    # Per user: the whole layout of whichever PUT came last, keeping the user's own keys 1 and 2.
    last_put = {}
    for r in log:
        if r["method"] == "PUT" and r["status"] == 200:
            last_put[user_index(r["path"])] = r
    winners = {}
    for i in range(USERS):
        put = last_put[i]
        winner = "A" if put["path"].startswith(A) else "B"
        winners[i] = winner
        assert final[bench_user(i)] == put["body"]["keys"]
        assert final[bench_user(i)] == own_keys(i) + (full_a if winner == "A" else full_b)

    # Where A wrote last but B had written first, B's key 4 is gone: a lost update, not a lost key of
    # the user's own. Count what a disagreement costs.
    written_by = {}
    for r in log:
        if r["method"] == "PUT":
            written_by.setdefault(user_index(r["path"]), set()).add("A" if r["path"].startswith(A) else "B")
    lost_b = sum(1 for i in range(USERS) if winners[i] == "A" and "B" in written_by[i])
    lost_a = sum(1 for i in range(USERS) if winners[i] == "B" and "A" in written_by[i])

    # A rerun of A converges every user to A's layout: key 3 from A, and B's key 4 kept where it was
    # written (a merge: purge is false).
    sim.reset()
    rerun = make_runner(sim, tmp_path)([converge(keys_a, A)], name="rerun-a")
    assert rerun.rc == 0, rerun.output[-2000:]
    b_won = sum(1 for w in winners.values() if w == "B")
    assert rerun.result()["counts"] == {"total": USERS, "changed": b_won, "unchanged": USERS - b_won, "failed": 0}
    after = keys_by_user(sim)
    for i in range(USERS):
        expected = own_keys(i) + full_a + ([full_b[1]] if winners[i] == "B" else [])
        assert after[bench_user(i)] == expected
    record_figures("concurrency-disagree", {
        "users": USERS, "last_writer_a": USERS - b_won, "last_writer_b": b_won,
        "written_by_both": sum(1 for w in written_by.values() if len(w) == 2),
        "b_change_lost": lost_b, "a_change_lost": lost_a, "rerun_a_changed": b_won})
