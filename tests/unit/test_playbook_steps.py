"""The steps around the playbooks' batch task (plugins/plugin_utils/playbook_steps.py): the saved plan found and
checked, stale reports removed, the hosts written once, the drift named, the scratch files removed; and
playbook_finish's report file for a run that stopped early."""

import json
import os


import pytest

from ansible_collections.telephony.apio.plugins.action.playbook_finish import ActionModule as FinishAction
from ansible_collections.telephony.apio.plugins.module_utils.results import write_report
from ansible_collections.telephony.apio.plugins.plugin_utils import playbook_steps as steps
from support.actions import run_action


def test_a_plan_directory_gives_the_objects_plan(tmp_path):
    (tmp_path / "plan").mkdir()
    assert steps.saved_plan_path("primary_line", str(tmp_path / "plan"), "") == str(tmp_path / "plan" / "primary_line.json")
    assert steps.saved_plan_path("primary_line", str(tmp_path / "p.json"), "") == str(tmp_path / "p.json")
    assert steps.saved_plan_path("primary_line", "", str(tmp_path / "plan")) == ""


def test_a_relative_plan_is_the_working_directorys_and_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert steps.saved_plan_path("softphones", "plan.json", "") == str(tmp_path / "plan.json")
    assert steps.saved_plan_path("softphones", "~/x.json", "") == str(tmp_path / "x.json")


def test_the_plan_the_run_would_replace_is_refused(tmp_path):
    plan = tmp_path / "plan"
    plan.mkdir()
    (plan / "phone_buttons.json").write_text("{}")
    with pytest.raises(steps.StepError) as error:
        steps.saved_plan_path("phone_buttons", str(plan), str(plan))
    assert str(error.value) == (
        "apio_plan_file %s/phone_buttons.json is the report file this run writes (apio_plan_dir): keep the reviewed "
        "plan where it is and write the apply's report elsewhere, e.g. -e apio_plan_dir=applied" % plan)
    # Another object's plan in the same directory is not this run's report.
    assert steps.saved_plan_path("phone_buttons", str(plan / "other.json"), str(plan)) == str(plan / "other.json")


def test_only_the_objects_reports_are_removed(tmp_path):
    for name in ("phone_buttons.json", "phone_buttons.md", "phone_buttons.html", "primary_line.json", "notes.txt"):
        (tmp_path / name).write_text("x")
    removed = steps.remove_reports("phone_buttons", str(tmp_path))
    assert removed == [str(tmp_path / ("phone_buttons.%s" % suffix)) for suffix in ("json", "md", "html")]
    assert sorted(os.listdir(tmp_path)) == ["notes.txt", "primary_line.json"]
    assert steps.remove_reports("phone_buttons", str(tmp_path)) == []


@pytest.mark.parametrize("as_json", [True, False])
def test_the_hosts_are_written_whole_and_by_entry_then_removed(as_json):
    described = {"users": [{"user": "alice", "keys": []}], "unmanaged": ["bob"], "unknown": {}}
    directory, files, back = steps.write_hosts(json.dumps(described) if as_json else described)
    try:
        assert back == described
        assert sorted(files) == ["unknown", "unmanaged", "users"]
        assert sorted(os.listdir(directory)) == ["unknown.json", "unmanaged.json", "users.json"]
        for entry, path in files.items():
            assert json.loads(open(path).read()) == described[entry]
        assert oct(os.stat(directory).st_mode & 0o777) == "0o700"
        assert steps.unmanaged_hosts(directory) == ["bob"]
    finally:
        steps.remove_hosts(directory)
    assert not os.path.exists(directory)


def test_hosts_that_are_not_a_mapping_are_refused():
    with pytest.raises(steps.StepError, match="hosts: expected the mapping that describes the hosts, got list"):
        steps.write_hosts([1, 2])
    with pytest.raises(steps.StepError, match="hosts: not the JSON of a mapping"):
        steps.write_hosts("{nope")


def test_only_a_directory_of_the_hosts_is_removed(tmp_path):
    steps.remove_hosts(str(tmp_path))  # not one of playbook_hosts': left alone
    assert tmp_path.exists()


def test_typos_are_warned_about_once_per_name():
    warnings = steps.unknown_warnings({"unknown": {"alice": ["phone_buttons_key"], "bob": ["phone_buttons_key", "apio_mine"]}})
    assert warnings == ["phone_buttons_key is not a variable of telephony.apio and is ignored (hosts alice, bob): "
                        "did you mean phone_buttons_keys?"]


def test_the_drift_names_users_from_the_report_file_when_there_is_one():
    report = {"changes": [{"user_label": "u%d" % i} for i in range(12)]}
    entry = steps.drift_entry("phone_buttons", "Phone buttons", True, {"changed": 12, "total": 50}, 10,
                              report=report, results=[], truncated="cut", plan_dir="plan")
    assert entry == dict(name="phone_buttons", title="Phone buttons", check_mode=True, changed=12, total=50,
                         users=["u%d" % i for i in range(10)], not_named=0, truncated="", report="plan/phone_buttons.md",
                         message="drift: 12 of 50 users differ from the desired state (Phone buttons, see "
                                 "plan/phone_buttons.md): %s and 2 more" % ", ".join("u%d" % i for i in range(10)))


def test_the_drift_counts_the_users_a_cut_result_left_out():
    results = [{"user_label": "a", "changed": True}, {"user_label": "b", "changed": False}, {"user_label": "c", "changed": True}]
    entry = steps.drift_entry("softphones", "Softphones", False, {"changed": 5, "total": 9}, 10, results=results,
                              truncated="result cut")
    assert (entry["users"], entry["not_named"], entry["truncated"], entry["report"]) == (["a", "c"], 3, "result cut", "")


def test_the_hosts_without_desired_state_are_named_up_to_twenty():
    hosts = ["h%02d" % i for i in range(25)]
    assert steps.unmanaged_message("Phone buttons", hosts[:2]) == (
        "Phone buttons: 2 hosts have no desired state in the inventory and were left alone: h00, h01")
    assert steps.unmanaged_failure("Primary line port", hosts).endswith("h18, h19 ...")
    assert steps.unmanaged_failure("Primary line port", hosts).startswith(
        "25 hosts have no desired state for primary line port in the inventory (apio_fail_on_unmanaged): h00, ")


def test_one_host_without_desired_state_is_said_in_the_singular():
    assert steps.unmanaged_message("Softphones", ["h00"]) == (
        "Softphones: 1 host has no desired state in the inventory and was left alone: h00")
    assert steps.unmanaged_failure("Softphones", ["h00"]).startswith("1 host has no desired state for softphones")


def test_the_report_of_a_run_that_stopped_says_why():
    counts = {"total": 0, "changed": 0, "unchanged": 0, "failed": 0}
    assert steps.stopped_report(counts, "login refused", True) == dict(
        check_mode=True, counts=counts, msg="login refused", changes=[], not_written=[], failed=["login refused"],
        skipped=[])


def finish(args, check_mode=False):
    return run_action(FinishAction, "telephony.apio.playbook_finish", args, check_mode)


@pytest.mark.parametrize("check_mode", [True, False])
def test_the_report_of_a_run_that_stopped_is_written_as_every_report_file_is(tmp_path, check_mode):
    """No report file from the object's task (it stopped before its users were planned): playbook_finish writes
    one, in the layout of results.write_report (the engine's), and the plan reports from it."""
    counts = {"total": 0, "changed": 0, "unchanged": 0, "failed": 0}
    result = finish(dict(name="primary_line", title="Primary line port", plan_dir=str(tmp_path / "plan"),
                         counts=counts, msg="login refused"), check_mode)
    assert not result.get("failed"), result
    written = tmp_path / "plan" / "primary_line.json"
    write_report(str(tmp_path / "expected.json"), steps.stopped_report(counts, "login refused", check_mode))
    assert written.read_bytes() == (tmp_path / "expected.json").read_bytes()
    assert written.read_text().startswith('{\n"changes": [],\n"check_mode": %s,\n' % json.dumps(check_mode))
    assert '\n"failed": [\n"login refused"\n],\n' in written.read_text()
    assert json.loads(written.read_text()) == steps.stopped_report(counts, "login refused", check_mode)
    assert sorted(os.listdir(tmp_path / "plan")) == ["primary_line.html", "primary_line.json", "primary_line.md"]
    assert "login refused" in (tmp_path / "plan" / "primary_line.md").read_text()


def test_the_report_file_of_the_objects_task_is_read_not_rewritten(tmp_path):
    counts = {"total": 1, "changed": 0, "unchanged": 1, "failed": 0}
    report = dict(check_mode=True, counts=counts, msg="1 user unchanged", changes=[], not_written=[], failed=[],
                  skipped=[])
    (tmp_path / "softphones.json").write_text(json.dumps(report))  # not write_report's layout: left as it is
    result = finish(dict(name="softphones", title="Softphones", plan_dir=str(tmp_path), counts=counts,
                         msg="ignored"), check_mode=True)
    assert not result.get("failed"), result
    assert (tmp_path / "softphones.json").read_text() == json.dumps(report)


def test_the_drift_message_names_the_users_says_how_many_more_and_where_the_others_are():
    counts = {"changed": 14, "total": 20}
    named = steps.drift_entry("phone_buttons", "Phone buttons", True, counts, 2, report=dict(
        changes=[{"user_label": "user %s" % name} for name in "abcdefghijklmn"]), plan_dir="plan")
    assert named["message"] == ("drift: 14 of 20 users differ from the desired state (Phone buttons, see "
                                "plan/phone_buttons.md): user a, user b and 12 more")
    cut = steps.drift_entry("softphones", "Softphones", False, {"changed": 3, "total": 9}, 10,
                            results=[{"user_label": "x", "changed": True}], truncated="result cut to 100 characters")
    assert cut["message"] == ("drift: 3 of 9 users had to be brought back to the desired state (Softphones): x "
                              "(2 not named: the task's result was cut (result cut to 100 characters); -e "
                              "apio_plan_dir=DIR writes every user to DIR/softphones.json)")


def drifting(tmp_path, **more):
    counts = {"total": 6, "changed": 1, "unchanged": 5, "failed": 0}
    args = dict(name="phone_buttons", title="Phone buttons", counts=counts, fail_on_drift=True,
                results=[{"user_label": "user carol", "changed": True}], drift=[{"message": "drift: earlier object"}])
    return finish(dict(args, **more), check_mode=True)


def test_drift_is_recorded_for_the_drift_playbook_when_localhost_plays_run(tmp_path):
    result = drifting(tmp_path)
    assert not result.get("failed"), result
    assert [entry["message"] for entry in result["ansible_facts"]["apio_drift"]] == [
        "drift: earlier object", "drift: 1 of 6 users differ from the desired state (Phone buttons): user carol"]


def test_drift_fails_the_step_itself_when_the_run_leaves_localhost_out(tmp_path):
    result = drifting(tmp_path, localhost_in_run=False)
    assert result["failed"] is True
    assert result["msg"] == (
        "drift: earlier object; drift: 1 of 6 users differ from the desired state (Phone buttons): user carol (this "
        "run leaves out localhost, where the run fails at its end, after every object is checked (telephony.apio.drift): "
        "it fails here instead; add localhost to the limit, e.g. --limit 'alice,localhost', to check every object first)")


def test_without_localhost_the_hosts_without_desired_state_fail_the_step_and_a_clean_run_passes(tmp_path):
    hosts = tmp_path / "hosts"
    hosts.mkdir()
    (hosts / "unmanaged.json").write_text(json.dumps(["h1"]))
    clean = {"total": 1, "changed": 0, "unchanged": 1, "failed": 0}
    base = dict(name="primary_line", title="Primary line port", counts=clean, fail_on_drift=True, localhost_in_run=False)
    assert not finish(dict(base)).get("failed")
    result = finish(dict(base, hosts_dir=str(hosts), fail_on_unmanaged=True))
    assert result["failed"] is True
    assert result["msg"].startswith("1 host has no desired state for primary line port in the inventory "
                                    "(apio_fail_on_unmanaged): h1 (this run leaves out localhost")
