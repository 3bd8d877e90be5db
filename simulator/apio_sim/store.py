"""In-memory state of both simulated systems, and its JSON form.

The JSON form (``to_json`` / ``from_json``) is the seed file format and the
body of ``GET/PUT /_sim/state``; it is documented in the README. Records use
``__slots__`` and keys are tuples so that 100,000 users stay small, and the
synthetic bench users are generated on demand (see ``Directory``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

DEFAULT_MANAGED_KEYS = tuple(range(1, 25))
SOFTPHONE_ROLES = ("customer.user.uc", "customer.user.uc.softphone")
CLIENT_TYPES = ("desktop", "mobile", "webrtc", "crm")

# Synthetic bench users (``--users N``) all follow this id format.
SYNTHETIC_TENANT = "bench"
SYNTHETIC_GROUP = "benchgroup"
SYNTHETIC_CUSTOMER = "33333333-3333-4333-8333-333333333333"
_SYN_PREFIX = "user"
_SYN_SUFFIX = "@bench.example"


class StateError(ValueError):
    """The state (seed file or admin PUT) is malformed."""


def synthetic_id(i: int) -> str:
    return f"{_SYN_PREFIX}{i:06d}{_SYN_SUFFIX}"


def synthetic_index(user_id: str, count: int) -> int | None:
    """Inverse of ``synthetic_id`` for ids within ``range(count)``, else None."""
    if not (user_id.startswith(_SYN_PREFIX) and user_id.endswith(_SYN_SUFFIX)):
        return None
    digits = user_id[len(_SYN_PREFIX) : -len(_SYN_SUFFIX)]
    if len(digits) < 6 or not digits.isdigit():
        return None
    i = int(digits)
    if i >= count or synthetic_id(i) != user_id:
        return None
    return i


class Directory:
    """An ordered id -> record map, optionally backed by a generator.

    With ``count > 0`` the ids ``synthetic_id(0..count-1)`` exist without being
    stored: ``make(i)`` builds the record when asked. A record is stored only
    when fetched ``for_update``, so memory grows with what a run changes, not
    with the number of users.
    """

    __slots__ = ("_items", "_count", "_make")

    def __init__(self, count: int = 0, make: Callable[[int], Any] | None = None) -> None:
        self._items: dict[str, Any] = {}
        self._count = count
        self._make = make

    def get(self, key: str, for_update: bool = False) -> Any:
        item = self._items.get(key)
        if item is None and self._count:
            i = synthetic_index(key, self._count)
            if i is not None:
                item = self._make(i)
                if for_update:
                    self._items[key] = item
        return item

    def put(self, key: str, item: Any) -> None:
        self._items[key] = item

    def __iter__(self) -> Iterator[Any]:
        items = self._items
        for i in range(self._count):
            item = items.get(synthetic_id(i))
            yield item if item is not None else self._make(i)
        for key, item in items.items():
            if not self._count or synthetic_index(key, self._count) is None:
                yield item

    def __len__(self) -> int:
        extra = sum(1 for k in self._items if not self._count or synthetic_index(k, self._count) is None)
        return self._count + extra


# --------------------------------------------------------------------------- helpers


def _req(d: dict, key: str, typ: type | tuple, where: str) -> Any:
    if key not in d:
        raise StateError(f"{where}: missing '{key}'")
    return _typed(d[key], typ, f"{where}.{key}")


def _opt(d: dict, key: str, typ: type | tuple, where: str, default: Any) -> Any:
    value = d.get(key, default)
    if value is None and default is None:
        return None
    return _typed(value, typ, f"{where}.{key}")


def _typed(value: Any, typ: type | tuple, where: str) -> Any:
    # bool is an int in Python; never accept it where a number is meant.
    if isinstance(value, bool) and typ in (int, float):
        raise StateError(f"{where}: expected {typ.__name__}")
    if typ is str and isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # YAML turns 1000 into an int; phone numbers are strings
    if not isinstance(value, typ):
        name = typ.__name__ if isinstance(typ, type) else "/".join(t.__name__ for t in typ)
        raise StateError(f"{where}: expected {name}")
    return value


def _dict(value: Any, where: str) -> dict:
    return _typed(value, dict, where)


def _list(value: Any, where: str) -> list:
    return _typed(value if value is not None else [], list, where)


# --------------------------------------------------------------------------- APIO


class KeyType:
    """One entry of a phone type's ``fastkeys.available_types``."""

    __slots__ = ("name", "parameter_type", "label_required", "label_ignored")

    def __init__(self, name: str, parameter_type: str | None, label_required: bool, label_ignored: bool):
        self.name = name
        self.parameter_type = parameter_type
        self.label_required = label_required
        self.label_ignored = label_ignored

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "parameterType": self.parameter_type,
            "labelRequired": self.label_required,
            "labelIgnored": self.label_ignored,
        }


class PhoneType:
    """A phone type, kept as given (``raw``) plus the parsed rules for validation."""

    __slots__ = ("name", "raw", "key_types", "managed_keys", "primary_line_port")

    def __init__(self, raw: dict, name: str, key_types: dict[str, KeyType], managed_keys, primary_line_port):
        self.raw = raw
        self.name = name
        self.key_types = key_types
        self.managed_keys: frozenset[int] = frozenset(managed_keys)
        self.primary_line_port: bool = primary_line_port

    @property
    def programmable(self) -> bool:
        return bool(self.key_types) and bool(self.managed_keys)

    @classmethod
    def from_json(cls, data: Any) -> PhoneType:
        data = _dict(data, "phone type")
        name = _req(data, "technical_name", str, "phone type")
        where = f"phone type {name!r}"
        caps = _dict(data.get("capabilities") or {}, f"{where}.capabilities")
        fastkeys = _dict(caps.get("fastkeys") or {}, f"{where}.fastkeys")
        key_types = {}
        out_types = []
        for i, entry in enumerate(_list(fastkeys.get("available_types"), f"{where}.available_types")):
            w = f"{where}.available_types[{i}]"
            entry = _dict(entry, w)
            kt = KeyType(
                _req(entry, "name", str, w),
                _opt(entry, "parameterType", str, w, None),
                _opt(entry, "labelRequired", bool, w, False),
                _opt(entry, "labelIgnored", bool, w, False),
            )
            key_types[kt.name] = kt
            out_types.append(kt.to_json())
        if "managed_keys" in fastkeys:
            managed = [_typed(k, int, f"{where}.managed_keys") for k in _list(fastkeys["managed_keys"], where)]
        else:
            managed = DEFAULT_MANAGED_KEYS if key_types else ()
        plp = _opt(caps, "primaryLinePort", bool, where, True)
        # The served form: as given, with every available type spelled out in full.
        raw_caps = dict(caps)
        if "fastkeys" in caps and caps["fastkeys"] is not None:
            raw_caps["fastkeys"] = {**fastkeys, "available_types": out_types}
        raw = {**data, "display_name": data.get("display_name", name), "capabilities": raw_caps}
        return cls(raw, name, key_types, managed, plp)

    def to_json(self) -> dict:
        return self.raw


class Device:
    """A user's main phone. ``keys`` is a tuple of (id, type, label, parameter), by id."""

    __slots__ = ("device_type", "device_name", "mac", "primary_line_port", "keys")

    def __init__(self, device_type: str, device_name: str, mac: str, primary_line_port: bool, keys: tuple):
        self.device_type = device_type
        self.device_name = device_name
        self.mac = mac
        self.primary_line_port = primary_line_port
        self.keys = keys

    @classmethod
    def from_json(cls, data: Any, where: str, phone_types: dict[str, PhoneType]) -> Device:
        data = _dict(data, where)
        device_type = _req(data, "deviceType", str, where)
        if device_type not in phone_types:
            raise StateError(f"{where}: unknown deviceType {device_type!r}")
        keys = []
        for i, key in enumerate(_list(data.get("keys"), f"{where}.keys")):
            w = f"{where}.keys[{i}]"
            key = _dict(key, w)
            keys.append(
                (
                    _req(key, "id", int, w),
                    _req(key, "type", str, w),
                    _opt(key, "label", str, w, ""),
                    _opt(key, "parameter", str, w, ""),
                )
            )
        ids = [k[0] for k in keys]
        if len(set(ids)) != len(ids):
            raise StateError(f"{where}.keys: duplicate id")
        return cls(
            device_type,
            _opt(data, "deviceName", str, where, ""),
            _opt(data, "macAddress", str, where, ""),
            _opt(data, "primaryLinePort", bool, where, False),
            tuple(sorted(keys)),
        )

    def keys_json(self) -> list[dict]:
        return [{"id": k[0], "type": k[1], "label": k[2], "parameter": k[3]} for k in self.keys]

    def to_json(self) -> dict:
        return {
            "deviceType": self.device_type,
            "deviceName": self.device_name,
            "macAddress": self.mac,
            "primaryLinePort": self.primary_line_port,
            "keys": self.keys_json(),
        }


class User:
    __slots__ = ("user_id", "first_name", "last_name", "phone_number", "extension", "device")

    def __init__(self, user_id, first_name="", last_name="", phone_number="", extension="", device=None):
        self.user_id: str = user_id
        self.first_name: str = first_name
        self.last_name: str = last_name
        self.phone_number: str = phone_number
        self.extension: str = extension
        self.device: Device | None = device

    @classmethod
    def from_json(cls, data: Any, where: str, phone_types: dict[str, PhoneType], user_id: str | None = None) -> User:
        data = _dict(data, where)
        uid = user_id if user_id is not None else _req(data, "userId", str, where)
        device = data.get("device")
        return cls(
            uid,
            _opt(data, "firstName", str, where, ""),
            _opt(data, "lastName", str, where, ""),
            _opt(data, "phoneNumber", str, where, ""),
            _opt(data, "extension", str, where, ""),
            Device.from_json(device, f"{where}.device", phone_types) if device is not None else None,
        )

    def listing(self) -> dict:
        return {
            "userId": self.user_id,
            "firstName": self.first_name,
            "lastName": self.last_name,
            "phoneNumber": self.phone_number,
            "extension": self.extension,
        }

    def to_json(self) -> dict:
        out = self.listing()
        out["device"] = self.device.to_json() if self.device else None
        return out


class Group:
    __slots__ = ("group_id", "name", "users")

    def __init__(self, group_id: str, name: str, users: Directory) -> None:
        self.group_id = group_id
        self.name = name
        self.users = users


class Tenant:
    __slots__ = ("tenant_id", "name", "type", "groups")

    def __init__(self, tenant_id: str, name: str, type_: str) -> None:
        self.tenant_id = tenant_id
        self.name = name
        self.type = type_
        self.groups: dict[str, Group] = {}


class Account:
    """An APIO core account (or the identity behind a machine token)."""

    __slots__ = ("username", "password", "level", "tenant", "group")

    def __init__(self, username: str, password: str | None, level: int, tenant=None, group=None) -> None:
        self.username = username
        self.password = password
        self.level = level
        self.tenant: str | None = tenant
        self.group: str | None = group

    def can_manage(self, tenant: str, group: str | None = None) -> bool:
        """Authorization levels (docs/api.md, 2.7): System 16, Tenant 12, Group 8."""
        if self.level >= 16:
            return True
        if self.level >= 12:
            return self.tenant == tenant
        if self.level >= 8:
            return self.tenant == tenant and (group is None or self.group == group)
        return False

    def to_json(self) -> dict:
        out = {"username": self.username, "password": self.password, "level": self.level}
        if self.tenant is not None:
            out["tenant"] = self.tenant
        if self.group is not None:
            out["group"] = self.group
        return out


# --------------------------------------------------------------------------- portal


class PortalUser:
    """``devices`` maps device id -> [name, clientType or None], in order."""

    __slots__ = ("user_id", "display_name", "email", "is_parent", "roles", "devices")

    def __init__(self, user_id, display_name="", email="", is_parent=False, roles=(), devices=None):
        self.user_id: str = user_id
        self.display_name: str = display_name
        self.email: str = email
        self.is_parent: bool = is_parent
        self.roles: tuple[str, ...] = tuple(roles)
        self.devices: dict[str, list] = devices if devices is not None else {}

    @classmethod
    def from_json(cls, data: Any, where: str, user_id: str | None = None) -> PortalUser:
        data = _dict(data, where)
        uid = user_id if user_id is not None else _req(data, "id", str, where)
        devices = {}
        for i, dev in enumerate(_list(data.get("devices"), f"{where}.devices")):
            w = f"{where}.devices[{i}]"
            dev = _dict(dev, w)
            ctype = _opt(dev, "clientType", str, w, None)
            if ctype is not None and ctype not in CLIENT_TYPES:
                raise StateError(f"{w}: invalid clientType {ctype!r}")
            devices[_req(dev, "id", str, w)] = [_opt(dev, "name", str, w, ""), ctype]
        return cls(
            uid,
            _opt(data, "displayName", str, where, ""),
            _opt(data, "email", str, where, ""),
            _opt(data, "isParent", bool, where, False),
            [_typed(r, str, f"{where}.roles") for r in _list(data.get("roles"), where)],
            devices,
        )

    def devices_json(self) -> list[dict]:
        return [{"id": d, "name": v[0], "clientType": v[1]} for d, v in self.devices.items()]

    def to_json(self) -> dict:
        return {
            "id": self.user_id,
            "displayName": self.display_name,
            "email": self.email,
            "isParent": self.is_parent,
            "roles": list(self.roles),
            "devices": self.devices_json(),
        }


class Customer:
    __slots__ = ("customer_id", "name", "charges", "users")

    def __init__(self, customer_id: str, name: str, charges: bool, users: Directory) -> None:
        self.customer_id = customer_id
        self.name = name
        self.charges = charges
        self.users = users


# --------------------------------------------------------------------------- whole state


class State:
    """Everything both APIs serve. Built from the seed, replaced by ``PUT /_sim/state``."""

    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.machine_tokens: dict[str, Account] = {}
        self.phone_types: dict[str, PhoneType] = {}
        self.tenants: dict[str, Tenant] = {}
        self.oauth_clients: dict[str, str] = {}
        self.static_portal_tokens: set[str] = set()
        self.portal_accounts: dict[str, dict] = {}  # id -> {"name", "customers": [ids]}
        self.customers: dict[str, Customer] = {}

    # ---- lookups used by the routes
    def find_user(self, tenant: str, group: str, user: str, for_update: bool = False) -> User | None:
        t = self.tenants.get(tenant)
        g = t.groups.get(group) if t else None
        return g.users.get(user, for_update) if g else None

    def find_portal_user(self, customer: str, user: str, for_update: bool = False) -> PortalUser | None:
        c = self.customers.get(customer)
        return c.users.get(user, for_update) if c else None

    # ---- JSON form
    @classmethod
    def from_json(cls, data: Any) -> State:
        data = _dict({} if data is None else data, "state")
        st = cls()
        apio = _dict(data.get("apio") or {}, "apio")
        for i, acc in enumerate(_list(apio.get("accounts"), "apio.accounts")):
            w = f"apio.accounts[{i}]"
            acc = _dict(acc, w)
            a = Account(
                _req(acc, "username", str, w),
                _req(acc, "password", str, w),
                _req(acc, "level", int, w),
                _opt(acc, "tenant", str, w, None),
                _opt(acc, "group", str, w, None),
            )
            st.accounts[a.username] = a
        for tok in _list(apio.get("machine_tokens"), "apio.machine_tokens"):
            tok = _typed(tok, str, "apio.machine_tokens")
            st.machine_tokens[tok] = Account("machine", None, 16)
        for pt in _list(apio.get("phone_types"), "apio.phone_types"):
            p = PhoneType.from_json(pt)
            st.phone_types[p.name] = p
        for i, t in enumerate(_list(apio.get("tenants"), "apio.tenants")):
            w = f"apio.tenants[{i}]"
            t = _dict(t, w)
            tenant = Tenant(
                _req(t, "tenantId", str, w), _opt(t, "name", str, w, ""), _opt(t, "type", str, w, "Enterprise")
            )
            st.tenants[tenant.tenant_id] = tenant
            for j, g in enumerate(_list(t.get("groups"), f"{w}.groups")):
                wg = f"{w}.groups[{j}]"
                g = _dict(g, wg)
                group = Group(_req(g, "groupId", str, wg), _opt(g, "groupName", str, wg, ""), Directory())
                tenant.groups[group.group_id] = group
                for k, u in enumerate(_list(g.get("users"), f"{wg}.users")):
                    user = User.from_json(u, f"{wg}.users[{k}]", st.phone_types)
                    group.users.put(user.user_id, user)

        portal = _dict(data.get("portal") or {}, "portal")
        for i, c in enumerate(_list(portal.get("clients"), "portal.clients")):
            w = f"portal.clients[{i}]"
            c = _dict(c, w)
            st.oauth_clients[_req(c, "client_id", str, w)] = _req(c, "client_secret", str, w)
        for tok in _list(portal.get("static_tokens"), "portal.static_tokens"):
            st.static_portal_tokens.add(_typed(tok, str, "portal.static_tokens"))
        for i, c in enumerate(_list(portal.get("customers"), "portal.customers")):
            w = f"portal.customers[{i}]"
            c = _dict(c, w)
            cust = Customer(
                _req(c, "id", str, w).lower(),
                _opt(c, "name", str, w, ""),
                _opt(c, "charges", bool, w, False),
                Directory(),
            )
            st.customers[cust.customer_id] = cust
            for k, u in enumerate(_list(c.get("users"), f"{w}.users")):
                pu = PortalUser.from_json(u, f"{w}.users[{k}]")
                cust.users.put(pu.user_id, pu)
        for i, a in enumerate(_list(portal.get("accounts"), "portal.accounts")):
            w = f"portal.accounts[{i}]"
            a = _dict(a, w)
            customers = [_typed(c, str, f"{w}.customers").lower() for c in _list(a.get("customers"), w)]
            st.portal_accounts[_req(a, "id", str, w)] = {"name": _opt(a, "name", str, w, ""), "customers": customers}
        return st

    def to_json(self) -> dict:
        return {
            "apio": {
                "accounts": [a.to_json() for a in self.accounts.values()],
                "machine_tokens": list(self.machine_tokens),
                "phone_types": [p.to_json() for p in self.phone_types.values()],
                "tenants": [
                    {
                        "tenantId": t.tenant_id,
                        "name": t.name,
                        "type": t.type,
                        "groups": [
                            {"groupId": g.group_id, "groupName": g.name, "users": [u.to_json() for u in g.users]}
                            for g in t.groups.values()
                        ],
                    }
                    for t in self.tenants.values()
                ],
            },
            "portal": {
                "clients": [{"client_id": k, "client_secret": v} for k, v in self.oauth_clients.items()],
                "static_tokens": sorted(self.static_portal_tokens),
                "accounts": [{"id": k, **v} for k, v in self.portal_accounts.items()],
                "customers": [
                    {
                        "id": c.customer_id,
                        "name": c.name,
                        "charges": c.charges,
                        "users": [u.to_json() for u in c.users],
                    }
                    for c in self.customers.values()
                ],
            },
        }
