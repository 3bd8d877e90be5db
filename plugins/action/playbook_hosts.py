# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of telephony.apio.playbook_hosts (documented in plugins/modules/)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.plugins.action import ActionBase

from ansible_collections.telephony.apio.plugins.plugin_utils.playbook_steps import (
    StepAction,
    unknown_warnings,
    write_hosts,
)


class ActionModule(StepAction, ActionBase):
    PASSED_AS_IS = ("hosts",)

    def step(self, params, task_vars):
        directory, files, described = write_hosts(params.get("hosts"))
        result = dict(dir=directory, files=files,
                      counts=dict((entry, len(value)) for entry, value in described.items()))
        warnings = unknown_warnings(described)
        if warnings:
            result["warnings"] = warnings
        return result
