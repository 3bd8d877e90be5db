# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The users of the platform, through the listing routes (docs/api.md, 2.6 Listing): tenants, then
their groups, then the groups' users; optionally each user's phone type and device name (2.4).

Used by the inventory plugin ``telephony.apio.users``, the export and the roll-out (a group's users);
a user's objects are read through the resources the modules use (``read_or_none``). The HTTP,
authentication, retries and error messages are the client's (``client.py``). A user is one record (a dict) with ``tenant``, ``group``,
``user``, ``first_name``, ``last_name``, ``extension`` and ``phone_number``, and after
``add_phone_details`` also ``device_type`` and ``device_name`` (None for a user without a phone).

User ids are unique on the platform: a user id listed in two places is an error that names both, never
a silent merge (it would become one host, one host_vars file).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.parallel import for_each
from ansible_collections.telephony.apio.plugins.module_utils.phone_buttons import PhoneButtons

ALL_USERS_GROUP = "apio_users"  # the inventory group of every listed user (the plugin's, the export's)
# (field of a listed user, field of the listing's answer) beside the ids
LISTED_USER_FIELDS = (("first_name", "firstName"), ("last_name", "lastName"), ("extension", "extension"),
                      ("phone_number", "phoneNumber"))


class UnexpectedListing(ApiError):
    """A listing answer not of its route's shape (docs/api.md, 2.6): no list, an element without an id."""


class ListingError(Exception):
    """The listing cannot give one host per user: a user id listed twice, a filter that matches nothing."""


def group_names(tenant, group):
    """The inventory group names of a tenant and of one of its groups, as in examples/gitops: ``foo`` and
    ``foo_foogroup`` (the inventory plugin and the export name them alike)."""
    return tenant, "%s_%s" % (tenant, group)


def place(tenant, group):
    return "tenant '%s', group '%s'" % (tenant, group)


def _items(body, field, id_field, what):
    """The list ``field`` of an answer, each element a dict with a non-empty string ``id_field``."""
    items = body.get(field) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise UnexpectedListing.unexpected("no '%s' list" % field, body, method="GET", what=what)
    for item in items:
        if not (isinstance(item, dict) and isinstance(item.get(id_field), str) and item[id_field]):
            raise UnexpectedListing.unexpected("an element without '%s'" % id_field, item, method="GET", what=what)
    return items


def list_tenants(client):
    """The ids of the tenants the account may see."""
    what = "list of tenants"
    return [t["tenantId"] for t in _items(client.request("GET", client.url("tenants"), what), "tenants",
                                          "tenantId", what)]


def list_groups(client, tenant):
    """The ids of the groups of ``tenant`` that the account may see."""
    what = "groups of tenant '%s'" % tenant
    body = client.request("GET", client.url("tenants", tenant, "groups"), what)
    return [g["groupId"] for g in _items(body, "groups", "groupId", what)]


def list_group_users(client, tenant, group):
    """The user records of one group."""
    what = "users of %s" % place(tenant, group)
    body = client.request("GET", client.url("tenants", tenant, "groups", group, "users"), what)
    users = []
    for item in _items(body, "users", "userId", what):
        user = dict(tenant=tenant, group=group, user=item["userId"])
        for name, field in LISTED_USER_FIELDS:
            user[name] = item.get(field)
        users.append(user)
    return users


def parse_group_filter(entries):
    """``apio_groups`` entries: a group id (in any tenant) or ``TENANT/GROUP`` (that group of that tenant).

    Returns (bare group ids, set of (tenant, group) pairs). The first ``/`` separates the tenant.
    """
    bare, pairs = set(), set()
    for entry in entries or ():
        entry = str(entry)
        tenant, sep, group = entry.partition("/")
        if not sep:
            bare.add(entry)
        elif tenant and group:
            pairs.add((tenant, group))
        else:
            raise ListingError("group filter entry '%s': expected GROUP or TENANT/GROUP" % entry)
    return bare, pairs


def list_users(client, tenants=None, groups=None):
    """Every user of the chosen tenants and groups, sorted by tenant, group and user id.

    ``tenants``: tenant ids (none: every tenant the account sees). ``groups``: group filter entries (see
    ``parse_group_filter``; none: every group). A tenant named in ``tenants`` or in a ``TENANT/GROUP``
    entry is listed without listing the tenants first, and a ``TENANT/GROUP`` group without listing the
    tenant's groups: an unknown one is the API's error (404), naming it. A group id entry that matches
    no group of the listed tenants is an error too (a typo would otherwise give an empty inventory).
    """
    bare, pairs = parse_group_filter(groups)
    tenants = sorted(set(str(t) for t in tenants or ()))
    if tenants:
        outside = sorted("%s/%s" % pair for pair in pairs if pair[0] not in tenants)
        if outside:
            raise ListingError("group filter entries %s name a tenant that is not in the tenants filter (%s)"
                               % (", ".join(outside), ", ".join(tenants)))
        visit = tenants
    elif pairs and not bare:
        visit = sorted(set(t for t, unused_group in pairs))
    else:
        visit = sorted(set(list_tenants(client)))
    matched = set()
    found = []
    for tenant in visit:
        chosen = set(g for t, g in pairs if t == tenant)
        if bare or not pairs:
            listed = list_groups(client, tenant)
            if bare:
                matched.update(bare.intersection(listed))
                chosen.update(bare.intersection(listed))
            else:
                chosen.update(listed)
        for group in sorted(chosen):
            found.extend(sorted(list_group_users(client, tenant, group), key=lambda u: u["user"]))
    unmatched = sorted(bare - matched)
    if unmatched:
        raise ListingError("group filter entries %s match no group of the tenants %s"
                           % (", ".join(unmatched), ", ".join(visit) or "(none)"))
    check_unique(found)
    return found


def check_unique(users):
    """Raise ListingError when a user id is listed more than once, naming every place it was listed."""
    seen = {}
    duplicates = []
    for user in users:
        first = seen.setdefault(user["user"], user)
        if first is not user:
            duplicates.append((first, user))
    if duplicates:
        lines = ["user '%s' is listed in %s and in %s" % (first["user"], place(first["tenant"], first["group"]),
                                                          place(again["tenant"], again["group"]))
                 for first, again in duplicates[:10]]
        more = len(duplicates) - len(lines)
        raise ListingError("%s%s; a user id must be unique on the platform (it is the host name)"
                           % ("; ".join(lines), "; and %d more" % more if more else ""))


def read_or_none(resource, params, absent_status=None):
    """The state of ``resource`` (``resource.read``) for the user that ``params`` names, or None when
    the read answers ``absent_status``: the user, just listed, has none (a 404 of the phone buttons: no
    phone). Any other failure names the user before the API's message."""
    try:
        return resource.read(params)
    except ApiError as exc:
        if absent_status is not None and exc.status == absent_status:
            return None
        raise ApiError("%s: %s" % (resource.label(params), exc.message), status=exc.status, method=exc.method,
                       what=exc.what)


def add_phone_details(client, users, parallel=8, operator=None, progress=None):
    """Set ``device_type`` and ``device_name`` of every user (None for a user without a phone): one GET
    of the phone buttons per user (``PhoneButtons.read``), ``parallel`` in flight on the client's one
    session (``parallel.for_each``: its progress protocol)."""
    phone = PhoneButtons(client)

    def work(user):
        state = read_or_none(phone, dict(user, operator=operator), PhoneButtons.absent_status)
        user["device_type"], user["device_name"] = (state["device_type"], state["device_name"]) if state else (None, None)
    for_each(users, work, parallel, progress)
    return users
