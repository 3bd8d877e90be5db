"""export: the files of a GitOps inventory from what was read, and what the roll-out makes of them again."""

import yaml
from ansible_collections.telephony.apio.plugins.module_utils import export
from ansible_collections.telephony.apio.plugins.module_utils.key_templates import Renderer, render_layout
from hypothesis import given, settings
from hypothesis import strategies as st

YEALINK = "Yealink-T46S"
PHONE_TYPES = {YEALINK: True, "Generic SIP Phone": False}


class _Loader(yaml.SafeLoader):
    """Reads !unsafe as Ansible does: the text as it is."""


_Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load(files, path):
    return yaml.load(files[path], Loader=_Loader)


def key(key_id, key_type="SPEED_DIAL", label="", parameter=""):
    return {"id": key_id, "type": key_type, "label": label, "parameter": parameter}


def user(name, keys, device_type=YEALINK, primary=False, group="foogroup"):
    return {"tenant": "foo", "group": group, "user": name, "device_type": device_type, "buttons": keys,
            "primary": primary}


def rendered(files, name, device_type=YEALINK):
    """The keys the roll-out would give user ``name``: its group's template with its overrides."""
    all_vars = load(files, "group_vars/all.yml")
    group_vars = load(files, "group_vars/foo_foogroup.yml")
    own = load(files, "host_vars/%s.yml" % name) if "host_vars/%s.yml" % name in files else {}
    layout = all_vars["phone_buttons_templates"][group_vars["phone_buttons_template"]][device_type]
    context = {"phone_buttons_user": {"user": name}}
    return render_layout(Renderer(), layout, own.get("phone_buttons_keys"), "test", context)


def test_a_group_shares_its_most_common_layout_and_each_user_keeps_only_what_differs():
    line = key(1, "LINE", "", "")
    users = [
        user("ann", [dict(line, parameter="ann"), key(2, label="Desk", parameter="1000")]),
        user("bea", [dict(line, parameter="bea"), key(2, label="Desk", parameter="1000")]),
        user("cid", [dict(line, parameter="cid"), key(2, label="Boss", parameter="1000"), key(9, "DND_TOGGLE")]),
        user("dan", [dict(line, parameter="dan")], primary=True),
        user("eve", [], device_type="Generic SIP Phone", primary=None),
    ]
    files = export.Inventory(users, PHONE_TYPES).files
    assert files["group_vars/all.yml"].endswith(
        "phone_buttons_templates:\n  foo_foogroup:\n    Yealink-T46S:\n"
        "      - {id: 1, type: LINE, parameter: !unsafe \"{{ phone_buttons_user.user }}\"}\n"
        "      - {id: 2, type: SPEED_DIAL, label: Desk, parameter: '1000'}\n")
    assert load(files, "group_vars/foo_foogroup.yml") == {
        "apio_group": "foogroup", "phone_buttons_template": "foo_foogroup", "apio_primary_line": False}
    assert "host_vars/ann.yml" not in files and "host_vars/bea.yml" not in files
    assert load(files, "host_vars/cid.yml") == {"phone_buttons_keys": [
        {"id": 2, "label": "Boss"}, {"id": 9, "type": "DND_TOGGLE"}]}
    assert load(files, "host_vars/dan.yml") == {"phone_buttons_keys": [{"id": 2, "state": "absent"}],
                                                "apio_primary_line": True}
    # A phone without programmable keys has no layout (the playbook skips it) and no primary line setting.
    assert load(files, "host_vars/eve.yml") == {"apio_primary_line": None}
    assert files["hosts.yml"].endswith("          hosts:\n            ann:\n            bea:\n            cid:\n"
                                       "            dan:\n            eve:\n")
    for name in ("ann", "bea", "cid", "dan"):
        assert rendered(files, name) == [dict(k) for k in next(u["buttons"] for u in users if u["user"] == name)]


KEYS = st.lists(st.builds(key, st.integers(1, 8), st.sampled_from(["BLF", "SPEED_DIAL", "DND_TOGGLE"]),
                          st.sampled_from(["", "Desk", "Boss", "{name}"]), st.sampled_from(["", "1000", "{name}"])),
                max_size=6, unique_by=lambda k: k["id"])


@settings(max_examples=200, deadline=None)
@given(st.lists(KEYS, min_size=1, max_size=6))
def test_the_rollout_gives_every_user_back_the_keys_it_was_exported_with(layouts):
    users = []
    for position, keys in enumerate(layouts):
        name = "user%d@x.example" % position
        own = [dict(k, label=k["label"].replace("{name}", name), parameter=k["parameter"].replace("{name}", name))
               for k in sorted(keys, key=lambda k: k["id"])]
        users.append(user(name, own))
    files = export.Inventory(users, PHONE_TYPES).files
    for exported in users:
        assert rendered(files, exported["user"]) == exported["buttons"]


def test_an_unchanged_platform_gives_the_same_bytes_and_stale_export_files_go(tmp_path):
    users = [user("ann", [key(1)]), user("bob", [key(2)]), user("cid", [key(1)])]
    files = export.Inventory(users, PHONE_TYPES).files
    written, removed = export.write_files(str(tmp_path), files)
    assert sorted(written) == sorted(files) and removed == []
    (tmp_path / "host_vars" / "mine.yml").write_text("---\n# kept by hand\n")
    assert export.write_files(str(tmp_path), export.Inventory(users, PHONE_TYPES).files) == ([], [])
    # bob now has cid's layout: its host_vars file goes; a file the export did not write stays.
    users[1]["buttons"] = [key(1)]
    written, removed = export.write_files(str(tmp_path), export.Inventory(users, PHONE_TYPES).files, check_mode=True)
    assert (written, removed) == ([], ["host_vars/bob.yml"]) and (tmp_path / "host_vars" / "bob.yml").exists()
    export.write_files(str(tmp_path), export.Inventory(users, PHONE_TYPES).files)
    assert sorted(p.name for p in (tmp_path / "host_vars").iterdir()) == ["mine.yml"]
