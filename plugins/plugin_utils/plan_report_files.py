# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan report's files (JSON, Markdown, HTML) from the report files of a run, on the controller: what the
action plan_report does, and the playbooks' report step (the action playbook_finish) too."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

from ansible_collections.telephony.apio.plugins.module_utils import plan_report
from ansible_collections.telephony.apio.plugins.plugin_utils.plan_report_html import html as render_html
from ansible_collections.telephony.apio.plugins.module_utils.results import report_text, write_if_changed


TEMPORARY_PREFIX = ".plan-report-"  # of a file being written (results.write_if_changed)


def write_plan_report(reports, title, report_name, json_path=None, unmanaged=(), markdown_path=None,
                      markdown_limit=plan_report.GITHUB_COMMENT_LIMIT, html_path=None, check_mode=False):
    """Merge ``reports`` (the report files' contents, one per slice of a run), add the ``unmanaged`` hosts,
    and write the merged report to ``json_path``, the Markdown report to ``markdown_path`` and the HTML
    report to ``html_path`` (each only when given, and only when it changes); ``report_name`` is the file
    name the reports cite for every user's detail. Returns the plan_report module's result."""
    report = plan_report.merge(reports)
    if unmanaged:
        report = dict(report, unmanaged=sorted(set(report.get("unmanaged") or []) | set(unmanaged)))
    model = plan_report.build(report, title)
    result = dict(changed=False, groups=len(model["groups"]), users_changed=model["users_changed"],
                  unmanaged=len(model["unmanaged"]))
    if json_path:
        result["changed"] |= write_if_changed(json_path, report_text(report), check_mode, TEMPORARY_PREFIX)
    if markdown_path:
        detail = [report_name] + ([os.path.basename(html_path)] if html_path else [])
        text, left_out = plan_report.markdown(model, markdown_limit, detail)
        result.update(markdown_chars=len(text), groups_left_out=left_out)
        result["changed"] |= write_if_changed(markdown_path, text, check_mode, TEMPORARY_PREFIX)
    if html_path:
        result["changed"] |= write_if_changed(html_path, render_html(model, [report_name]), check_mode, TEMPORARY_PREFIX)
    return result
