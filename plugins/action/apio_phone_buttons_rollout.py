# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Action plugin of telephony.apio.apio_phone_buttons_rollout (documented in plugins/modules/).

The roll-out runs on the controller, in this process, with the same engine and resources as the
modules (module_utils): it is one task however many users, so everything is read and validated before
the first write and the API sees one login. Running here rather than as a module gives the templates
ansible.builtin's filters, reports progress while the task runs, and takes the users without
serialising them to a module process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os

import yaml

from ansible.module_utils.basic import remove_values
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display

from ansible_collections.telephony.apio.plugins.module_utils.key_templates import HAS_JINJA2
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons_rollout import PhoneButtonsRollout
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import (
    Engine,
    module_argument_spec,
    module_rules,
)
from ansible_collections.telephony.apio.plugins.module_utils.run_watch import RunWatch

display = Display()

try:
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - PyYAML without libyaml
    _YamlLoader = yaml.SafeLoader


def load_users_file(path):
    """The users of a YAML or JSON file: a list of batch elements (dictionaries).

    Read here rather than as an Ansible variable: ansible-core templates, copies and (for play
    vars_files) parses again a variable of thousands of users for every task that can see it.
    """
    try:
        with open(os.path.expanduser(path)) as stream:
            users = json.load(stream) if path.endswith(".json") else yaml.load(stream, Loader=_YamlLoader)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ValueError("users_file %s cannot be read: %s" % (path, exc)) from None
    if isinstance(users, dict) and list(users) == ["users"]:
        users = users["users"]  # the file may also hold {users: [...]}
    if not isinstance(users, list) or not all(isinstance(u, dict) for u in users):
        raise ValueError("users_file %s must hold a list of users (dictionaries)" % path)
    return users


def _ansible_filters():
    try:
        from ansible.plugins.filter.core import FilterModule as CoreFilters
        from ansible.plugins.filter.mathstuff import FilterModule as MathFilters
        from ansible.plugins.filter.urls import FilterModule as UrlFilters
    except ImportError:  # pragma: no cover - part of ansible-core
        return {}
    found = {}
    for filters in (CoreFilters, MathFilters, UrlFilters):
        found.update(filters().filters())
    return found


class _Rollout(PhoneButtonsRollout):
    filters = _ansible_filters()


class _Done(Exception):
    def __init__(self, result):
        super(_Done, self).__init__()
        self.result = result


class _ControllerModule:
    """What the engine uses of AnsibleModule, for a run inside this action plugin."""

    def __init__(self, params, check_mode, diff):
        self.params = params
        self.check_mode = check_mode
        self._diff = diff
        self.warnings = []

    def warn(self, warning):
        self.warnings.append(warning)

    def exit_json(self, **result):
        raise _Done(result)

    def fail_json(self, msg=None, **result):
        result.update(failed=True, msg=msg)
        raise _Done(result)


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _requires_connection = False  # the API is called from the controller, not from the host

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        if not HAS_JINJA2:  # pragma: no cover - jinja2 comes with ansible-core
            result.update(failed=True, msg="apio_phone_buttons_rollout needs the Python library jinja2")
            return result
        args = dict(self._task.args)
        users_file = args.pop("users_file", None)
        if users_file:
            try:
                args["batch"] = list(args.get("batch") or []) + load_users_file(str(users_file))
            except ValueError as exc:
                result.update(failed=True, msg=str(exc))
                return result
        validator = ArgumentSpecValidator(module_argument_spec(_Rollout), **module_rules(_Rollout))
        checked = validator.validate(args)
        no_log_values = checked._no_log_values
        if checked.error_messages:
            result.update(failed=True, msg="; ".join(checked.error_messages))
            return remove_values(result, no_log_values)
        module = _ControllerModule(checked.validated_parameters, bool(self._task.check_mode),
                                   bool(self._task.diff))
        prefix = "%s: " % (self._task.get_name() or "apio_phone_buttons_rollout")
        verb = {"read": "read", "write": "would write" if module.check_mode else "wrote"}

        def progress(phase, done, total):
            # "write wave 2 of 3": "wrote 40 of 100 users (wave 2 of 3)"
            phase, _sep, wave = phase.partition(" ")
            display.display("%s%s %d of %d users%s" % (prefix, verb.get(phase, phase), done, total,
                                                       " (%s)" % wave if wave else ""))

        # Stop means stop: this worker's parent (ansible-playbook) gone, or SIGINT/SIGTERM. The worker's own
        # handlers are put back after the run and given the signal then, once the report is written.
        watch = RunWatch(hand_on=True)
        try:
            Engine(_Rollout, module=module, progress=progress, watch=watch).run()
        except _Done as done:
            result.update(done.result)
        if module.warnings:
            result["warnings"] = module.warnings
        return remove_values(result, no_log_values)
