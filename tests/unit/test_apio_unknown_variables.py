"""The warning about host variables that look like the collection's but are not (typos)."""

import pathlib
import re

import yaml

from ansible_collections.telephony.apio.plugins.plugin_utils.unknown_variables import (
    KNOWN,
    unknown_variable_names,
    unknown_variables,
)
from ansible_collections.telephony.apio.plugins.inventory.users import HOST_VARS, PHONE_VARS

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAME = re.compile(r"\b((?:apio|phone_buttons)_[a-z0-9_]+)")


def test_a_typo_names_its_hosts_and_the_closest_known_name():
    hostvars = {"a": {"phone_buttons_key": [], "apio_tenant": "foo", "inventory_hostname": "a"},
                "b": {"phone_buttons_key": [], "apio_primary_lines": True},
                "c": {"apio_site_notes": "ours", "phone_buttons_keys": []}}
    assert unknown_variables(["a", "b", "c"], hostvars, warn=False) == [
        "apio_primary_lines is not a variable of telephony.apio and is ignored (host b): did you mean apio_primary_line?",
        "phone_buttons_key is not a variable of telephony.apio and is ignored (hosts a, b): did you mean phone_buttons_keys?",
    ]
    assert unknown_variables(["c"], hostvars, warn=False) == []


def test_the_names_collected_in_one_pass_give_the_same_warnings():
    # What the playbooks do: each managed host's candidate names, collected in the pass that reads its
    # variables, then the warnings from that mapping alone (hosts in the play's order).
    hostvars = {"a": {"phone_buttons_key": [], "apio_tenant": "foo", "inventory_hostname": "a"},
                "b": {"phone_buttons_key": [], "apio_primary_lines": True},
                "c": {"apio_site_notes": "ours", "phone_buttons_keys": []},
                "d": {"apio_tenant": "foo", "phone_buttons_template": "standard"}}
    assert unknown_variable_names(hostvars["a"]) == ["phone_buttons_key"]
    assert unknown_variable_names(hostvars["d"]) == []
    collected = {host: unknown_variable_names(hostvars[host]) for host in hostvars}
    collected = {host: names for host, names in collected.items() if names}
    assert list(collected) == ["a", "b", "c"]
    assert unknown_variables(list(collected), collected, warn=False) == unknown_variables(
        sorted(hostvars), hostvars, warn=False)


def test_many_hosts_are_shortened():
    hostvars = {"h%d" % i: {"phone_buttons_templat": "standard"} for i in range(8)}
    (warning,) = unknown_variables(sorted(hostvars), hostvars, warn=False)
    assert "(hosts h0, h1, h2, h3, h4 and 3 more)" in warning


def _header_names(path):
    """The variable names in a playbook's comments."""
    return {n for line in path.read_text().splitlines() if line.lstrip().startswith("#") for n in NAME.findall(line)}


def test_every_documented_variable_is_known():
    documented = set()
    for playbook in ("phone_buttons.yml", "primary_line.yml", "softphones.yml", "export.yml", "drift.yml",
                     "undo.yml"):
        documented |= _header_names(ROOT / "playbooks" / playbook)
    role = ROOT / "roles" / "phone_buttons"
    documented |= set(yaml.safe_load((role / "defaults" / "main.yml").read_text()))
    documented |= set(yaml.safe_load((role / "meta" / "argument_specs.yml").read_text())["argument_specs"]["main"]["options"])
    documented |= {name for name, _field in HOST_VARS + PHONE_VARS}
    # Names of the playbooks' own (tasks, groups, modules), never a host's variable.
    documented -= {"apio_users", "apio_hosts_described", "apio_plan_name", "apio_plan_title", "apio_plan_counts",
                   "apio_plan_msg", "apio_plan_hosts_file", "apio_plan_unmanaged", "apio_plan_results",
                   "apio_plan_truncated", "apio_drift", "apio_unmanaged", "apio_export",
                   "apio_phone_buttons_rollout", "apio_primary_line_info", "apio_softphone"}
    assert sorted(documented - KNOWN) == []
