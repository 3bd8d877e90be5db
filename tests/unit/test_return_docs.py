"""Every documented return value can be read with Jinja's dot notation (ansible-test 2.21's bad-return-value-key)."""

import importlib
import pkgutil

import pytest
import yaml
from ansible_collections.telephony.apio.plugins import modules
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons

from .fakes import HDV230, SEED_KEYS

# Names that, after a dot in Jinja, are the dictionary's methods rather than the value.
DICT_METHODS = frozenset(("clear", "copy", "fromkeys", "get", "items", "keys", "pop", "popitem", "setdefault",
                          "update", "values"))
MODULES = sorted(info.name for info in pkgutil.iter_modules(modules.__path__))


def return_names(returns, where=()):
    """Each documented return value as its path, nested `contains` included."""
    for name, data in (returns or {}).items():
        yield where + (str(name),)
        if isinstance(data, dict):
            yield from return_names(data.get("contains"), where + (str(name),))


def returns_of(name):
    return yaml.safe_load(importlib.import_module(modules.__name__ + "." + name).RETURN)


def test_the_modules_are_found():
    assert "apio_phone_buttons_info" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_return_values_work_with_dot_notation(name):
    bad = [".".join(path) for path in return_names(returns_of(name))
           if path[-1] in DICT_METHODS or not path[-1].isidentifier()]
    assert bad == []


def test_the_documented_phone_fields_are_the_returned_ones():
    phone = PhoneButtons(None).info({"device_type": HDV230, "device_name": "DP", "keys": SEED_KEYS})
    for name in ("apio_phone_buttons", "apio_phone_buttons_rollout"):
        for field in ("previous", "current"):
            assert sorted(returns_of(name)[field]["contains"]) == sorted(phone), (name, field)
    info = returns_of("apio_phone_buttons_info")
    assert set(phone) <= set(info)  # the single form returns the phone's fields at the top level
    assert sorted(info["buttons"]["contains"]) == sorted(SEED_KEYS[0])
