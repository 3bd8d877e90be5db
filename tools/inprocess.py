"""A module's ``main()`` run in the test's own process, for tests/unit and tests/reliability (and the
stop_watch benchmark, bench/scenarios/stop_watch.py).

``module_runner(monkeypatch)`` removes the APIO_* environment variables (no fallback from the
caller's environment), makes exit_json/fail_json raise ``ModuleResult`` instead of printing and
exiting, and returns ``run_module``.
"""

import contextlib
import json
import os
import sys

from tools.runner import COLLECTIONS


def collection_in_place():
    """Make ``ansible_collections.telephony.apio`` importable in this process from the collection in place
    (.build/collections, the link that ``make setup`` makes), as pytest.ini's ``pythonpath`` does for the
    test suites: for a benchmark that runs a module or the engine in its own process."""
    if not (COLLECTIONS / "ansible_collections" / "telephony" / "apio").exists():
        raise SystemExit("%s has no telephony.apio: run make setup" % COLLECTIONS)
    if str(COLLECTIONS) not in sys.path:
        sys.path.append(str(COLLECTIONS))


class ModuleResult(Exception):
    """Raised by the patched exit_json/fail_json; ``result`` holds what the module returned."""

    def __init__(self, result):
        super().__init__(result)
        self.result = result


def patch_exits(monkeypatch):
    """Make exit_json/fail_json raise ModuleResult instead of printing and exiting."""
    from ansible.module_utils import basic

    def exit_json(self, **kwargs):
        kwargs.setdefault("failed", False)
        raise ModuleResult(kwargs)

    def fail_json(self, msg, **kwargs):
        kwargs.update(msg=msg, failed=True)
        raise ModuleResult(kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)


def run_module(main, args, check=False, diff=False):
    """Run ``main()`` with ``args``; the module's result (``failed`` set). Needs ``patch_exits`` first.

    Anything else the module raises (a traceback a user would see) propagates and fails the test.
    """
    args = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    with patch_module_args(args):
        try:
            main()
        except ModuleResult as done:
            return done.result
    raise AssertionError("the module returned without exit_json or fail_json")


def patch_module_args(args):
    """ansible-core's own helper (2.19 and later), or what it does on earlier releases."""
    try:
        from ansible.module_utils.testing import patch_module_args as patch
    except ImportError:  # ansible-core 2.16 to 2.18
        return _module_args_before_2_19(args)
    return patch(args)


@contextlib.contextmanager
def _module_args_before_2_19(args):
    from ansible.module_utils import basic
    from ansible.module_utils.common.text.converters import to_bytes

    saved = basic._ANSIBLE_ARGS
    basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    try:
        yield
    finally:
        basic._ANSIBLE_ARGS = saved


def module_runner(monkeypatch):
    """``run_module`` with no APIO_* environment variables and exit_json/fail_json patched."""
    for name in [k for k in os.environ if k.startswith("APIO_")]:
        monkeypatch.delenv(name)
    patch_exits(monkeypatch)
    return run_module
