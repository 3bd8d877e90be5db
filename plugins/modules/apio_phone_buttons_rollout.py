# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_phone_buttons_rollout
short_description: Roll key templates out to many users' phones, each rendered for the phone's own type
version_added: 2.0.0
description:
  - For each user, reads the keys of the user's main phone, picks the layout of the user's O(template) for
    the phone's type (C(deviceType)), merges the user's key overrides by id, renders the Jinja of each
    value for the user, and writes the whole key list only when it differs, as
    M(telephony.apio.apio_phone_buttons) with O(telephony.apio.apio_phone_buttons#module:purge) does.
  - "Plan, then apply: every user is read, rendered and checked against the user's own phone type (each
    phone type read once per task) before the first write. When any user is not valid (a key the phone
    type refuses, a value that cannot be rendered, an unknown template or user, permission denied),
    nothing is written and the task names each invalid user, key and phone type; see O(on_invalid)."
  - Runs on the controller (an action plugin) - all users in one task, one login, O(parallel) requests in
    flight. Progress is shown every few seconds while the task runs. Connection options that are not set
    are read from the controller's environment variables.
  - This is the engine of the P(telephony.apio.phone_buttons#role) role.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  operator:
    description:
      - The operator's own path segment after the API prefix, for example V(telenet). Not set, the
        standard route is used.
    type: str
  templates:
    description:
      - The template library - template name, then phone type (the C(deviceType), for example
        V(Yealink-T46S)), then the list of keys.
      - "Each key has C(id), C(type), C(label), C(parameter), and optionally C(when), a bare Jinja
        expression; the key is left out when it is false."
      - Jinja in a value sees C(phone_buttons_user) (C(user), C(tenant), C(group), C(template),
        C(device_type), C(vars)) and each of the user's O(vars) by name, with Jinja's and
        ansible.builtin's filters. In a playbook, tag such values C(!unsafe) so that Ansible passes them
        on instead of rendering them when the task starts.
      - Required, unless O(plan) applies a saved plan (which holds each user's keys as planned).
    type: dict
  template:
    description:
      - Name of the user's template in O(templates). Required for each user; at the top level, the
        default for every O(batch) element.
    type: str
  vars:
    description:
      - Variables for the template's Jinja. At the top level, for every user; a O(batch) element's
        C(vars) are merged over them.
    type: dict
    default: {}
  keys:
    description:
      - Key overrides merged into the template by id. The fields given (C(type), C(label), C(parameter),
        C(when)) replace the template's, a new id adds a key, and C(state=absent) removes the template's
        key.
    type: list
    elements: dict
    default: []
  purge:
    description:
      - V(true), the rendered layout is the phone's whole key list and every other key is cleared.
      - V(false), the layout's keys are set and the phone's other keys are kept.
    type: bool
    default: true
  users_file:
    description:
      - A YAML or JSON file on the controller with more users - a list of dictionaries with the same fields
        as the elements of O(batch) (or a dictionary whose only key, C(users), holds that list). They are
        added to O(batch); the top-level options are their defaults too.
      - For thousands of users, a file is much faster than a variable - ansible-core templates and copies a
        variable of that size for every task that can see it (a play's C(vars_files) is even parsed again
        for each task), whereas this file is read once, by this task.
    type: path
  on_missing:
    description:
      - What to do with a user who has no phone, or whose phone type has no layout in the user's template.
      - V(skip) lists them (C(skipped) in RV(counts) and in RV(results)) and goes on.
      - V(fail) counts them as invalid (see O(on_invalid)).
      - A user has no phone when the phone buttons route answers 404 and the group's user listing lists
        the user; a user the listing does not have is unknown, and invalid.
    type: str
    choices: [skip, fail]
    default: skip
extends_documentation_fragment:
  - telephony.apio.target
  - telephony.apio.connection
  - telephony.apio.batch
  - telephony.apio.batch.write
  - telephony.apio.attributes
  - telephony.apio.attributes.apio_group
  - telephony.apio.attributes.controller
seealso:
  - module: telephony.apio.apio_phone_buttons
"""

EXAMPLES = r"""
- name: Standard layouts for a group, one per phone type
  telephony.apio.apio_phone_buttons_rollout:
    tenant: foo
    group: foogroup
    template: standard
    vars:
      reception_number: "1000"
    templates:
      standard:
        Yealink-T46S:
          - {id: 1, type: LINE, label: "", parameter: !unsafe "{{ phone_buttons_user.user }}"}
          - {id: 2, type: DIRECT_CALL, label: Reception, parameter: !unsafe "{{ reception_number }}"}
          - {id: 3, type: BLF, label: Assistant, parameter: !unsafe "{{ assistant }}", when: assistant is defined}
        Polycom-VVX-300:
          - {id: 1, type: LINE, label: Line, parameter: !unsafe "{{ phone_buttons_user.user }}"}
          - {id: 2, type: DIRECT_CALL, label: Reception, parameter: !unsafe "{{ reception_number }}"}
    batch:
      - user: alice@sip.example.com
        vars: {assistant: bob+1@sip.example.com}
      - user: bob+1@sip.example.com
        keys:
          - {id: 2, state: absent}
    report: plan/phone_buttons_rollout.json
  module_defaults:
    group/telephony.apio.apio:
      url: https://apio.example.net
      token: "{{ apio_token }}"
"""

RETURN = r"""
msg:
  description: What happened, with each failed or invalid user and why.
  returned: always
  type: str
  sample: "3 users: 1 changed, 1 unchanged, 1 skipped"
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
    - Users by outcome. C(skipped) are users without a phone or without a layout for their phone type;
      C(not_written), only when an invalid user stopped every write, the users that differ.
  returned: batch form
  type: dict
  sample: {"total": 3, "changed": 1, "unchanged": 1, "skipped": 1, "failed": 0}
results:
  description:
    - One entry per changed, failed or skipped user (and per unchanged user with O(return_unchanged)), as
      the RV(telephony.apio.apio_phone_buttons#module:results) of M(telephony.apio.apio_phone_buttons)
      (C(previous) and C(current) with the keys in C(buttons)); a skipped user has C(skipped) (V(no_phone)
      or V(no_template)), C(status) (the same), C(template), C(device_type), C(msg) and C(reason) (the same
      as C(msg), kept for compatibility).
    - Kept under O(result_limit); O(report) has every user in full. A cut entry keeps only who the user is,
      what happened (C(changed), C(failed), C(invalid), C(blocked), C(skipped), C(status)) and the C(msg) of
      a failed or skipped user; read C(msg), not C(reason).
  returned: batch form
  type: list
  elements: dict
truncated:
  description: What O(result_limit) left out of the result, and where to find it.
  returned: when the result was cut
  type: str
results_omitted:
  description:
    - How many entries of RV(results) O(result_limit) left out (those of changed users first; failed and
      skipped users are kept first). RV(counts) still counts them.
  returned: batch form, when entries were left out
  type: int
previous:
  description:
    - The phone before the task (single form), as RV(telephony.apio.apio_phone_buttons#module:previous) of
      M(telephony.apio.apio_phone_buttons).
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
          none).
        - Called C(keys) before 2.0.0 (in M(telephony.apio.apio_phone_buttons)); renamed because C(.keys)
          in Jinja is the dictionary's method.
      returned: always
      type: list
      elements: dict
  sample:
    device_type: Yealink-T46S
    device_name: DP_alice
    buttons:
      - {id: 1, type: LINE, label: "", parameter: alice@sip.example.com}
current:
  description: The phone after the task, or in check mode as it would be (single form), in the shape of RV(previous).
  returned: success, single form
  type: dict
  contains: *phone
changes:
  description: What changed, in words (single form).
  returned: success, single form
  type: list
  elements: str
"""
