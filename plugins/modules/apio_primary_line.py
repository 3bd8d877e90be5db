#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_primary_line
short_description: Set whether a user's main phone uses its primary line port
version_added: 1.0.0
description:
  - Reads the primary line port setting of the user's main phone (access device) through the APIO
    gateway and writes it only when it differs from O(primary).
  - A user without a phone, or whose phone type does not support the setting, fails with the API's
    message; nothing is written.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  primary:
    description:
      - Whether the primary line port setting is on. Required for each user; at the top level it is
        the default for every O(batch) element.
    type: bool
extends_documentation_fragment:
  - telephony.apio.target
  - telephony.apio.connection
  - telephony.apio.batch
  - telephony.apio.batch.write
  - telephony.apio.attributes
  - telephony.apio.attributes.apio_group
notes:
  - Uses the route C(.../access_device/primary_line_port/), not the deprecated alias C(primay_line_port).
seealso:
  - module: telephony.apio.apio_primary_line_info
"""

EXAMPLES = r"""
- name: Turn the primary line port on for one user
  telephony.apio.apio_primary_line:
    url: https://apio.example.net
    username: "{{ apio_username }}"
    password: "{{ apio_password }}"
    tenant: foo
    group: foogroup
    user: foouser
    primary: true

- name: The same for many users in one task, connection set once for the whole play
  telephony.apio.apio_primary_line:
    tenant: foo
    group: foogroup
    primary: true
    batch:
      - user: alice@sip.example.com
      - user: bob+1@sip.example.com
      - user: carol@sip.example.com
        group: othergroup
        primary: false
  module_defaults:
    group/telephony.apio.apio:
      url: https://apio.example.net
      token: "{{ apio_token }}"
"""

RETURN = r"""
previous:
  description: The setting before the task.
  returned: success, single form
  type: dict
  sample: {"primary": false}
current:
  description: The setting after the task (in check mode, as it would be).
  returned: success, single form
  type: dict
  sample: {"primary": true}
changes:
  description: What changed, in words.
  returned: success, single form
  type: list
  elements: str
  sample: ["primary line port false -> true"]
msg:
  description: What happened to whom.
  returned: always
  type: str
  sample: "user foouser (foo/foogroup): primary line port false -> true"
waves:
  description:
    - The sizes of the waves in which the users that differ were written (or, in check mode, would be
      written), when O(waves) is set.
  returned: batch form, with O(waves)
  type: list
  elements: int
  sample: [10, 10, 80]
  version_added: 2.0.0
counts:
  description:
    - Users in the batch by outcome. C(not_written), only when an invalid user kept every write from being
      sent (O(on_invalid=abort)), counts the users that differ and were not written; it also counts the users
      left when the run was stopped (its ansible-playbook gone or interrupted) or a wave failed beyond
      O(max_fail_percentage).
  returned: batch form
  type: dict
  sample: {"total": 3, "changed": 1, "unchanged": 2, "failed": 0}
results:
  description:
    - One entry per changed or failed user (and per unchanged user with O(return_unchanged)), with
      C(tenant), C(group), C(user), C(user_label), C(changed), C(failed), C(msg), C(changes),
      C(previous) and C(current). A failed user also has C(status), the HTTP status of
      the call that failed (null for bad input or a transport failure).
    - An entry of a user that differs but was not written because another user is not valid has
      C(blocked=true); a failed user whose input is at fault (O(on_invalid)) has C(invalid=true).
    - Kept under O(result_limit) (see there what is left out first); O(report) has every user in full.
  returned: batch form
  type: list
  elements: dict
truncated:
  description:
    - What O(result_limit) left out of this result, and where to find it (O(report)). Only when the result
      was cut; RV(counts) is always whole.
  returned: batch form, when the result was cut
  type: str
  sample: "result cut to 500000 characters (option result_limit): left out previous, current and changes of each user; see the report file plan/users.json"
results_omitted:
  description: How many entries of RV(results) O(result_limit) left out.
  returned: batch form, when entries were left out
  type: int
"""

from ansible_collections.telephony.apio.plugins.module_utils.primary_line import PrimaryLine
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_module


def main():
    run_module(PrimaryLine)


if __name__ == "__main__":
    main()
