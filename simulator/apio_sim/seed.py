"""Seed loading: the YAML file (same shape as ``GET /_sim/state``) plus synthetic bench users."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from .store import (
    SOFTPHONE_ROLES,
    SYNTHETIC_CUSTOMER,
    SYNTHETIC_GROUP,
    SYNTHETIC_TENANT,
    Customer,
    Device,
    Directory,
    Group,
    PortalUser,
    State,
    StateError,
    Tenant,
    User,
    synthetic_id,
)

# Bench users cycle through these phone types; odd users start with these keys.
SYNTHETIC_PHONE_TYPES = ("Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300")
SYNTHETIC_KEYS = ((1, "DIRECT_CALL", "reception", "1000"), (2, "CALLLOG", "history", ""))


def default_seed_path() -> Path:
    return Path(str(resources.files("apio_sim").joinpath("seed.yaml")))


def load_seed(path: str | Path | None = None, users: int = 0) -> State:
    """Read the seed file and add ``users`` synthetic users (generated lazily)."""
    path = Path(path) if path else default_seed_path()
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    state = State.from_json(data)
    if users:
        add_synthetic_users(state, users)
    return state


def add_synthetic_users(state: State, count: int) -> None:
    """Tenant ``bench``/``benchgroup`` and portal customer 3333... with ``count`` users each.

    Nothing per user is stored: the directories build a record on demand from its index.
    """
    missing = [p for p in SYNTHETIC_PHONE_TYPES if p not in state.phone_types]
    if missing:
        raise StateError(f"--users needs the phone types {', '.join(missing)} in the seed")

    def make_user(i: int) -> User:
        uid = synthetic_id(i)
        keys = SYNTHETIC_KEYS if i % 2 else ()
        mac = f"00:0b:82:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:{i & 255:02x}"
        device = Device(SYNTHETIC_PHONE_TYPES[i % 3], f"bench-{i:06d}", mac, False, keys)
        return User(uid, "Bench", f"User {i}", f"+3223{i:06d}", f"{i:06d}", device)

    def make_portal_user(i: int) -> PortalUser:
        uid = synthetic_id(i)
        devices = {f"dev-{i:06d}": [f"Bench softphone {i}", None]}
        return PortalUser(uid, f"Bench User {i}", uid, False, SOFTPHONE_ROLES, devices)

    tenant = state.tenants.get(SYNTHETIC_TENANT)
    if tenant is None:
        tenant = state.tenants[SYNTHETIC_TENANT] = Tenant(SYNTHETIC_TENANT, "Bench Corp", "Enterprise")
    tenant.groups[SYNTHETIC_GROUP] = Group(SYNTHETIC_GROUP, "Bench Group", Directory(count, make_user))

    users = Directory(count, make_portal_user)
    state.customers[SYNTHETIC_CUSTOMER] = Customer(SYNTHETIC_CUSTOMER, "Bench Customer", False, users)
    for account in state.portal_accounts.values():
        if SYNTHETIC_CUSTOMER not in account["customers"]:
            account["customers"].append(SYNTHETIC_CUSTOMER)
