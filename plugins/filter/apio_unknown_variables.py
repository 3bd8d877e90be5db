# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The filters apio_unknown_variables and apio_unknown_variable_names (documented in the .yml files beside
this one): the names of the hosts' variables that look like the collection's but are not, most likely
typos (plugin_utils/unknown_variables.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.plugin_utils.unknown_variables import unknown_variable_names, unknown_variables


class FilterModule(object):
    def filters(self):
        return {"apio_unknown_variables": unknown_variables, "apio_unknown_variable_names": unknown_variable_names}
