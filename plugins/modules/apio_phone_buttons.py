#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_phone_buttons
short_description: Manage the programmable keys (phone buttons) of a user's main phone
version_added: 1.0.0
description:
  - Reads the keys of the user's main phone through the APIO gateway, merges the listed keys into them
    (or makes them the whole layout with O(purge)), and writes the whole key list only when it differs.
  - Keys are compared by id whatever their order; a missing C(parameter) counts as empty; the label of a
    key type whose phone type ignores labels (C(labelIgnored)) is not compared.
  - Before any write, the keys are validated against the phone type (C(configs/phone_types)). The key
    type must be available, the id must be one of the programmable keys, ids must be unique, and a
    parameter and a label must be given where the key type needs them.
  - "Contract decision (C(docs/api.md), D2): the gateway's PUT replaces the whole key list; a key left out
    of it is cleared. This module therefore always sends the complete desired layout."
author:
  - telephony.apio contributors (@telephony-apio)
options:
  operator:
    description:
      - The operator's own path segment after the API prefix, for operator-specific routes, for example
        V(telenet) for C(/api/v1/telenet/tenants/...). Not set, the standard route is used.
    type: str
  keys:
    description:
      - The keys to set (O(state=present)) or clear (O(state=absent)). Required for each user; at the top
        level, the default layout for every O(batch) element.
      - With O(state=absent) only C(id) is needed.
    type: list
    elements: dict
    suboptions:
      id:
        description: Key number on the phone (1 to 24, or the phone type's managed keys).
        type: int
        required: true
      type:
        description:
          - Key type, for example V(DIRECT_CALL), V(BLF), V(CALLLOG), V(ONETOUCH); the phone type says which
            are available. Required with O(state=present).
        type: str
      label:
        description: Text shown on the phone. Ignored for types whose phone type does not show a label.
        type: str
        default: ""
      parameter:
        description: Extension, phone number, line id or user id, as the key type needs.
        type: str
        default: ""
  purge:
    description:
      - V(false), keys that are not listed are kept. V(true), the listed keys become the whole layout and
        every other key is cleared.
      - Cannot be combined with O(state=absent).
    type: bool
    default: false
  state:
    description:
      - V(present) sets the listed keys; V(absent) clears the listed key ids.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - telephony.apio.target
  - telephony.apio.connection
  - telephony.apio.batch
  - telephony.apio.batch.write
  - telephony.apio.attributes
  - telephony.apio.attributes.apio_group
seealso:
  - module: telephony.apio.apio_phone_buttons_info
"""

EXAMPLES = r"""
- name: Relabel two keys of one user (the documented example)
  telephony.apio.apio_phone_buttons:
    url: https://apio.example.net
    username: "{{ apio_username }}"
    password: "{{ apio_password }}"
    operator: telenet
    tenant: foo
    group: foogroup
    user: foouser
    keys:
      - {id: 4, type: CALLLOG, label: c. history}
      - {id: 5, type: ONETOUCH, label: call chief, parameter: "065432368"}

- name: Make a standard layout the whole key list of many users
  telephony.apio.apio_phone_buttons:
    tenant: foo
    group: foogroup
    purge: true
    keys:
      - {id: 1, type: LINE, label: Line}
      - {id: 2, type: CALLLOG, label: History}
      - {id: 3, type: DIRECT_CALL, label: Reception, parameter: "1000"}
    batch:
      - user: alice@sip.example.com
      - user: bob+1@sip.example.com
      - user: carol@sip.example.com
        group: othergroup
  module_defaults:
    group/telephony.apio.apio:
      url: https://apio.example.net
      token: "{{ apio_token }}"

- name: Clear key 5, keep the others
  telephony.apio.apio_phone_buttons:
    tenant: foo
    group: foogroup
    user: foouser
    state: absent
    keys:
      - id: 5
"""

RETURN = r"""
previous:
  description:
    - The phone before the task, as M(telephony.apio.apio_phone_buttons_info) returns it.
  returned: single form, on success and on a failure after the phone was read
  type: dict
  contains: &phone
    device_type:
      description: Technical name of the phone type.
      returned: always
      type: str
    device_name:
      description: Name of the access device.
      returned: always
      type: str
    buttons:
      description:
        - The keys, sorted by id, each with C(id), C(type), C(label) and C(parameter) (an empty string for
          none), in the shape of O(keys).
        - Called C(keys) before 2.0.0; renamed because C(.keys) in Jinja is the dictionary's method.
      returned: always
      type: list
      elements: dict
      version_added: 2.0.0
  sample:
    device_type: Telenet-Panasonic-KX-HDV230
    device_name: DP_giulio@sip.netaxis.be
    buttons:
      - {id: 4, type: CALLLOG, label: history, parameter: ""}
      - {id: 5, type: ONETOUCH, label: call boss, parameter: "065432368"}
current:
  description: The phone after the task (in check mode, as it would be), in the shape of RV(previous).
  returned: success, single form
  type: dict
  contains: *phone
  sample:
    device_type: Telenet-Panasonic-KX-HDV230
    device_name: DP_giulio@sip.netaxis.be
    buttons:
      - {id: 4, type: CALLLOG, label: c. history, parameter: ""}
      - {id: 5, type: ONETOUCH, label: call chief, parameter: "065432368"}
changes:
  description: What changed, in words.
  returned: success, single form
  type: list
  elements: str
  sample: ["key 4 label 'history' -> 'c. history'", "key 5 label 'call boss' -> 'call chief'"]
msg:
  description: What happened to whom.
  returned: always
  type: str
  sample: "user foouser (foo/foogroup): key 5 label 'call boss' -> 'call chief'"
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
      C(previous) and C(current) (as RV(previous) and RV(current), with the keys in C(buttons)). A failed
      user also has C(status), the HTTP status of the call that failed (null for bad input or a transport
      failure).
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

from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_module


def main():
    run_module(PhoneButtons)


if __name__ == "__main__":
    main()
