# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side of the engine: a module's argument spec (``module_argument_spec``, ``module_rules``)
and the thin adapters that run a module (``run_module``, ``run_info_module``): build the AnsibleModule,
run the engine (engine.py), exit with the outcome (outcome.py).

The resource contract (``Resource``, ``InputError``, ``Skip``, ``Unexpected``, ``is_invalid``,
``sanitise``) lives in resource.py and is importable from here too.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.telephony.apio.plugins.module_utils import args as shared_args
from ansible_collections.telephony.apio.plugins.module_utils import engine, run_watch
from ansible_collections.telephony.apio.plugins.module_utils.resource import (  # noqa: F401 - re-exported
    INVALID_STATUSES,
    MASK,
    SECRET_WORDS,
    InputError,
    Resource,
    Skip,
    Unexpected,
    is_invalid,
    sanitise,
)
from ansible_collections.telephony.apio.plugins.module_utils.results import trim_invocation

__all__ = ["INVALID_STATUSES", "MASK", "SECRET_WORDS", "InputError", "Resource", "Skip", "Unexpected",
           "is_invalid", "module_argument_spec", "module_rules", "run_info_module", "run_module", "sanitise"]


# -- argument specs --------------------------------------------------------------------------------

def module_argument_spec(resource_cls, info=False):
    """Connection options + the user's options (all optional at top level: they are batch defaults)."""
    spec = resource_cls.api.options
    spec.update(shared_args.batch_argument_spec(info))
    for name, option in engine.user_options(resource_cls, info).items():
        option = copy.deepcopy(option)
        option.pop("required", None)
        spec[name] = option
    if not info:
        for name, option in resource_cls.task_options.items():
            option = copy.deepcopy(option)
            option.pop("required", None)  # required unless a saved plan is applied: module_rules
            spec[name] = option
    return spec


def module_rules(resource_cls, info=False):
    """The cross-option rules of a module's argument spec, as AnsibleModule and ArgumentSpecValidator take them."""
    forms = ("batch", "user") if info else ("batch", "user", "plan", "undo")
    # A task option the resource requires (a template library) is not needed to apply a saved plan or undo.
    unless_plan = [] if info else [(name, "plan", "undo") for name, option in sorted(resource_cls.task_options.items())
                                   if option.get("required")]
    return dict(
        mutually_exclusive=[forms],
        required_one_of=[forms] + unless_plan + resource_cls.api.rules["required_one_of"],
        required_together=resource_cls.api.rules["required_together"],
    )


# -- the module adapters ---------------------------------------------------------------------------

class _Module(AnsibleModule):
    """AnsibleModule whose option errors in the single form name the user, as the batch form's do."""

    def __init__(self, label, **kwargs):
        self._label = label
        self._validated = False
        super(_Module, self).__init__(**kwargs)
        self._validated = True

    def fail_json(self, msg=None, **kwargs):
        params = getattr(self, "params", None)
        if not self._validated and isinstance(params, dict) and params.get("user") and not params.get("batch"):
            try:
                msg = "%s: %s" % (self._label(params), msg)
            except (KeyError, TypeError):
                pass  # not enough options to name the user: the message stands alone
        super(_Module, self).fail_json(msg=msg, **kwargs)

    def _return_formatted(self, kwargs):
        # Ansible echoes the arguments back as `invocation`: a batch of thousands would double the
        # result and push it over AWX's limit. The echo is shortened, the result itself is not.
        kwargs.setdefault("invocation", {"module_args": trim_invocation(self.params)})
        super(_Module, self)._return_formatted(kwargs)


def _run(resource_cls, info):
    # Stop means stop: the run that started the task is gone, or was interrupted (run_watch).
    watch = None if info else run_watch.RunWatch()
    module = _Module(resource_cls.label, argument_spec=module_argument_spec(resource_cls, info),
                     supports_check_mode=True, **module_rules(resource_cls, info))
    done = engine.run(resource_cls, module.params, check_mode=module.check_mode, diff=module._diff,
                      info=info, watch=watch)
    for warning in done.warnings:
        module.warn(warning)
    if done.failed:
        module.fail_json(**done.result)
    module.exit_json(**done.result)


def run_module(resource_cls):
    """main() of a module of ``resource_cls``."""
    _run(resource_cls, info=False)


def run_info_module(resource_cls):
    """main() of an info module of ``resource_cls``."""
    _run(resource_cls, info=True)
