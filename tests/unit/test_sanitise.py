"""sanitise(): secrets are masked before anything reaches a result or a diff."""

import copy

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.reconcile import (
    MASK,
    sanitise,
)


def test_mask_is_not_the_secret():
    assert MASK == "********"


@pytest.mark.parametrize("key", ["password", "client_secret", "refresh_token", "access_token", "token",
                                 "portal_token", "voicemail_passcode", "Password", "ClientSecret", "X-Auth-TOKEN"])
def test_secret_keys_are_masked(key):
    assert sanitise({key: "s3cr3t", "user": "foouser"}) == {key: MASK, "user": "foouser"}


def test_nested_dicts_and_lists():
    value = {"url": "https://apio", "auth": {"username": "admin", "password": "pw"},
             "batch": [{"user": "a", "voicemail": {"passcode": 1234}}, {"user": "b", "passcode": False}],
             "keys": [{"id": 1, "type": "CALLLOG", "label": "history", "parameter": ""}]}
    original = copy.deepcopy(value)
    assert sanitise(value) == {
        "url": "https://apio", "auth": {"username": "admin", "password": MASK},
        "batch": [{"user": "a", "voicemail": {"passcode": MASK}}, {"user": "b", "passcode": MASK}],
        "keys": [{"id": 1, "type": "CALLLOG", "label": "history", "parameter": ""}]}
    assert value == original  # the input is not modified


def test_a_secret_holding_a_structure_is_masked_whole():
    assert sanitise({"tokens": {"access": "a", "refresh": "r"}}) == {"tokens": MASK}
    assert sanitise({"secrets": ["a", "b"]}) == {"secrets": MASK}


def test_empty_secrets_stay_visible_as_empty():
    # "no password set" is not a secret and helps when reading a diff
    assert sanitise({"password": None, "token": ""}) == {"password": None, "token": ""}


@pytest.mark.parametrize("value", [None, 0, "token", ["password"], {"user": "token"}])
def test_values_are_never_inspected(value):
    assert sanitise(value) == value
