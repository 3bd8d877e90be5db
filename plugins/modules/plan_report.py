#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: plan_report
short_description: Write a plan report a reviewer can read, from the report file of a run
version_added: 2.0.0
description:
  - Reads the JSON report file that a task of this collection wrote (the O(telephony.apio.apio_phone_buttons#module:report)
    option of its modules, C(phone_buttons_report) of the C(telephony.apio.phone_buttons) role) and
    writes a Markdown report for a merge-request comment and an HTML report with pictures of the phones'
    keys.
  - Users whose change is the same are one group, said once with the number of users and a few of
    them by name. A change is the same when the same keys change from the same values to the same
    values once each user's own values are replaced by placeholders (its user id by V({user}), the
    values of its template variables by V({name})), on the same phone type. Groups are ordered by size.
  - The Markdown report always fits O(markdown_limit) characters. Failed and skipped users come first,
    then the largest groups; its last line says what it left out and that the JSON and HTML reports
    have every user's detail.
  - The HTML report draws each group's keys before and after, and the templates its users were given
    (not the rest of the library) on their phone types, with each phone type's programmable keys as the
    run read them; a phone type the run did not read is drawn without a count of programmable keys.
  - Both reports are headed with what the run did, in words that agree with its counts; a run that an
    invalid user stopped (users held back, in the report file's C(not_written)) is headed "nothing was written", or
    "nothing would be written" in check mode.
  - The collection's playbooks run it when C(apio_plan_dir) is set.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  src:
    description:
      - The JSON report file of the run. Its shape is described by C(docs/plan-report.schema.json).
      - Several files (the slices of a sliced job, each over its own users) make one report of all their
        users, with their counts added.
    type: list
    elements: path
    required: true
  json:
    description:
      - Where to write the report file of O(src) with the hosts of O(unmanaged_from) added, for example the
        one report of several slices. Not written when not given, except that with one O(src) and hosts
        in O(unmanaged_from), O(src) itself gets them.
    type: path
  unmanaged_from:
    description:
      - A JSON file with the hosts of the run that have no desired state for what the report is about (for
        example the users an inventory plugin found on the platform that git does not describe), as a list of
        host names, or a mapping whose C(unmanaged) is that list. The collection's playbooks write one.
      - They are listed in the reports as not managed; nothing is read or written for them.
      - A file rather than a list, so that thousands of names never pass through a task's arguments.
    type: path
  title:
    description: What the report is about, for its heading, e.g. V(Phone buttons).
    type: str
    required: true
  markdown:
    description: Where to write the Markdown report. Not written when not given.
    type: path
  markdown_limit:
    description:
      - The most characters the Markdown report may have. A GitHub comment holds 65,536, a GitLab one
        1,000,000.
    type: int
    default: 65536
  html:
    description:
      - Where to write the HTML report, one page that works offline (no scripts, no external fonts or
        images). Not written when not given.
    type: path
attributes:
  check_mode:
    description:
      - Can run in check_mode and return changed status prediction without modifying target.
      - In check mode nothing is written; the result says whether the files would change.
      - "The collection's playbooks run it with C(check_mode: false), since a dry run's report is its point."
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
notes:
  - "Runs on the host where O(src) is, usually the controller (C(delegate_to: localhost))."
seealso:
  - module: telephony.apio.apio_phone_buttons_rollout
"""

EXAMPLES = r"""
- name: Dry run of a roll-out, with its report file
  telephony.apio.apio_phone_buttons_rollout:
    tenant: foo
    group: foogroup
    templates: "{{ my_templates }}"
    template: standard
    batch: "{{ users }}"
    report: plan/phone_buttons.json
  check_mode: true

- name: The reports a reviewer reads
  telephony.apio.plan_report:
    src: plan/phone_buttons.json
    title: Phone buttons
    markdown: plan/phone_buttons.md
    html: plan/phone_buttons.html
  check_mode: false
  delegate_to: localhost
"""

RETURN = r"""
groups:
  description: How many groups of users with the same change the report has.
  returned: success
  type: int
  sample: 3
users_changed:
  description: How many users change (or would change, in check mode), in all groups.
  returned: success
  type: int
  sample: 2000
groups_left_out:
  description: How many groups the Markdown report left out to fit O(markdown_limit).
  returned: when O(markdown) is given
  type: int
  sample: 0
unmanaged:
  description: How many hosts the reports list as not managed.
  returned: success
  type: int
  sample: 0
markdown_chars:
  description: The length of the Markdown report, in characters.
  returned: when O(markdown) is given
  type: int
  sample: 4210
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.telephony.apio.plugins.module_utils.plan_report import GITHUB_COMMENT_LIMIT
from ansible_collections.telephony.apio.plugins.module_utils.plan_report_files import write_plan_report


def read_json(module, path, what):
    try:
        with open(path, encoding="utf-8") as stream:
            return json.load(stream)
    except (OSError, ValueError) as exc:
        module.fail_json(msg="cannot read the %s %s: %s" % (what, path, exc))


def read_report(module, path):
    report = read_json(module, path, "report file")
    if not isinstance(report, dict) or "counts" not in report:
        module.fail_json(msg="%s is not the report file of a task that writes (no counts)" % path)
    return report


def read_unmanaged(module, path):
    found = read_json(module, path, "hosts file")
    if isinstance(found, dict):
        found = found.get("unmanaged")
    if not isinstance(found, list) or not all(isinstance(name, str) for name in found):
        module.fail_json(msg="%s: expected a list of host names, or a mapping whose unmanaged is one" % path)
    return found


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="list", elements="path", required=True),
            json=dict(type="path"),
            unmanaged_from=dict(type="path"),
            title=dict(type="str", required=True),
            markdown=dict(type="path"),
            markdown_limit=dict(type="int", default=GITHUB_COMMENT_LIMIT),
            html=dict(type="path"),
        ),
        supports_check_mode=True,
    )
    params = module.params
    if not params["src"]:
        module.fail_json(msg="src: give at least one report file")
    reports = [read_report(module, path) for path in params["src"]]
    unmanaged = read_unmanaged(module, params["unmanaged_from"]) if params["unmanaged_from"] else []
    json_path = params["json"] or (params["src"][0] if len(reports) == 1 and unmanaged else None)
    module.exit_json(**write_plan_report(
        reports, params["title"], report_name=os.path.basename(json_path or params["src"][0]), json_path=json_path,
        unmanaged=unmanaged, markdown_path=params["markdown"], markdown_limit=params["markdown_limit"],
        html_path=params["html"], check_mode=module.check_mode))


if __name__ == "__main__":
    main()
