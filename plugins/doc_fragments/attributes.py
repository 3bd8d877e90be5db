# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Modules that change state (telephony.apio.attributes).
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
      The result shows the state as it would be after the write; no write is sent.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: full
"""

    # Read-only modules (telephony.apio.attributes.info_module).
    INFO_MODULE = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
      This module only reads and runs the same in check mode.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: N/A
    details: This module never changes anything.
"""

    # Membership of the APIO action group (telephony.apio.attributes.apio_group).
    APIO_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/telephony.apio.apio) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - telephony.apio.apio
"""

    # Membership of the portal action group (telephony.apio.attributes.portal_group).
    PORTAL_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/telephony.apio.portal) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - telephony.apio.portal
"""

    # Plugins that run on the controller (telephony.apio.attributes.controller).
    CONTROLLER = r"""
attributes:
  action:
    description: Indicates this has a corresponding action plugin so some parts of the options can be executed on the controller.
    support: full
    details: The whole task runs on the controller; the host of the play is not contacted.
  async:
    description: Supports being used with the C(async) keyword.
    support: none
"""

    # The steps of the collection's playbooks: the playbook's own files (telephony.apio.attributes.playbook_step).
    PLAYBOOK_STEP = r"""
attributes:
  check_mode:
    description:
      - Can run in check_mode and return changed status prediction without modifying target.
      - The same in check mode - the files are the playbook's own (a dry run needs them too), never the platform.
    support: full
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
    support: none
"""
