#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: playbook_start
short_description: Start an object's run in the collection's playbooks - find the saved plan, remove stale reports
version_added: 2.0.0
description:
  - The first step of the playbooks C(telephony.apio.phone_buttons), C(telephony.apio.primary_line) and
    C(telephony.apio.softphones), before anything can fail; usable in playbooks of the same shape.
  - Finds the saved plan to apply, O(plan_file) - a dry run's report file of this object, or the directory of
    a dry run's plan reports, whose C(<name>.json) it then takes - and refuses a plan that this run's own
    report (in O(plan_dir)) would replace.
  - Then removes the report files of an earlier run from O(plan_dir) (C(<name>.json), C(.md) and C(.html)), so
    that the directory never holds a stale report - a run that stops before its report leaves no file saying
    that nothing would change.
  - Runs on the controller (an action plugin), in one task. Paths are those of the controller, C(~) expanded,
    relative to the directory ansible-playbook runs in.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  name:
    description: The object of the run, the name of its report files, for example V(phone_buttons).
    type: str
    required: true
  plan_dir:
    description: The directory of the run's plan reports. Empty - the run writes none, and nothing is removed.
    type: str
    default: ""
  plan_file:
    description: The saved plan to apply, a file or a directory. Empty - no saved plan.
    type: str
    default: ""
extends_documentation_fragment:
  - telephony.apio.attributes.controller
  - telephony.apio.attributes.playbook_step
seealso:
  - module: telephony.apio.playbook_hosts
  - module: telephony.apio.playbook_finish
"""

EXAMPLES = r"""
- name: Start afresh
  telephony.apio.playbook_start:
    name: phone_buttons
    plan_dir: "{{ apio_plan_dir | default('') }}"
    plan_file: "{{ apio_plan_file | default('') }}"
  register: started
"""

RETURN = r"""
plan_file:
  description: The saved plan to apply, an absolute path; empty without O(plan_file).
  returned: success
  type: str
  sample: /srv/gitops/plan/phone_buttons.json
removed:
  description: The report files of an earlier run that were removed.
  returned: success
  type: list
  elements: str
  sample: [/srv/gitops/plan/phone_buttons.json]
"""
