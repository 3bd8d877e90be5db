# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of telephony.apio.playbook_start (documented in plugins/modules/)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.telephony.apio.plugins.plugin_utils.playbook_steps import (
    StepAction,
    remove_reports,
    saved_plan_path,
)


class ActionModule(StepAction, ActionBase):
    ARGUMENT_SPEC = dict(
        name=dict(type="str", required=True),
        plan_dir=dict(type="str", default=""),
        plan_file=dict(type="str", default=""),
    )

    def step(self, params, task_vars):
        # The plan is found and checked before anything is removed: a refused plan leaves the directory as it was.
        plan_file = saved_plan_path(params["name"], params["plan_file"], params["plan_dir"])
        removed = remove_reports(params["name"], params["plan_dir"]) if params["plan_dir"] else []
        return dict(plan_file=plan_file, removed=removed)
