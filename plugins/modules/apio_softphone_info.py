#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_softphone_info
short_description: Read which PBX devices are a user's softphones
version_added: 1.0.0
description:
  - Lists the user's PBX devices in the Enterprise Portal with the UC client type each one is assigned
    to (V(null) for none), for one user or for many with O(batch).
  - Each device has C(device) and C(client_type) as M(telephony.apio.apio_softphone) takes them.
  - "Contract decision (C(docs/api.md), D5): read with C(GET .../devices/pbx), a route the portal's
    documentation does not describe."
author:
  - telephony.apio contributors (@telephony-apio)
extends_documentation_fragment:
  - telephony.apio.target.portal
  - telephony.apio.connection.portal
  - telephony.apio.batch
  - telephony.apio.attributes.info_module
  - telephony.apio.attributes.portal_group
notes:
  - O(return_unchanged) has no effect; every user is listed.
seealso:
  - module: telephony.apio.apio_softphone
"""

EXAMPLES = r"""
- name: Read jdoe's softphones
  telephony.apio.apio_softphone_info:
    portal_url: https://portal.example.net
    portal_token: "{{ portal_token }}"
    customer: 11111111-1111-4111-8111-111111111111
    user: jdoe
  register: softphones

- name: Show the desktop device
  ansible.builtin.debug:
    msg: "{{ softphones.devices | selectattr('client_type', 'equalto', 'desktop') | map(attribute='device') | list }}"
"""

RETURN = r"""
devices:
  description: The user's PBX devices sorted by id, each with C(device), C(name) and C(client_type).
  returned: success, single form
  type: list
  elements: dict
  sample: [{"device": "dev-desk-1", "name": "Desk phone", "client_type": "desktop"},
           {"device": "dev-mob-1", "name": "Mobile", "client_type": null}]
results:
  description: One entry per user with C(account), C(customer), C(user) and C(devices), or C(failed), C(msg) and
      C(status) (the HTTP status of the call that failed, null for bad input or a transport failure).
  returned: batch form
  type: list
  elements: dict
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

from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_info_module
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone


def main():
    run_info_module(Softphone)


if __name__ == "__main__":
    main()
