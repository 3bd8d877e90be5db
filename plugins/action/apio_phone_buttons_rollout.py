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

from ansible_collections.telephony.apio.plugins.module_utils import engine
from ansible_collections.telephony.apio.plugins.module_utils.key_templates import HAS_JINJA2
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons_rollout import PhoneButtonsRollout
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import module_argument_spec, module_rules
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


class Rollout(PhoneButtonsRollout):
    """The roll-out's resource, its templates with ansible.builtin's filters."""
    filters = _ansible_filters()


class CheckedArgs:
    """The task arguments checked against the roll-out's argument spec: ``params`` (validated),
    ``errors`` (messages) and ``no_log_values`` (what the task result must not show)."""

    def __init__(self, args):
        checked = ArgumentSpecValidator(module_argument_spec(Rollout), **module_rules(Rollout)).validate(args)
        self.params = checked.validated_parameters
        self.errors = checked.error_messages
        self.no_log_values = checked._no_log_values


def progress_lines(prefix, check_mode):
    """``progress(phase, done, total)`` for the engine: a line per report, e.g. "wrote 40 of 100 users
    (wave 2 of 3)" for the phase "write wave 2 of 3"."""
    verb = {"read": "read", "write": "would write" if check_mode else "wrote"}

    def progress(phase, done, total):
        phase, unused_sep, wave = phase.partition(" ")
        display.display("%s%s %d of %d users%s" % (prefix, verb.get(phase, phase), done, total,
                                                   " (%s)" % wave if wave else ""))
    return progress


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
        checked = CheckedArgs(args)
        if checked.errors:
            result.update(failed=True, msg="; ".join(checked.errors))
            return remove_values(result, checked.no_log_values)
        check_mode = bool(self._task.check_mode)
        prefix = "%s: " % (self._task.get_name() or "apio_phone_buttons_rollout")
        # Stop means stop: this worker's parent (ansible-playbook) gone, or SIGINT/SIGTERM. The worker's own
        # handlers are put back after the run and given the signal then, once the report is written.
        done = engine.run(Rollout, checked.params, check_mode=check_mode, diff=bool(self._task.diff),
                          progress=progress_lines(prefix, check_mode), watch=RunWatch(hand_on=True))
        result.update(done.task_result())
        return remove_values(result, checked.no_log_values)
