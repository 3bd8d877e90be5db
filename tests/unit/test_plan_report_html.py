"""The HTML plan report (plugins/plugin_utils/plan_report_html.py and its Jinja2 templates): the key
pictures, the page, and the page as a real browser (headless Chromium, tests/support/browser.py) renders
it."""

import os
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from ansible_collections.telephony.apio.plugins.module_utils import plan_report
from ansible_collections.telephony.apio.plugins.plugin_utils import plan_report_html
from ansible_collections.telephony.apio.plugins.plugin_utils.plan_report_html import html, key_svg
from support import browser

SVG = "{http://www.w3.org/2000/svg}"
PANASONIC = "Telenet-Panasonic-KX-HDV230"
YEALINK = "Yealink-T46S"


def key(key_id, kind, label="", parameter="", **more):
    return dict(id=key_id, type=kind, label=label, parameter=parameter, **more)


def entry(user, device_type, before, after, changes, template="standard", **user_vars):
    return dict(user=user, user_label=user, template=template, vars=user_vars, changes=changes,
                previous=dict(device_type=device_type, buttons=before), current=dict(device_type=device_type, buttons=after))


def sample_report():
    """A dry run of 40 users: three groups on two phone types, two failed users, two templates."""
    changes = []
    for number in range(9):
        user, boss = "user%02d@sip.example.com" % number, "boss%02d@sip.example.com" % number
        common = [key(1, "LINE", "Line", user), key(2, "CALLLOG", "History"), key(3, "PHONEBOOK", "Contacts")]
        changes.append(entry(
            user, PANASONIC, common + [key(9, "DIRECT_CALL", "Old reception", "1000")],
            common + [key(9, "DIRECT_CALL", "Reception", "2000"), key(10, "BLF", "Assistant", boss)],
            ["user %s: key 9 label 'Old reception' -> 'Reception', parameter '1000' -> '2000'" % user,
             "user %s: key 10 added BLF 'Assistant' %s" % (user, boss)], assistant=boss))
    for number in range(4):
        user = "desk%02d@sip.example.com" % number
        changes.append(entry(
            user, YEALINK, [key(1, "LINE", "", user), key(2, "TRANSFER", 'Xfer <&">')],
            [key(1, "LINE", "", user), key(2, "TRANSFER", "Transfer"), key(3, "CALLLOG", "History")],
            ["user %s: key 2 label 'Xfer <&\">' -> 'Transfer'" % user, "user %s: key 3 added CALLLOG 'History'" % user],
            template="reception"))
    for number in range(2):
        user = "new%02d@sip.example.com" % number
        changes.append(entry(user, YEALINK, [], [key(1, "LINE", "", user)], ["user %s: key 1 added LINE" % user],
                             template="reception"))
    return dict(
        check_mode=True, counts=dict(total=40, changed=15, unchanged=23, skipped=0, failed=2),
        msg="40 users: 15 would change, 23 unchanged, 2 failed", changes=changes, not_written=[],
        failed=["user ghost@sip.example.com: not found (HTTP 404: user does not exist)",
                "user bad@sip.example.com: key 30 is not a programmable key of Yealink-T46S"],
        skipped=[],
        phone_types={PANASONIC: dict(managed_keys=list(range(1, 25)), label_ignored=[]),
                     YEALINK: dict(managed_keys=list(range(1, 17)), label_ignored=["LINE"])},
        templates={
            "standard": {PANASONIC: [key(1, "LINE", "Line", "{{ phone_buttons_user.user }}"),
                                     key(9, "DIRECT_CALL", "Reception", "{{ reception_number }}",
                                         when="reception_number is defined")]},
            "reception": {YEALINK: [key(1, "LINE", "", "{{ phone_buttons_user.user }}"),
                                    key(8, "BLF", "{{ monitored[0].split('@')[0] }}", "{{ monitored[0] }}",
                                        when="monitored is defined and monitored | length > 0")]}})


@pytest.fixture
def model():
    return plan_report.build(sample_report(), "Phone buttons: plan")


# -- the key pictures ---------------------------------------------------------------------------------

def cells(svg):
    """{key id: the cell's <g>} of a key picture, found by each cell's <title> ("Key N: ...")."""
    found = {}
    for group in ET.fromstring(svg).iter(SVG + "g"):
        title = group.find(SVG + "title")
        if title is not None and title.text.startswith("Key "):
            found[int(title.text.split(":")[0].split()[1])] = group
    return found


def texts(element):
    return ["".join(t.itertext()) for t in element.iter(SVG + "text")]


def test_a_key_picture_is_svg_with_a_title_and_one_cell_per_managed_key():
    svg = key_svg(range(1, 13), [key(1, "LINE", "Line", "alice@x"), key(4, "REDIAL", "Redial")], title="Polycom")
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg" and root.get("role") == "img"
    assert root[0].tag == SVG + "title" and root[0].text.startswith("Polycom: 12 programmable keys, 2 set")
    assert "sans-serif" in root.get("font-family")
    found = cells(svg)
    assert sorted(found) == list(range(1, 13))
    for key_id, cell in found.items():
        assert str(key_id) in texts(cell)
    assert texts(found[1])[1:] == ["LINE", "Line", "alice@x"]
    assert "empty" in texts(found[2])


def test_keys_go_down_the_left_column_then_the_right():
    found = cells(key_svg(range(1, 7), []))
    x = dict((i, int(cell.find(SVG + "rect").get("x"))) for i, cell in found.items())
    y = dict((i, int(cell.find(SVG + "rect").get("y"))) for i, cell in found.items())
    assert x[1] == x[2] == x[3] < x[4] == x[5] == x[6]
    assert y[1] < y[2] < y[3] and (y[4], y[5], y[6]) == (y[1], y[2], y[3])


def test_changed_keys_are_marked_and_the_legend_says_so():
    svg = key_svg(range(1, 5), [key(1, "LINE", "Line"), key(2, "CALLLOG", "History")], changed_ids=[2, 3])
    found = cells(svg)
    changed_fill = plan_report_html.STYLE["changed"]["fill"]
    for key_id in (2, 3):
        assert found[key_id].find(SVG + "rect").get("fill") == changed_fill
        assert found[key_id].find(SVG + "path") is not None  # the corner mark
        assert "(changed)" in found[key_id].find(SVG + "title").text
    for key_id in (1, 4):
        assert found[key_id].find(SVG + "rect").get("fill") != changed_fill
        assert found[key_id].find(SVG + "path") is None
    assert "changed" in texts(ET.fromstring(svg))
    assert "2 changed (2, 3)" in ET.fromstring(svg)[0].text
    assert "changed" not in texts(ET.fromstring(key_svg(range(1, 5), [key(1, "LINE", "Line")])))


def test_labels_and_parameters_are_escaped():
    label, parameter = 'a<b & "c"', "x'y>z"
    svg = key_svg([1], [key(1, "DIRECT_CALL", label, parameter)], title='<script>&"')
    assert "<script>" not in svg and 'a<b' not in svg
    root = ET.fromstring(svg)
    assert root[0].text.startswith('<script>&"')
    assert texts(cells(svg)[1])[1:] == ["DIRECT_CALL", label, parameter]


def test_characters_that_xml_refuses_are_replaced():
    svg = key_svg([1], [key(1, "LINE", "bell\x07 and nul\x00")])
    assert texts(cells(svg)[1])[2] == "bell\ufffd and nul\ufffd"


def test_keys_the_phone_type_does_not_manage_are_still_drawn_and_flagged():
    svg = key_svg([1, 2], [key(1, "LINE", "Line"), key(30, "BLF", "Far away", "bob@x")])
    found = cells(svg)
    assert sorted(found) == [1, 2, 30]
    assert "NOT MANAGED" in texts(found[30]) and "Far away" in texts(found[30])
    assert "NOT MANAGED" not in texts(found[1])
    assert "not managed by the phone type" in texts(ET.fromstring(svg))


def test_without_managed_ids_the_keys_given_are_drawn():
    assert sorted(cells(key_svg(None, [key(3, "REDIAL", "Redial"), key(7, "DND_TOGGLE", "DND")]))) == [3, 7]
    assert sorted(cells(key_svg([], [key(5, "REDIAL", "Redial")], slots=[2]))) == [2, 5]


def test_ignored_labels_long_text_and_conditions():
    long_label = "A label far too long for the width of one key"
    svg = key_svg([1, 2], [key(1, "LINE", "", "{{ phone_buttons_user.user }}"),
                           key(2, "BLF", long_label, "x" * 80, when="assistant is defined")], label_ignored=["LINE"])
    found = cells(svg)
    assert texts(found[1])[2] == "label ignored"
    shown = texts(found[2])
    assert shown[2].endswith("\u2026") and long_label.startswith(shown[2][:-1])
    assert len(shown[3]) == plan_report_html.FIT_SMALL and "\u2026" in shown[3]
    assert shown[4] == "only if assistant is defined"
    assert long_label in found[2].find(SVG + "title").text  # the whole label in the tooltip


def test_a_key_picture_is_the_same_for_the_same_keys():
    keys = [key(2, "CALLLOG", "History"), key(1, "LINE", "Line")]
    assert key_svg([2, 1], keys, [1]) == key_svg([1, 2], list(reversed(keys)), (1,))


# -- the page -----------------------------------------------------------------------------------------

VOID = {"meta", "link", "br", "img", "input", "hr", "rect", "path"}


class Page(HTMLParser):
    """A page read with html.parser: its elements must nest; collects the counts and each group's pictures."""

    def __init__(self):
        HTMLParser.__init__(self, convert_charrefs=True)
        self.open = []
        self.counts = {}
        self.group_svgs = {}
        self.groups = []
        self.tags = []
        self.links = []
        self._count = None
        self._group = None
        self._group_depth = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag not in VOID:
            self.open.append(tag)
        if "data-count" in attrs:
            self._count = attrs["data-count"]
            self.counts[self._count] = ""
        if tag == "section" and "group" in (attrs.get("class") or "").split():
            self._group = attrs["id"]
            self._group_depth = len(self.open)
            self.groups.append(self._group)
            self.group_svgs[self._group] = 0
        if tag == "svg" and self._group:
            self.group_svgs[self._group] += 1
        for name in ("href", "src"):
            if name in attrs:
                self.links.append(attrs[name])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in VOID:  # a browser's DOM closes <rect> and <path> inside an SVG
            return
        assert self.open and self.open[-1] == tag, "</%s> closes <%s>" % (tag, self.open[-1] if self.open else "")
        self.open.pop()
        if tag == "span":
            self._count = None
        if tag == "section" and self._group and len(self.open) == self._group_depth - 1:
            self._group = None

    def handle_data(self, data):
        if self._count:
            self.counts[self._count] += data


def read(page):
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.open == [], "unclosed: %s" % parser.open
    return parser


def numbers(counts):
    return dict((name, int(text.replace(",", ""))) for name, text in counts.items())


def expected_counts(model):
    counts = model["counts"]
    return dict(total=counts["total"], changed=counts["changed"], unchanged=counts["unchanged"],
                skipped=counts["skipped"], failed=counts["failed"], groups=len(model["groups"]))


def test_the_page_is_one_self_contained_document(model):
    page = html(model, detail=("plan.json",))
    parsed = read(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script" not in page.lower() and "http://" not in page and "https://" not in page
    assert "@import" not in page and "url(" not in page
    assert parsed.links == ["plan.json"]
    # One title for the page, one for each picture, one for each key.
    assert parsed.tags.count("title") == 1 + page.count("<svg") + page.count("<g><title>")
    assert "<h1" in page and "Phone buttons: plan" in page


def test_the_counts_are_on_the_page(model):
    parsed = read(html(model))
    assert numbers(parsed.counts) == expected_counts(model)
    assert expected_counts(model) == dict(total=40, changed=15, unchanged=23, skipped=0, failed=2, groups=3)


def test_not_written_is_counted_when_a_run_held_users_back(model):
    report = sample_report()
    report.update(check_mode=False, not_written=report.pop("changes"))
    report["counts"].update(changed=0, not_written=15)
    held = plan_report.build(report, "held back")
    page = html(held)
    assert numbers(read(page).counts)["not_written"] == 15
    assert numbers(read(page).counts)["changed"] == 0
    assert "<b>Nothing was written (2 users failed, 15 users held back).</b>" in page
    assert "would change" not in page
    assert "not_written" not in read(html(model)).counts


def library_report(not_written=False):
    """A roll-out given a library of three templates on three phone types, of which one user used one
    template on one phone type: the only phone type the run read."""
    user = "alice@sip.example.com"
    change = entry(user, PANASONIC, [key(1, "LINE", "Line", user)],
                   [key(1, "LINE", "Line", user), key(4, "REDIAL", "Redial")], ["user %s: key 4 added REDIAL" % user])
    report = dict(
        check_mode=not not_written, counts=dict(total=1, changed=1, unchanged=0, skipped=0, failed=0),
        changes=[change], not_written=[], failed=[], skipped=[],
        phone_types={PANASONIC: dict(managed_keys=list(range(1, 13)), label_ignored=[])},
        templates={"standard": {PANASONIC: [key(1, "LINE", "Line", "{{ phone_buttons_user.user }}"),
                                            key(4, "REDIAL", "Redial")],
                                YEALINK: [key(1, "LINE", "", "{{ phone_buttons_user.user }}")],
                                "Polycom-VVX411": []},
                   "reception": {PANASONIC: [key(8, "BLF", "Reception", "{{ reception }}")],
                                 YEALINK: [key(8, "BLF", "Reception", "{{ reception }}")]},
                   "sales": {"Polycom-VVX411": [key(2, "CALLLOG", "History")]}})
    if not_written:
        # An apply refused for an invalid user: alice differs, and is held back; nothing was written.
        change.update(blocked=True)
        report.update(changes=[], not_written=[change], failed=["user bob@sip.example.com: key 30 is not a key"],
                      counts=dict(total=2, changed=0, unchanged=0, skipped=0, failed=1, not_written=1))
    return report


def pictures(page):
    """{title of each key picture: its summary} (the picture's <title>: "name: summary")."""
    return dict(title.rsplit(": ", 1) for title in re.findall(r"<svg [^>]*>\n<title>(.*?)</title>", page))


def test_only_the_templates_and_phone_types_the_users_used_are_drawn():
    page = html(plan_report.build(library_report(), "one user"))
    assert pictures(page) == {
        "Before: %s" % PANASONIC: "12 programmable keys, 1 set, 1 changed (4)",
        "After: %s" % PANASONIC: "12 programmable keys, 2 set, 1 changed (4)",
        "standard on %s" % PANASONIC: "12 programmable keys, 2 set"}
    for absent in (YEALINK, "Polycom-VVX411", "reception", "sales", "0 programmable keys"):
        assert absent not in page
    assert len(page) < 40000


def test_a_held_back_user_s_template_is_drawn_too():
    page = html(plan_report.build(library_report(not_written=True), "refused"))
    assert sorted(pictures(page)) == ["After: %s" % PANASONIC, "Before: %s" % PANASONIC, "standard on %s" % PANASONIC]


def test_a_phone_type_the_run_did_not_read_gets_no_key_count():
    report = library_report()
    report["phone_types"] = {}
    found = pictures(html(plan_report.build(report, "not read")))
    assert found["standard on %s" % PANASONIC] == "2 keys set (its programmable keys were not read)"
    assert found["After: %s" % PANASONIC].startswith("2 keys set (its programmable keys were not read)")
    assert not any("programmable keys," in summary for summary in found.values())


def test_a_refused_apply_is_headed_nothing_was_written():
    model = plan_report.build(library_report(not_written=True), "Phone buttons")
    page = html(model)
    assert '<p class="status" id="status"><b>Nothing was written (1 user failed, 1 user held back).</b>' in page
    assert "would change" not in page and "1 user changed" not in page
    assert numbers(read(page).counts) == dict(total=2, changed=0, unchanged=0, skipped=0, failed=1, not_written=1,
                                              groups=1)
    assert "<h2>Held back, not written: 1 user in 1 group</h2>" in page


def test_failed_users_come_first_and_all_of_them(model):
    report = sample_report()
    report["failed"] = ["user f%03d@x: HTTP 403 <forbidden>" % i for i in range(25)]
    page = html(plan_report.build(report, "failures"))
    assert page.index('id="failed"') < page.index('id="changes"')
    for line in report["failed"]:
        assert line.replace("<", "&lt;").replace(">", "&gt;") in page
    assert page.count("<details>") == 1 and "<summary>15 more</summary>" in page


def test_each_group_shows_its_changes_users_and_keys_before_and_after(model):
    page = html(model)
    parsed = read(page)
    assert parsed.groups == ["group-1", "group-2", "group-3"]
    assert parsed.group_svgs == {"group-1": 2, "group-2": 2, "group-3": 2}
    assert "key 9 label &#39;Old reception&#39; -&gt; &#39;Reception&#39;" in page
    assert "Xfer &lt;&amp;&#34;&gt;" in page and 'Xfer <&">' not in page  # Jinja's autoescape: " is &#34;
    assert "user {user}: key 10 added BLF &#39;Assistant&#39; {assistant}" in page
    assert "user08@sip.example.com" in page
    # The Yealink keys: 16 managed, LINE's label ignored; the before/after pair lays out the same ids.
    group = page[page.index('id="group-2"'):page.index('id="group-3"')]
    before, after = [svg.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
                     for svg in re.findall(r"<svg .*?</svg>", group, re.S)]
    assert sorted(cells(before)) == sorted(cells(after)) == list(range(1, 17))
    assert texts(cells(after)[1])[2] == "label ignored"
    assert "(changed)" in cells(after)[3].find(SVG + "title").text


def test_the_templates_section_draws_each_template_on_each_phone_type(model):
    page = html(model)
    section = page[page.index('id="templates"'):]
    assert section.count("<svg") == 2
    assert "{{ monitored[0] }}" in section and "only if reception_number is defined" in section
    assert section.index("reception on Yealink-T46S") < section.index("standard on Telenet-Panasonic-KX-HDV230")
    model["templates"] = {}
    assert 'id="templates"' not in html(model)


def test_ten_thousand_users_in_five_groups_name_twenty_users_each():
    changes = []
    for number in range(10000):
        user = "user%05d@sip.example.com" % number
        changes.append(entry(user, PANASONIC, [], [key(1, "LINE", "Line %d" % (number % 5))],
                             ["user %s: key 1 added LINE 'Line %d'" % (user, number % 5)]))
    model = plan_report.build(dict(check_mode=True, counts=dict(total=10000, changed=10000), changes=changes),
                              "big")
    page = html(model, ("plan.json",))
    assert len(page) < 300000
    assert read(page).group_svgs == dict(("group-%d" % n, 2) for n in range(1, 6))
    assert page.count("@sip.example.com") == 5 * plan_report_html.HTML_SHOWN_USERS
    assert page.count(" and 1,980 more</p>") == 5


def test_many_groups_are_capped_and_the_rest_counted():
    changes = [entry("u%04d@x" % n, PANASONIC, [], [key(1, "LINE", "Line %04d" % n)], ["key 1 label %04d" % n])
               for n in range(260)]
    model = plan_report.build(dict(check_mode=True, counts=dict(total=260, changed=260), changes=changes), "many")
    page = html(model, ("plan.json",))
    parsed = read(page)
    assert len(parsed.groups) == plan_report_html.MAX_GROUPS
    assert sum(parsed.group_svgs.values()) == 2 * plan_report_html.MAX_PICTURED
    assert '<p class="more" id="groups-left-out">60 more groups of 60 users left out here: see ' \
           '<a href="plan.json">plan.json</a>.</p>' in page
    assert "key 1 label 0199" in page and "key 1 label 0200" not in page


def test_only_relative_detail_files_are_linked(model):
    page = html(model, detail=("out dir/plan.json", "https://example.com/x", "/etc/passwd"))
    assert read(page).links == ["out%20dir/plan.json"]
    assert "<code>https://example.com/x</code>" in page and "<code>/etc/passwd</code>" in page


def test_a_run_of_another_resource_has_no_pictures():
    changes = [dict(user="alice", user_label="alice@foogroup", previous=dict(primary=False), current=dict(primary=True),
                    changes=["user alice: primary False -> True"])]
    page = html(plan_report.build(dict(counts=dict(total=1, changed=1), changes=changes), "primary line"))
    assert "<svg" not in page and read(page).group_svgs == {"group-1": 0}
    assert "Applied." in page


def test_the_page_is_the_same_for_the_same_report():
    assert html(plan_report.build(sample_report(), "x"), ("a.json",)) == \
        html(plan_report.build(sample_report(), "x"), ("a.json",))


# -- in a real browser --------------------------------------------------------------------------------

def test_the_page_in_chromium(model, tmp_path):
    chromium = browser.find_chromium()
    if not chromium:
        reason = "no Chromium: apt-get install -y chromium (Debian), or chromium/google-chrome on PATH"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    page = tmp_path / "plan.html"
    page.write_text(html(model, ("plan.json",)), encoding="utf-8")
    png = tmp_path / "plan.png"
    dom = browser.render(page, png, width=1280, height=3000, chromium=chromium)
    print("screenshot: %s" % png)

    parsed = read(dom)
    assert numbers(parsed.counts) == expected_counts(model)
    assert parsed.group_svgs == dict(("group-%d" % n, 2) for n in range(1, len(model["groups"]) + 1))
    assert dom.count("<svg") == 2 * len(model["groups"]) + 2  # and the two templates its users were given

    assert png.stat().st_size > 20000, "screenshot %s: %d bytes" % (png, png.stat().st_size)
    width, height, colour, scanlines = browser.png_pixels(png)
    assert (width, height) == (1280, 3000), "screenshot %s" % png
    channels = 4 if colour == 6 else 3
    assert len(scanlines) == height * (1 + width * channels)
    # A page of one colour filters down to a few byte values; a page of text and pictures uses most of them.
    assert len(set(scanlines)) > 64, "screenshot %s looks blank" % png
