# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform as a GitOps inventory (the layout of examples/gitops): the export's reading and writing.

``read_platform`` lists the users (``listing``) and reads each user's phone buttons and primary line
port through the resources the modules use (``PhoneButtons``, ``PrimaryLine``), and each given portal
user's softphones (``Softphone``), in parallel on one session per API.

``inventory_files`` turns what was read into files, relative path to text:

- ``hosts.yml``: ``apio_users`` > tenant > tenant_group > users, and ``portal_users``;
- ``group_vars/all.yml``: the key templates, one per inventory group named after it, holding that
  group's most common layout of each phone type (a value equal to the user's id becomes
  ``{{ phone_buttons_user.user }}``);
- ``group_vars/<tenant>.yml`` and ``group_vars/<tenant>_<group>.yml``: ``apio_tenant``, ``apio_group``,
  the group's ``phone_buttons_template`` and its most common ``apio_primary_line``;
- ``host_vars/<user>.yml``: only what differs from the group: ``phone_buttons_keys`` (overrides merged
  into the template by key id), ``apio_primary_line``, the softphones.

Applying the files with the collection's playbooks changes nothing on the platform they came from.
Everything is sorted, so that an unchanged platform gives byte-identical files. ``write_files`` writes
only the files that differ and removes the files of an earlier export that are no longer made (never a
file without the export's first line).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
from collections import Counter

try:
    import yaml

    HAS_YAML = True
except ImportError:  # pragma: no cover - PyYAML comes with ansible-core
    HAS_YAML = False

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO, PORTAL
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.listing import group_names, list_users
from ansible_collections.telephony.apio.plugins.module_utils.parallel import for_each
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons, differing_keys
from ansible_collections.telephony.apio.plugins.module_utils.primary_line import PrimaryLine
from ansible_collections.telephony.apio.plugins.module_utils.results import write_atomically
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone

HEADER = "# Exported by telephony.apio.export"
USER_ID = "{{ phone_buttons_user.user }}"
ALL_USERS = "apio_users"
PORTAL_USERS = "portal_users"
KEY_FIELDS = ("type", "label", "parameter")


class ExportError(Exception):
    """The platform cannot be exported as it is (a user id that is also a group name, ...)."""


# -- reading ------------------------------------------------------------------------------------
def read_platform(apio_client, tenants=None, groups=None, operator=None, parallel=8, progress=None):
    """The users of the chosen tenants and groups (``listing.list_users``), each with ``device_type``,
    ``buttons`` (the keys, None without a phone) and ``primary`` (None when the phone has no primary
    line port setting or there is no phone); and the phone types seen, by name, with ``has_keys``."""
    users = list_users(apio_client, tenants, groups)
    buttons = PhoneButtons(apio_client)
    primary_line = PrimaryLine(apio_client)

    def read(user):
        params = dict(tenant=user["tenant"], group=user["group"], user=user["user"], operator=operator)
        try:
            state = buttons.read(params)
        except ApiError as exc:
            if exc.status != 404:  # the user was just listed: a 404 is "no phone linked to him"
                raise _named(exc, APIO.label(user))
            user.update(device_type=None, buttons=None, primary=None)
            return
        user.update(device_type=state["device_type"], buttons=state["keys"])
        buttons.phone_type(state["device_type"])  # read once per phone type, cached
        try:
            user["primary"] = primary_line.read(params)["primary"]
        except ApiError as exc:
            if exc.status != 400:  # 400: the phone has no primary line setting (docs/api.md, 2.3)
                raise _named(exc, APIO.label(user))
            user["primary"] = None

    for_each(users, read, parallel, progress)
    phone_types = dict((name, phone_type.has_keys) for name, phone_type in buttons.loaded("phone_type").items())
    return users, phone_types


def read_softphones(portal_client, portal_users, parallel=8):
    """Each portal user (``customer``, ``user``, optional ``account``) with its ``devices``."""
    softphone = Softphone(portal_client)
    found = [dict(user) for user in portal_users]

    def read(user):
        try:
            user["devices"] = softphone.read(user)["devices"]
        except ApiError as exc:
            raise _named(exc, PORTAL.label(user))

    for_each(found, read, parallel)
    return found


def _named(exc, label):
    """The same failure, with the user it happened to before the API's message."""
    return ApiError("%s: %s" % (label, exc.message), status=exc.status, method=exc.method, what=exc.what)


# -- the files ----------------------------------------------------------------------------------
class _Unsafe(str):
    """A value written with Ansible's !unsafe tag: Jinja that the roll-out renders per user."""


class _Hosts(dict):
    """The hosts of an inventory group: names only, each written as ``name:``."""


class _NoValue(object):
    """Nothing after the colon."""


class _Flow(list):
    """A mapping (as a list of pairs, in this order) written on one line: one key of a layout."""


class _Dumper(yaml.SafeDumper if HAS_YAML else object):
    def increase_indent(self, flow=False, indentless=False):
        # Lists indented below their key, as in examples/gitops and ansible-lint's yamllint rules.
        return super(_Dumper, self).increase_indent(flow, False)


if HAS_YAML:
    _Dumper.add_representer(_Hosts, lambda dumper, value: dumper.represent_mapping(
        "tag:yaml.org,2002:map", [(name, _NoValue()) for name in value]))
    _Dumper.add_representer(_NoValue, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:null", ""))
    _Dumper.add_representer(_Unsafe, lambda dumper, value: dumper.represent_scalar("!unsafe", str(value), style='"'))
    _Dumper.add_representer(_Flow, lambda dumper, value: dumper.represent_mapping(
        "tag:yaml.org,2002:map", list(value), flow_style=True))


def _yaml(comment, data):
    text = yaml.dump(data, Dumper=_Dumper, default_flow_style=False, sort_keys=False, allow_unicode=True,
                     width=1000)
    return "---\n%s\n%s" % (comment, text)


def _generalised(key, user_id):
    """A key as a layout holds it: its id, then its non-empty fields, the user's id as Jinja."""
    fields = [("id", key["id"]), ("type", key["type"])]
    for name in ("label", "parameter"):
        value = key[name]
        if value == user_id:
            fields.append((name, USER_ID))
        elif value:
            fields.append((name, value))
    return tuple(fields)


def _layout_yaml(layout):
    return [_Flow((name, _Unsafe(value) if value == USER_ID else value) for name, value in key) for key in layout]


def _overrides(layout, keys):
    """The overrides that turn ``layout`` into ``keys`` (both generalised): a key the user lacks is
    ``state: absent``, a new one is given whole, a changed one gives only its fields that differ."""
    template = dict((dict(key)["id"], dict(key)) for key in layout)
    own = dict((dict(key)["id"], dict(key)) for key in keys)
    found = []
    for key_id, was, now in differing_keys(template, own):
        if now is None:
            found.append(_Flow([("id", key_id), ("state", "absent")]))
        elif was is None:
            found.append(_layout_yaml([tuple(now.items())])[0])
        else:
            fields = [("id", key_id)] + [(f, now.get(f, "")) for f in KEY_FIELDS if was.get(f, "") != now.get(f, "")]
            found.append(_Flow((name, _Unsafe(value) if value == USER_ID else value) for name, value in fields))
    return found


def _most_common(values):
    """The value most users have; a tie goes to the value seen first (users are sorted by id)."""
    return Counter(values).most_common(1)[0][0]


def inventory_files(users, phone_types, portal_users=()):
    """The files of the export, relative path to text (see the module docstring)."""
    files = {}
    tree = {}
    host_vars = {}
    templates = {}
    for user in users:
        tenant_name, group_name = group_names(user["tenant"], user["group"])
        tree.setdefault(tenant_name, {}).setdefault(group_name, []).append(user)
    for tenant_name, groups in sorted(tree.items()):
        files["group_vars/%s.yml" % tenant_name] = _yaml(HEADER, {"apio_tenant": groups[next(iter(groups))][0]["tenant"]})
        for group_name, members in sorted(groups.items()):
            group_vars = {"apio_group": members[0]["group"]}
            layouts = {}
            with_keys = [u for u in members if u["buttons"] is not None and phone_types.get(u["device_type"])]
            for device_type in sorted(set(u["device_type"] for u in with_keys)):
                layouts[device_type] = _most_common(
                    tuple(_generalised(k, u["user"]) for k in u["buttons"]) for u in with_keys
                    if u["device_type"] == device_type)
            if layouts:
                templates[group_name] = dict((t, _layout_yaml(layout)) for t, layout in sorted(layouts.items()))
                group_vars["phone_buttons_template"] = group_name
            settings = [u["primary"] for u in members if u["primary"] is not None]
            if settings:
                group_vars["apio_primary_line"] = _most_common(settings)
            files["group_vars/%s.yml" % group_name] = _yaml(
                "%s: what the users of %s/%s share." % (HEADER, members[0]["tenant"], members[0]["group"]), group_vars)
            for user in members:
                own = {}
                if user in with_keys:
                    overrides = _overrides(layouts[user["device_type"]],
                                           [_generalised(k, user["user"]) for k in user["buttons"]])
                    if overrides:
                        own["phone_buttons_keys"] = overrides
                if "apio_primary_line" in group_vars and user["primary"] != group_vars["apio_primary_line"]:
                    own["apio_primary_line"] = user["primary"]
                if own:
                    host_vars[user["user"]] = own
    hosts = {}
    if tree:
        hosts[ALL_USERS] = {"children": dict(
            (tenant_name, {"children": dict((group_name, {"hosts": _Hosts((u["user"], None) for u in members)})
                                            for group_name, members in sorted(groups.items()))})
            for tenant_name, groups in sorted(tree.items()))}
    portal = {}
    for user in sorted(portal_users, key=lambda u: (u["user"], u["customer"])):
        if user["user"] in portal:
            raise ExportError("portal user '%s' is given twice (customers %s and %s); a user id is one host"
                              % (user["user"], portal[user["user"]]["apio_portal_customer"], user["customer"]))
        own = portal[user["user"]] = {"apio_portal_customer": user["customer"]}
        if user.get("account"):
            own["apio_portal_account"] = user["account"]
        own["apio_softphones"] = [_Flow([("device", d["device"]), ("client_type", d["client_type"])])
                                  for d in user["devices"] if d["client_type"]]
        host_vars.setdefault(user["user"], {}).update(own)
    if portal:
        hosts[PORTAL_USERS] = {"hosts": _Hosts((name, None) for name in sorted(portal))}
    groups_made = set(os.path.splitext(os.path.basename(path))[0] for path in files if path.startswith("group_vars/"))
    clash = sorted(set(host_vars) & groups_made)
    if clash:
        raise ExportError("user ids %s are also group names: rename one" % ", ".join(clash))
    files["hosts.yml"] = _yaml("%s: one host per user, grouped by tenant and group." % HEADER, hosts)
    all_vars = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    if templates:
        all_vars["phone_buttons_templates"] = dict(sorted(templates.items()))
    files["group_vars/all.yml"] = _yaml(
        "%s: users are not machines (nothing runs on them); each group's key layouts, per phone type." % HEADER,
        all_vars)
    for name, own in sorted(host_vars.items()):
        files["host_vars/%s.yml" % name] = _yaml("%s: what differs from the user's groups." % HEADER, own)
    return files


def write_files(dest, files, check_mode=False):
    """Write ``files`` below ``dest`` where they differ, and remove the files of an earlier export that
    are no longer made (the export's own only: their first lines are its header). Returns the relative
    paths written and removed."""
    written, removed = [], []
    for path, text in sorted(files.items()):
        full = os.path.join(dest, path)
        if _read(full) == text:
            continue
        written.append(path)
        if not check_mode:
            if not os.path.isdir(os.path.dirname(full)):
                os.makedirs(os.path.dirname(full))
            write_atomically(full, lambda stream, text=text: stream.write(text), prefix=".export-")
    for folder in ("group_vars", "host_vars"):
        full_folder = os.path.join(dest, folder)
        if not os.path.isdir(full_folder):
            continue
        for name in sorted(os.listdir(full_folder)):
            path = "%s/%s" % (folder, name)
            if path in files or not name.endswith(".yml"):
                continue
            lines = (_read(os.path.join(full_folder, name)) or "").split("\n", 2)
            if len(lines) > 1 and lines[1].startswith(HEADER):
                removed.append(path)
                if not check_mode:
                    os.remove(os.path.join(full_folder, name))
    return written, removed


def _read(path):
    try:
        with open(path, encoding="utf-8") as stream:
            return stream.read()
    except (OSError, UnicodeDecodeError):
        return None
