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
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import quote

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
DASHED = ' stroke-dasharray="5 3"'
ELLIPSIS = "\u2026"

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def escape(value):
    """``value`` as text for XML and HTML (also in attributes); characters XML refuses become U+FFFD."""
    text = "" if value is None else "%s" % (value,)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    return _NOT_XML.sub("\ufffd", text.replace("'", "&#39;"))


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
    """An inline ``<svg>`` of a phone's programmable keys.

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
    shown = dict(changed=False, empty=False, unmanaged=False)

    cells = []
    for position, key_id in enumerate(ids):
        column, row = (0, position) if position < rows else (1, position - rows)
        x = PAD + column * (CELL_WIDTH + GAP)
        y = HEAD + row * (cell_height + GAP)
        cells.append(_cell(x, y, cell_height, key_id, keys.get(key_id), key_id in managed, key_id in changed,
                           ignored, shown))

    height = HEAD + rows * (cell_height + GAP) - GAP + PAD
    legend = _legend(height, shown)
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
    out = [
        '<svg xmlns="http://www.w3.org/2000/svg" class="keys" role="img" width="%d" height="%d" viewBox="0 0 %d %d"'
        ' font-family="sans-serif">' % (width, height, width, height),
        "<title>%s: %s</title>" % (escape(name), escape(summary)),
        '<rect x="1" y="1" width="%d" height="%d" rx="14" fill="#e5e7eb" stroke="#6b7280" stroke-width="2"/>'
        % (width - 2, height - 2),
        '<text x="%d" y="20" font-size="14" font-weight="bold" fill="#111827">%s</text>'
        % (PAD, escape(_clip(name, 64))),
        '<text x="%d" y="35" font-size="11" fill="#4b5563">%s</text>' % (PAD, escape(_clip(summary, 90))),
    ]
    out.extend(cells)
    out.extend(legend)
    out.append("</svg>")
    return "\n".join(out)


def _cell(x, y, height, key_id, key, managed, changed, ignored, shown):
    """One key's cell (a ``<g>`` with its own ``<title>``); records in ``shown`` what the legend needs."""
    if not managed:
        style, dashed = STYLE["unmanaged"], True
        shown["unmanaged"] = True
    elif changed:
        style, dashed = STYLE["changed"], key is None
        shown["changed"] = True
    elif key is None:
        style, dashed = STYLE["empty"], True
    else:
        style, dashed = STYLE["key"], False
    if key is None:
        shown["empty"] = True
    width = 2 if changed or not managed else 1
    out = ["<g>"]
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
    out.append("<title>%s</title>" % escape(tip))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="%d"%s/>'
               % (x, y, CELL_WIDTH, height, style["fill"], style["stroke"], width, DASHED if dashed else ""))
    # The key's number, in a badge where the phone has its button.
    badge = "#374151" if key is not None else "#9ca3af"
    out.append('<rect x="%d" y="%d" width="28" height="24" rx="5" fill="%s"/>' % (x + 7, y + 13, badge))
    out.append('<text x="%d" y="%d" font-size="13" font-weight="bold" fill="#ffffff" text-anchor="middle">%d</text>'
               % (x + 21, y + 30, key_id))
    left = x + 44
    if changed:
        # A corner mark, so that a changed key reads as changed without colour too.
        out.append('<path d="M %d %d h -20 l 20 20 z" fill="#d97706"/>' % (x + CELL_WIDTH - 1, y + 1))
    if not managed:
        out.append('<text x="%d" y="%d" font-size="9" font-weight="bold" fill="#b91c1c" text-anchor="end">'
                   "NOT MANAGED</text>" % (x + CELL_WIDTH - 8, y + 45))
    if key is None:
        out.append('<text x="%d" y="%d" font-size="12" font-style="italic" fill="#6b7280">empty</text>'
                   % (left, y + 30))
        out.append("</g>")
        return "".join(out)
    kind = _text(key.get("type"))
    out.append('<text x="%d" y="%d" font-size="10" fill="#4b5563" letter-spacing="0.3">%s</text>'
               % (left, y + 15, escape(_clip(kind, FIT_TYPE))))
    label = _text(key.get("label"))
    if kind in ignored:
        out.append('<text x="%d" y="%d" font-size="12" font-style="italic" fill="#6b7280">%s</text>'
                   % (left, y + 31, escape(_clip("label ignored" + (": " + label if label else ""), FIT_SMALL))))
    elif label:
        out.append('<text x="%d" y="%d" font-size="13" font-weight="bold" fill="#111827">%s</text>'
                   % (left, y + 31, escape(_clip(label, FIT_LABEL))))
    else:
        out.append('<text x="%d" y="%d" font-size="12" font-style="italic" fill="#6b7280">no label</text>'
                   % (left, y + 31))
    parameter = _text(key.get("parameter"))
    if parameter:
        out.append('<text x="%d" y="%d" font-size="10" fill="#374151">%s</text>'
                   % (left, y + 45, escape(_clip_middle(parameter, FIT_SMALL if managed else FIT_SMALL_TAGGED))))
    when = _text(key.get("when"))
    if when:
        out.append('<text x="%d" y="%d" font-size="10" font-style="italic" fill="#92400e">%s</text>'
                   % (left, y + 59, escape(_clip("only if " + when, FIT_SMALL))))
    out.append("</g>")
    return "".join(out)


def _legend(top, shown):
    """The legend's items for what the picture shows, in a row under the keys."""
    items = []
    if shown["changed"]:
        items.append((STYLE["changed"], False, True, "changed"))
    if shown["empty"]:
        items.append((STYLE["empty"], True, False, "empty"))
    if shown["unmanaged"]:
        items.append((STYLE["unmanaged"], True, False, "not managed by the phone type"))
    if not items:
        return []
    out = ["<g>"]
    x = PAD
    y = top - 4
    for style, dashed, corner, text in items:
        out.append('<rect x="%d" y="%d" width="22" height="16" rx="3" fill="%s" stroke="%s" stroke-width="%d"%s/>'
                   % (x, y, style["fill"], style["stroke"], 2 if corner else 1, DASHED if dashed else ""))
        if corner:
            out.append('<path d="M %d %d h -9 l 9 9 z" fill="#d97706"/>' % (x + 21, y + 1))
        out.append('<text x="%d" y="%d" font-size="11" fill="#374151">%s</text>' % (x + 28, y + 12, escape(text)))
        x += 28 + 7 * len(text) + 22
    out.append("</g>")
    return out


def _inline(svg):
    """An SVG for inside an HTML page: HTML gives it its namespace, so the page names no URL at all."""
    return svg.replace(' xmlns="http://www.w3.org/2000/svg"', "", 1)


def _number(value):
    return format(value, ",") if isinstance(value, int) and not isinstance(value, bool) else escape(value)


def _link(name):
    """A link to a detail file when ``name`` is a relative path; otherwise its name as text."""
    text = _text(name)
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", text) or text.startswith(("/", "\\")) or not text:
        return "<code>%s</code>" % escape(text)
    return '<a href="%s">%s</a>' % (escape(quote(text, safe="/")), escape(text))


CSS = """
body { font-family: sans-serif; color: #111827; background: #ffffff; margin: 0; line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 36px 0 12px; padding-bottom: 6px; border-bottom: 2px solid #e5e7eb; }
h3 { font-size: 16px; margin: 0 0 8px; }
.status { margin: 0 0 16px; color: #374151; }
.counts { display: flex; flex-wrap: wrap; gap: 10px; margin: 0 0 8px; padding: 0; list-style: none; }
.counts li { border: 1px solid #d1d5db; border-radius: 8px; padding: 8px 14px; min-width: 110px; background: #f9fafb; }
.counts .n { display: block; font-size: 24px; font-weight: bold; }
.counts .what { font-size: 13px; color: #4b5563; }
.counts .changed { background: #fef3c7; border-color: #d97706; }
.counts .failed { background: #fee2e2; border-color: #dc2626; }
.counts .not_written { background: #ffedd5; border-color: #ea580c; }
.counts .zero { background: #f9fafb; border-color: #d1d5db; }
.problems li { margin: 2px 0; font-family: monospace; font-size: 13px; overflow-wrap: anywhere; }
.failed-users h2 { color: #b91c1c; border-color: #fecaca; }
details > summary { cursor: pointer; color: #1d4ed8; margin: 6px 0; }
.group { border: 1px solid #d1d5db; border-radius: 10px; padding: 16px 18px; margin: 0 0 18px; }
.group .meta { color: #374151; margin: 0 0 8px; font-size: 14px; }
.group .meta b { color: #111827; }
.changes { margin: 0 0 10px; padding-left: 20px; font-family: monospace; font-size: 13px; overflow-wrap: anywhere; }
.users { font-size: 13px; color: #374151; margin: 0 0 12px; overflow-wrap: anywhere; }
.pair { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
svg.keys { max-width: 100%; height: auto; display: block; }
.templates { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.more { font-style: italic; color: #374151; }
footer { margin-top: 36px; color: #4b5563; font-size: 14px; }
"""


def html(model, detail=()):
    """The plan report ``model`` (plan_report.build) as one HTML page. ``detail`` names the files with
    the full detail (the JSON report), linked relatively."""
    counts = model.get("counts") or {}
    failed = list(model.get("failed") or [])
    skipped = list(model.get("skipped") or [])
    groups = list(model.get("groups") or [])
    verb = model.get("verb") or "changed"
    title = _text(model.get("title")) or "Plan report"
    where = " and ".join(_link(name) for name in detail) or "the JSON report"
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<title>%s</title>" % escape(title), "<style>%s</style>" % CSS, "</head>", "<body>", "<main>"]
    out.append('<h1 id="title">%s</h1>' % escape(title))
    headline = _text(model.get("headline")) or "%s %s" % (_plural(model.get("users_changed", 0), "user"), verb)
    out.append('<p class="status" id="status"><b>%s.</b> %s</p>'
               % (escape(headline[:1].upper() + headline[1:]), escape(model.get("status") or "")))
    out.extend(_counts(model, counts, failed, skipped, groups, verb))

    for kind, title_text, lines in (("failed", "Failed", failed), ("skipped", "Skipped", skipped),
                                    ("unmanaged", "Not managed: no desired state in the inventory",
                                     list(model.get("unmanaged") or []))):
        if lines:
            out.extend(_problems(kind, title_text, lines))

    out.extend(_groups(model, groups, where))
    out.extend(_templates(model))
    out.append("<footer>Every user's detail (before, after): %s.</footer>" % where)
    out.extend(["</main>", "</body>", "</html>"])
    return "\n".join(out) + "\n"


def _counts(model, counts, failed, skipped, groups, verb):
    shown = [("total", counts.get("total", 0), "users"),
             ("changed", counts.get("changed", 0), verb),
             ("unchanged", counts.get("unchanged", 0), "unchanged"),
             ("skipped", counts.get("skipped", len(skipped)), "skipped"),
             ("failed", counts.get("failed", len(failed)), "failed")]
    if "not_written" in counts or model.get("not_written"):
        shown.append(("not_written", counts.get("not_written", model.get("not_written", 0)), "held back, not written"))
    shown.append(("groups", len(groups), "groups of changes"))
    out = ['<ul class="counts" id="counts">']
    for name, value, what in shown:
        zero = " zero" if not value else ""
        out.append('<li class="%s%s"><span class="n" id="count-%s" data-count="%s">%s</span>'
                   '<span class="what">%s</span></li>' % (name, zero, name, name, _number(value), escape(what)))
    out.append("</ul>")
    return out


def _problems(kind, title, lines):
    """The failed or skipped users: all of them, the first few in view and the rest folded away."""
    out = ['<section class="%s-users" id="%s">' % (kind, kind),
           "<h2>%s (%s)</h2>" % (escape(title), format(len(lines), ",")), '<ul class="problems">']
    out.extend("<li>%s</li>" % escape(line) for line in lines[:SHOWN_FAILED])
    out.append("</ul>")
    if len(lines) > SHOWN_FAILED:
        out.append("<details><summary>%s more</summary>" % format(len(lines) - SHOWN_FAILED, ","))
        out.append('<ul class="problems">')
        out.extend("<li>%s</li>" % escape(line) for line in lines[SHOWN_FAILED:])
        out.append("</ul></details>")
    out.append("</section>")
    return out


def _groups(model, groups, where):
    changed = model.get("users_changed", sum(g.get("count", 0) for g in groups))
    out = ['<section id="changes">']
    if not groups:
        out.extend(["<h2>Changes</h2>", "<p>No user changes.</p>", "</section>"])
        return out
    heading = model.get("changes_title") or "Changes: %s in %s" % (_plural(changed, "user"), _plural(len(groups), "group"))
    out.append("<h2>%s</h2>" % escape(heading))
    for number, group in enumerate(groups[:MAX_GROUPS], 1):
        if number == MAX_PICTURED + 1:
            out.append('<p class="more" id="pictures-end">The keys are drawn for the %d largest groups; the groups below'
                       ' list their changes only.</p>' % MAX_PICTURED)
        out.extend(_group(model, number, group, number <= MAX_PICTURED))
    left = groups[MAX_GROUPS:]
    if left:
        out.append('<p class="more" id="groups-left-out">%s of %s left out here: see %s.</p>'
                   % (escape(_plural(len(left), "more group")), escape(_plural(sum(g.get("count", 0) for g in left), "user")),
                      where))
    out.append("</section>")
    return out


def _group(model, number, group, pictured):
    device_type = group.get("device_type")
    count = group.get("count", 0)
    out = ['<section class="group" id="group-%d" data-users="%d">' % (number, count),
           "<h3>Group %d: %s</h3>" % (number, escape(_plural(count, "user")))]
    meta = []
    if device_type:
        meta.append("phone type <b>%s</b>" % escape(device_type))
    if group.get("templates"):
        meta.append("template %s" % ", ".join("<b>%s</b>" % escape(t) for t in group["templates"]))
    if meta:
        out.append('<p class="meta">%s</p>' % " \u00b7 ".join(meta))
    lines = group.get("changes") or []
    out.append('<ul class="changes">')
    out.extend("<li>%s</li>" % escape(line) for line in lines[:MAX_CHANGE_LINES])
    if not lines:
        out.append("<li>no change listed</li>")
    if len(lines) > MAX_CHANGE_LINES:
        out.append('<li class="more">%s more changes</li>' % format(len(lines) - MAX_CHANGE_LINES, ","))
    out.append("</ul>")
    users = [escape(u) for u in (group.get("users") or [])[:HTML_SHOWN_USERS]]
    names = ", ".join(users)
    if count > len(users):
        names += " and %s more" % format(count - len(users), ",")
    out.append('<p class="users"><b>Users:</b> %s</p>' % names)
    if pictured and (group.get("before") is not None or group.get("after") is not None):
        phone = (model.get("phone_types") or {}).get(device_type) or {}
        managed = phone.get("managed_keys") or ()
        ignored = phone.get("label_ignored") or ()
        changed_ids = group.get("changed_ids") or ()
        sides = (("Before", group.get("before") or []), ("After", group.get("after") or []))
        # Both pictures lay out the same ids (a phone type we did not read: the ids of either side).
        both = sorted(set(_key_id(k) for side, keys in sides for k in keys if isinstance(k, dict)) - set([None]))
        out.append('<div class="pair">')
        for side, keys in sides:
            svg = key_svg(managed, keys, changed_ids, ignored, "%s: %s" % (side, device_type or "phone"), slots=both)
            out.append("<figure>%s</figure>" % _inline(svg))
        out.append("</div>")
    out.append("</section>")
    return out


def _templates(model):
    templates = model.get("templates") or {}
    if not templates:
        return []
    phone_types = model.get("phone_types") or {}
    out = ['<section id="templates">', "<h2>Templates</h2>",
           "<p>Each template the users above were given, on their phone types, with its Jinja as written: every user"
           " gets it with their own values.</p>"]
    for name in sorted(templates):
        layouts = templates[name] if isinstance(templates[name], dict) else {}
        out.append('<h3 id="template-%s">%s</h3>' % (escape(_anchor(name)), escape(name)))
        out.append('<div class="templates">')
        for device_type in sorted(layouts):
            phone = phone_types.get(device_type) or {}
            svg = key_svg(phone.get("managed_keys") or (), layouts[device_type] or [], (), phone.get("label_ignored") or (),
                          "%s on %s" % (name, device_type))
            out.append("<figure>%s</figure>" % _inline(svg))
        out.append("</div>")
    out.append("</section>")
    return out


def _anchor(name):
    return re.sub(r"[^A-Za-z0-9_-]+", "-", _text(name))
