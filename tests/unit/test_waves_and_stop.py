"""Waves with a failure budget (options waves, max_fail_percentage) and a stopped run (run_watch), in-process.

The real stops (SIGKILL of ansible-playbook's group, SIGINT, SIGTERM, ansible-runner's cancel) are in
tests/reliability/test_stop.py; here the watch is replaced by one that says "stopped" after a number of
writes.
"""

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from ansible_collections.telephony.apio.plugins.module_utils import args as shared_args
from ansible_collections.telephony.apio.plugins.module_utils import reconcile, run_watch
from ansible_collections.telephony.apio.plugins.modules import apio_primary_line

USERS = ["u%02d" % i for i in range(20)]
SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "plan-report.schema.json").read_text())


def valid(report):
    Draft202012Validator(SCHEMA).validate(report)
    counts = report["counts"]
    assert counts["total"] == sum(v for k, v in counts.items() if k != "total")
    return report


def primary_args(apio, users=USERS, **options):
    for user in users:
        apio.add(user)
    return dict(apio.args, tenant="foo", group="foogroup", parallel=1,
                batch=[{"user": u, "primary": True} for u in users], **options)


def puts(server):
    return [path.split("/users/")[1].split("/")[0] for _method, path in server.sent("PUT")]


# -- waves -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("waves, total, sizes", [
    ([10, "10%", "100%"], 100, [10, 10, 80]),
    ([1, "50%"], 7, [1, 3, 3]),  # the last size repeats, as serial's does
    (["30%"], 10, [3, 3, 3, 1]),
    (["1%"], 10, [1] * 10),  # a percentage is at least one user
    ([5], 3, [3]),
    (["2"], 5, [2, 2, 1]),
    (None, 5, None),
    ([3], 0, []),
])
def test_wave_sizes_are_cut_as_serial_cuts_hosts(waves, total, sizes):
    assert shared_args.wave_sizes(waves, total) == sizes


@pytest.mark.parametrize("options, problem", [
    (dict(waves=[0]), "waves: each element must be a number of users"),
    (dict(waves=["0%"]), "waves: each element must be a number of users"),
    (dict(waves=["ten"]), "waves: each element must be a number of users"),
    (dict(waves=[True]), "waves: each element must be a number of users"),
    (dict(max_fail_percentage=101), "max_fail_percentage must be between 0 and 100, got 101"),
])
def test_bad_waves_are_refused_before_any_request(apio, server, run_module, options, problem):
    result = run_module(apio_primary_line.main, primary_args(apio, **options))
    assert result["failed"] and problem in result["msg"]
    assert server.sent() == []


def test_check_mode_shows_the_waves(apio, server, run_module, tmp_path):
    report = tmp_path / "plan.json"
    result = run_module(apio_primary_line.main, primary_args(apio, waves=[2, "50%"], report=str(report)),
                        check=True)
    assert result["waves"] == [2, 10, 8]
    assert result["msg"] == "20 users: 20 changed, 0 unchanged, would be written in 3 waves of 2, 10, 8 users"
    assert valid(json.loads(report.read_text()))["waves"] == [2, 10, 8]
    assert puts(server) == []


def test_waves_write_everyone_when_within_the_budget(apio, server, run_module):
    apio.put_errors["u03"] = (400, {"errors": [{"message": "refused"}]})
    result = run_module(apio_primary_line.main, primary_args(apio, waves=[5, 5], max_fail_percentage=20))
    # 1 of 5 failed in wave 1: 20%, not more than 20: the next waves go on.
    assert result["failed"] and result["counts"]["changed"] == 19
    assert result["waves"] == [5, 5, 5, 5]
    assert len(puts(server)) == 20


def test_a_wave_over_the_budget_stops_the_next_ones(apio, server, run_module, tmp_path):
    for user in ("u05", "u07"):
        apio.put_errors[user] = (400, {"errors": [{"message": "refused"}]})
    report = tmp_path / "applied.json"
    result = run_module(apio_primary_line.main, primary_args(apio, waves=[5, "25%"], max_fail_percentage=10,
                                                             report=str(report)))
    assert result["failed"]
    assert puts(server) == USERS[:10]  # wave 1 (5 users) and wave 2 (5 users); not waves 3 and 4
    assert result["counts"] == {"total": 20, "changed": 8, "unchanged": 0, "failed": 2, "not_written": 10}
    assert result["msg"].startswith(
        "wave 2 of 4 stopped the run: 2 of its 5 writes failed (more than max_fail_percentage 10%): "
        "8 users written, 10 left (not written); 2 failed: user u05 (foo/foogroup): ")
    left = [e for e in result["results"] if e.get("blocked")]
    assert [e["user"] for e in left] == USERS[10:]
    assert left[0]["msg"] == ("user u10 (foo/foogroup): not written (wave 2 of 4 failed beyond "
                              "max_fail_percentage): primary line port false -> true")
    data = valid(json.loads(report.read_text()))
    assert data["stopped"] == {"reason": result["msg"].split(": 8 users")[0], "written": 8, "left": 10}
    assert [e["user"] for e in data["not_written"]] == USERS[10:]
    # A rerun writes the users left (and those that failed).
    del apio.put_errors["u05"], apio.put_errors["u07"]
    server.requests.clear()
    again = run_module(apio_primary_line.main, dict(primary_args(apio, users=[]), batch=[
        {"user": u, "primary": True} for u in USERS], waves=[5, "25%"], max_fail_percentage=10))
    assert sorted(puts(server)) == sorted(["u05", "u07"] + USERS[10:])
    assert again["counts"]["changed"] == 12


def test_without_a_budget_only_a_wave_that_failed_entirely_stops(apio, server, run_module):
    for user in USERS[:2]:
        apio.put_errors[user] = (400, {"errors": [{"message": "refused"}]})
    result = run_module(apio_primary_line.main, primary_args(apio, waves=[2]))
    assert puts(server) == USERS[:2]
    assert "wave 1 of 10 stopped the run: 2 of its 2 writes failed (all of them)" in result["msg"]


# -- a stopped run ------------------------------------------------------------------------------------

class StopAfter:
    """A RunWatch that says "stopped" once the server has seen ``writes`` PUTs."""

    def __init__(self, server, writes):
        self.server = server
        self.writes = writes
        self.started = self.finished = False

    def __call__(self, *args, **kwargs):
        return self

    def start(self):
        self.started = True

    def finish(self):
        self.finished = True

    def stopped(self):
        if len(self.server.sent("PUT")) >= self.writes:
            return "interrupted (SIGINT)"
        return None


def test_no_write_after_a_stop_and_the_report_says_so(apio, server, run_module, monkeypatch, tmp_path):
    watch = StopAfter(server, 7)
    monkeypatch.setattr(run_watch, "RunWatch", watch)
    report = tmp_path / "applied.json"
    result = run_module(apio_primary_line.main, primary_args(apio, report=str(report)))
    assert watch.started and watch.finished
    assert puts(server) == USERS[:7]
    assert result["failed"]
    assert result["msg"] == "the run was stopped: interrupted (SIGINT): 7 users written, 13 left (not written)"
    assert result["counts"] == {"total": 20, "changed": 7, "unchanged": 0, "failed": 0, "not_written": 13}
    data = valid(json.loads(report.read_text()))
    assert [e["user"] for e in data["changes"]] == USERS[:7]
    assert data["stopped"] == {"reason": "the run was stopped: interrupted (SIGINT)", "written": 7, "left": 13}


def test_a_stop_in_the_read_phase_writes_nothing(apio, server, run_module, monkeypatch):
    class Stopped(StopAfter):
        def stopped(self):
            return "the ansible-playbook run that started the task is gone"

    monkeypatch.setattr(run_watch, "RunWatch", Stopped(server, 0))
    result = run_module(apio_primary_line.main, primary_args(apio))
    assert result["failed"] and puts(server) == [] and server.sent("GET") == []
    assert result["msg"].startswith("the run was stopped: the ansible-playbook run that started the task is gone: "
                                    "0 users written, 20 left")


def test_a_retry_is_not_sent_after_a_stop(apio, server, run_module, monkeypatch):
    apio.put_errors["u00"] = (503, {"errors": [{"message": "busy"}]})
    sent = []

    class StopOnFirstFailure(StopAfter):
        def stopped(self):
            sent.append(len(self.server.sent("PUT")))
            return "interrupted (SIGTERM)" if len(self.server.sent("PUT")) >= 1 else None

    monkeypatch.setattr(run_watch, "RunWatch", StopOnFirstFailure(server, 0))
    result = run_module(apio_primary_line.main, primary_args(apio, users=["u00", "u01"]))
    assert puts(server) == ["u00"]  # the 503 is not tried again, u01 not written
    assert result["counts"]["not_written"] == 2 and result["counts"]["failed"] == 0


def test_the_watch_finds_this_process_chain():
    """A process that is a session leader, as ansible-core's workers are, watches its parent: the
    controller. (Run as a child of its own session, so that the test does not depend on how the suite
    itself was started.)"""
    import os
    import subprocess
    import sys

    code = ("from ansible_collections.telephony.apio.plugins.module_utils import run_watch\n"
            "watch = run_watch.RunWatch(interval=0, handle_signals=False)\n"
            "print(watch.controller, watch.stopped())\n")
    child = subprocess.run([sys.executable, "-c", code], start_new_session=True, capture_output=True, text=True,
                           env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)), check=True)
    assert child.stdout.split() == [str(os.getpid()), "None"], child.stderr
    gone = run_watch.RunWatch(interval=0, chain=[(2 ** 22 + 7, "1")])
    assert "is gone" in gone.stopped()


def test_a_signal_is_noted_and_the_handlers_restored():
    import os
    import signal

    before = signal.getsignal(signal.SIGTERM)
    watch = run_watch.RunWatch(chain=[]).start()
    os.kill(os.getpid(), signal.SIGTERM)
    assert watch.stopped() == "interrupted (SIGTERM)"
    watch.finish()
    assert signal.getsignal(signal.SIGTERM) is before


def test_the_engine_is_watched_by_default():
    assert reconcile.run_watch.RunWatch is run_watch.RunWatch
