# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
name: users
short_description: The users of an APIO platform as hosts, grouped by tenant and group
version_added: 2.0.0
description:
  - Lists the users of the platform through the listing routes of APIO (tenants, their groups, the
    groups' users) and makes one host per user, named after the user id, with
    C(ansible_connection=local) - the hosts are users, not machines, as in the inventory of the GitOps
    example that the collection's playbooks take.
  - "Host variables: C(apio_tenant), C(apio_group), C(apio_user) (the user id, the host's name),
    C(apio_first_name), C(apio_last_name), C(apio_extension), C(apio_phone_number); with
    O(phone_details) also C(apio_device_type) and C(apio_device_name)."
  - "Groups: C(apio_users) holds every user through its children, one group per tenant named after the
    tenant id (for example C(foo)), and below it one group per group of the tenant named
    C(<tenant>_<group>) (for example C(foo_foogroup)), the hosts' own group. Names are made safe with
    ansible's group name rules (a character other than a letter, a digit or C(_) becomes C(_)); two
    tenants or groups that would get the same name are an error."
  - A user id is the host's name, so it must be unique on the platform; a user id listed in two groups is
    an error that names both, never a silent merge.
  - The configuration file's name must end with C(apio_users.yml) or C(apio_users.yaml).
  - Every option of the connection also reads an environment variable, as for the modules. Keep the
    password or token in the environment (for example E(APIO_PASSWORD)) rather than in the file. They
    are never shown, even at C(-vvvv) or in an error message.
author:
  - telephony.apio contributors (@telephony-apio)
requirements:
  - requests >= 2.25 (on the controller)
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - telephony.apio.connection
options:
  plugin:
    description: The name of this plugin; marks the file as its configuration.
    type: str
    required: true
    choices: [telephony.apio.users]
  url:
    env:
      - name: APIO_URL
  api_prefix:
    env:
      - name: APIO_API_PREFIX
  token:
    env:
      - name: APIO_TOKEN
  username:
    env:
      - name: APIO_USERNAME
  password:
    env:
      - name: APIO_PASSWORD
  validate_certs:
    env:
      - name: APIO_VALIDATE_CERTS
  ca_path:
    env:
      - name: APIO_CA_PATH
  timeout:
    env:
      - name: APIO_TIMEOUT
  retries:
    env:
      - name: APIO_RETRIES
  tenants:
    description:
      - Only the users of these tenants (tenant ids). The tenants are not listed first, so a tenant that
        does not exist or that the account may not see is an error naming it.
      - Not set or empty, every tenant that the account may see.
    type: list
    elements: str
    default: []
  apio_groups:
    description:
      - Only the users of these groups. Each entry is a group id, V(foogroup), which takes that group in
        every listed tenant that has it, or a tenant id and a group id, V(foo/foogroup), which takes that
        group of that tenant only.
      - A group id that no listed tenant has is an error, as is a V(TENANT/GROUP) that does not exist, or
        that names a tenant left out by O(tenants); a typo does not give an empty inventory.
      - Not set or empty, every group of the listed tenants.
      - "Named C(apio_groups) because C(groups) is the option of the C(constructed) features (groups by
        Jinja2 conditionals)."
    type: list
    elements: str
    default: []
  phone_details:
    description:
      - Also read each user's main phone (one GET of its phone buttons per user, O(parallel) at once on one
        keep-alive session) and set the host variables C(apio_device_type) (the phone type, for example
        V(Yealink-T46S)) and C(apio_device_name); both are V(null) for a user without a phone. Group users
        by phone type with O(keyed_groups).
      - Costs one request per user; the listing alone costs one request per group.
    type: bool
    default: false
  parallel:
    description:
      - How many requests are in flight at once for O(phone_details) (1 to 64).
    type: int
    default: 8
  operator:
    description:
      - The operator's own path segment after the API prefix for the phone buttons route of
        O(phone_details), for example V(telenet).
    type: str
notes:
  - With O(cache), the listing (and the phone details) are kept by the inventory cache plugin under a key
    made of the configuration file's path and a digest of O(url), O(api_prefix), O(username),
    O(operator), O(tenants), O(apio_groups) and O(phone_details); never of a secret, and no secret is
    stored. O(compose), O(groups) and O(keyed_groups) apply to cached data as to fresh data.
  - An API error fails the source with the API's own message and the tenant or group (or user) being
    read. ansible-inventory and ansible-playbook then warn that the source could not be parsed and go on
    without its hosts; set E(ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true) (C(any_unparsed_is_failed) in
    the C([inventory]) section of C(ansible.cfg)) to make that an error.
seealso:
  - name: The GitOps example
    description: An inventory laid out per tenant and group, as this plugin makes it.
    link: https://github.com/telephony-apio/telephony.apio/blob/main/examples/gitops/README.md
"""

EXAMPLES = r"""
# Three configuration files, one per example (the first two in comments: a file holds one).
#
# every.apio_users.yml: every user that the account may see. The connection comes from the environment:
# APIO_URL, and APIO_USERNAME with APIO_PASSWORD (or APIO_TOKEN).
#
#   plugin: telephony.apio.users
#
# sales.apio_users.yml: two tenants; in them the group 'sales' wherever it exists and the group
# 'bargroup' of the tenant 'bar'.
#
#   plugin: telephony.apio.users
#   url: https://apio.example.net
#   tenants: [foo, bar]
#   apio_groups: [sales, bar/bargroup]
#
# phones.apio_users.yml: users grouped by phone type (phone_Yealink_T46S, ..., phone_none), kept for an
# hour in a JSON file cache; `ansible-inventory -i phones.apio_users.yml --graph phone_Yealink_T46S`.
plugin: telephony.apio.users
phone_details: true
parallel: 16
keyed_groups:
  - key: apio_device_type | default('none', true)   # users without a phone: null
    prefix: phone
groups:
  no_phone: apio_device_type is none
compose:
  display_name: apio_first_name ~ ' ' ~ apio_last_name
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/apio_inventory
cache_timeout: 3600
"""

import hashlib
import json
import time

from ansible import template as ansible_template
from ansible.errors import AnsibleParserError
from ansible.module_utils.basic import remove_values
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.telephony.apio.plugins.module_utils.apis import APIO, ConnectionProblem, connect
from ansible_collections.telephony.apio.plugins.module_utils.args import parallel_problems
from ansible_collections.telephony.apio.plugins.module_utils.client import HAS_REQUESTS, ApiError
from ansible_collections.telephony.apio.plugins.module_utils.listing import (
    ALL_USERS_GROUP,
    ListingError,
    add_phone_details,
    group_names,
    list_users,
)

if hasattr(ansible_template, "trust_as_template"):
    # ansible-core 2.19 and later: data from a plugin is never templated unless marked trusted.
    def _untrusted(value):
        return value
else:  # older: a value like "{{ lookup('pipe', ...) }}" in a user's name must never be run
    from ansible.utils.unsafe_proxy import wrap_var as _untrusted

CONNECTION_OPTIONS = tuple(APIO.options)
# Cached with the data: a cache written in another format is read again from the API.
CACHE_FORMAT = 1
# (host variable, field of a listed user)
HOST_VARS = (("apio_tenant", "tenant"), ("apio_group", "group"), ("apio_user", "user"),
             ("apio_first_name", "first_name"), ("apio_last_name", "last_name"), ("apio_extension", "extension"),
             ("apio_phone_number", "phone_number"))
PHONE_VARS = (("apio_device_type", "device_type"), ("apio_device_name", "device_name"))


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "telephony.apio.users"

    def verify_file(self, path):
        return (super(InventoryModule, self).verify_file(path)
                and path.endswith(("apio_users.yml", "apio_users.yaml")))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache=cache)
        self._read_config_data(path)
        params = self._connection_params()
        self._secrets = set(v for v in (params["password"], params["token"]) if v)
        client = self._connect(params)
        try:
            key = self._cache_key(path, params)
            use_cache = self.get_option("cache") and cache
            update_cache = self.get_option("cache") and not cache
            users = None
            if use_cache:
                try:
                    cached = self._cache[key]
                except KeyError:
                    cached = None
                if isinstance(cached, dict) and cached.get("format") == CACHE_FORMAT:
                    users = cached["users"]
                else:
                    update_cache = True
            if users is None:
                users = self._fetch(client, params)
            if update_cache:
                self._cache[key] = {"format": CACHE_FORMAT, "users": users}
            started = time.monotonic()
            self._populate(users)
            self.display.v("%s: made %d hosts in %.1f s" % (self.NAME, len(users), time.monotonic() - started))
        except (ApiError, ListingError) as exc:
            # from None: the original, unmasked, must not appear as the context of a -vvv traceback.
            raise AnsibleParserError(self._masked("%s: %s" % (self.NAME, exc))) from None
        finally:
            client.session.close()

    # -- options ---------------------------------------------------------------------------------
    def _connection_params(self):
        """The connection options and ``parallel``, as the file and the environment give them."""
        params = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        params["parallel"] = self.get_option("parallel")
        return params

    def _connect(self, params):
        """The client, checked as the modules check theirs (``apis.connect``, with APIO's rules)."""
        problems = parallel_problems(params)
        if problems:
            raise AnsibleParserError(self._masked("%s: %s" % (self.NAME, "; ".join(problems))))
        if not HAS_REQUESTS:
            raise AnsibleParserError("%s needs the Python library requests on the controller" % self.NAME)
        try:
            return connect(APIO, params, lambda text: self.display.warning("%s: %s" % (self.NAME, text)))
        except ConnectionProblem as exc:
            raise AnsibleParserError(self._masked("%s: %s" % (self.NAME, exc))) from None

    def _cache_key(self, path, params):
        """The standard key of the file, and a digest of what chooses the data: never a secret."""
        chosen = [params["url"], params["api_prefix"], params["username"], self.get_option("operator"),
                  sorted(self.get_option("tenants") or []), sorted(self.get_option("apio_groups") or []),
                  bool(self.get_option("phone_details"))]
        digest = hashlib.sha256(json.dumps(chosen).encode("utf-8")).hexdigest()[:16]
        return "%s_%s" % (self.get_cache_key(path), digest)

    def _masked(self, text):
        """``text`` with every secret of the connection replaced, as a module's no_log values are."""
        return remove_values(text, self._secrets) if self._secrets else text

    # -- the API ---------------------------------------------------------------------------------
    def _fetch(self, client, params):
        started = time.monotonic()
        users = list_users(client, self.get_option("tenants"), self.get_option("apio_groups"))
        self.display.v("%s: listed %d users from %s in %.1f s"
                       % (self.NAME, len(users), params["url"], time.monotonic() - started))
        if self.get_option("phone_details"):
            started = time.monotonic()
            add_phone_details(client, users, params["parallel"], self.get_option("operator"), self._progress)
            self.display.v("%s: read the phones of %d users in %.1f s"
                           % (self.NAME, len(users), time.monotonic() - started))
        return users

    def _progress(self, done, total):
        if done < total:
            self.display.v("%s: read the phones of %d of %d users" % (self.NAME, done, total))

    # -- the inventory ---------------------------------------------------------------------------
    def _populate(self, users):
        inventory = self.inventory
        inventory.add_group(ALL_USERS_GROUP)
        strict = self.get_option("strict")
        compose = self.get_option("compose")
        conditional_groups = self.get_option("groups")
        keyed_groups = self.get_option("keyed_groups")
        phone_details = self.get_option("phone_details")
        names = _GroupNames(self._sanitize_group_name)
        made = {}
        for user in users:
            where = (user["tenant"], user["group"])
            group = made.get(where)
            if group is None:
                tenant_name, group_name = group_names(*where)
                tenant_group = names.claim(tenant_name, "tenant '%s'" % user["tenant"])
                group = names.claim(group_name, "tenant '%s', group '%s'" % where)
                inventory.add_group(tenant_group)
                inventory.add_child(ALL_USERS_GROUP, tenant_group)
                inventory.add_group(group)
                inventory.add_child(tenant_group, group)
                made[where] = group
            host = inventory.add_host(user["user"], group=group)
            variables = {"ansible_connection": "local"}
            for name, field in HOST_VARS + (PHONE_VARS if phone_details else ()):
                variables[name] = _untrusted(user.get(field))
            for name, value in variables.items():
                inventory.set_variable(host, name, value)
            if compose:
                self._set_composite_vars(compose, inventory.get_host(host).get_vars(), host, strict=strict)
            if conditional_groups:
                self._add_host_to_composed_groups(conditional_groups, variables, host, strict=strict)
            if keyed_groups:
                self._add_host_to_keyed_groups(keyed_groups, variables, host, strict=strict)


class _GroupNames:
    """The group names the plugin makes, each for one tenant or one tenant's group: two that sanitise
    to the same name would silently share their group_vars."""

    def __init__(self, sanitise):
        self.sanitise = sanitise
        self.owners = {"all": "ansible's group of every host", "ungrouped": "ansible's group of ungrouped hosts",
                       ALL_USERS_GROUP: "the group of every user"}

    def claim(self, raw, owner):
        name = self.sanitise(raw)
        known = self.owners.setdefault(name, owner)
        if known != owner:
            raise ListingError("the group name '%s' would be both that of %s and that of %s; rename one, or list "
                               "them apart (tenants, apio_groups)" % (name, known, owner))
        return name
