#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_softphone
short_description: Assign a user's PBX device as the softphone of a UC client
version_added: 1.0.0
description:
  - Assigns one of the user's PBX devices to a UC client type (desktop, mobile, WebRTC or CRM) in the
    Enterprise Portal, or unassigns it.
  - Reads the user's devices first and writes only when the assignment differs.
  - "Contract decision (C(docs/api.md), D6): a client type holds at most one device per user. Assigning a
    device to a client type that holds another device replaces that device (shown in the diff as
    unassigned); assigning a device that is on another client type moves it."
  - "Contract decision (C(docs/api.md), D5): the current state is read with C(GET .../devices/pbx), a route
    the portal's documentation does not describe."
  - "Ownership: with O(purge=true), the task owns the user's softphones whole. The devices that the user's
    entries list with O(state=present) are all the softphones the user keeps; every other device assigned
    to a client type is unassigned. Without it (the default), the task changes only the devices it names."
  - "Charges (contract decision, C(docs/api.md), D8): on customers whose billing says so, a new softphone
    seat (a device not yet assigned, on a client type the user holds no device on) is chargeable. Without
    O(accept_charges) the portal refuses it (HTTP 402) and the task fails saying so. Billing cannot be
    read, so check mode cannot predict it."
author:
  - telephony.apio contributors (@telephony-apio)
options:
  device:
    description:
      - The device's id on the communications platform. It must already be one of the user's PBX devices.
      - "Required for each user, unless O(purge=true): a user given only with O(purge=true) and no device
        keeps no softphone at all."
    type: str
  client_type:
    description:
      - The UC client. Required with O(state=present). With O(state=absent), the device is unassigned only
        if it is on this client type; not set, it is unassigned whatever its client type.
    type: str
    choices: [desktop, mobile, webrtc, crm]
  state:
    description:
      - V(present) assigns O(device) to O(client_type); V(absent) unassigns it.
    type: str
    choices: [present, absent]
    default: present
  accept_charges:
    description:
      - Send C(accept-charges true), accepting that the assignment may incur charges. When a batch names
        one user several times, the value of the last entry applies to that user.
    type: bool
    default: false
  purge:
    description:
      - "V(true) makes the user's softphones exactly the devices listed for the user with O(state=present)
        (in the single form, O(device) if O(state=present); in a batch, every entry of the user): any other
        device of the user that is assigned to a client type is unassigned. Set on any entry of a user,
        it applies to all of that user's entries."
      - With V(true), O(device) may be left out; an entry with O(purge=true) and no O(device) unassigns every
        device of the user unless another of its entries lists one.
      - V(false) leaves the devices that the task does not name as they are.
    type: bool
    default: false
    version_added: 2.0.0
extends_documentation_fragment:
  - telephony.apio.target.portal
  - telephony.apio.connection.portal
  - telephony.apio.batch
  - telephony.apio.batch.write
  - telephony.apio.attributes
  - telephony.apio.attributes.portal_group
seealso:
  - module: telephony.apio.apio_softphone_info
"""

EXAMPLES = r"""
- name: Make dev-desk-1 the desktop softphone of jdoe
  telephony.apio.apio_softphone:
    portal_url: https://portal.example.net
    client_id: "{{ portal_client_id }}"
    client_secret: "{{ portal_client_secret }}"
    customer: 11111111-1111-4111-8111-111111111111
    user: jdoe
    device: dev-desk-1
    client_type: desktop

- name: Many users, accepting new seats' charges
  telephony.apio.apio_softphone:
    customer: 22222222-2222-4222-8222-222222222222
    client_type: mobile
    accept_charges: true
    batch:
      - {user: jdoe, device: dev-mob-1}
      - {user: asmith, device: dev-mob-7}
  module_defaults:
    group/telephony.apio.portal:
      portal_url: https://portal.example.net
      portal_token: "{{ portal_token }}"

- name: The softphones of jdoe are exactly these two; any other assigned device is unassigned
  telephony.apio.apio_softphone:
    customer: 11111111-1111-4111-8111-111111111111
    purge: true
    batch:
      - {user: jdoe, device: dev-desk-1, client_type: desktop}
      - {user: jdoe, device: dev-mob-1, client_type: mobile}
      - {user: asmith}                   # no device: asmith keeps no softphone at all

- name: Unassign a device
  telephony.apio.apio_softphone:
    customer: 11111111-1111-4111-8111-111111111111
    user: jdoe
    device: dev-desk-1
    state: absent
"""

RETURN = r"""
previous:
  description: The user's PBX devices before the task, each with C(device), C(name) and C(client_type).
  returned: success, single form
  type: dict
  sample: {"devices": [{"device": "dev-desk-1", "name": "Desk phone", "client_type": null}]}
current:
  description: The user's PBX devices after the task (in check mode, as they would be).
  returned: success, single form
  type: dict
  sample: {"devices": [{"device": "dev-desk-1", "name": "Desk phone", "client_type": "desktop"}]}
changes:
  description: What changed, in words.
  returned: success, single form
  type: list
  elements: str
  sample: ["device dev-desk-1 assigned to desktop", "device dev-desk-2 unassigned from desktop"]
msg:
  description: What happened to whom.
  returned: always
  type: str
  sample: "user jdoe (customer 11111111-1111-4111-8111-111111111111): device dev-desk-1 assigned to desktop"
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
  sample: {"total": 2, "changed": 1, "unchanged": 1, "failed": 0}
results:
  description:
    - One entry per changed or failed user (and per unchanged user with O(return_unchanged)), with
      C(account), C(customer), C(user), C(user_label), C(changed), C(failed), C(msg), C(changes),
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

from ansible_collections.telephony.apio.plugins.module_utils.reconcile import run_module
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone


def main():
    run_module(Softphone)


if __name__ == "__main__":
    main()
