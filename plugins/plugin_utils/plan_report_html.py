# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report as one self-contained HTML page, with a picture of each phone's programmable keys.

``html(model, detail)`` renders the model of plan_report.build(): the counts, the failed and skipped
users, then each group of users with the same change (its change lines, a few of its users, and its
phone's keys before and after, the changed keys marked), then the templates those users were given, on
their phone types (the model holds only those: plan_report.used_templates). A phone type the run did not
read is drawn with the keys there are and no count of programmable keys.
The page has no script and loads nothing: its styles are inline, its pictures inline SVG, and its only
links are relative ones to the ``detail`` files (the JSON report). It names at most ``HTML_SHOWN_USERS`` users
per group, shows at most ``MAX_GROUPS`` groups and draws the keys of the ``MAX_PICTURED`` largest, so that
10,000 users or 1,000 different changes stay a page of a few megabytes that a browser opens at once.

``key_svg()`` draws one phone's keys (also used for the pictures of the shipped templates in docs/).
The output holds no time or other varying data: the same model gives the same bytes.

The markup is in the Jinja2 templates beside this file: plan_report.html.j2 (the page) and
plan_report_keys.svg.j2 (a picture of keys), rendered with autoescaping. This file decides what they
show: which groups, users and lines, the words of the counts and summaries, where each key's cell goes
and how long a text may be. Controller only (the plan_report action plugin, and tests/tools): jinja2
comes with ansible-core.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import functools
import os
import re
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ansible_collections.telephony.apio.plugins.module_utils.results import plural as _plural

HTML_SHOWN_USERS = 20  # user names per group
SHOWN_FAILED = 10  # failed or skipped users shown before the rest fold away
MAX_GROUPS = 200  # groups shown; the rest are counted
MAX_PICTURED = 50  # groups shown with pictures of their keys (about 30 KB each)
MAX_CHANGE_LINES = 50  # change lines per group

# The picture of a phone's keys: two columns of cells, like the side keys of a desk phone.
CELL_WIDTH = 250
CELL_HEIGHT = 52
CELL_HEIGHT_WHEN = 66  # cells of a template with conditional keys have a fourth line
GAP = 10
PAD = 14
HEAD = 44
LEGEND = 30
# Characters that fit a cell's text width (200 px) at each line's font size, in a generic sans-serif.
FIT_TYPE = 28
FIT_LABEL = 28
FIT_SMALL = 40
FIT_SMALL_TAGGED = 24  # beside the NOT MANAGED tag

STYLE = {
    "key": dict(fill="#ffffff", stroke="#9ca3af"),
    "changed": dict(fill="#fef3c7", stroke="#d97706"),
    "empty": dict(fill="#f3f4f6", stroke="#c4c8cf"),
    "unmanaged": dict(fill="#fee2e2", stroke="#dc2626"),
}
ELLIPSIS = "\u2026"

PAGE = "plan_report.html.j2"
KEYS = "plan_report_keys.svg.j2"

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _output(value):
    """What ``{{ value }}`` prints, before autoescaping: None as nothing, and the characters that XML
    refuses (an SVG with one does not load) as U+FFFD. Markup (a picture, from the templates) as it is."""
    if isinstance(value, Markup):
        return value
    return "" if value is None else _NOT_XML.sub("\ufffd", "%s" % (value,))


@functools.lru_cache(maxsize=None)
def environment():
    """The Jinja2 environment of the templates beside this file (made once): autoescaped, every name
    they use must be given (StrictUndefined), a line holding only a {% tag %} leaves nothing in the output."""
    return Environment(loader=FileSystemLoader(os.path.dirname(os.path.abspath(__file__))), autoescape=True,
                       undefined=StrictUndefined, finalize=_output, trim_blocks=True, lstrip_blocks=True,
                       keep_trailing_newline=True, auto_reload=False)


def _clip(text, fit):
    """``text`` cut to ``fit`` characters, ending in an ellipsis when cut."""
    return text if len(text) <= fit else text[:fit - 1] + ELLIPSIS


def _clip_middle(text, fit):
    """``text`` cut to ``fit`` characters in the middle: a long user id keeps its start and its domain."""
    if len(text) <= fit:
        return text
    head = (fit - 1) // 2
    return text[:head] + ELLIPSIS + text[len(text) - (fit - 1 - head):]


def _text(value):
    return "" if value is None else "%s" % (value,)


def _key_id(key):
    try:
        return int(key.get("id"))
    except (TypeError, ValueError):
        return None


def key_svg(managed_ids, buttons, changed_ids=(), label_ignored=(), title="", slots=()):
    """An ``<svg>`` of a phone's programmable keys.

    One cell per key id of ``managed_ids``, in two columns:
    the ids in order down the left column, then down the right one. A cell shows the id, the key's type,
    its label and (abbreviated) its parameter; a managed id with no key is drawn empty. ``changed_ids``
    are marked (fill, a corner mark, a legend). A key whose id is not managed is still drawn, flagged.
    Labels of the types in ``label_ignored`` are shown as ignored. Keys of a template may carry a
    ``when`` (Jinja, shown as text). ``slots`` are more ids to lay out (the keys of the other picture
    of a before/after pair), so that two pictures side by side put each id at the same place.
    ``managed_ids`` empty (or None) means that the phone type was not read: the ids of ``buttons`` and
    ``slots`` are drawn, none flagged, and the picture claims no count of programmable keys.
    """
    picture = _picture(managed_ids, buttons, changed_ids, label_ignored, title, slots)
    return "%s" % environment().get_template(KEYS).module.keys(picture)


def _picture(managed_ids, buttons, changed_ids=(), label_ignored=(), title="", slots=()):
    """What plan_report_keys.svg.j2 draws for key_svg()'s arguments: the picture's size, title and
    summary, each cell's place and texts, the legend's items."""
    keys = {}
    for key in buttons or []:
        if isinstance(key, dict) and _key_id(key) is not None:
            keys.setdefault(_key_id(key), key)
    managed = set(int(i) for i in managed_ids or [])
    known = bool(managed)
    if not known:  # a phone type not read: draw the keys there are, and invent no count
        managed = set(keys) | set(int(i) for i in slots or [])
    changed = set(int(i) for i in changed_ids or [])
    ignored = set(label_ignored or [])
    ids = sorted(managed | set(keys) | set(int(i) for i in slots or []))
    conditional = any(keys[i].get("when") not in (None, "") for i in keys)
    cell_height = CELL_HEIGHT_WHEN if conditional else CELL_HEIGHT
    rows = (len(ids) + 1) // 2
    width = 2 * PAD + 2 * CELL_WIDTH + GAP

    cells = []
    for position, key_id in enumerate(ids):
        column, row = (0, position) if position < rows else (1, position - rows)
        x = PAD + column * (CELL_WIDTH + GAP)
        y = HEAD + row * (cell_height + GAP)
        cells.append(_cell(x, y, cell_height, key_id, keys.get(key_id), key_id in managed, key_id in changed,
                           ignored))

    height = HEAD + rows * (cell_height + GAP) - GAP + PAD
    legend = _legend(height, cells)
    if legend:
        height += LEGEND
    configured = len([i for i in ids if i in keys])
    if known:
        summary = "%d programmable keys, %d set" % (len(managed), configured)
    else:
        summary = "%d keys set (its programmable keys were not read)" % configured
    marked = [i for i in ids if i in changed]
    if marked:
        summary += ", %d changed (%s)" % (len(marked), ", ".join(str(i) for i in marked))
    unmanaged = [i for i in ids if i not in managed]
    if unmanaged:
        summary += ", %d not managed by this phone type (%s)" % (len(unmanaged), ", ".join(str(i) for i in unmanaged))
    name = _text(title) or "Programmable keys"
    return dict(width=width, height=height, pad=PAD, name=name, summary=summary, name_shown=_clip(name, 64),
                summary_shown=_clip(summary, 90), cells=cells, legend=legend)


def _cell(x, y, height, key_id, key, managed, changed, ignored):
    """One key's cell: its place, its style, its tooltip and the texts it shows, clipped to fit."""
    if not managed:
        style, dashed = STYLE["unmanaged"], True
    elif changed:
        style, dashed = STYLE["changed"], key is None
    elif key is None:
        style, dashed = STYLE["empty"], True
    else:
        style, dashed = STYLE["key"], False
    if key is None:
        tip = "Key %d: empty" % key_id
    else:
        tip = "Key %d: %s" % (key_id, _text(key.get("type")))
        for field in ("label", "parameter"):
            if _text(key.get(field)):
                tip += ", %s %s" % (field, _text(key.get(field)))
        if _text(key.get("when")):
            tip += ", only when %s" % _text(key.get("when"))
    if changed:
        tip += " (changed)"
    if not managed:
        tip += " (not managed by this phone type)"
    cell = dict(x=x, y=y, width=CELL_WIDTH, height=height, id=key_id, tip=tip, fill=style["fill"],
                stroke=style["stroke"], stroke_width=2 if changed or not managed else 1, dashed=dashed,
                empty=key is None, changed=changed, managed=managed)
    if key is None:
        return cell
    kind = _text(key.get("type"))
    label = _text(key.get("label"))
    if kind in ignored:  # the phone shows its own label for this type
        shown = ("ignored", _clip("label ignored" + (": " + label if label else ""), FIT_SMALL))
    elif label:
        shown = ("label", _clip(label, FIT_LABEL))
    else:
        shown = ("none", "")
    parameter = _text(key.get("parameter"))
    when = _text(key.get("when"))
    cell.update(type=_clip(kind, FIT_TYPE), label_kind=shown[0], label=shown[1],
                parameter=_clip_middle(parameter, FIT_SMALL if managed else FIT_SMALL_TAGGED) if parameter else "",
                when=_clip("only if " + when, FIT_SMALL) if when else "")
    return cell


def _legend(top, cells):
    """The legend's items for what the cells show, in a row under the keys (none: an empty list)."""
    kinds = []
    if any(c["changed"] and c["managed"] for c in cells):
        kinds.append((STYLE["changed"], False, True, "changed"))
    if any(c["empty"] for c in cells):
        kinds.append((STYLE["empty"], True, False, "empty"))
    if any(not c["managed"] for c in cells):
        kinds.append((STYLE["unmanaged"], True, False, "not managed by the phone type"))
    legend = []
    x = PAD
    for style, dashed, corner, text in kinds:
        legend.append(dict(x=x, y=top - 4, fill=style["fill"], stroke=style["stroke"], stroke_width=2 if corner else 1,
                           dashed=dashed, corner=corner, text=text))
        x += 28 + 7 * len(text) + 22
    return legend


def _number(value):
    return format(value, ",") if isinstance(value, int) and not isinstance(value, bool) else value


def _link(name):
    """A detail file: ``href``, its relative link, when ``name`` is a relative path; else None (named only)."""
    text = _text(name)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or text.startswith(("/", "\\")) or not text:
        return dict(href=None, text=text)
    return dict(href=quote(text, safe="/"), text=text)


def html(model, detail=()):
    """The plan report ``model`` (plan_report.build) as one HTML page. ``detail`` names the files with
    the full detail (the JSON report), linked relatively."""
    failed = list(model.get("failed") or [])
    skipped = list(model.get("skipped") or [])
    groups = list(model.get("groups") or [])
    verb = model.get("verb") or "changed"
    headline = _text(model.get("headline")) or "%s %s" % (_plural(model.get("users_changed", 0), "user"), verb)
    problems = []
    for kind, title, lines in (("failed", "Failed", failed), ("skipped", "Skipped", skipped),
                               ("unmanaged", "Not managed: no desired state in the inventory",
                                list(model.get("unmanaged") or []))):
        if lines:
            problems.append(dict(kind=kind, title=title, total=format(len(lines), ","), shown=lines[:SHOWN_FAILED],
                                 folded=lines[SHOWN_FAILED:], folded_count=format(max(len(lines) - SHOWN_FAILED, 0), ",")))
    page = dict(
        title=_text(model.get("title")) or "Plan report",
        headline=headline[:1].upper() + headline[1:],
        status=model.get("status") or "",
        counts=_counts(model, failed, skipped, groups, verb),
        problems=problems,
        links=[_link(name) for name in detail],
        max_pictured=MAX_PICTURED,
        templates=_templates(model))
    page.update(_groups(model, groups))
    return environment().get_template(PAGE).render(page)


def _counts(model, failed, skipped, groups, verb):
    counts = model.get("counts") or {}
    shown = [("total", counts.get("total", 0), "users"),
             ("changed", counts.get("changed", 0), verb),
             ("unchanged", counts.get("unchanged", 0), "unchanged"),
             ("skipped", counts.get("skipped", len(skipped)), "skipped"),
             ("failed", counts.get("failed", len(failed)), "failed")]
    if "not_written" in counts or model.get("not_written"):
        shown.append(("not_written", counts.get("not_written", model.get("not_written", 0)), "held back, not written"))
    shown.append(("groups", len(groups), "groups of changes"))
    return [dict(name=name, zero=not value, number=_number(value), what=what) for name, value, what in shown]


def _groups(model, groups):
    """The changes section: its heading, the groups shown and what is left out."""
    if not groups:
        return dict(groups=[], changes_heading="", left_out=None)
    changed = model.get("users_changed", sum(g.get("count", 0) for g in groups))
    heading = model.get("changes_title") or "Changes: %s in %s" % (_plural(changed, "user"), _plural(len(groups), "group"))
    left = groups[MAX_GROUPS:]
    left_out = None
    if left:
        left_out = dict(groups=_plural(len(left), "more group"), users=_plural(sum(g.get("count", 0) for g in left), "user"))
    shown = [_group(model, number, group, number <= MAX_PICTURED) for number, group in enumerate(groups[:MAX_GROUPS], 1)]
    return dict(groups=shown, changes_heading=heading, left_out=left_out)


def _group(model, number, group, pictured):
    device_type = group.get("device_type")
    count = group.get("count", 0)
    lines = group.get("changes") or []
    users = (group.get("users") or [])[:HTML_SHOWN_USERS]
    shown = dict(number=number, count=count, users_count=_plural(count, "user"), device_type=device_type,
                 templates=group.get("templates") or [], changes=lines[:MAX_CHANGE_LINES],
                 more_changes=format(len(lines) - MAX_CHANGE_LINES, ",") if len(lines) > MAX_CHANGE_LINES else None,
                 users=users, more_users=format(count - len(users), ",") if count > len(users) else None, pictures=[])
    if pictured and (group.get("before") is not None or group.get("after") is not None):
        phone = (model.get("phone_types") or {}).get(device_type) or {}
        managed = phone.get("managed_keys") or ()
        ignored = phone.get("label_ignored") or ()
        changed_ids = group.get("changed_ids") or ()
        sides = (("Before", group.get("before") or []), ("After", group.get("after") or []))
        # Both pictures lay out the same ids (a phone type we did not read: the ids of either side).
        both = sorted(set(_key_id(k) for side, keys in sides for k in keys if isinstance(k, dict)) - set([None]))
        shown["pictures"] = [_picture(managed, keys, changed_ids, ignored, "%s: %s" % (side, device_type or "phone"),
                                      slots=both) for side, keys in sides]
    return shown


def _templates(model):
    """The templates section: each template the users were given, drawn on each of their phone types."""
    templates = model.get("templates") or {}
    phone_types = model.get("phone_types") or {}
    shown = []
    for name in sorted(templates):
        layouts = templates[name] if isinstance(templates[name], dict) else {}
        pictures = []
        for device_type in sorted(layouts):
            phone = phone_types.get(device_type) or {}
            pictures.append(_picture(phone.get("managed_keys") or (), layouts[device_type] or [], (),
                                     phone.get("label_ignored") or (), "%s on %s" % (name, device_type)))
        shown.append(dict(name=name, anchor=_anchor(name), pictures=pictures))
    return shown


def _anchor(name):
    return re.sub(r"[^A-Za-z0-9_-]+", "-", _text(name))
