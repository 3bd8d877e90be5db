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
        spec["on_moved"] = dict(type="str", default="abort", choices=["abort", "skip"])
    return spec


def parallel_problems(params):
    """What is wrong with ``parallel``, in words (none or one)."""
    if not 1 <= params["parallel"] <= MAX_PARALLEL:
        return ["parallel must be between 1 and %d, got %d" % (MAX_PARALLEL, params["parallel"])]
    return []
