# -*- coding: utf-8 -*-
# Benchmark-only callback: the start and end time of every task, how many loop items it ran, and the
# size in bytes of each task result as callbacks (and AWX's event stream) receive it. Written as one
# JSON document to $BENCH_TIMER_FILE when the playbook ends.
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: bench_timer
type: aggregate
short_description: Task times and result sizes for bench/ (not shipped)
description: Writes task timings and result sizes to the file named by BENCH_TIMER_FILE.
requirements: [enable in configuration]
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


def _size(value):
    return len(json.dumps(value, default=str, separators=(",", ":")))


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.started = time.time()
        self.tasks = []

    def _close_task(self):
        if self.tasks and self.tasks[-1]["end"] is None:
            self.tasks[-1]["end"] = time.time()

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._close_task()
        self.tasks.append(dict(name=task.get_name(), start=time.time(), end=None, items=0, changed_items=0, skipped_items=0,
                               status=None, result_bytes=None, result_str_bytes=None, invocation_bytes=None,
                               results_bytes=None,
                               counts=None, msg=None))

    def v2_runner_item_on_ok(self, result):
        self.tasks[-1]["items"] += 1
        if result._result.get("changed"):
            self.tasks[-1]["changed_items"] += 1

    def v2_runner_item_on_failed(self, result):
        self.tasks[-1]["items"] += 1

    def v2_runner_item_on_skipped(self, result):
        self.tasks[-1]["skipped_items"] += 1

    def _done(self, result, status):
        entry = self.tasks[-1]
        entry["status"] = status
        res = result._result
        entry["result_bytes"] = _size(res)
        entry["result_str_bytes"] = len(str(res))  # what str() of the registered result gives
        if "invocation" in res:
            entry["invocation_bytes"] = _size(res["invocation"])
        if isinstance(res.get("results"), list):
            entry["results_bytes"] = _size(res["results"])
        entry["counts"] = res.get("counts")
        if "msg" in res:
            entry["msg"] = str(res["msg"])[:2000]

    def v2_runner_on_ok(self, result):
        self._done(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._done(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._done(result, "skipped")

    def v2_playbook_on_stats(self, stats):
        self._close_task()
        path = os.environ.get("BENCH_TIMER_FILE")
        if path:
            with open(path, "w") as handle:
                json.dump(dict(started=self.started, ended=time.time(), tasks=self.tasks), handle, default=str)
