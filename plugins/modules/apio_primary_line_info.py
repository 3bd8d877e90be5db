#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_primary_line_info
short_description: Read whether a user's main phone uses its primary line port
version_added: 1.0.0
description:
  - Reads the primary line port setting of one user's main phone, or of many users with O(batch).
  - The result has the shape that M(telephony.apio.apio_primary_line) accepts, so it can be fed back
    as desired state.
author:
  - telephony.apio contributors (@telephony-apio)
extends_documentation_fragment:
  - telephony.apio.target
  - telephony.apio.connection
  - telephony.apio.batch
  - telephony.apio.attributes.info_module
  - telephony.apio.attributes.apio_group
notes:
  - O(return_unchanged) has no effect; every user is listed.
seealso:
  - module: telephony.apio.apio_primary_line
"""

EXAMPLES = r"""
- name: Read one user's setting
  telephony.apio.apio_primary_line_info:
    url: https://apio.example.net
    token: "{{ apio_token }}"
    tenant: foo
    group: foogroup
    user: foouser
  register: line

- name: Show it
  ansible.builtin.debug:
    msg: "primary line port is {{ line.primary }}"
"""

RETURN = r"""
primary:
  description: Whether the primary line port setting is on.
  returned: success, single form
  type: bool
  sample: false
results:
  description: One entry per user with C(tenant), C(group), C(user) and C(primary), or C(failed), C(msg) and
      C(status) (the HTTP status of the call that failed, null for bad input or a transport failure).
  returned: batch form
  type: list
  elements: dict
  sample: [{"tenant": "foo", "group": "foogroup", "user": "foouser", "primary": false}]
truncated:
  description:
    - What O(result_limit) left out of this result, and where to find it (O(report)). Only when the result
      was cut.
  returned: batch form, when the result was cut
  type: str
  sample: "result cut to 500000 characters (option result_limit): left out the entries of 2000 users; see the report file plan/users.json"
results_omitted:
  description: How many entries of RV(results) O(result_limit) left out.
  returned: batch form, when entries were left out
  type: int
"""

from ansible_collections.telephony.apio.plugins.module_utils.primary_line import PrimaryLine
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_info_module


def main():
    run_info_module(PrimaryLine)


if __name__ == "__main__":
    main()
