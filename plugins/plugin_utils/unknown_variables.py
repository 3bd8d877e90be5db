# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The variables of the hosts that look like the collection's but are not: most likely typos. The filters
apio_unknown_variables and apio_unknown_variable_names, and the playbooks' step playbook_hosts, use them.

A misspelt variable (``phone_buttons_key:`` for ``phone_buttons_keys``) is otherwise silently ignored,
and the plan shows the user's keys being removed. Only the names of the hosts' variables are read
(never their values), once for all hosts.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import difflib
import re

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

display = Display()

# The variables a host may set: those documented by the playbooks (playbooks/*.yml, their header
# comments), the phone_buttons role's (defaults/main.yml,
# meta/argument_specs.yml) and the host variables of the telephony.apio.users inventory plugin; also
# the connection variables of the README's examples. tests/unit/test_apio_unknown_variables.py
# checks that the list covers all of those.
KNOWN = frozenset((
    # phone_buttons.yml, primary_line.yml, softphones.yml, undo.yml
    "apio_hosts", "apio_tenant", "apio_group", "apio_user", "apio_primary_line", "apio_softphones",
    "apio_portal_customer", "apio_portal_user", "apio_portal_account", "apio_accept_charges",
    "apio_plan_dir", "apio_plan_markdown_limit", "apio_fail_on_drift", "apio_fail_on_unmanaged",
    "apio_plan_file", "apio_plan_on_moved", "apio_result_limit", "apio_drift_named", "apio_drift_deferred",
    "apio_waves", "apio_max_fail_percentage",
    # undo.yml
    "apio_undo_file", "apio_undo_on_moved",
    # export.yml
    "apio_export_dir", "apio_export_tenants", "apio_export_groups", "apio_export_operator",
    "apio_export_parallel", "apio_export_portal_users",
    # the inventory plugin's host variables
    "apio_first_name", "apio_last_name", "apio_extension", "apio_phone_number", "apio_device_type",
    "apio_device_name",
    # the README's examples (module_defaults)
    "apio_username", "apio_password", "apio_token",
    # the phone_buttons role
    "phone_buttons_users", "phone_buttons_users_file", "phone_buttons_users_file_complete",
    "phone_buttons_from_hosts", "phone_buttons_user_id", "phone_buttons_tenant", "phone_buttons_group",
    "phone_buttons_operator", "phone_buttons_template", "phone_buttons_vars", "phone_buttons_keys",
    "phone_buttons_templates", "phone_buttons_builtin_templates", "phone_buttons_purge",
    "phone_buttons_on_missing", "phone_buttons_on_invalid", "phone_buttons_report", "phone_buttons_chunk_size",
    "phone_buttons_parallel", "phone_buttons_result", "phone_buttons_result_limit", "phone_buttons_waves",
    "phone_buttons_max_fail_percentage", "phone_buttons_plan", "phone_buttons_on_moved",
))
OURS = re.compile(r"^(apio|phone_buttons)_")
CUTOFF = 0.8  # how close an unknown name must be to a known one to be taken for a typo of it
SHOWN_HOSTS = 5


def unknown_variable_names(variables, known=None):
    """The names among ``variables`` (one host's variables, or their names) that look like the collection's
    and are not: the candidates that ``unknown_variables`` then matches against the known names. Lets a
    playbook collect them in the pass that already reads each host's variables, rather than reading
    every host's variables again."""
    known = KNOWN if known is None else frozenset(known)
    return [name for name in variables if name not in known and OURS.match(name)]


def unknown_variables(hosts, hostvars, known=None, warn=True):
    """Warnings (strings), one per unknown variable name of ``hosts`` that looks like a known one; each
    is also shown as an Ansible warning unless ``warn`` is false."""
    if not isinstance(hosts, (list, tuple)):
        raise AnsibleFilterError("apio_unknown_variables: the hosts must be a list, got %r" % (hosts,))
    known = KNOWN if known is None else frozenset(known)
    found = {}  # name -> hosts
    for host in hosts:
        for name in unknown_variable_names(hostvars[host], known):
            found.setdefault(name, []).append(host)
    warnings = []
    for name in sorted(found):
        close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=CUTOFF)
        if not close:
            continue  # a variable of the inventory's own that happens to share the prefix
        hosts_of = found[name]
        shown = ", ".join(hosts_of[:SHOWN_HOSTS]) + (" and %d more" % (len(hosts_of) - SHOWN_HOSTS)
                                                     if len(hosts_of) > SHOWN_HOSTS else "")
        warnings.append("%s is not a variable of telephony.apio and is ignored (host%s %s): did you mean %s?"
                        % (name, "s" if len(hosts_of) > 1 else "", shown, close[0]))
    if warn:
        for warning in warnings:
            display.warning(warning)
    return warnings
