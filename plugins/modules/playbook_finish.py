#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: playbook_finish
short_description: Finish an object's run in the collection's playbooks - plan reports, drift, clean-up
version_added: 2.0.0
description:
  - The last step of the playbooks C(telephony.apio.phone_buttons), C(telephony.apio.primary_line) and
    C(telephony.apio.softphones), run whatever happened before it; usable in playbooks of the same shape.
  - With O(plan_dir) and O(counts) - the plan reports. C(<plan_dir>/<name>.json) is the report file the
    object's task wrote, with every user in full; for a run that stopped before its users were planned, it
    writes one with O(counts) and O(msg). From it, with the hosts without desired state added, it writes
    C(<name>.md) (for a merge-request comment, at most O(markdown_limit) characters) and C(<name>.html), as
    M(telephony.apio.plan_report) does.
  - With O(fail_on_drift) and users that differ (O(counts)' C(changed)) - records the object's drift for
    the playbook C(telephony.apio.drift), as the fact C(apio_drift) (O(drift) with this object's entry added;
    run it with C(delegate_to=localhost) and C(delegate_facts=true)). Who differs comes from the report file
    when there is one, else from O(results).
  - With O(fail_on_unmanaged) and hosts without desired state - records them for the playbook
    C(telephony.apio.drift), which fails on them, as the fact C(apio_unmanaged) (O(unmanaged_recorded) with this
    object's message added).
  - When there is drift or there are hosts without desired state to fail on and O(localhost_in_run) is false
    (the run's C(--limit) leaves out localhost, so the playbook C(telephony.apio.drift) will not run), fails
    itself with what that playbook would have said, instead of letting the run pass.
  - Removes the directory of M(telephony.apio.playbook_hosts) (O(hosts_dir)), after reading the hosts without
    desired state from it.
  - Writes in check mode too - a dry run's report is its point. Runs on the controller (an action plugin).
author:
  - telephony.apio contributors (@telephony-apio)
options:
  name:
    description: The object of the run, the name of its report files, for example V(phone_buttons).
    type: str
    required: true
  title:
    description: What the reports are about, for their headings, for example V(Phone buttons).
    type: str
    required: true
  plan_dir:
    description: The directory of the plan reports. Empty - no reports.
    type: str
    default: ""
  counts:
    description:
      - The counts of the object's task (C(total), C(changed), C(unchanged), C(failed), optionally C(skipped)).
        Not given - the task gave no outcome, and nothing is reported.
    type: dict
  msg:
    description: The message of the object's task, for the report of a run that stopped before its users were planned.
    type: str
    default: ""
  results:
    description: The object's task's result entries, for who differs when there is no report file (may be cut).
    type: list
    elements: dict
  truncated:
    description: The object's task's note on its cut result, said with the drift when the users come from O(results).
    type: str
    default: ""
  markdown_limit:
    description: The most characters the Markdown report may have.
    type: int
    default: 65536
  hosts_dir:
    description: The directory of M(telephony.apio.playbook_hosts), read and removed. Empty - none.
    type: str
    default: ""
  fail_on_drift:
    description: Record the object's drift for the playbook C(telephony.apio.drift), which fails on it.
    type: bool
    default: false
  drift:
    description: The drift recorded so far (the fact C(apio_drift) of localhost), to which this object's is added.
    type: list
    elements: dict
  drift_named:
    description: How many of the users that differ the drift names.
    type: int
    default: 10
  fail_on_unmanaged:
    description: Record the hosts without desired state for the playbook C(telephony.apio.drift), which fails on them.
    type: bool
    default: false
  unmanaged_recorded:
    description: The hosts without desired state recorded so far (the fact C(apio_unmanaged) of localhost), one message per object.
    type: list
    elements: str
  localhost_in_run:
    description:
      - Whether the run's plays on localhost run, among them the playbook C(telephony.apio.drift) at its end. The
        collection's playbooks find out with a first play on localhost that sets a fact.
      - V(false) - drift or hosts without desired state to fail on fail this task instead.
    type: bool
    default: true
extends_documentation_fragment:
  - telephony.apio.attributes.controller
  - telephony.apio.attributes.playbook_step
seealso:
  - module: telephony.apio.playbook_start
  - module: telephony.apio.playbook_hosts
  - module: telephony.apio.plan_report
"""

EXAMPLES = r"""
- name: Report
  telephony.apio.playbook_finish:
    name: primary_line
    title: Primary line port
    plan_dir: "{{ apio_plan_dir | default('') }}"
    counts: "{{ outcome.counts | default(omit) }}"
    msg: "{{ outcome.msg | default('') }}"
    hosts_dir: "{{ hosts_files.dir | default('') }}"
  delegate_to: localhost
  delegate_facts: true
  run_once: true
"""

RETURN = r"""
unmanaged:
  description: How many hosts of the play have no desired state.
  returned: success
  type: int
  sample: 7
unmanaged_msg:
  description: What to say about the hosts without desired state, naming the first 20.
  returned: when some hosts have no desired state
  type: str
  sample: "Phone buttons: 7 hosts have no desired state in the inventory and were left alone: alice, bob"
unmanaged_failure:
  description: The failure of a run that takes hosts without desired state for an error (C(apio_fail_on_unmanaged)).
  returned: when some hosts have no desired state
  type: str
  sample: "7 hosts have no desired state for phone buttons in the inventory (apio_fail_on_unmanaged): alice, bob"
ansible_facts:
  description:
    - C(apio_drift), the drift so far with this object's, when O(fail_on_drift) and users differ.
    - C(apio_unmanaged), the messages so far with this object's, when O(fail_on_unmanaged) and hosts have no desired state.
  returned: when there is drift or hosts without desired state to record
  type: dict
  contains:
    apio_unmanaged:
      description: One message per object, naming the hosts without desired state (as RV(unmanaged_failure)).
      type: list
      elements: str
    apio_drift:
      description:
        - One entry per object - C(name), C(title), C(check_mode), C(changed), C(total), C(users) (named), C(not_named),
          C(truncated), C(report), and C(message), what the run's failure says of it.
      type: list
      elements: dict
"""
