# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a task result may hold, and the report file that holds everything.

AWX and the automation controller (through ansible-runner) replace a task result whose ``str()`` is
longer than ``MAX_EVENT_RES_DATA`` (700,000 characters by default) with ``{}``: ``changed`` and the
failed users would be lost. ``fit_result`` keeps a result under a limit by shedding detail in a fixed
order, and says what it left out; the report file (``write_report``) keeps every user's full detail.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import tempfile

DEFAULT_RESULT_LIMIT = 500000  # characters of str(result); AWX's default limit is 700,000
MAX_ECHOED_ITEMS = 20  # longer lists in the `invocation` echo are summarised
MINIMAL_FIELDS = ("tenant", "group", "user", "customer", "user_label", "changed", "failed", "invalid", "skipped",
                  "blocked", "status")


def _size(value):
    return len(str(value))


def fit_result(result, limit, report=None):
    """``result`` itself when it fits in ``limit`` characters (0: no limit), else a smaller copy.

    Shed in this order, each step only if still needed: a ``msg`` longer than a tenth of the limit (cut);
    the per-user ``diff`` beyond a quarter of the limit; ``previous``/``current``/``changes`` of each
    entry; every field of an entry but who it is and what happened (a failed or skipped user keeps its
    ``msg``); then the entries that do not fit, failed and skipped ones kept first. ``counts`` always
    stays whole; ``truncated`` says what was left out.
    """
    if not limit or _size(result) <= limit:
        return result
    result = dict(result)
    notes = []  # what was left out, in words, in the order it was
    where = ("the report file %s" % report) if report else "the report file (option report)"
    _cut_message(result, limit, where, notes)
    _cut_diffs(result, limit, where, notes)
    results = _shed_detail(result, limit, notes)
    result["truncated"] = _cut_note(limit, notes, where)
    if _size(result) > limit and results:
        _keep_entries(result, results, limit, where, notes)
    return result


def _cut_note(limit, notes, where):
    return "result cut to %d characters (option result_limit): left out %s; see %s" % (limit, ", ".join(notes), where)


def _cut_message(result, limit, where, notes):
    message = result.get("msg") or ""
    if len(message) > limit // 10:
        result["msg"] = message[:limit // 10] + " ... (cut: every user's message is in results and %s)" % where
        notes.append("the end of msg")


def _cut_diffs(result, limit, where, notes):
    """The per-user diffs that fit in a quarter of the limit, and a line for the rest."""
    diffs = result.get("diff")
    if not isinstance(diffs, list):
        return
    kept, used = [], 0
    for diff in diffs:
        used += _size(diff)
        if used > limit // 4:
            break
        kept.append(diff)
    if len(kept) < len(diffs):
        omitted = len(diffs) - len(kept)
        kept.append({"prepared": "... and %d more users changed: see %s" % (omitted, where)})
        result["diff"] = kept
        notes.append("diff of %d users" % omitted)


def _shed_detail(result, limit, notes):
    """The entries without their states, then without anything but who and what happened, while too
    large; returns the entries."""
    results = result.get("results") or []
    detail = ("previous", "current", "changes")
    if _size(result) > limit and any(k in e for e in results for k in detail):
        results = [dict((k, v) for k, v in e.items() if k not in detail) for e in results]
        result["results"] = results
        notes.append("previous, current and changes of each user")
    if _size(result) > limit and any(_minimal(e) != e for e in results):
        results = [_minimal(e) for e in results]
        result["results"] = results
        notes.append("the message of each changed user")
    return results


def _keep_entries(result, results, limit, where, notes):
    """The entries that fit, failed and skipped ones first: what a reader of a cut result must still see."""
    ordered = sorted(results, key=lambda e: not (e.get("failed") or e.get("skipped")))
    budget = limit - _size(dict(result, results=[])) - 100  # 100: results_omitted and its note
    kept, used = [], 0
    for entry in ordered:
        used += _size(entry) + 2
        if used > budget:
            break
        kept.append(entry)
    notes.append("")
    while True:
        result["results"] = kept
        result["results_omitted"] = len(results) - len(kept)
        notes[-1] = "%d users' entries" % result["results_omitted"]
        result["truncated"] = _cut_note(limit, notes, where)
        if _size(result) <= limit or not kept:
            break
        kept = kept[:-1]


def _minimal(entry):
    kept = dict((k, entry[k]) for k in MINIMAL_FIELDS if k in entry)
    if entry.get("failed") or entry.get("skipped"):
        kept["msg"] = entry.get("msg")
    return kept


def trim_invocation(params):
    """The module arguments for Ansible's ``invocation`` echo, with long lists summarised."""
    trimmed = {}
    for name, value in params.items():
        if isinstance(value, list) and len(value) > MAX_ECHOED_ITEMS:
            value = "(%d items, not echoed)" % len(value)
        trimmed[name] = value
    return trimmed


def write_atomically(path, write, prefix=".report-"):
    """Create or replace the file ``path`` with what ``write(stream)`` writes, atomically (a reader sees
    the old file or the new one, never half of it); the file's directory is made if missing."""
    path = os.path.abspath(os.path.expanduser(path))
    directory = os.path.dirname(path)
    if not os.path.isdir(directory):
        os.makedirs(directory)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=prefix)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            write(stream)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def read_text(path):
    """The text of the file ``path``, or None when it cannot be read as UTF-8 text (missing, ...)."""
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return None


def write_if_changed(path, text, check_mode=False, prefix=".report-"):
    """Write ``text`` to ``path`` (``write_atomically``) unless it holds that already; whether it
    changed. In check mode, only whether it would."""
    if read_text(path) == text:
        return False
    if not check_mode:
        write_atomically(path, lambda stream: stream.write(text), prefix=prefix)
    return True


def report_pieces(report):
    """``report`` as JSON, piece by piece (a large run's report is megabytes, and need not be one string):
    keys sorted, each element of a top-level list on a line of its own, so that two reports compare line
    by line and a large one stays readable. The one layout of every report file."""
    yield "{"
    for number, name in enumerate(sorted(report)):
        value = report[name]
        yield "%s\n%s: " % ("," if number else "", json.dumps(name))
        if isinstance(value, list) and value:
            yield "["
            for position, item in enumerate(value):
                yield "%s\n%s" % ("," if position else "", json.dumps(item, sort_keys=True))
            yield "\n]"
        else:
            yield json.dumps(value, sort_keys=True)
    yield "\n}\n"


def report_text(report):
    """``report`` as ``write_report`` writes it, in one string."""
    return "".join(report_pieces(report))


def write_report(path, report):
    """Write ``report`` to ``path`` in the layout of ``report_pieces``, atomically."""

    def write(stream):
        for piece in report_pieces(report):
            stream.write(piece)

    write_atomically(path, write)


def remove_report(path):
    """Remove the report of an earlier run, if any."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.exists(path):
        os.unlink(path)


# -- wording of the results and reports ------------------------------------------------------------
def plural(count, word, plural_word=None):
    """A count and its noun: "1 user", "1,234 users"."""
    return "%s %s" % (format(count, ","), word if count == 1 else (plural_word or word + "s"))


def users_that_differ(count):
    """ "1 user that differs", "3 users that differ": the users held back by another's failure."""
    return "%s that %s" % (plural(count, "user"), "differs" if count == 1 else "differ")
