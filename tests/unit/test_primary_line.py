"""Primary line port: the resource (read, desired, write, wording) and the apio_primary_line modules."""

import pytest
from ansible_collections.telephony.apio.plugins.module_utils.client import ApiError
from ansible_collections.telephony.apio.plugins.module_utils.primary_line import PrimaryLine
from ansible_collections.telephony.apio.plugins.modules import apio_primary_line, apio_primary_line_info

from support.fake_server import reply

PRIMARY = "/api/v1/tenants/foo/groups/foogroup/users/{}/access_device/primary_line_port/"
PL_PARAMS = {"tenant": "foo", "group": "foogroup", "user": "foouser", "primary": True}


# -- the resource ----------------------------------------------------------------------------------

def test_primary_line_read_desired_write(server, clients):
    server.script(reply(200, {"primaryLinePort": False}), reply(200, {"primaryLinePort": True}))
    line = PrimaryLine(clients.apio(server.url, token="tok"))
    before = line.read(PL_PARAMS)
    after = line.desired(before, PL_PARAMS)
    assert (before, after) == ({"primary": False}, {"primary": True})
    assert line.changes(before, after) == ["primary line port false -> true"]
    assert line.write(PL_PARAMS, before, after) == {"primary": True}
    assert server.sent() == [("GET", PRIMARY.format("foouser")), ("PUT", PRIMARY.format("foouser"))]
    assert server.requests[1].json == {"primaryLinePort": True}
    assert line.label(PL_PARAMS) == "user foouser (foo/foogroup)"


@pytest.mark.parametrize("body", [{"primaryLinePort": "false"}, {}, [], {"primaryLinePort": 0}])
def test_primary_line_unexpected_answer(server, clients, body):
    server.script(reply(200, body))
    line = PrimaryLine(clients.apio(server.url, token="tok"))
    with pytest.raises(ApiError) as caught:
        line.read(PL_PARAMS)
    assert str(caught.value) == f"GET primary line port failed: unexpected answer, no boolean primaryLinePort: {body!r}"


# -- the modules -----------------------------------------------------------------------------------

def test_primary_line_four_steps(server, apio, run_module):
    apio.add("giulio@sip.netaxis.be")
    args = dict(apio.args, tenant="foo", group="foogroup", user="giulio@sip.netaxis.be", primary=True)
    path = PRIMARY.format("giulio%40sip.netaxis.be")

    check = run_module(apio_primary_line.main, args, check=True, diff=True)
    assert check == {
        "changed": True, "failed": False, "msg": "user giulio@sip.netaxis.be (foo/foogroup): primary line port false -> true",
        "changes": ["primary line port false -> true"], "previous": {"primary": False}, "current": {"primary": True},
        "diff": {"before_header": "user giulio@sip.netaxis.be (foo/foogroup)",
                 "after_header": "user giulio@sip.netaxis.be (foo/foogroup)",
                 "before": {"primary": False}, "after": {"primary": True}}}
    assert server.sent() == [("GET", path)]  # check mode: no PUT

    apply = run_module(apio_primary_line.main, args)
    assert (apply["changed"], apply["current"], "diff" in apply) == (True, {"primary": True}, False)
    assert server.sent("PUT") == [("PUT", path)]
    assert server.requests[-1].json == {"primaryLinePort": True}

    again = run_module(apio_primary_line.main, args, check=True)
    assert (again["changed"], again["msg"], again["changes"]) == (
        False, "user giulio@sip.netaxis.be (foo/foogroup): no change", [])
    last = run_module(apio_primary_line.main, args)
    assert last["changed"] is False
    assert len(server.sent("PUT")) == 1


@pytest.mark.parametrize("user, message", [
    ("nophone", "user nophone (foo/foogroup): GET primary line port failed: HTTP 404: the user has no phone linked to him"),
    ("ghost", "user ghost (foo/foogroup): GET primary line port failed: HTTP 404: user not found"),
    ("generic", ("user generic (foo/foogroup): GET primary line port failed: HTTP 400: 2: INVALID_PARAMETERS, "
                 "This Phone Type does not supports primary line port setting")),
])
def test_primary_line_failures_name_the_user_the_status_and_the_api_message(server, apio, run_module, user, message):
    apio.no_phone.add("nophone")
    apio.add("generic", device_type="Generic SIP Phone")
    result = run_module(apio_primary_line.main, dict(apio.args, tenant="foo", group="foogroup", user=user,
                                                     primary=True))
    assert result == {"failed": True, "msg": message}
    assert server.sent("PUT") == []


def test_primary_line_with_login(server, apio, run_module):
    apio.add("foouser", primary=True)
    args = dict(apio.args, token=None, username="admin", password="s3cret")
    result = run_module(apio_primary_line.main, dict(args, tenant="foo", group="foogroup", user="foouser",
                                                     primary=True))
    assert result["changed"] is False
    assert server.sent() == [("POST", "/api/v01/auth/login"), ("GET", PRIMARY.format("foouser"))]


def test_primary_line_info(server, apio, run_module):
    apio.add("foouser", primary=True)
    result = run_module(apio_primary_line_info.main, dict(apio.args, tenant="foo", group="foogroup", user="foouser"))
    assert result == {"changed": False, "failed": False, "primary": True}
