# -*- coding: utf-8 -*-
# Test-only callback (a copy of tests/integration's): writes every task result as one JSON line to $RESULT_DUMP_FILE, so that the
# integration tests read results without depending on a json stdout callback.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: result_dump
type: aggregate
short_description: Write task results as JSON lines (tests only)
description: Writes each task result to the file named by the RESULT_DUMP_FILE environment variable.
requirements: [enable in configuration]
"""

import json
import os

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "result_dump"
    CALLBACK_NEEDS_ENABLED = True

    def _write(self, result, status):
        path = os.environ.get("RESULT_DUMP_FILE")
        if not path:
            return
        entry = {"task": result._task.get_name(), "status": status, "result": result._result}
        with open(path, "a") as handle:
            handle.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._write(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._write(result, "skipped")
