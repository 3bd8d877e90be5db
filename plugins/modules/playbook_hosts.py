#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: playbook_hosts
short_description: Write the hosts of a play, described once, to files for the tasks after it
version_added: 2.0.0
description:
  - The second step of the playbooks C(telephony.apio.phone_buttons), C(telephony.apio.primary_line) and
    C(telephony.apio.softphones); usable in playbooks of the same shape.
  - Takes O(hosts), a mapping the playbook builds in one pass over the play's hosts through C(hostvars) (for
    example C(users) or C(batch), the managed users; C(unmanaged), the hosts without desired state; C(unknown),
    host to the names of its variables that look like the collection's), and writes it to a new private
    directory on the controller - each entry to C(<entry>.json) - so that
    the tasks after it read a file rather than evaluate the pass again, and thousands of users never pass
    through a task's result. M(telephony.apio.playbook_finish) removes the directory.
  - Warns, once per name, about the variables of O(hosts)'s C(unknown) that are close to one of the
    collection's (a typo such as C(phone_buttons_key) for C(phone_buttons_keys) would otherwise be ignored),
    naming the hosts and the closest known name.
  - Runs on the controller (an action plugin), in one task.
author:
  - telephony.apio contributors (@telephony-apio)
options:
  hosts:
    description:
      - The description of the play's hosts, a mapping, or its JSON text (as C(to_json) gives it, which keeps
        its types on every ansible-core).
    type: raw
    required: true
extends_documentation_fragment:
  - telephony.apio.attributes.controller
  - telephony.apio.attributes.playbook_step
seealso:
  - module: telephony.apio.playbook_start
  - module: telephony.apio.playbook_finish
"""

EXAMPLES = r"""
- name: Describe the hosts of the play, once
  telephony.apio.playbook_hosts:
    hosts: "{{ described | to_json }}"
  register: hosts_files
  run_once: true

- name: Use the users file
  ansible.builtin.debug:
    msg: "{{ hosts_files.files.users }}"
"""

RETURN = r"""
dir:
  description: The private directory of the files, removed by M(telephony.apio.playbook_finish).
  returned: success
  type: str
  sample: /tmp/tmpk2v9x1.apio_hosts
files:
  description: The files written, one per entry of O(hosts).
  returned: success
  type: dict
  sample: {"unmanaged": "/tmp/tmpk2v9x1.apio_hosts/unmanaged.json", "users": "/tmp/tmpk2v9x1.apio_hosts/users.json"}
counts:
  description: The number of items of each entry of O(hosts).
  returned: success
  type: dict
  sample: {"users": 9950, "unmanaged": 50, "unknown": 0}
"""
