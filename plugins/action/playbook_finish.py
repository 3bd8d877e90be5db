# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of telephony.apio.playbook_finish (documented in plugins/modules/)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.plugins.action import ActionBase

from ansible_collections.telephony.apio.plugins.module_utils.plan_report import GITHUB_COMMENT_LIMIT
from ansible_collections.telephony.apio.plugins.plugin_utils.plan_report_files import write_plan_report
from ansible_collections.telephony.apio.plugins.module_utils.results import write_report
from ansible_collections.telephony.apio.plugins.plugin_utils.playbook_steps import (
    StepAction,
    StepError,
    drift_entry,
    failure_without_localhost,
    remove_hosts,
    report_path,
    stopped_report,
    unmanaged_failure,
    unmanaged_hosts,
    unmanaged_message,
)


class ActionModule(StepAction, ActionBase):
    ARGUMENT_SPEC = dict(
        name=dict(type="str", required=True),
        title=dict(type="str", required=True),
        plan_dir=dict(type="str", default=""),
        counts=dict(type="dict"),
        msg=dict(type="str", default=""),
        truncated=dict(type="str", default=""),
        markdown_limit=dict(type="int", default=GITHUB_COMMENT_LIMIT),
        hosts_dir=dict(type="str", default=""),
        fail_on_drift=dict(type="bool", default=False),
        fail_on_unmanaged=dict(type="bool", default=False),
        drift_named=dict(type="int", default=10),
        localhost_in_run=dict(type="bool", default=True),
    )
    PASSED_AS_IS = ("results", "drift", "unmanaged_recorded")

    def step(self, params, task_vars):
        try:
            return self.finish(params)
        finally:
            remove_hosts(params["hosts_dir"])

    def finish(self, params):
        result = {}
        unmanaged = unmanaged_hosts(params["hosts_dir"])
        if unmanaged:
            result.update(unmanaged_msg=unmanaged_message(params["title"], unmanaged),
                          unmanaged_failure=unmanaged_failure(params["title"], unmanaged))
        result["unmanaged"] = len(unmanaged)
        facts = {}
        if unmanaged and params["fail_on_unmanaged"]:
            # Failed at the end of the run, on localhost (drift.yml), with the drift: site.yml checks every object first.
            facts["apio_unmanaged"] = list(params.get("unmanaged_recorded") or []) + [result["unmanaged_failure"]]
        counts = params["counts"]
        if counts is not None:
            self.report(params, counts, unmanaged, facts)
        if facts and not params["localhost_in_run"]:
            raise StepError(failure_without_localhost(facts))
        if facts:
            result["ansible_facts"] = facts
        return result

    def report(self, params, counts, unmanaged, facts):
        """The plan reports, and the object's drift for drift.yml."""
        report = self.write_reports(params, counts, unmanaged) if params["plan_dir"] else None
        if params["fail_on_drift"] and int(counts.get("changed") or 0) > 0:
            entry = drift_entry(params["name"], params["title"], bool(self._task.check_mode), counts,
                                params["drift_named"], report=report, results=params.get("results") or (),
                                truncated=params["truncated"], plan_dir=params["plan_dir"])
            facts["apio_drift"] = list(params.get("drift") or []) + [entry]

    def write_reports(self, params, counts, unmanaged):
        """The report file the object's task wrote (or, for a run that stopped before its users were
        planned, one saying so), and the Markdown and HTML reports made from it. Returns the report."""
        name = params["name"]
        path = report_path(params["plan_dir"], name)
        if os.path.exists(path):
            with open(path, encoding="utf-8") as stream:
                report = json.load(stream)
        else:
            report = stopped_report(counts, params["msg"], bool(self._task.check_mode))
            write_report(path, report)
        write_plan_report([report], params["title"], report_name=os.path.basename(path),
                          json_path=path if unmanaged else None, unmanaged=unmanaged,
                          markdown_path=report_path(params["plan_dir"], name, "md"),
                          markdown_limit=params["markdown_limit"],
                          html_path=report_path(params["plan_dir"], name, "html"))
        return report
