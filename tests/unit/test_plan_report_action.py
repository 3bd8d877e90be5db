"""The plan_report action plugin (plugins/action/plan_report.py): its arguments, results, files and
check mode, run as ansible-core runs it (ActionModule.run), on the controller."""

import json

import pytest
from ansible_collections.telephony.apio.plugins.action.plan_report import ActionModule
from support.actions import run_action

from .test_plan_report_html import library_report, sample_report


def run(args, check_mode=False):
    return run_action(ActionModule, "telephony.apio.plan_report", args, check_mode)


@pytest.fixture
def reports(tmp_path):
    first, second = tmp_path / "one.json", tmp_path / "two.json"
    first.write_text(json.dumps(sample_report()))
    second.write_text(json.dumps(library_report()))
    return tmp_path, first, second


def test_it_writes_the_markdown_and_the_html_then_changes_nothing(reports):
    where, first, second = reports
    args = dict(src=[str(first)], title="Phone buttons", markdown=str(where / "out" / "p.md"),
                html=str(where / "out" / "p.html"))
    result = run(args)
    assert not result.get("failed"), result
    assert result["changed"] is True
    assert (result["groups"], result["users_changed"], result["unmanaged"], result["groups_left_out"]) == (3, 15, 0, 0)
    markdown = (where / "out" / "p.md").read_text()
    assert result["markdown_chars"] == len(markdown) and "`one.json` and `p.html`" in markdown
    page = (where / "out" / "p.html").read_text()
    assert page.startswith("<!DOCTYPE html>") and '<a href="one.json">one.json</a>' in page
    assert run(args)["changed"] is False


def test_check_mode_writes_nothing_and_says_what_would_change(reports):
    where, first, second = reports
    result = run(dict(src=[str(first), str(second)], title="Merged", json=str(where / "m.json"),
                      html=str(where / "m.html")), check_mode=True)
    assert result["changed"] is True and result["users_changed"] == 16
    assert not (where / "m.json").exists() and not (where / "m.html").exists()


def test_slices_are_merged_and_unmanaged_hosts_added(reports):
    where, first, second = reports
    (where / "hosts.json").write_text(json.dumps({"unmanaged": ["h2", "h1"]}))
    result = run(dict(src=[str(first), str(second)], title="Merged", json=str(where / "m.json"),
                      unmanaged_from=str(where / "hosts.json")))
    merged = json.loads((where / "m.json").read_text())
    assert result["unmanaged"] == 2 and merged["unmanaged"] == ["h1", "h2"]
    assert merged["counts"]["total"] == 41 and len(merged["changes"]) == 16


@pytest.mark.parametrize("args, message", [
    (dict(src=["nope.json"], title="X"), "cannot read the report file nope.json: "),
    (dict(src=[], title="X"), "src: give at least one report file"),
    (dict(src=["x.json"]), "missing required arguments: title"),
    (dict(src=["x.json"], title="X", bogus=1), "Unsupported parameters for (telephony.apio.plan_report) module: bogus."),
    (dict(src=["x.json"], title="X", markdown_limit="many"), "argument 'markdown_limit' is of type "),
])
def test_bad_arguments_and_files_fail_as_the_module_did(args, message):
    result = run(args)
    assert result["failed"] is True and result["msg"].startswith(message), result
