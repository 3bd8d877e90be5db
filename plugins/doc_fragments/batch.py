# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # Batch form shared by every module (telephony.apio.batch).
    DOCUMENTATION = r"""
options:
  batch:
    description:
      - Many users in one task. Each element is a dictionary of the per-user options of this module
        (the same names as in the single form); the options set at the top level of the task are
        defaults that each element may override.
      - Mutually exclusive with O(user).
      - All users share one login and one keep-alive connection pool. Every user is read and validated
        before the first write of the task. A user that fails (bad input, API error) does not stop the
        others; the task fails at the end and lists each failed user and why.
      - When a batch names the same user more than once, its entries are applied in order to one
        desired state, written at most once.
    type: list
    elements: dict
  parallel:
    description:
      - How many requests are in flight at once in a batch (1 to 64).
    type: int
    default: 8
  return_unchanged:
    description:
      - Also list the unchanged users in RV(results) (only changed and failed users by default, to keep
        the result of a large batch small).
    type: bool
    default: false
"""
