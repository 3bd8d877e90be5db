#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_phone_buttons_info
short_description: Read the programmable keys of a user's main phone
version_added: 1.0.0
description:
  - Reads the phone type, device name and keys of one user's main phone, or of many users with O(batch).
  - The keys are returned as RV(buttons), sorted by id, each with exactly C(id), C(type), C(label) and
    C(parameter) (an empty string where the API left it out). That is the shape that
    O(telephony.apio.apio_phone_buttons#module:keys) of M(telephony.apio.apio_phone_buttons) accepts, so
    the output can be fed back as desired state.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  operator:
    description:
      - The operator's own path segment after the API prefix, for example V(telenet).
    type: str
extends_documentation_fragment:
  - telephony.apio.target
  - telephony.apio.connection
  - telephony.apio.batch
  - telephony.apio.attributes.info_module
  - telephony.apio.attributes.apio_group
notes:
  - O(return_unchanged) has no effect; every user is listed.
seealso:
  - module: telephony.apio.apio_phone_buttons
"""

EXAMPLES = r"""
- name: Read the keys of one user
  telephony.apio.apio_phone_buttons_info:
    url: https://apio.example.net
    token: "{{ apio_token }}"
    tenant: foo
    group: foogroup
    user: foouser
  register: phone

- name: Copy that layout to another user
  telephony.apio.apio_phone_buttons:
    url: https://apio.example.net
    token: "{{ apio_token }}"
    tenant: foo
    group: foogroup
    user: alice@sip.example.com
    purge: true
    keys: "{{ phone.buttons }}"
"""

RETURN = r"""
device_type:
  description: Technical name of the phone type.
  returned: success, single form
  type: str
  sample: Telenet-Panasonic-KX-HDV230
device_name:
  description: Name of the access device.
  returned: success, single form
  type: str
  sample: DP_giulio@sip.netaxis.be
buttons:
  description:
    - The configured keys, sorted by id, in the shape of O(telephony.apio.apio_phone_buttons#module:keys).
    - Called C(keys) before 2.0.0; renamed because C(result.keys) in Jinja is the dictionary's method.
  returned: success, single form
  type: list
  elements: dict
  contains:
    id:
      description: Key number on the phone.
      returned: always
      type: int
    type:
      description: Key type, for example V(CALLLOG) or V(ONETOUCH).
      returned: always
      type: str
    label:
      description: Text shown on the phone; an empty string for none.
      returned: always
      type: str
    parameter:
      description: Extension, phone number, line id or user id; an empty string for none.
      returned: always
      type: str
  sample:
    - {id: 4, type: CALLLOG, label: history, parameter: ""}
    - {id: 5, type: ONETOUCH, label: call boss, parameter: "065432368"}
  version_added: 2.0.0
results:
  description:
    - One entry per user with C(tenant), C(group), C(user), C(device_type), C(device_name) and C(buttons)
      (as RV(device_type), RV(device_name) and RV(buttons) of the single form), or C(failed), C(msg) and
      C(status) (the HTTP status of the call that failed, null for bad input or a transport failure).
  returned: batch form
  type: list
  elements: dict
  sample:
    - tenant: foo
      group: foogroup
      user: foouser
      device_type: Telenet-Panasonic-KX-HDV230
      device_name: DP_giulio@sip.netaxis.be
      buttons:
        - {id: 4, type: CALLLOG, label: history, parameter: ""}
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

from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_info_module


def main():
    run_info_module(PhoneButtons)


if __name__ == "__main__":
    main()
