"""Stop means stop: once the ansible-playbook run of a task is gone or interrupted, no new write.

Each test starts a real ansible-playbook (in a session of its own, as ansible-runner starts it) on a
batch of USERS users against a simulator with latency, waits until some writes have reached the
simulator, and stops the run: (a) SIGKILL of its process group, as AWX and the automation controller
cancel a job or end it at its timeout (through ansible-runner), (b) SIGINT (Ctrl-C), (c) SIGTERM
(``kill``), (d) ansible-runner's own cancel (``cancel_callback``). Then no write reaches the simulator
later than 2 s after the stop (the simulator does not record times: the count of writes 2 s after the
stop is the count 6 s after it), the report file lists exactly the users written, and a rerun writes only
the others. Both engines' hosts are covered: a module's batch (a module process below the worker) and the
roll-out (an action plugin in the worker itself).
"""

import json
import os
import signal
import time
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from ansible.executor.process import worker
from apio_sim.testing import synthetic_id as bench_user
from tools import runner
from support.playbook import play
from tools.simlog import writes

from .common import BENCH, record_figures

USERS = 400
LATENCY_MS = 25  # with parallel 4: about 6 s of writes, so a run left alone writes for seconds after a stop
STARTED = 20  # writes seen before the stop
QUIET = 2.0  # seconds after the stop from which no write may arrive
KEYS = [{"id": 3, "type": "DIRECT_CALL", "label": "support", "parameter": "2000"}]
ROLLOUT_TEMPLATES = yaml.safe_load((runner.REPO / "roles" / "phone_buttons" / "vars" / "main.yml").read_text()
                                   .replace("!unsafe ", ""))["phone_buttons_builtin_templates"]


def plain_template():
    """The shipped `standard` template without the keys that need variables: one layout per phone type."""
    return {"standard": {
        device_type: [k for k in keys if "when" not in k and "{{" not in str(k.get("label", "")) + str(
            k.get("parameter", ""))]
        for device_type, keys in ROLLOUT_TEMPLATES["standard"].items()}}


def batch_task(report):
    return {"name": "batch", "telephony.apio.apio_phone_buttons": dict(
        BENCH, keys=KEYS, parallel=4, report=str(report), batch=[{"user": bench_user(i)} for i in range(USERS)])}


def rollout_task(report):
    return {"name": "rollout", "telephony.apio.apio_phone_buttons_rollout": dict(
        BENCH, templates=plain_template(), template="standard", parallel=4, report=str(report),
        batch=[{"user": bench_user(i)} for i in range(USERS)])}


TASKS = {"batch": batch_task, "rollout": rollout_task}
# ansible-core 2.19 and later: each worker calls setsid() and outlives a SIGKILL of ansible-playbook's group,
# the watch stops it and the report is written. Before, the group's SIGKILL ends the workers and their
# modules too: nothing is written after the stop, and nothing is left to write a report.
WORKERS_OWN_SESSION = "setsid" in Path(worker.__file__).read_text()


def put_count(sim, since=0):
    return len(writes(sim.requests(since=since)))


def wait_for(condition, timeout, what):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError("timed out waiting for %s" % what)


def written_users(sim, since=0):
    return sorted(unquote(r["path"].split("/users/")[1].split("/")[0]) for r in writes(sim.requests(since=since)))


def quiet_after(sim, stopped_at):
    """The writes 2 s after the stop and 6 s after it (equal when nothing was sent after the first 2 s)."""
    time.sleep(max(0.0, stopped_at + QUIET - time.monotonic()))
    at_quiet = put_count(sim)
    time.sleep(4.0)
    return at_quiet, put_count(sim)


def leftovers(directory):
    """Processes still running an ansible-playbook of ``directory`` (an orphaned worker) or a module."""
    found = []
    for pid in os.listdir("/proc"):
        try:
            command = Path("/proc/%s/cmdline" % pid).read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(directory) in command and "pytest" not in command:
            found.append((int(pid), command.replace("\0", " ")))
    return found


def check_report_and_rerun(sim, tmp_path, kind, report, stopped):
    written = written_users(sim)
    if stopped == "SIGKILL-group" and not WORKERS_OWN_SESSION:
        time.sleep(2)
        assert not report.exists()  # the module was killed with the group: no report
        seq = sim.requests()[-1]["seq"]
        again = runner.start_playbook(sim, tmp_path, play(sim.url, [TASKS[kind](tmp_path / "again.json")]),
                                      name="again", connection=False).wait(300)
        assert again.rc == 0, again.output[-3000:]
        assert not set(written_users(sim, since=seq)) & set(written)
        return
    data = json.loads(wait_for(lambda: report.exists() and report.read_text(), 20, "the report file"))
    # Nothing of the stopped run is left behind: the module ended, and so did an orphaned worker.
    left = wait_for(lambda: not leftovers(tmp_path) and ["none"], 10, "the run's processes to end") and leftovers(
        tmp_path)
    assert not left, left
    assert sorted(e["user"] for e in data["changes"]) == written
    assert data["stopped"]["written"] == len(written)
    counts = data["counts"]
    assert counts["changed"] == len(written) and counts["failed"] == 0
    assert counts["not_written"] == data["stopped"]["left"] > 0
    assert "the run was stopped" in data["msg"]
    assert "%d users written" % len(written) in data["msg"]
    # A rerun writes only the users still differing.
    seq = sim.requests()[-1]["seq"]
    again = runner.start_playbook(sim, tmp_path, play(sim.url, [TASKS[kind](tmp_path / "again.json")]),
                                  name="again", connection=False).wait(300)
    assert again.rc == 0, again.output[-3000:]
    assert put_count(sim, since=seq) == again.result()["counts"]["changed"]
    assert again.result()["counts"]["changed"] == counts["not_written"]  # every user differed before the run
    assert not set(written_users(sim, since=seq)) & set(written)
    record_figures("stop-%s-%s" % (kind, stopped), {"users": USERS, "written_before_stop": len(written)})


def start_run(sim, tmp_path, kind):
    report = tmp_path / ("%s.json" % kind)
    job = runner.start_playbook(sim, tmp_path, play(sim.url, [TASKS[kind](report)]), name=kind,
                                connection=False, new_session=True, log=tmp_path / ("%s.log" % kind))
    return job, report


@pytest.fixture
def slow_sim(start_sim):
    sim = start_sim(users=USERS)
    sim.faults(latency_ms=LATENCY_MS)
    return sim


@pytest.mark.parametrize("kind", ["batch", "rollout"])
@pytest.mark.parametrize("how", ["SIGKILL-group", "SIGINT", "SIGTERM"])
def test_a_stopped_run_sends_no_new_write(slow_sim, tmp_path, kind, how):
    sim = slow_sim
    job, report = start_run(sim, tmp_path, kind)
    try:
        wait_for(lambda: put_count(sim) >= STARTED, 120, "the first writes")
        if how == "SIGKILL-group":
            os.killpg(job.proc.pid, signal.SIGKILL)  # what ansible-runner does on cancel and timeout
        else:
            os.kill(job.proc.pid, getattr(signal, how))
        stopped_at = time.monotonic()
        at_quiet, later = quiet_after(sim, stopped_at)
    finally:
        try:
            os.killpg(job.proc.pid, signal.SIGKILL)
        except OSError:
            pass
        job.proc.wait()
    assert at_quiet == later, "%d writes 2 s after the stop, %d 6 s after it" % (at_quiet, later)
    assert later < USERS
    check_report_and_rerun(sim, tmp_path, kind, report, how)


@pytest.mark.parametrize("kind", ["batch", "rollout"])
@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded, use of forkpty:DeprecationWarning")
def test_ansible_runner_cancel_sends_no_new_write(slow_sim, tmp_path, kind):
    import ansible_runner

    sim = slow_sim
    pdd = tmp_path / "runner"
    (pdd / "project").mkdir(parents=True)
    (pdd / "inventory").mkdir()
    (pdd / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % (runner.BIN / "python"))
    report = tmp_path / ("%s.json" % kind)
    (pdd / "project" / "main.yml").write_text(
        yaml.safe_dump(play(sim.url, [TASKS[kind](report)]), sort_keys=False))
    env = runner.environment(sim)
    stopped = []

    def cancel():
        if not stopped and put_count(sim) >= STARTED:
            stopped.append(time.monotonic())
        return bool(stopped)

    # pexpect_timeout: how often ansible-runner asks cancel_callback (5 s by default, longer than the writes).
    thread, job = ansible_runner.run_async(private_data_dir=str(pdd), playbook="main.yml", envvars=env,
                                           quiet=True, cancel_callback=cancel, settings={"pexpect_timeout": 0.2})
    thread.join(180)
    assert stopped and job.status == "canceled", job.status
    at_quiet, later = quiet_after(sim, stopped[0])
    assert at_quiet == later, "%d writes 2 s after the cancel, %d 6 s after it" % (at_quiet, later)
    assert later < USERS
    check_report_and_rerun(sim, tmp_path, kind, report, "runner-cancel")
