# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of telephony.apio.plan_report (documented in plugins/modules/).

The reports are written on the controller, in this process: where the collection's playbooks always ran
the module (``delegate_to: localhost``). Running here rather than as a module lets the HTML page come
from a Jinja2 template shipped with the collection (plugins/plugin_utils/plan_report.html.j2), which a
module could not read on its target: AnsiballZ packs Python files only.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.errors import UnsupportedError
from ansible.plugins.action import ActionBase

from ansible_collections.telephony.apio.plugins.module_utils.plan_report import GITHUB_COMMENT_LIMIT
from ansible_collections.telephony.apio.plugins.plugin_utils.plan_report_files import write_plan_report

ARGUMENT_SPEC = dict(
    src=dict(type="list", elements="path", required=True),
    json=dict(type="path"),
    unmanaged_from=dict(type="path"),
    title=dict(type="str", required=True),
    markdown=dict(type="path"),
    markdown_limit=dict(type="int", default=GITHUB_COMMENT_LIMIT),
    html=dict(type="path"),
)


class _Failed(Exception):
    """The task fails with this message (what the module's fail_json said)."""


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError) as exc:
        raise _Failed("cannot read the %s %s: %s" % (what, path, exc)) from None


def read_report(path):
    report = read_json(path, "report file")
    if not isinstance(report, dict) or "counts" not in report:
        raise _Failed("%s is not the report file of a task that writes (no counts)" % path)
    return report


def read_unmanaged(path):
    found = read_json(path, "hosts file")
    if isinstance(found, dict):
        found = found.get("unmanaged")
    if not isinstance(found, list) or not all(isinstance(name, str) for name in found):
        raise _Failed("%s: expected a list of host names, or a mapping whose unmanaged is one" % path)
    return found


def write_reports(params, check_mode):
    """The reports of ``params`` (validated against ARGUMENT_SPEC) written; the task's result."""
    if not params["src"]:
        raise _Failed("src: give at least one report file")
    reports = [read_report(path) for path in params["src"]]
    unmanaged = read_unmanaged(params["unmanaged_from"]) if params["unmanaged_from"] else []
    json_path = params["json"] or (params["src"][0] if len(reports) == 1 and unmanaged else None)
    return write_plan_report(reports, params["title"], report_name=os.path.basename(json_path or params["src"][0]),
                             json_path=json_path, unmanaged=unmanaged, markdown_path=params["markdown"],
                             markdown_limit=params["markdown_limit"], html_path=params["html"], check_mode=check_mode)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False  # the files are on the controller

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        checked = ArgumentSpecValidator(ARGUMENT_SPEC).validate(dict(self._task.args))
        if checked.error_messages:
            # As AnsibleModule words it.
            msg = checked.errors.msg
            if isinstance(checked.errors[0], UnsupportedError):
                msg = "Unsupported parameters for (%s) module: %s" % (self._task.action, msg)
            result.update(failed=True, msg=msg)
            return result
        try:
            result.update(write_reports(checked.validated_parameters, bool(self._task.check_mode)))
        except _Failed as exc:
            result.update(failed=True, msg=str(exc))
        return result
