"""The plan report's grouping and its Markdown (plugins/module_utils/plan_report.py)."""

from ansible_collections.telephony.apio.plugins.module_utils import plan_report

HDV = "Telenet-Panasonic-KX-HDV230"
T46S = "Yealink-T46S"


def key(key_id, key_type, label, parameter=""):
    return {"id": key_id, "type": key_type, "label": label, "parameter": parameter}


def entry(user, device_type=HDV, assistant=None, template="standard", group="foogroup"):
    """A changed user as the roll-out reports it: its own line, and its assistant when it has one."""
    before = [key(1, "LINE", "Line", user), key(5, "ONETOUCH", "call boss", "065432368")]
    after = [key(1, "LINE", "Line", user), key(4, "REDIAL", "Redial")]
    changes = ["key 4 added: REDIAL 'Redial'", "key 5 removed (was ONETOUCH 'call boss' 065432368)"]
    variables = {}
    if assistant:
        after.append(key(10, "BLF", "Assistant", assistant))
        changes.append("key 10 added: BLF 'Assistant' %s" % assistant)
        variables["assistant"] = assistant
    return {"tenant": "foo", "group": group, "user": user, "user_label": "user %s (foo/%s)" % (user, group),
            "changed": True, "failed": False, "changes": changes, "template": template, "vars": variables,
            "previous": {"device_type": device_type, "device_name": "DP_" + user, "buttons": before},
            "current": {"device_type": device_type, "device_name": "DP_" + user, "buttons": after}}


def report(changes, failed=(), skipped=(), check_mode=True):
    return {"check_mode": check_mode, "msg": "", "changes": list(changes), "not_written": [],
            "failed": list(failed), "skipped": list(skipped),
            "counts": {"total": len(changes) + len(failed) + len(skipped), "changed": len(changes), "unchanged": 0,
                       "failed": len(failed), "skipped": len(skipped)}}


def test_users_with_the_same_change_but_their_own_values_are_one_group():
    entries = ([entry("u%04d@sip.example.com" % n, assistant="a%04d@sip.example.com" % n) for n in range(30)]
               + [entry("v%04d@sip.example.com" % n) for n in range(20)]
               + [entry("w%04d@sip.example.com" % n, device_type=T46S) for n in range(5)])
    groups = plan_report.group_changes(entries)

    assert [(g["count"], g["device_type"]) for g in groups] == [(30, HDV), (20, HDV), (5, T46S)]
    assert sum(g["count"] for g in groups) == len(entries)
    assert groups[0]["changes"] == ["key 4 added: REDIAL 'Redial'", "key 5 removed (was ONETOUCH 'call boss' 065432368)",
                                    "key 10 added: BLF 'Assistant' {assistant}"]
    assert groups[0]["after"][0] == key(1, "LINE", "Line", "{user}")
    assert groups[0]["changed_ids"] == [4, 5, 10]
    assert groups[0]["users"][:2] == ["user u0000@sip.example.com (foo/foogroup)", "user u0001@sip.example.com (foo/foogroup)"]
    assert groups[0]["templates"] == ["standard"]


def test_a_different_value_that_is_not_the_user_s_own_makes_another_group():
    one, other = entry("alice@sip.example.com"), entry("bob@sip.example.com")
    other["changes"] = ["key 4 added: REDIAL 'Again'"]
    assert [g["count"] for g in plan_report.group_changes([one, other])] == [1, 1]


def test_the_markdown_names_the_groups_failed_and_skipped_users():
    model = plan_report.build(report([entry("u%d@sip.example.com" % n) for n in range(3)],
                                     failed=["user ghost (foo/foogroup): GET phone buttons failed: HTTP 404: user not found"],
                                     skipped=["user nophone (foo/foogroup): has no phone"]), "Phone buttons")
    text, left_out = plan_report.markdown(model, detail=["phone_buttons.json", "phone_buttons.html"])

    assert left_out == 0
    assert text.startswith("## Phone buttons: 3 users would change\n\nDry run (check mode): nothing was written.\n"
                           "5 users: 3 would change, 0 unchanged, 1 skipped, 1 failed.\n")
    assert text.index("### Failed (1)") < text.index("### Skipped (1)") < text.index("### Changes")
    assert ("| 1 | 3: user u0@sip.example.com (foo/foogroup), user u1@sip.example.com (foo/foogroup), "
            "user u2@sip.example.com (foo/foogroup) | %s (template standard) | key 4 added: REDIAL 'Redial'<br>" % HDV) in text
    assert text.endswith("Every user's detail (before, after): `phone_buttons.json` and `phone_buttons.html`.\n")


def test_ten_thousand_users_that_all_differ_still_fit_a_github_comment():
    # The worst case: no two users alike, and many failures; failed users stay visible first.
    entries = []
    for n in range(10000):
        item = entry("u%05d@sip.example.com" % n)
        item["changes"] = ["key 4 added: REDIAL 'Redial %d'" % n]
        entries.append(item)
    failed = ["user f%04d (foo/foogroup): GET phone buttons failed: HTTP 404: user not found" % n for n in range(2000)]
    model = plan_report.build(report(entries, failed=failed), "Phone buttons")
    text, left_out = plan_report.markdown(model, detail=["phone_buttons.json"])

    assert len(text) <= plan_report.GITHUB_COMMENT_LIMIT
    assert text.index("### Failed (2,000)") < text.index("### Changes: 10,000 users in 10,000 groups")
    assert "- user f0000 (foo/foogroup): GET phone buttons failed" in text
    assert "more: see `phone_buttons.json`" in text
    assert 0 < left_out < 10000
    assert ("%s groups of %s users left out here." % (format(left_out, ","), format(left_out, ","))) in text


def test_ten_thousand_users_of_one_template_read_as_a_few_groups():
    entries = [entry("u%05d@sip.example.com" % n, device_type=(HDV, T46S)[n % 2]) for n in range(10000)]
    text, left_out = plan_report.markdown(plan_report.build(report(entries), "Phone buttons"))
    assert left_out == 0
    assert "### Changes: 10,000 users in 2 groups" in text
    assert "| 1 | 5,000: user u00000@sip.example.com (foo/foogroup)" in text and "and 4,995 more |" in text
    assert len(text) < 3000


def test_a_limit_below_the_closing_line_still_holds():
    model = plan_report.build(report([entry("u%d@sip.example.com" % n) for n in range(50)]), "Phone buttons")
    text, unused = plan_report.markdown(model, limit=300)
    assert len(text) <= 300


def refused(check_mode=False):
    """A run that an invalid user stopped: one user differs and is held back, one failed, none written."""
    held = dict(entry("alice@sip.example.com"), changed=False, blocked=True)
    return {"check_mode": check_mode, "msg": "nothing was written: 1 of 2 users not valid, 1 user that differs held back",
            "changes": [], "not_written": [held], "failed": ["user bob@sip.example.com (foo/foogroup): key 30 is not a key"],
            "skipped": [], "counts": {"total": 2, "changed": 0, "unchanged": 0, "failed": 1, "skipped": 0, "not_written": 1}}


def test_a_refused_apply_is_headed_nothing_was_written():
    text, unused = plan_report.markdown(plan_report.build(refused(), "Phone buttons"))
    assert text.startswith("## Phone buttons: nothing was written (1 user failed, 1 user held back)\n\n"
                           "1 user that differs was held back (not written) because of the failed users below.\n"
                           "2 users: 0 changed, 0 unchanged, 0 skipped, 1 failed, 1 held back.\n")
    assert "would change" not in text
    assert "### Held back, not written: 1 user in 1 group" in text


def test_a_dry_run_that_an_invalid_user_stops_would_write_nothing():
    text, unused = plan_report.markdown(plan_report.build(refused(check_mode=True), "Phone buttons"))
    assert text.startswith("## Phone buttons: nothing would be written (1 user failed, 1 user held back)\n\n"
                           "Dry run (check mode): nothing was written. 1 user that differs would be held back")
    assert "2 users: 0 would change, 0 unchanged, 0 skipped, 1 failed, 1 held back.\n" in text


def test_only_the_templates_the_users_were_given_on_their_phone_types_are_in_the_model():
    library = {"standard": {HDV: [key(1, "LINE", "Line")], T46S: [key(1, "LINE", "")]},
               "reception": {HDV: [key(8, "BLF", "Reception")]}, "sales": {T46S: []}}
    run = dict(report([entry("alice@sip.example.com")]), templates=library)
    assert plan_report.build(run, "x")["templates"] == {"standard": {HDV: [key(1, "LINE", "Line")]}}
    run = dict(refused(), templates=library)
    assert plan_report.build(run, "x")["templates"] == {"standard": {HDV: [key(1, "LINE", "Line")]}}
