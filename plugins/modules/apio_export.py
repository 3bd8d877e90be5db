#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: apio_export
short_description: Write the users of the platform as a GitOps inventory
version_added: 2.0.0
description:
  - Lists the users of the chosen tenants and groups through APIO (as the C(telephony.apio.users)
    inventory plugin does), reads each user's phone buttons and primary line port, and each given portal
    user's softphones, and writes an inventory in the layout of C(examples/gitops) into O(dest).
  - C(hosts.yml) has one host per user in C(apio_users) > tenant (V(foo)) > tenant and group
    (V(foo_foogroup)), and the portal users in C(portal_users).
  - C(group_vars/all.yml) holds one key template per group, named after the group, with the group's
    most common layout of each phone type (a label or parameter equal to the user's id is written as
    C({{ phone_buttons_user.user }})). C(group_vars/<group>.yml) sets C(apio_tenant), C(apio_group), the
    group's C(phone_buttons_template) and its most common C(apio_primary_line).
  - C(host_vars/<user>.yml) holds only what differs from the user's group, so that the repository is small
    enough to review. Users whose phone has no programmable keys, or who have no phone, are listed but
    have no key layout (the playbooks skip them).
  - Applying the inventory with the collection's playbooks (C(telephony.apio.phone_buttons),
    C(telephony.apio.primary_line), C(telephony.apio.softphones)) changes nothing on the platform it was
    read from.
  - The files are sorted, so that an unchanged platform gives byte-identical files. Only the files that
    differ are written; the files of an earlier export that are no longer made are removed (only files
    whose first lines are the export's own header).
  - The playbook C(telephony.apio.export) runs it.
author:
  - telephony.apio contributors (@telephony-apio)
extends_documentation_fragment:
  - telephony.apio.connection
  - telephony.apio.attributes
options:
  dest:
    description:
      - The directory of the inventory (made when missing).
      - A relative path is relative to the directory the module runs in, which for a task on V(localhost)
        is the directory of the playbook (ansible-core runs local modules there), not the directory
        C(ansible-playbook) was started in. Give an absolute path; the playbook C(telephony.apio.export)
        resolves its C(apio_export_dir) against the working directory itself.
    type: path
    required: true
  tenants:
    description: Tenant ids to export. Default, every tenant the account may see.
    type: list
    elements: str
    default: []
  groups:
    description:
      - Groups to export, each a group id (in any tenant listed) or V(TENANT/GROUP). Default, every group.
      - A group id that matches no group is an error.
    type: list
    elements: str
    default: []
  operator:
    description: The operator's own path segment of the phone buttons routes (e.g. V(telenet)); none, the standard route.
    type: str
  portal_users:
    description:
      - Enterprise Portal users whose softphones to export, each with C(customer) (the customer's UUID),
        C(user) and optionally C(account) (reseller routes). They become the hosts of C(portal_users),
        with C(apio_portal_customer) and C(apio_softphones) (the devices that have a client type).
      - Needs the portal connection (O(portal_url) and its credentials).
    type: list
    elements: dict
    default: []
    suboptions:
      customer:
        description: The customer's UUID.
        type: str
        required: true
      user:
        description: The portal user id.
        type: str
        required: true
      account:
        description: The reseller account, for reseller routes.
        type: str
  portal_url:
    description:
      - The Enterprise Portal's URL, as O(telephony.apio.apio_softphone#module:portal_url). Needed with
        O(portal_users) only.
      - If not set, the value of the E(APIO_PORTAL_URL) environment variable is used.
    type: str
  portal_token:
    description: As O(telephony.apio.apio_softphone#module:portal_token) (E(APIO_PORTAL_TOKEN)).
    type: str
  client_id:
    description: As O(telephony.apio.apio_softphone#module:client_id) (E(APIO_PORTAL_CLIENT_ID)).
    type: str
  client_secret:
    description: As O(telephony.apio.apio_softphone#module:client_secret) (E(APIO_PORTAL_CLIENT_SECRET)).
    type: str
  parallel:
    description: Requests in flight at once, on one session per API (1 to 64).
    type: int
    default: 8
attributes:
  check_mode:
    description:
      - Can run in check_mode and return changed status prediction without modifying target.
      - In check mode the platform is read and nothing is written; the result lists the files that would change.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
  action_group:
    description:
      - Use C(group/telephony.apio.apio) in C(module_defaults) to set the APIO connection for this module,
        and C(group/telephony.apio.portal) to set the portal's.
    support: full
    membership:
      - telephony.apio.apio
      - telephony.apio.portal
notes:
  - Runs where O(dest) is, usually the controller (the playbook runs it on V(localhost)).
  - An export replaces C(group_vars/all.yml); export one platform (or one set of tenants) per directory.
  - O(validate_certs), O(ca_path), O(timeout) and O(retries) are APIO's. The portal's are read from the
    environment only, as the portal modules read theirs when not given - E(APIO_PORTAL_VALIDATE_CERTS),
    E(APIO_PORTAL_CA_PATH), E(APIO_PORTAL_TIMEOUT), E(APIO_PORTAL_RETRIES) - because the module cannot
    have two options of the same name. With either one's certificate verification off, the task warns.
seealso:
  - module: telephony.apio.apio_phone_buttons_info
  - module: telephony.apio.apio_primary_line_info
"""

EXAMPLES = r"""
- name: Write tenant foo as a GitOps inventory
  telephony.apio.apio_export:
    dest: inventory
    tenants: [foo]
    portal_users:
      - {customer: 11111111-1111-4111-8111-111111111111, user: jdoe}
"""

RETURN = r"""
users:
  description: How many APIO users the inventory has.
  returned: success
  type: int
  sample: 1200
portal_users:
  description: How many portal users it has.
  returned: success
  type: int
  sample: 1
templates:
  description: How many groups have a key template.
  returned: success
  type: int
  sample: 3
host_vars:
  description: How many users differ from their group (have a host_vars file).
  returned: success
  type: int
  sample: 42
written:
  description: The files written (or, in check mode, that would be), relative to O(dest).
  returned: success
  type: list
  elements: str
  sample: [hosts.yml, host_vars/alice@sip.example.com.yml]
removed:
  description: The files of an earlier export that were removed (or would be), relative to O(dest).
  returned: success
  type: list
  elements: str
  sample: []
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.telephony.apio.plugins.module_utils import export
from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO, PORTAL, ConnectionProblem, connect
from ansible_collections.telephony.apio.plugins.module_utils.args import DEFAULT_PARALLEL, parallel_problems
from ansible_collections.telephony.apio.plugins.module_utils.client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, ApiError
from ansible_collections.telephony.apio.plugins.module_utils.listing import ListingError

# Only the written and removed paths are listed in full; more than this many are cut (AWX's event size).
LISTED_FILES = 1000
# The portal's options that the module has; the others would clash with APIO's (validate_certs, ...).
PORTAL_OPTIONS = ("portal_url", "portal_token", "client_id", "client_secret")


def main():
    spec = APIO.options
    portal = PORTAL.options
    portal["portal_url"]["required"] = False  # only with portal_users
    spec.update((name, portal[name]) for name in PORTAL_OPTIONS)
    spec.update(
        dest=dict(type="path", required=True),
        tenants=dict(type="list", elements="str", default=[]),
        groups=dict(type="list", elements="str", default=[]),
        operator=dict(type="str"),
        portal_users=dict(type="list", elements="dict", default=[], options=dict(
            customer=dict(type="str", required=True), user=dict(type="str", required=True),
            account=dict(type="str"))),
        parallel=dict(type="int", default=DEFAULT_PARALLEL),
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, **APIO.rules)
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    if not export.HAS_YAML:
        module.fail_json(msg=missing_required_lib("PyYAML"))
    params = module.params
    problems = parallel_problems(params)
    if problems:
        module.fail_json(msg=problems[0])
    try:
        apio_client = connect(APIO, params, module.warn)
    except ConnectionProblem as exc:
        module.fail_json(msg=str(exc))
    portal_client = None
    if params["portal_users"]:
        # The portal's own options: its TLS and retry options are those of its environment (APIO_PORTAL_*),
        # as the task's validate_certs, ca_path, timeout and retries are APIO's.
        try:
            portal_params = dict((name, params[name]) for name in PORTAL_OPTIONS + ("parallel",))
            portal_client = connect(PORTAL, portal_params, module.warn)
        except ConnectionProblem as exc:
            module.fail_json(msg="portal_users needs the portal connection: %s" % exc)

    try:
        users, phone_types = export.read_platform(
            apio_client, params["tenants"], params["groups"], params["operator"], params["parallel"])
        portal_users = []
        if portal_client is not None:
            portal_users = export.read_softphones(portal_client, params["portal_users"], params["parallel"])
        inventory = export.Inventory(users, phone_types, portal_users)
        written, removed = export.write_files(params["dest"], inventory.files, module.check_mode)
    except (ApiError, ListingError, export.ExportError) as exc:
        module.fail_json(msg="export: %s" % exc)
    except OSError as exc:
        module.fail_json(msg="export: cannot write below %s: %s" % (params["dest"], exc))
    module.exit_json(
        changed=bool(written or removed), users=len(users), portal_users=len(portal_users),
        templates=len(inventory.templates), host_vars=len(inventory.host_vars),
        written=written[:LISTED_FILES], removed=removed[:LISTED_FILES])


if __name__ == "__main__":
    main()
