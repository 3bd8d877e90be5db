"""results: fit_result's ladder (what a result sheds, in which order), trim_invocation, the report file."""

import copy
import json
import os
import stat

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import results as results_mod
from ansible_collections.telephony.apio.plugins.module_utils.results import (
    DEFAULT_RESULT_LIMIT,
    MINIMAL_FIELDS,
    fit_result,
    remove_report,
    trim_invocation,
    write_report,
)

from .fakes import HDV230

REPORT = "/var/tmp/phone_buttons_rollout/report.json"
NO_REPORT = "the report file (option report)"
STEP_DIFF = "diff of %d users"
STEP_DETAIL = "previous, current and changes of each user"
STEP_MINIMAL = "the message of each changed user"
STEP_ENTRIES = "%d users' entries"
STEP_MSG = "the end of msg"


def size(value):
    return len(str(value))


def note(limit, *parts, report=None):
    where = "the report file %s" % report if report else NO_REPORT
    return "result cut to %d characters (option result_limit): left out %s; see %s" % (limit, ", ".join(parts), where)


def keys_of(user, label):
    return [{"id": k, "type": "DIRECT_CALL", "label": "%s %d" % (label, k), "parameter": "1%03d" % k} for k in range(1, 9)]


def changed_entry(n, width=5):
    """An entry as outcome.entry makes it for a changed user."""
    user = "user%0*d@sip.example.com" % (width, n)
    label = "user %s (foo/foogroup)" % user
    changes = ["key %d label 'old %d' -> 'new %d'" % (k, k, k) for k in range(1, 9)]
    return {"tenant": "foo", "group": "foogroup", "user": user, "user_label": label, "failed": False,
            "changed": True, "changes": changes, "msg": "%s: %s" % (label, "; ".join(changes)),
            "previous": {"device_type": HDV230, "device_name": "DP_" + user, "buttons": keys_of(user, "old")},
            "current": {"device_type": HDV230, "device_name": "DP_" + user, "buttons": keys_of(user, "new")}}


def failed_entry(n, message, width=5):
    user = "user%0*d@sip.example.com" % (width, n)
    label = "user %s (foo/foogroup)" % user
    return {"tenant": "foo", "group": "foogroup", "user": user, "user_label": label, "failed": True,
            "changed": False, "msg": "%s: %s" % (label, message), "status": 400, "invalid": True,
            "previous": {"device_type": HDV230, "device_name": "DP_" + user, "buttons": keys_of(user, "old")}}


def skipped_entry(n, width=5):
    user = "user%0*d@sip.example.com" % (width, n)
    label = "user %s (foo/foogroup)" % user
    msg = "%s: has no phone" % label
    return {"tenant": "foo", "group": "foogroup", "user": user, "user_label": label, "status": "no_phone",
            "template": "standard", "device_type": None, "failed": False, "changed": False, "skipped": "no_phone",
            "msg": msg, "reason": msg}


def diff_of(n, width=5):
    label = "user user%0*d@sip.example.com (foo/foogroup)" % (width, n)
    return {"before_header": label, "after_header": label,
            "before": {"device_type": HDV230, "buttons": {"%02d" % k: "DIRECT_CALL 'old %d' 1%03d" % (k, k) for k in range(1, 9)}},
            "after": {"device_type": HDV230, "buttons": {"%02d" % k: "DIRECT_CALL 'new %d' 1%03d" % (k, k) for k in range(1, 9)}}}


def batch_result(entries, diff=None, msg=None):
    counts = {"total": len(entries), "changed": sum(1 for e in entries if e.get("changed")),
              "failed": sum(1 for e in entries if e.get("failed")),
              "skipped": sum(1 for e in entries if e.get("skipped"))}
    counts["unchanged"] = counts["total"] - counts["changed"] - counts["failed"] - counts["skipped"]
    result = {"changed": counts["changed"] > 0, "counts": counts, "results": entries,
              "msg": msg or "%d users: %d changed, %d unchanged" % (counts["total"], counts["changed"], counts["unchanged"])}
    if diff is not None:
        result["diff"] = diff
    return result


def without(entry, *names):
    return {k: v for k, v in entry.items() if k not in names}


# -- under the limit ---------------------------------------------------------------------------------

def test_a_result_under_the_limit_is_returned_unchanged():
    result = batch_result([changed_entry(n) for n in range(3)], diff=[diff_of(n) for n in range(3)])
    kept = copy.deepcopy(result)
    assert fit_result(result, size(result)) is result
    assert fit_result(result, size(result) + 1, report=REPORT) is result
    assert fit_result(result, DEFAULT_RESULT_LIMIT) is result
    assert result == kept


def test_limit_zero_means_no_limit():
    result = batch_result([changed_entry(n) for n in range(2000)])
    assert size(result) > DEFAULT_RESULT_LIMIT
    assert fit_result(result, 0) is result
    assert fit_result(result, 0, report=REPORT) is result
    assert fit_result(result, None) is result


def test_one_character_over_the_limit_is_cut_and_the_input_is_not_modified():
    result = batch_result([changed_entry(n) for n in range(3)])
    kept = copy.deepcopy(result)
    limit = size(result) - 1
    out = fit_result(result, limit)
    assert out is not result
    assert result == kept
    assert out == dict(result, results=[without(e, "previous", "current", "changes") for e in result["results"]],
                       truncated=note(limit, STEP_DETAIL))
    assert size(out) <= limit


# -- the ladder, one step at a time ------------------------------------------------------------------

def test_step_1_diff_beyond_a_quarter_of_the_limit_is_replaced_by_a_final_entry():
    diffs = [diff_of(n) for n in range(20)]
    d = size(diffs[0])
    assert {size(x) for x in diffs} == {d}
    result = batch_result([changed_entry(n) for n in range(2)], diff=diffs)
    limit = 4 * (3 * d + d // 2)  # a quarter of the limit holds three diffs and a half
    assert size(result) > limit
    out = fit_result(result, limit, report=REPORT)
    assert out == dict(result, diff=diffs[:3] + [
        {"prepared": "... and 17 more users changed: see the report file %s" % REPORT}],
        truncated=note(limit, STEP_DIFF % 17, report=REPORT))
    assert out["results"] is result["results"]  # previous/current kept: the diff was enough
    assert len(result["diff"]) == 20  # the input is not modified
    assert size(out) <= limit


def test_step_1_without_a_report_path_points_to_the_option():
    diffs = [diff_of(n) for n in range(8)]
    result = batch_result([], diff=diffs)
    limit = 4 * size(diffs[0]) + 3  # one diff in a quarter
    out = fit_result(result, limit)
    assert out["diff"] == [diffs[0], {"prepared": "... and 7 more users changed: see %s" % NO_REPORT}]
    assert out["truncated"] == note(limit, STEP_DIFF % 7)
    assert size(out) <= limit


def test_step_1_a_first_diff_larger_than_the_quarter_leaves_only_the_final_entry():
    diffs = [diff_of(n) for n in range(5)]
    result = batch_result([], diff=diffs)
    limit = 4 * size(diffs[0]) - 4
    out = fit_result(result, limit, report=REPORT)
    assert out["diff"] == [{"prepared": "... and 5 more users changed: see the report file %s" % REPORT}]
    assert out["truncated"] == note(limit, STEP_DIFF % 5, report=REPORT)


def test_step_1_a_diff_under_a_quarter_of_the_limit_is_kept_whole():
    diffs = [diff_of(n) for n in range(2)]
    result = batch_result([changed_entry(n) for n in range(20)], diff=diffs)
    step2 = dict(result, results=[without(e, "previous", "current", "changes") for e in result["results"]])
    limit = size(step2) + 300
    assert size(diffs) < limit // 4 < size(result)
    out = fit_result(result, limit)
    assert out == dict(step2, truncated=note(limit, STEP_DETAIL))
    assert out["diff"] == diffs


def test_step_2_previous_current_and_changes_are_dropped_from_every_entry():
    entries = [changed_entry(n) for n in range(10)]
    entries += [failed_entry(10, "key 5: type ONETOUCH needs a label"), skipped_entry(11)]
    result = batch_result(entries)
    expected = dict(result, results=[without(e, "previous", "current", "changes") for e in entries])
    limit = size(expected) + 300
    assert size(result) > limit
    out = fit_result(result, limit, report=REPORT)
    assert out == dict(expected, truncated=note(limit, STEP_DETAIL, report=REPORT))
    # what remains of an entry: who it is and what happened, with its message
    assert out["results"][0] == {"tenant": "foo", "group": "foogroup", "user": "user00000@sip.example.com",
                                 "user_label": "user user00000@sip.example.com (foo/foogroup)", "failed": False,
                                 "changed": True, "msg": entries[0]["msg"]}
    assert out["results"][11] == entries[11]
    assert "previous" in entries[0]  # the input's entries are not modified
    assert size(out) <= limit


def test_step_3_entries_become_minimal_and_failed_and_skipped_keep_their_message():
    entries = [changed_entry(n) for n in range(10)]
    entries += [failed_entry(10, "key 5: type ONETOUCH needs a label"), skipped_entry(11)]
    entries[3] = dict(entries[3], blocked=True, changed=False,
                      msg="user user00003@sip.example.com (foo/foogroup): not written (another user is not valid): x")
    result = batch_result(entries)
    step2 = dict(result, results=[without(e, "previous", "current", "changes") for e in entries])
    minimal = dict(result, results=[{k: e[k] for k in MINIMAL_FIELDS if k in e} for e in entries])
    minimal["results"][10]["msg"] = entries[10]["msg"]
    minimal["results"][11]["msg"] = entries[11]["msg"]
    limit = size(minimal) + 300
    assert size(step2) > limit
    out = fit_result(result, limit)
    assert out == dict(minimal, truncated=note(limit, STEP_DETAIL, STEP_MINIMAL))
    assert out["results"][0] == {"tenant": "foo", "group": "foogroup", "user": "user00000@sip.example.com",
                                 "user_label": "user user00000@sip.example.com (foo/foogroup)", "changed": True,
                                 "failed": False}
    assert out["results"][3] == {"tenant": "foo", "group": "foogroup", "user": "user00003@sip.example.com",
                                 "user_label": "user user00003@sip.example.com (foo/foogroup)", "changed": False,
                                 "failed": False, "blocked": True}
    assert out["results"][10] == {"tenant": "foo", "group": "foogroup", "user": "user00010@sip.example.com",
                                  "user_label": "user user00010@sip.example.com (foo/foogroup)", "changed": False,
                                  "failed": True, "invalid": True, "status": 400, "msg": entries[10]["msg"]}
    assert out["results"][11] == {"tenant": "foo", "group": "foogroup", "user": "user00011@sip.example.com",
                                  "user_label": "user user00011@sip.example.com (foo/foogroup)", "changed": False,
                                  "failed": False, "skipped": "no_phone", "status": "no_phone",
                                  "msg": "user user00011@sip.example.com (foo/foogroup): has no phone"}
    assert size(out) <= limit


def _big_minimal(n, kind):
    """A minimal entry about 1,000 characters long (a long label), so that the count kept is clear-cut."""
    label = "user %s-%02d (foo/foogroup)" % ("x" * 1000, n)
    entry = {"tenant": "foo", "group": "foogroup", "user": "%s%02d" % (kind, n), "user_label": label,
             "changed": kind == "c", "failed": kind == "f"}
    if kind == "f":
        entry.update(invalid=True, status=404, msg="%s: GET phone buttons failed: HTTP 404: user not found" % label)
    if kind == "s":
        entry.update(skipped="no_phone", status="no_phone", msg="%s: has no phone" % label)
    return entry


def test_step_4_entries_left_out_failed_and_skipped_kept_first():
    entries = ([_big_minimal(n, "c") for n in range(10)] + [_big_minimal(0, "f")]
               + [_big_minimal(n, "c") for n in range(10, 15)] + [_big_minimal(0, "s"), _big_minimal(1, "f")]
               + [_big_minimal(n, "c") for n in range(15, 20)] + [_big_minimal(1, "s")])
    result = batch_result(entries)
    first = [entries[10], entries[16], entries[17], entries[23]] + entries[:8]  # failed/skipped in order, then changed
    # room for 12 entries and half of the 13th
    limit = size(dict(result, results=[])) + sum(size(e) + 2 for e in first) + size(entries[8]) // 2
    out = fit_result(result, limit, report=REPORT)
    assert [e["user"] for e in out["results"]] == ["f00", "s00", "f01", "s01"] + ["c%02d" % n for n in range(8)]
    # The entries were minimal already: only their number is named as left out.
    assert out == dict(result, results=first, results_omitted=12,
                       truncated=note(limit, STEP_ENTRIES % 12, report=REPORT))
    assert out["counts"] == {"total": 24, "changed": 20, "failed": 2, "skipped": 2, "unchanged": 0}
    assert size(out) <= limit


def test_step_4_with_room_for_nothing_but_the_failed_users():
    entries = [_big_minimal(n, "c") for n in range(5)] + [_big_minimal(n, "f") for n in range(3)]
    result = batch_result(entries)
    limit = size(dict(result, results=[])) + sum(size(e) + 2 for e in entries[5:]) + 400
    out = fit_result(result, limit)
    assert out["results"] == entries[5:]
    assert out["results_omitted"] == 5
    assert out["truncated"] == note(limit, STEP_ENTRIES % 5)
    assert size(out) <= limit


def test_a_long_msg_is_cut_to_a_tenth_of_the_limit():
    errors = ["user u%03d (foo/foogroup): key 5: type ONETOUCH needs a label" % n for n in range(200)]
    message = "nothing was written: 200 of 200 users not valid: " + "; ".join(errors)
    result = {"changed": False, "counts": {"total": 200, "changed": 0, "failed": 200, "skipped": 0, "unchanged": 0},
              "results": [], "msg": message, "failed": True}
    limit = len(message)  # the message alone fills the limit
    out = fit_result(result, limit, report=REPORT)
    assert out["msg"] == message[:limit // 10] + (" ... (cut: every user's message is in results and the report file %s)"
                                                  % REPORT)
    assert out["truncated"].startswith("result cut to %d characters (option result_limit): " % limit)
    assert out["truncated"].endswith("; see the report file %s" % REPORT)
    assert (out["counts"], out["failed"], out["changed"], out["results"]) == (result["counts"], True, False, [])
    assert result["msg"] == message
    assert size(out) <= limit


def test_truncated_names_a_cut_msg():
    message = "; ".join("user u%03d (foo/foogroup): key 5: type ONETOUCH needs a label" % n for n in range(200))
    result = {"changed": False, "counts": {"total": 200, "changed": 0, "failed": 200}, "results": [], "msg": message}
    out = fit_result(result, len(message), report=REPORT)
    assert "left out ;" not in out["truncated"]
    assert "msg" in out["truncated"] or "message" in out["truncated"]


def test_a_msg_within_a_tenth_of_the_limit_is_not_cut():
    result = batch_result([changed_entry(n) for n in range(20)], msg="m" * 100)
    limit = size(result) - 1
    out = fit_result(result, limit)
    assert out["msg"] == "m" * 100


# -- thousands of users ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ten_thousand_changed():
    entries = [changed_entry(n) for n in range(10000)]
    return batch_result(entries, diff=[diff_of(n) for n in range(10000)])


def test_ten_thousand_changed_users_keep_counts_diff_head_and_say_what_was_left_out(ten_thousand_changed):
    result = ten_thousand_changed
    counts = copy.deepcopy(result["counts"])
    out = fit_result(result, DEFAULT_RESULT_LIMIT, report=REPORT)
    assert out["counts"] == counts == {"total": 10000, "changed": 10000, "failed": 0, "skipped": 0, "unchanged": 0}
    assert (out["changed"], out["msg"]) == (True, "10000 users: 10000 changed, 0 unchanged")
    d = size(result["diff"][0])
    kept = DEFAULT_RESULT_LIMIT // 4 // d
    assert out["diff"] == result["diff"][:kept] + [
        {"prepared": "... and %d more users changed: see the report file %s" % (10000 - kept, REPORT)}]
    minimal = [{k: e[k] for k in MINIMAL_FIELDS if k in e} for e in result["results"]]
    assert out["results"] == minimal[:len(out["results"])]
    assert 0 < len(out["results"]) and out["results_omitted"] == 10000 - len(out["results"])
    assert out["truncated"] == note(DEFAULT_RESULT_LIMIT, STEP_DIFF % (10000 - kept), STEP_DETAIL, STEP_MINIMAL,
                                    STEP_ENTRIES % out["results_omitted"], report=REPORT)
    assert len(result["results"]) == 10000 and "previous" in result["results"][0]  # input untouched


def test_ten_thousand_changed_users_fit_the_default_limit(ten_thousand_changed):
    out = fit_result(ten_thousand_changed, DEFAULT_RESULT_LIMIT, report=REPORT)
    assert size(out) <= DEFAULT_RESULT_LIMIT


@pytest.mark.parametrize("report", [None, REPORT])
def test_step_4_fits_when_the_kept_entries_fill_the_budget_exactly(report):
    entries = [_big_minimal(n, "c") for n in range(20)]
    result = batch_result(entries)
    limit = size(dict(result, results=[])) + sum(size(e) + 2 for e in entries[:10]) + 200
    out = fit_result(result, limit, report=report)
    # What fit_result adds (results_omitted and the truncated note) takes about the last entry's room.
    assert out["results_omitted"] in (10, 11)
    assert out["results"] == entries[:20 - out["results_omitted"]]
    assert size(out) <= limit


def test_ten_thousand_failed_users_with_long_messages_fit_and_the_msg_is_cut():
    message = ("key 5: type 'SPEEDDIAL' is not available on phone type 'Telenet-Panasonic-KX-HDV230' "
               "(available: BLF, CALLLOG, DIRECT_CALL, LINE, ONETOUCH); " + "key 6: " + "z" * 300)
    entries = [failed_entry(n, message) for n in range(10000)]
    head = "nothing was written: 10000 of 10000 users not valid: "
    result = batch_result(entries, msg=head + "; ".join(e["msg"] for e in entries))
    assert size(result) > 20 * DEFAULT_RESULT_LIMIT
    out = fit_result(result, DEFAULT_RESULT_LIMIT, report=REPORT)
    assert size(out) <= DEFAULT_RESULT_LIMIT
    assert out["msg"] == result["msg"][:DEFAULT_RESULT_LIMIT // 10] + (
        " ... (cut: every user's message is in results and the report file %s)" % REPORT)
    assert out["counts"] == {"total": 10000, "changed": 0, "failed": 10000, "skipped": 0, "unchanged": 0}
    expected = [dict(without(e, "previous"), msg=e["msg"]) for e in entries]
    assert out["results"] == expected[:len(out["results"])]  # whole messages, in order
    assert len(out["results"]) > 500
    assert out["results_omitted"] == 10000 - len(out["results"])
    # Failed entries keep their message: the minimal step changes nothing and is not named.
    assert out["truncated"] == note(DEFAULT_RESULT_LIMIT, STEP_MSG, STEP_DETAIL,
                                    STEP_ENTRIES % out["results_omitted"], report=REPORT)


@pytest.mark.parametrize("limit", [20000, 100000, 700000])
def test_failed_and_skipped_users_fill_the_kept_entries_before_changed_ones(limit):
    entries = []
    for n in range(3000):
        entries.append(changed_entry(n) if n % 3 else (failed_entry(n, "x" * 50) if n % 2 else skipped_entry(n)))
    result = batch_result(entries)
    out = fit_result(result, limit)
    assert size(out) <= limit
    assert out["counts"] == result["counts"]
    minimal = [_minimal_of(e) for e in entries]
    if limit == 700000:  # minimal entries are enough: all kept, in their order
        assert out["results"] == minimal
        assert "results_omitted" not in out
        return
    first = [e for e in minimal if not e["changed"]] + [e for e in minimal if e["changed"]]
    assert out["results"] == first[:len(out["results"])]
    assert out["results_omitted"] == 3000 - len(out["results"])
    assert out["truncated"] == note(limit, STEP_DETAIL, STEP_MINIMAL, STEP_ENTRIES % out["results_omitted"])


def _minimal_of(entry):
    kept = {k: entry[k] for k in MINIMAL_FIELDS if k in entry}
    if entry.get("failed") or entry.get("skipped"):
        kept["msg"] = entry["msg"]
    return kept


# AWX's MAX_EVENT_RES_DATA (ansible-runner's MAX_EVENT_RES default): a result whose str() is longer is
# replaced with {}. Pinned here as its own number, not through DEFAULT_RESULT_LIMIT, so that a change of
# the module's constant cannot move the bar it is measured against.
AWX_LIMIT = 700000


def test_a_fleet_result_cut_with_the_default_limit_fits_awx_and_keeps_the_failed_and_skipped_users():
    """Issue #23: 10,000 users changed (with --diff), one skipped and one failed, both last in the list."""
    error = "GET phone buttons failed: HTTP 503: service unavailable"
    entries = [changed_entry(n) for n in range(10000)] + [skipped_entry(10000), failed_entry(10001, error)]
    result = batch_result(entries, diff=[diff_of(n) for n in range(10000)],
                          msg="1 of 10002 users failed (10000 changed, 0 unchanged): %s" % entries[-1]["msg"])
    result["failed"] = True
    counts = copy.deepcopy(result["counts"])
    assert size(result) > AWX_LIMIT

    out = fit_result(result, DEFAULT_RESULT_LIMIT, report=REPORT)
    assert size(out) < AWX_LIMIT
    assert out["counts"] == counts == {"total": 10002, "changed": 10000, "failed": 1, "skipped": 1, "unchanged": 0}
    assert (out["changed"], out["failed"], out["msg"]) == (True, True, result["msg"])
    # The skipped and the failed user come first, each with its msg: what the role and the playbooks read.
    assert out["results"][:2] == [_minimal_of(entries[-2]), _minimal_of(entries[-1])]
    skipped, failed = out["results"][:2]
    assert (skipped["skipped"], skipped["msg"]) == ("no_phone", "user user10000@sip.example.com (foo/foogroup): has no phone")
    assert (failed["failed"], failed["status"], failed["msg"]) == (
        True, 400, "user user10001@sip.example.com (foo/foogroup): " + error)
    assert "reason" not in skipped  # it repeats msg: left out with the rest of the detail; read msg
    assert out["results_omitted"] == 10002 - len(out["results"]) > 0
    assert out["truncated"].endswith("see the report file %s" % REPORT)


# -- trim_invocation ---------------------------------------------------------------------------------

def test_trim_invocation_summarises_lists_longer_than_twenty_items():
    params = {"batch": [{"user": "u%d" % n} for n in range(21)], "keys": list(range(20)), "user": None,
              "vars": {"a": list(range(30))}, "url": "http://x", "empty": []}
    kept = copy.deepcopy(params)
    assert trim_invocation(params) == {"batch": "(21 items, not echoed)", "keys": list(range(20)), "user": None,
                                       "vars": {"a": list(range(30))}, "url": "http://x", "empty": []}
    assert params == kept
    assert results_mod.MAX_ECHOED_ITEMS == 20


def test_trim_invocation_of_ten_thousand_users():
    assert trim_invocation({"batch": [{}] * 10000}) == {"batch": "(10000 items, not echoed)"}


# -- report file -------------------------------------------------------------------------------------

REPORT_DATA = {"msg": "2 users: 1 changed, 0 unchanged, 1 skipped", "check_mode": False,
               "counts": {"total": 2, "changed": 1, "unchanged": 0, "skipped": 1, "failed": 0},
               "changes": [{"user": "b", "changed": True, "changes": ["key 1 added: LINE '' b"]},
                           {"user": "a", "changed": True, "msg": "é"}],
               "not_written": [], "failed": [], "skipped": ["user c (foo/foogroup): has no phone"]}


def test_write_report_is_json_with_sorted_keys_and_one_line_per_list_element(tmp_path):
    path = tmp_path / "report.json"
    write_report(str(path), REPORT_DATA)
    with open(path) as stream:
        assert json.load(stream) == REPORT_DATA
    assert path.read_text() == (
        '{\n'
        '"changes": [\n'
        '{"changed": true, "changes": ["key 1 added: LINE \'\' b"], "user": "b"},\n'
        '{"changed": true, "msg": "\\u00e9", "user": "a"}\n'
        '],\n'
        '"check_mode": false,\n'
        '"counts": {"changed": 1, "failed": 0, "skipped": 1, "total": 2, "unchanged": 0},\n'
        '"failed": [],\n'
        '"msg": "2 users: 1 changed, 0 unchanged, 1 skipped",\n'
        '"not_written": [],\n'
        '"skipped": [\n'
        '"user c (foo/foogroup): has no phone"\n'
        ']\n'
        '}\n')
    assert os.listdir(tmp_path) == ["report.json"]  # no temporary file left behind
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644


def test_write_report_of_ten_thousand_entries_has_a_line_per_entry(tmp_path):
    path = tmp_path / "big.json"
    report = {"changes": [{"user": "u%05d" % n, "changed": True} for n in range(10000)], "counts": {"total": 10000}}
    write_report(str(path), report)
    lines = path.read_text().splitlines()
    assert len(lines) == 10000 + 5
    assert lines[2] == '{"changed": true, "user": "u00000"},'
    assert lines[10001] == '{"changed": true, "user": "u09999"}'
    assert json.loads(path.read_text()) == report


def test_write_report_creates_the_parent_directories(tmp_path):
    path = tmp_path / "plan" / "2024" / "rollout.json"
    write_report(str(path), {"counts": {"total": 0}})
    assert json.loads(path.read_text()) == {"counts": {"total": 0}}
    assert os.listdir(path.parent) == ["rollout.json"]


def test_write_report_expands_the_home_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    write_report("~/reports/r.json", {"a": 1})
    assert json.loads((tmp_path / "reports" / "r.json").read_text()) == {"a": 1}


def test_write_report_replaces_an_earlier_report(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("an earlier, much longer report " * 100)
    write_report(str(path), {"counts": {"total": 1}})
    assert json.loads(path.read_text()) == {"counts": {"total": 1}}
    assert os.listdir(tmp_path) == ["report.json"]


def test_write_report_that_fails_leaves_the_earlier_report_and_no_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text('{"old": true}\n')

    def refuse(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(results_mod.os, "replace", refuse)
    with pytest.raises(OSError, match="disk full"):
        write_report(str(path), {"counts": {"total": 1}})
    assert path.read_text() == '{"old": true}\n'
    assert os.listdir(tmp_path) == ["report.json"]


def test_write_report_of_a_value_that_is_not_json_writes_nothing(tmp_path):
    path = tmp_path / "report.json"
    with pytest.raises(TypeError):
        write_report(str(path), {"changes": [object()]})
    assert os.listdir(tmp_path) == []


def test_remove_report_removes_an_existing_file_and_ignores_a_missing_one(tmp_path, monkeypatch):
    path = tmp_path / "report.json"
    path.write_text("{}")
    remove_report(str(path))
    assert os.listdir(tmp_path) == []
    remove_report(str(path))  # already gone: no error
    remove_report(str(tmp_path / "missing" / "dir" / "report.json"))
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "r.json").write_text("{}")
    remove_report("~/r.json")
    assert os.listdir(tmp_path) == []
