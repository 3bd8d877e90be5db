# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The platform as a GitOps inventory (the layout of examples/gitops): the export's reading and writing.

``read_platform`` lists the users (``listing``) and reads each user's objects through the resources the
modules use, those named in ``APIO_OBJECTS`` (``PhoneButtons``, ``PrimaryLine``), and each given portal
user's softphones (``Softphone``), in parallel on one session per API.

``Inventory`` turns what was read into files, relative path to text:

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

from ansible_collections.telephony.apio.plugins.module_utils.listing import (
    ALL_USERS_GROUP,
    group_names,
    list_users,
    read_or_none,
)
from ansible_collections.telephony.apio.plugins.module_utils.parallel import for_each
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import KEY_SETTINGS, PhoneButtons, differing_keys
from ansible_collections.telephony.apio.plugins.module_utils.primary_line import PrimaryLine
from ansible_collections.telephony.apio.plugins.module_utils.results import read_text, write_if_changed
from ansible_collections.telephony.apio.plugins.module_utils.softphone import Softphone

HEADER = "# Exported by telephony.apio.export"
USER_ID = "{{ phone_buttons_user.user }}"
PORTAL_USERS = "portal_users"


class ExportError(Exception):
    """The platform cannot be exported as it is (a user id that is also a group name, ...)."""


# -- reading ------------------------------------------------------------------------------------
# What the export reads of each listed APIO user, in order, through the resources the modules use
# (``read_or_none`` with the resource's ``absent_status``): each sets the fields of its ``info`` on the
# user, None when the user has none. Both are objects of the user's phone: without a phone (the
# first's 404) the others are not read.
APIO_OBJECTS = ((PhoneButtons, ("device_type", "device_name", "buttons")), (PrimaryLine, ("primary",)))


def read_platform(apio_client, tenants=None, groups=None, operator=None, parallel=8, progress=None):
    """The users of the chosen tenants and groups (``listing.list_users``), each with the fields of
    ``APIO_OBJECTS``: ``device_type``, ``device_name``, ``buttons`` (the keys, None without a phone) and
    ``primary`` (None when the phone has no primary line port setting or there is no phone); and the
    phone types seen, by name, with ``has_keys``."""
    users = list_users(apio_client, tenants, groups)
    resources = [(resource_cls(apio_client), fields) for resource_cls, fields in APIO_OBJECTS]
    phone = resources[0][0]

    def read(user):
        params = dict(tenant=user["tenant"], group=user["group"], user=user["user"], operator=operator)
        for position, (resource, fields) in enumerate(resources):
            state = read_or_none(resource, params, resource.absent_status)
            if state is None and position == 0:  # no phone: none of its objects
                user.update(dict.fromkeys(field for unused, more in resources for field in more))
                return
            user.update(resource.info(state) if state is not None else dict.fromkeys(fields))
        phone.phone_type(user["device_type"])  # read once per phone type, cached

    for_each(users, read, parallel, progress)
    phone_types = dict((name, phone_type.has_keys) for name, phone_type in phone.loaded("phone_type").items())
    return users, phone_types


def read_softphones(portal_client, portal_users, parallel=8):
    """Each portal user (``customer``, ``user``, optional ``account``) with its ``devices``."""
    softphone = Softphone(portal_client)
    found = [dict(user) for user in portal_users]

    def read(user):
        user.update(softphone.info(read_or_none(softphone, user)))

    for_each(found, read, parallel)
    return found


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
            fields = [("id", key_id)] + [(f, now.get(f, "")) for f in KEY_SETTINGS if was.get(f, "") != now.get(f, "")]
            found.append(_Flow((name, _Unsafe(value) if value == USER_ID else value) for name, value in fields))
    return found


def _most_common(values):
    """The value most users have; a tie goes to the value seen first (users are sorted by id)."""
    return Counter(values).most_common(1)[0][0]


class Inventory:
    """The export of what was read: ``files`` (relative path to text), and what they hold, by name:
    ``templates`` (group name to its layouts per phone type) and ``host_vars`` (host to its own vars)."""

    def __init__(self, users, phone_types, portal_users=()):
        self.files = {}
        self.templates = {}
        self.host_vars = {}
        tree = _by_group(users)
        for tenant_name, groups in sorted(tree.items()):
            self._add(tenant_name, {"apio_tenant": groups[next(iter(groups))][0]["tenant"]}, HEADER)
            for group_name, members in sorted(groups.items()):
                self._add_group(group_name, members, phone_types)
        portal = _portal_vars(portal_users)
        for name, own in portal.items():
            self.host_vars.setdefault(name, {}).update(own)
        self._check_names()
        self.files["hosts.yml"] = _yaml("%s: one host per user, grouped by tenant and group." % HEADER,
                                        _hosts(tree, portal))
        self.files["group_vars/all.yml"] = _yaml(
            "%s: users are not machines (nothing runs on them); each group's key layouts, per phone type." % HEADER,
            _all_vars(self.templates))
        for name, own in sorted(self.host_vars.items()):
            self.files["host_vars/%s.yml" % name] = _yaml("%s: what differs from the user's groups." % HEADER, own)

    def _add(self, group_name, group_vars, comment):
        self.files["group_vars/%s.yml" % group_name] = _yaml(comment, group_vars)

    def _add_group(self, group_name, members, phone_types):
        """The group's vars (its template, its most common primary line) and its users' own vars."""
        group_vars = {"apio_group": members[0]["group"]}
        with_keys = [u for u in members if u["buttons"] is not None and phone_types.get(u["device_type"])]
        layouts = _common_layouts(with_keys)
        if layouts:
            self.templates[group_name] = dict((t, _layout_yaml(layout)) for t, layout in sorted(layouts.items()))
            group_vars["phone_buttons_template"] = group_name
        settings = [u["primary"] for u in members if u["primary"] is not None]
        if settings:
            group_vars["apio_primary_line"] = _most_common(settings)
        self._add(group_name, group_vars,
                  "%s: what the users of %s/%s share." % (HEADER, members[0]["tenant"], members[0]["group"]))
        for user in members:
            own = _own_vars(user, layouts if user in with_keys else {}, group_vars)
            if own:
                self.host_vars[user["user"]] = own

    def _check_names(self):
        made = set(os.path.splitext(os.path.basename(path))[0] for path in self.files if path.startswith("group_vars/"))
        clash = sorted(set(self.host_vars) & made)
        if clash:
            raise ExportError("user ids %s are also group names: rename one" % ", ".join(clash))


def _by_group(users):
    """{tenant group name: {group name: [users]}}, in the order read."""
    tree = {}
    for user in users:
        tenant_name, group_name = group_names(user["tenant"], user["group"])
        tree.setdefault(tenant_name, {}).setdefault(group_name, []).append(user)
    return tree


def _common_layouts(with_keys):
    """{phone type: the most common layout (generalised) of the users with that phone type}."""
    layouts = {}
    for device_type in sorted(set(u["device_type"] for u in with_keys)):
        layouts[device_type] = _most_common(
            tuple(_generalised(k, u["user"]) for k in u["buttons"]) for u in with_keys
            if u["device_type"] == device_type)
    return layouts


def _own_vars(user, layouts, group_vars):
    """What differs between one user and its group: key overrides, its primary line."""
    own = {}
    if user["device_type"] in layouts:
        overrides = _overrides(layouts[user["device_type"]], [_generalised(k, user["user"]) for k in user["buttons"]])
        if overrides:
            own["phone_buttons_keys"] = overrides
    if "apio_primary_line" in group_vars and user["primary"] != group_vars["apio_primary_line"]:
        own["apio_primary_line"] = user["primary"]
    return own


def _portal_vars(portal_users):
    """{portal user id: its host vars}; a user id given twice is an error (one id, one host)."""
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
    return portal


def _hosts(tree, portal):
    """hosts.yml: ALL_USERS_GROUP > tenant > group > users, and PORTAL_USERS."""
    hosts = {}
    if tree:
        hosts[ALL_USERS_GROUP] = {"children": dict(
            (tenant_name, {"children": dict((group_name, {"hosts": _Hosts((u["user"], None) for u in members)})
                                            for group_name, members in sorted(groups.items()))})
            for tenant_name, groups in sorted(tree.items()))}
    if portal:
        hosts[PORTAL_USERS] = {"hosts": _Hosts((name, None) for name in sorted(portal))}
    return hosts


def _all_vars(templates):
    all_vars = {"ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    if templates:
        all_vars["phone_buttons_templates"] = dict(sorted(templates.items()))
    return all_vars


def write_files(dest, files, check_mode=False):
    """Write ``files`` below ``dest`` where they differ, and remove the files of an earlier export that
    are no longer made (the export's own only: their first lines are its header). Returns the relative
    paths written and removed."""
    written = [path for path, text in sorted(files.items())
               if write_if_changed(os.path.join(dest, path), text, check_mode, prefix=".export-")]
    removed = []
    for folder in ("group_vars", "host_vars"):
        full_folder = os.path.join(dest, folder)
        if not os.path.isdir(full_folder):
            continue
        for name in sorted(os.listdir(full_folder)):
            path = "%s/%s" % (folder, name)
            if path in files or not name.endswith(".yml"):
                continue
            lines = (read_text(os.path.join(full_folder, name)) or "").split("\n", 2)
            if len(lines) > 1 and lines[1].startswith(HEADER):
                removed.append(path)
                if not check_mode:
                    os.remove(os.path.join(full_folder, name))
    return written, removed
