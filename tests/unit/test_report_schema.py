"""docs/plan-report.schema.json against real report files: each module run in-process (as the resources'
tests and test_reconcile.py run them) with ``report=FILE`` against the fake APIs, the roll-out as its
action plugin runs it, and the info modules; then reports the schema must refuse. Also the schema
itself: valid 2020-12, a description on every property, and the example of docs/plan-report.md."""

import copy
import json
import os
import re
from pathlib import Path

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.results import write_report
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_phone_buttons_info,
    apio_primary_line,
    apio_primary_line_info,
    apio_softphone,
    apio_softphone_info,
)
from jsonschema import Draft202012Validator

from .fakes import CUSTOMER, HDV230, SEED_KEYS
from .test_phone_buttons_rollout import TEMPLATES, FakeApioGroups, rollout

DOCS = Path(__file__).resolve().parents[2] / "docs"
SCHEMA = json.loads((DOCS / "plan-report.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)


def problems(report):
    return ["%s: %s" % ("/".join(map(str, error.absolute_path)), error.message) for error in VALIDATOR.iter_errors(report)]


def valid(path):
    """The report file at ``path``, after checking it against the schema and its counts add up."""
    report = json.loads(Path(path).read_text())
    assert problems(report) == [], json.dumps(report, indent=1)
    counts = report.get("counts")
    if counts is not None:
        parts = ("changed", "unchanged", "failed", "skipped", "not_written")
        assert counts["total"] == sum(counts.get(name, 0) for name in parts), counts
        assert counts.get("not_written", 0) == len(report["not_written"])
        assert counts["failed"] == len(report["failed"]) and counts.get("skipped", 0) == len(report["skipped"])
    return report


# -- real reports -------------------------------------------------------------------------------------

def test_phone_buttons_dry_run_held_back_by_an_invalid_user(apio, run_module, tmp_path):
    apio.add("changer", keys=SEED_KEYS)
    apio.add("steady", keys=[{"id": 4, "type": "CALLLOG", "label": "calls", "parameter": ""}])
    report = tmp_path / "plan" / "phone_buttons.json"
    result = run_module(apio_phone_buttons.main, dict(
        apio.args, tenant="foo", group="foogroup", keys=[{"id": 4, "type": "CALLLOG", "label": "calls"}],
        batch=[{"user": "changer"}, {"user": "steady"}, {"user": "ghost"}], report=str(report)), check=True)
    assert result["failed"] is True
    written = valid(report)
    assert written["check_mode"] is True
    assert written["changes"] == []
    assert [e["user"] for e in written["not_written"]] == ["changer"]
    assert written["not_written"][0]["blocked"] is True
    assert written["failed"] == ["user ghost (foo/foogroup): GET phone buttons failed: HTTP 404: user not found"]
    assert written["phone_types"] == {HDV230: {"managed_keys": list(range(1, 25)), "label_ignored": ["BLF"]}}


def test_phone_buttons_apply_with_a_failed_write(apio, run_module, tmp_path):
    for user in ("a", "b"):
        apio.add(user, keys=SEED_KEYS)
    apio.put_errors["b"] = (400, {"errors": [{"message": "device is locked"}]})
    report = tmp_path / "applied" / "phone_buttons.json"
    keys = [{"id": 6, "type": "BLF", "label": "x", "parameter": "alice"}]
    run_module(apio_phone_buttons.main, dict(apio.args, tenant="foo", group="foogroup", parallel=1, keys=keys,
                                             batch=[{"user": "a"}, {"user": "b"}], report=str(report)))
    written = valid(report)
    assert written["check_mode"] is False
    [changed] = written["changes"]
    assert changed["changes"] == ["key 6 added: BLF '' alice"]  # BLF labels are ignored by this phone type
    assert {"id": 6, "type": "BLF", "label": "", "parameter": "alice"} in changed["current"]["buttons"]
    assert written["failed"] == ["user b (foo/foogroup): PUT phone buttons failed: HTTP 400: device is locked"]


def test_primary_line(apio, run_module, tmp_path):
    apio.add("a")
    apio.add("b", primary=True)
    report = tmp_path / "primary_line.json"
    run_module(apio_primary_line.main, dict(apio.args, tenant="foo", group="foogroup", primary=True,
                                            batch=[{"user": "a"}, {"user": "b"}], report=str(report)))
    written = valid(report)
    assert [(e["user"], e["previous"], e["current"]) for e in written["changes"]] == [
        ("a", {"primary": False}, {"primary": True})]
    assert written["counts"] == {"total": 2, "changed": 1, "unchanged": 1, "failed": 0}


def test_softphone(portal, run_module, tmp_path):
    portal.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop"), "dev-2": (None, None)})
    portal.add(CUSTOMER, "asmith", **{"dev-7": ("Mobile", None)})
    report = tmp_path / "softphones.json"
    run_module(apio_softphone.main, dict(portal.args, customer=CUSTOMER, client_type="mobile", batch=[
        {"user": "jdoe", "device": "dev-2"}, {"user": "asmith", "device": "dev-7"}], report=str(report)),
        check=True)
    written = valid(report)
    jdoe = written["changes"][0]
    assert (jdoe["customer"], jdoe["account"], jdoe["changes"]) == (CUSTOMER, None, ["device dev-2 assigned to mobile"])
    assert jdoe["current"]["devices"][1] == {"device": "dev-2", "name": None, "client_type": "mobile"}


def test_rollout_with_templates_vars_and_a_skipped_user(server, monkeypatch, tmp_path):
    for name in [k for k in os.environ if k.startswith("APIO_")]:
        monkeypatch.delenv(name)
    fake = FakeApioGroups()
    server.handler = fake
    fake.add("alice")
    fake.add("bob", device_type="Small Phone")
    fake.add_without_phone("carol")
    report = tmp_path / "rollout.json"
    rollout(dict(url=server.url, token="tok", retries=0, parallel=1, templates=TEMPLATES, template="standard",
                 vars={"reception": "1000"}, tenant="foo", group="foogroup", report=str(report),
                 batch=[{"user": "alice", "vars": {"boss": "0471"}}, {"user": "bob"}, {"user": "carol"}]), check=True)
    written = valid(report)
    assert written["skipped"] == ["user carol (foo/foogroup): has no phone"]
    assert {e["user"]: (e["template"], e["vars"]) for e in written["changes"]} == {
        "alice": ("standard", {"reception": "1000", "boss": "0471"}), "bob": ("standard", {"reception": "1000"})}
    assert written["templates"] == TEMPLATES
    assert sorted(written["phone_types"]) == sorted([HDV230, "Small Phone"])


@pytest.mark.parametrize("main, fake, args", [
    (apio_phone_buttons_info.main, "apio", dict(tenant="foo", group="foogroup", batch=[{"user": "a"}, {"user": "ghost"}])),
    (apio_primary_line_info.main, "apio", dict(tenant="foo", group="foogroup", batch=[{"user": "a"}, {"user": "ghost"}])),
    (apio_softphone_info.main, "portal", dict(customer=CUSTOMER, batch=[{"user": "jdoe"}, {"user": "ghost"}])),
], ids=["phone_buttons_info", "primary_line_info", "softphone_info"])
def test_info_modules(request, run_module, tmp_path, main, fake, args):
    api = request.getfixturevalue(fake)
    if fake == "apio":
        api.add("a", keys=SEED_KEYS)
    else:
        api.add(CUSTOMER, "jdoe", **{"dev-1": ("Desk phone", "desktop")})
    report = tmp_path / "info.json"
    result = run_module(main, dict(api.args, report=str(report), **args))
    assert result["failed"] is True  # the ghost
    written = valid(report)
    assert list(written) == ["results"]
    assert [e.get("failed", False) for e in written["results"]] == [False, True]


# -- reports the schema refuses -----------------------------------------------------------------------------

def _entry(user, before, after, **fields):
    entry = dict(tenant="foo", group="foogroup", user=user, user_label="user %s (foo/foogroup)" % user, failed=False,
                 changed=True, changes=["primary line port %s -> %s" % (before, after)],
                 msg="user %s (foo/foogroup): primary line port" % user, previous={"primary": before},
                 current={"primary": after})
    entry.update(fields)
    return entry


@pytest.fixture
def written(tmp_path):
    """A report written by write_report with entries shaped like the engine's: valid."""
    path = tmp_path / "report.json"
    write_report(str(path), dict(
        check_mode=True, counts=dict(total=3, changed=1, unchanged=0, failed=1, not_written=1), msg="...",
        changes=[_entry("a", False, True)],
        not_written=[_entry("b", True, False, changed=False, blocked=True)],
        failed=["user ghost (foo/foogroup): GET primary line port failed: HTTP 404: user not found"], skipped=[]))
    return valid(path)


def _drop(name):
    return lambda report: report.pop(name)


def _set(value, *path):
    def change(report):
        target = report
        for step in path[:-1]:
            target = target[step]
        target[path[-1]] = value
    return change


@pytest.mark.parametrize("mutate", [
    _drop("counts"),
    _drop("changes"),
    _set(-1, "counts", "unchanged"),
    _set(1.5, "counts", "total"),
    _set("3", "counts", "total"),
    _set(-2, "counts", "not_written"),
    _set({"total": 3, "changed": 1, "failed": 1}, "counts"),  # unchanged missing
    _set(1, "check_mode"),
    _set([{"user": "a"}], "changes"),  # no user_label, no states
    _set(False, "changes", 0, "changed"),
    _set(True, "changes", 0, "failed"),
    _set("yes", "changes", 0, "current", "primary"),
    _set({"device_type": HDV230, "device_name": None, "buttons": []}, "changes", 0, "current"),
    _set({"device_type": HDV230, "device_name": None, "buttons": [{"id": "4", "type": "CALLLOG", "label": "",
                                                                  "parameter": ""}]}, "changes", 0, "current"),
    _set(True, "not_written", 0, "changed"),
    _set([{"message": "x"}], "failed"),
    _set({"T46S": {"managed_keys": ["1"], "label_ignored": []}}, "phone_types"),
    _set({"standard": {"T46S": [{"type": "LINE"}]}}, "templates"),  # a key without an id
], ids=["no counts", "no changes", "negative count", "fractional count", "count as text", "negative not_written",
        "counts without unchanged", "check_mode not bool", "entry without fields", "change not changed",
        "change failed", "state of the wrong type", "before and after of two resources", "button id as text", "not_written changed",
        "failed not strings", "managed_keys as text", "template key without id"])
def test_the_schema_refuses(written, mutate):
    report = copy.deepcopy(written)
    mutate(report)
    assert problems(report), report


def test_an_info_report_of_the_wrong_shape_is_refused():
    assert problems({"results": [{"tenant": "foo", "group": "foogroup", "user": "a", "primary": "yes"}]})
    assert problems({"results": [{"failed": True}]})  # no msg
    assert problems({"results": {}})
    assert problems({"results": [], "counts": {"total": 0, "changed": 0, "unchanged": 0, "failed": 0}})
    assert problems({}) and problems([])


# -- the schema and its documentation -------------------------------------------------------------------------

def test_the_schema_is_valid_2020_12_with_a_urn_id_and_a_description_on_every_property():
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert re.fullmatch(r"urn:[a-z0-9-]+:[a-z0-9-]+:\d+", SCHEMA["$id"])
    assert SCHEMA["title"] and SCHEMA["description"]
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in (node.get("properties") or {}).items():
                if "description" not in sub:
                    missing.append("%s/properties/%s" % (where, name))
            for key, sub in node.items():
                walk(sub, "%s/%s" % (where, key))
        elif isinstance(node, list):
            for number, sub in enumerate(node):
                walk(sub, "%s/%d" % (where, number))

    walk(SCHEMA, "#")
    assert missing == []
    for name, definition in SCHEMA["$defs"].items():
        assert definition.get("description"), name
        assert definition.get("additionalProperties", True) is not False, name  # open: fields get added


def test_the_example_of_the_documentation_is_valid():
    text = (DOCS / "plan-report.md").read_text()
    examples = re.findall(r"```json\n(.*?)```", text, re.S)
    assert examples
    for example in examples:
        valid_example = json.loads(example)
        assert problems(valid_example) == []
    assert "check-jsonschema --schemafile docs/plan-report.schema.json plan/phone_buttons.json" in text
