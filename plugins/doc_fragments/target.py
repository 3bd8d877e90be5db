# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Which APIO user a task is about (telephony.apio.target).
    DOCUMENTATION = r"""
options:
  tenant:
    description:
      - Tenant (service provider or enterprise) id of the user. Required for each user; at the top level
        it is the default for every O(batch) element.
    type: str
  group:
    description:
      - Group id of the user. Required for each user; at the top level it is the default for every
        O(batch) element.
    type: str
  user:
    description:
      - User id, for example V(alice@sip.example.com). Required unless O(batch) is given.
    type: str
"""

    # Which Enterprise Portal user a task is about (telephony.apio.target.portal).
    PORTAL = r"""
options:
  customer:
    description:
      - Customer tenant id, a UUID. Required for each user; at the top level it is the default for every
        O(batch) element.
    type: str
  user:
    description:
      - User id in the portal. Required unless O(batch) is given.
    type: str
  account:
    description:
      - Reseller account id. When set, the reseller-scoped routes C(/accounts/{account}/customers/...)
        are used.
    type: str
"""
