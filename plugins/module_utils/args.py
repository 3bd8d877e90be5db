# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The options of a task as a whole (documented in the doc fragment telephony.apio.batch). The
connection options and the options that name a user are each API's own (``apis.py``)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.results import DEFAULT_RESULT_LIMIT

DEFAULT_PARALLEL = 8
MAX_PARALLEL = 64


def batch_argument_spec(info=False):
    spec = dict(
        batch=dict(type="list", elements="dict"),
        parallel=dict(type="int", default=DEFAULT_PARALLEL),
        report=dict(type="path"),
        result_limit=dict(type="int", default=DEFAULT_RESULT_LIMIT),
        return_unchanged=dict(type="bool", default=False),
    )
    if not info:
        spec["on_invalid"] = dict(type="str", default="abort", choices=["abort", "skip"])
        spec["plan"] = dict(type="path")
        spec["undo"] = dict(type="path")
        spec["on_moved"] = dict(type="str", default="abort", choices=["abort", "skip"])
        spec["waves"] = dict(type="list", elements="raw")
        spec["max_fail_percentage"] = dict(type="float")
    return spec


def _wave_size(value, total):
    """One element of ``waves`` as a number of users (as Ansible reads ``serial``): N, or "N%" of ``total``
    (rounded down, at least 1); None when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    text = str(value).strip()
    if text.endswith("%"):
        try:
            percent = float(text[:-1])
        except ValueError:
            return None
        if not 0 < percent <= 100:
            return None
        return max(int(percent / 100.0 * total), 1)
    try:
        number = int(text)
    except ValueError:
        return None
    return number if number > 0 else None


def wave_sizes(waves, total):
    """The sizes of the successive waves that write ``total`` users, as ``serial`` cuts a play's hosts into
    batches: each element of ``waves`` in turn, the last one repeated until every user has its wave.
    None when there are no waves (one write phase for everyone)."""
    if not waves:
        return None
    sizes, index = [], 0
    left = total
    while left > 0:
        size = _wave_size(waves[min(index, len(waves) - 1)], total) or left
        sizes.append(min(size, left))
        left -= sizes[-1]
        index += 1
    return sizes


def wave_problems(params):
    """What is wrong with ``waves`` and ``max_fail_percentage``, in words."""
    problems = []
    for value in params.get("waves") or []:
        if _wave_size(value, 100) is None:
            problems.append("waves: each element must be a number of users (1 or more) or a percentage such as "
                            "'10%%' (more than 0, at most 100), got %r" % (value,))
    percentage = params.get("max_fail_percentage")
    if percentage is not None and not 0 <= percentage <= 100:
        problems.append("max_fail_percentage must be between 0 and 100, got %s" % percentage)
    return problems


def parallel_problems(params):
    """What is wrong with ``parallel``, in words (none or one)."""
    if not 1 <= params["parallel"] <= MAX_PARALLEL:
        return ["parallel must be between 1 and %d, got %d" % (MAX_PARALLEL, params["parallel"])]
    return []
