# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report a reviewer reads: a run's report file (results.write_report) grouped by what changes.

Users whose change is the same form one group: the same change lines once each user's own values
(the user id, the values of its template variables) are replaced by placeholders such as ``{user}`` or
``{assistant}``, on the same phone type. Groups are ordered by size, so that a roll-out of 10,000
users that applies one template reads as a handful of groups.

``build(report, title)`` gives the model that ``markdown()`` and plugin_utils/plan_report_html.html() render;
``merge(reports)`` makes one report of several (the slices of a sliced job). The Markdown always fits
``limit`` characters (a GitHub comment holds 65,536): failed and skipped users come first, then the
largest groups, and a closing line says what was left out and where the full detail is.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.telephony.apio.plugins.module_utils import saved_plan
from ansible_collections.telephony.apio.plugins.module_utils.results import plural as _plural
from ansible_collections.telephony.apio.plugins.module_utils.results import users_that_differ

GITHUB_COMMENT_LIMIT = 65536
MARKDOWN_SHOWN_USERS = 5  # users named in each group
# Values shorter than this are not replaced by a placeholder: "1" or "on" would be found everywhere.
SHORTEST_VALUE = 3


def placeholders(entry):
    """The user's own values, longest first, each with its placeholder: [("alice@x", "{user}"), ...].

    A value like an address (``alice@sip.example.com``) also stands for its part before the ``@``
    (``{user before @}``), which templates often use as a label.
    """
    named = []
    user = entry.get("user")
    if isinstance(user, str):
        named.append(("user", user))
    for name, value in sorted((entry.get("vars") or {}).items()):
        if isinstance(value, list):
            named.extend(("%s[%d]" % (name, position), item) for position, item in enumerate(value))
        else:
            named.append((name, value))
    found = {}
    for name, value in named:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            continue
        text = str(value)
        for part, placeholder in ((text, "{%s}" % name), (text.split("@", 1)[0], "{%s before @}" % name)):
            if len(part) >= SHORTEST_VALUE and part not in found:
                found[part] = placeholder
    return sorted(found.items(), key=lambda pair: -len(pair[0]))


def generaliser(entry):
    """A function that gives a text with each of the user's own values replaced by its placeholder
    (one pattern per user, for all its texts)."""
    values = placeholders(entry)
    if not values:
        return lambda text: text
    pattern = re.compile("|".join(re.escape(value) for value, unused in values))
    lookup = dict(values)

    def generalise(text):
        return pattern.sub(lambda match: lookup[match.group(0)], text) if isinstance(text, str) else text

    return generalise


def _buttons(state, generalise):
    if not isinstance(state, dict) or not isinstance(state.get("buttons"), list):
        return None
    return [dict(key, label=generalise(key.get("label")), parameter=generalise(key.get("parameter")))
            for key in state["buttons"]]


def _changed_ids(before, after):
    old = dict((k["id"], k) for k in before or [])
    new = dict((k["id"], k) for k in after or [])
    return sorted(i for i in set(old) | set(new) if old.get(i) != new.get(i))


def group_changes(entries):
    """Groups of ``entries`` (the report's changes) with the same generalised change, largest first.

    Each group: ``count``, ``users`` (every user label, in the order of the entries), ``device_type``
    (or None), ``templates`` (the templates its users were given, when known), ``changes`` (the change
    lines with placeholders) and, for phone buttons, ``before`` and ``after`` (the first user's keys with
    placeholders) and ``changed_ids``.
    """
    groups = {}
    for entry in entries:
        generalise = generaliser(entry)
        previous = entry.get("previous") or {}
        device_type = previous.get("device_type") if isinstance(previous, dict) else None
        lines = tuple(generalise(line) for line in entry.get("changes") or [])
        signature = (device_type, lines)
        group = groups.get(signature)
        if group is None:
            before = _buttons(previous, generalise)
            after = _buttons(entry.get("current"), generalise)
            group = groups[signature] = dict(
                count=0, users=[], device_type=device_type, templates=[], changes=list(lines),
                before=before, after=after,
                changed_ids=_changed_ids(before, after) if before is not None and after is not None else None)
        group["count"] += 1
        group["users"].append(entry.get("user_label") or entry.get("user"))
        template = entry.get("template")
        if template and template not in group["templates"]:
            group["templates"].append(template)
    return sorted(groups.values(), key=lambda g: (-g["count"], g["device_type"] or "", g["changes"]))


LISTS = ("changes", "not_written", "failed", "skipped", "unmanaged")


def merge(reports):
    """One report of several runs over different users (the slices of a job): their counts added, their
    users listed together, and the phone types and templates of all. Check mode when any was."""
    if len(reports) == 1:
        return reports[0]
    merged = dict(check_mode=any(r.get("check_mode") for r in reports), counts={},
                  msg="; ".join(r["msg"] for r in reports if r.get("msg")), phone_types={}, templates={})
    for name in LISTS:
        merged[name] = [item for r in reports for item in r.get(name) or []]
    for report in reports:
        for name, count in (report.get("counts") or {}).items():
            merged["counts"][name] = merged["counts"].get(name, 0) + count
        merged["phone_types"].update(report.get("phone_types") or {})
        merged["templates"].update(report.get("templates") or {})
    objects = set(r.get("object") for r in reports)
    if len(objects) == 1 and None not in objects:
        # The slices of one plan make one plan: sealed anew, so that it can be applied (saved_plan).
        merged = saved_plan.seal(merged, objects.pop())
    return merged


def used_templates(templates, entries):
    """The layouts of ``templates`` (a roll-out's whole library) that the users of ``entries`` were
    given: {template: {phone type: keys}}, only the templates some user has and only on the phone types
    of those users."""
    used = {}
    for entry in entries:
        name = entry.get("template")
        previous = entry.get("previous")
        device_type = previous.get("device_type") if isinstance(previous, dict) else None
        layouts = templates.get(name) if isinstance(name, str) else None
        if isinstance(layouts, dict) and device_type in layouts:
            used.setdefault(name, {})[device_type] = layouts[device_type]
    return used


def build(report, title):
    """The model of the plan report of one run: what markdown() and the HTML report render."""
    changes = list(report.get("changes") or [])
    not_written = list(report.get("not_written") or [])
    check_mode = bool(report.get("check_mode"))
    counts = dict(report.get("counts") or {})
    failed = list(report.get("failed") or [])
    model = dict(
        title=title,
        check_mode=check_mode,
        verb="would change" if check_mode else "changed",
        counts=counts,
        msg=report.get("msg") or "",
        failed=failed,
        skipped=list(report.get("skipped") or []),
        # Hosts of the run without desired state for this object: listed, never read or written.
        unmanaged=list(report.get("unmanaged") or []),
        not_written=len(not_written),
        # Users held back by an invalid one are changes the run would have made: grouped the same way.
        groups=group_changes(changes + not_written),
        users_changed=len(changes) + len(not_written),
        # What the changes of the run write (would write): held-back users are not among them.
        users_written=counts.get("changed", len(changes)),
        users_failed=counts.get("failed", len(failed)),
        phone_types=dict(report.get("phone_types") or {}),
        # Only what the users of the report were given: a roll-out's task has the whole library.
        templates=used_templates(report.get("templates") or {}, changes + not_written),
    )
    model["headline"] = headline(model)
    model["status"] = status(model)
    model["changes_title"] = changes_title(model)
    return model


def headline(model):
    """What the run did (would do), in words that agree with its counts: "3 users would change", or
    "nothing was written (1 user failed, 2 users held back)" for a run that an invalid user stopped."""
    written = model["users_written"]
    held = model["not_written"]
    if not held:
        return "%s %s" % (_plural(written, "user"), model["verb"])
    why = "%s failed, %s held back" % (_plural(model["users_failed"], "user"), _plural(held, "user"))
    if not written:
        return "nothing %s written (%s)" % ("would be" if model["check_mode"] else "was", why)
    # Only the report of several runs (a sliced job's slices) gets here: some wrote, some were held back.
    return "%s %s; %s" % (_plural(written, "user"), model["verb"], why)


def status(model):
    """The sentence under the headline: whether anything was written, and why users were held back."""
    held = model["not_written"]
    because = ("%s %s held back (not written) because of the failed users below." % (
        users_that_differ(held), "would be" if model["check_mode"] else ("was" if held == 1 else "were"))) if held else ""
    if model["check_mode"]:
        return " ".join(t for t in ("Dry run (check mode): nothing was written.", because) if t)
    if held:
        return because
    return "Applied."


def changes_title(model):
    """The heading of the groups of changes, which hold the held-back users too."""
    groups = model["groups"]
    users = "%s in %s" % (_plural(model["users_changed"], "user"), _plural(len(groups), "group"))
    held = model["not_written"]
    if held and held == model["users_changed"]:
        return "Held back, not written: %s" % users
    if held:
        return "Changes: %s (%s held back, not written)" % (users, format(held, ","))
    return "Changes: %s" % users


def _cell(text):
    return str(text).replace("|", "\\|").replace("\n", " ")


def _listing(title, lines, budget, more_where):
    """A section of ``lines`` that fits ``budget`` characters, saying how many it left out."""
    out = ["", "### %s (%s)" % (title, format(len(lines), ",")), ""]
    used = sum(len(line) + 1 for line in out)
    shown = 0
    for line in lines:
        item = "- %s" % line
        if used + len(item) + 1 > budget:
            break
        out.append(item)
        used += len(item) + 1
        shown += 1
    if shown < len(lines):
        out.append("- ... and %s more: %s" % (format(len(lines) - shown, ","), more_where))
    return out


def markdown(model, limit=GITHUB_COMMENT_LIMIT, detail=()):
    """The report as Markdown of at most ``limit`` characters, and how many groups it left out.

    ``detail`` names the files with the full detail (the JSON report, the HTML report), for the line
    that says what was left out."""
    counts = model["counts"]
    where = " and ".join("`%s`" % name for name in detail) or "the JSON report"
    head = ["## %s: %s" % (model["title"], model["headline"]), "", model["status"]]
    line = "%s: %s %s, %s unchanged, %s skipped, %s failed" % (
        _plural(counts.get("total", 0), "user"), format(counts.get("changed", 0), ","), model["verb"],
        format(counts.get("unchanged", 0), ","), format(counts.get("skipped", len(model["skipped"])), ","),
        format(counts.get("failed", len(model["failed"])), ","))
    if model["not_written"]:
        line += ", %s held back" % format(counts.get("not_written", model["not_written"]), ",")
    head.append(line + ".")
    closing_room = 400  # the closing line, whatever it says
    budget = limit - closing_room
    out = head
    # Failed and skipped users first, each section within a share of what is left.
    for title, lines, share in (("Failed", model["failed"], 0.3), ("Skipped", model["skipped"], 0.15),
                                ("Not managed: no desired state in the inventory", model["unmanaged"], 0.1)):
        if lines:
            section = _listing(title, lines, int((budget - _size(out)) * share), "see " + where)
            out = out + section
    groups = model["groups"]
    shown_groups = 0
    if groups:
        out += ["", "### %s" % model["changes_title"], ""]
        out += ["| # | users | phone type | change |", "|---|---:|---|---|"]
        for number, group in enumerate(groups, 1):
            row = _group_row(number, group)
            if _size(out) + len(row) + 1 > budget:
                break
            out.append(row)
            shown_groups += 1
    left = groups[shown_groups:]
    closing = []
    if left:
        left_users = sum(g["count"] for g in left)
        closing.append("%s of %s left out here." % (_plural(len(left), "group"), _plural(left_users, "user")))
    closing.append("Every user's detail (before, after): %s." % where)
    out += ["", " ".join(closing)]
    text = "\n".join(out) + "\n"
    if len(text) > limit:  # only a limit below closing_room gets here
        text = text[:max(0, limit - 2)] + "…\n"
    return text, len(left)


def _size(lines):
    return sum(len(line) + 1 for line in lines)


MAX_LINES_PER_GROUP = 12


def _group_row(number, group):
    lines = group["changes"] or ["no change listed"]
    shown = [_cell(line) for line in lines[:MAX_LINES_PER_GROUP]]
    if len(lines) > MAX_LINES_PER_GROUP:
        shown.append("... %d more changes" % (len(lines) - MAX_LINES_PER_GROUP))
    users = ", ".join(_cell(u) for u in group["users"][:MARKDOWN_SHOWN_USERS])
    if group["count"] > MARKDOWN_SHOWN_USERS:
        users += " and %s more" % format(group["count"] - MARKDOWN_SHOWN_USERS, ",")
    kind = _cell(group["device_type"] or "-")
    if group["templates"]:
        kind += " (template %s)" % ", ".join(_cell(t) for t in group["templates"])
    return "| %d | %s: %s | %s | %s |" % (number, format(group["count"], ","), users, kind, "<br>".join(shown))
