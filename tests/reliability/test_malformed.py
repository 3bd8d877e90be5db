"""Oversized or malformed API answers: a clear failure naming the user, never a write, never a traceback.

The simulator always answers well, so the fake server of tests/support answers what each case needs.
"""

import pytest
from ansible_collections.telephony.apio.plugins.modules import (
    apio_phone_buttons,
    apio_phone_buttons_info,
    apio_primary_line,
    apio_softphone,
)

from support.fake_server import ScriptedServer, reply, unscripted
from support.playbook import ADMIN, make_runner

from .common import CUSTOMER, FOOUSER

HDV230 = "Telenet-Panasonic-KX-HDV230"
BUTTONS = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/phone_buttons/"
PRIMARY = "/api/v1/tenants/foo/groups/foogroup/users/foouser/access_device/primary_line_port/"
DEVICES = "/api/v1.0/customers/%s/users/jdoe/devices/pbx" % CUSTOMER
PHONE_TYPE = {"technical_name": HDV230, "capabilities": {"fastkeys": {"available_types": [
    {"name": "CALLLOG", "parameterType": None}, {"name": "DND_TOGGLE", "parameterType": None}]}}}
GOOD_BUTTONS = {"deviceType": HDV230, "deviceName": "DP", "keys": [{"id": 4, "type": "CALLLOG", "label": "history"}]}
TOKENS = {"access_token": "acc", "refresh_token": "ref"}
BIG = 20 * 1024 * 1024


def answer(status=200, body=b"", ctype="application/json"):
    """An answer of the fake server with its Content-Type (JSON unless said otherwise)."""
    return reply(status, body, {"Content-Type": ctype})


class Routes(dict):
    """The fake server's handler: answers by (method, path without the query); anything else is a 418."""

    def __call__(self, request):
        return self.get((request.method, request.path.split("?")[0])) or unscripted(request)


class FakeApi(ScriptedServer):
    """The fake server answering by route: a login, a portal token and the phone type, to begin with."""

    def __init__(self):
        super().__init__()
        self.answers = self.handler = Routes()
        self.answers[("POST", "/api/v01/auth/login")] = answer(200, TOKENS)
        self.answers[("POST", "/connect/token")] = answer(200, dict(TOKENS, token_type="Bearer", expires_in=60))
        self.answers[("GET", "/api/v1/configs/phone_types/%s/" % HDV230)] = answer(200, PHONE_TYPE)


@pytest.fixture
def api():
    fake = FakeApi()
    yield fake
    fake.close()


def apio_args(api, **extra):
    return dict(url=api.url, retries=1, timeout=10, **ADMIN, **dict(FOOUSER, **extra))


def assert_clear_failure(result, api, prefix, *words):
    assert result["failed"] is True
    assert result["msg"].startswith(prefix), result["msg"]
    for word in words:
        assert word in result["msg"], result["msg"]
    assert len(result["msg"]) < 1500, "the message carries the whole answer"
    assert api.sent("PUT") == []


BAD_BUTTONS = [
    pytest.param(answer(200, b"<html><body>Service temporarily unavailable</body></html>", "text/html"),
                 "not JSON", id="html"),
    pytest.param(answer(200, b"{\"deviceType\": \"%s\", \"keys\": [" % HDV230.encode()), "not JSON", id="truncated"),
    pytest.param(answer(200, b"x" * BIG, "text/plain"), "not JSON", id="20MB-not-json"),
    pytest.param(answer(200, b""), "no key list", id="empty"),
    pytest.param(answer(200, [GOOD_BUTTONS]), "no key list", id="a-list"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys="4 CALLLOG history")), "no key list", id="keys-a-string"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys={"4": "CALLLOG"})), "no key list", id="keys-a-dict"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys=[{"type": "CALLLOG"}])), "malformed key", id="key-without-id"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys=[{"id": "four", "type": "CALLLOG"}])), "malformed key",
                 id="id-not-a-number"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys=[4, 5])), "malformed key", id="keys-not-objects"),
    pytest.param(answer(200, dict(GOOD_BUTTONS, keys=[None])), "malformed key", id="key-null"),
    pytest.param(answer(500, b"<html>" + b"x" * BIG + b"</html>", "text/html"), "HTTP 500", id="20MB-error-page"),
]


@pytest.mark.parametrize("answer, words", BAD_BUTTONS)
def test_malformed_phone_buttons_answer_fails_clearly_and_writes_nothing(api, module, answer, words):
    api.answers[("GET", BUTTONS)] = answer
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone buttons failed: ", words)


def test_an_answer_without_a_key_list_is_not_read_as_no_keys(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, {"deviceType": HDV230, "deviceName": "DP"})
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone buttons failed: ", "no key list")


@pytest.mark.parametrize("bad", [{"type": 5}, {"type": ["CALLLOG"]}, {"label": {"text": "history"}}],
                         ids=["type-int", "type-list", "label-object"])
def test_keys_with_wrong_field_types_fail_before_any_write(api, module, bad):
    api.answers[("GET", BUTTONS)] = answer(200, dict(GOOD_BUTTONS, keys=[dict(GOOD_BUTTONS["keys"][0], **bad)]))
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone buttons failed: ")


def test_an_answer_without_a_phone_type_says_so(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, {"keys": GOOD_BUTTONS["keys"]})
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone buttons failed: ", "deviceType")


def test_a_deeply_nested_answer_is_a_clear_failure_not_a_traceback(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, b"[" * 100000 + b"]" * 100000)
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone buttons failed: ")


def test_a_malformed_phone_type_is_refused_before_any_write(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, GOOD_BUTTONS)
    api.answers[("GET", "/api/v1/configs/phone_types/%s/" % HDV230)] = answer(200, b"<html/>", "text/html")
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET phone type '%s' failed: " % HDV230, "not JSON")


@pytest.mark.parametrize("body", [{"primaryLinePort": "false"}, {"primaryLinePort": None}, {}, [False], "true",
                                  {"primaryLinePort": 0}])
def test_malformed_primary_line_answer(api, module, body):
    api.answers[("GET", PRIMARY)] = answer(200, body)
    result = module(apio_primary_line.main, apio_args(api, primary=True))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): GET primary line port failed: ", "primaryLinePort")


@pytest.mark.parametrize("body, words", [
    ({"data": "dev-desk-1"}, "no device list"), ({"status": "success"}, "no device list"),
    ({"data": [{"name": "Desk"}]}, "without an id"), ({"data": ["dev-desk-1"]}, "without an id"),
    ([{"id": "dev-desk-1"}], "no device list"),
])
def test_malformed_portal_answer(api, module, body, words):
    api.answers[("GET", DEVICES)] = answer(200, body)
    result = module(apio_softphone.main, dict(portal_url=api.url, client_id="c", client_secret="s", retries=1,
                                              customer=CUSTOMER, user="jdoe", device="dev-desk-1",
                                              client_type="desktop"))
    assert_clear_failure(result, api, "user jdoe (customer %s): GET softphone devices failed: " % CUSTOMER, words)


def test_a_number_where_a_string_is_expected_is_read_as_that_string(api, module):
    # A parameter sent as a JSON number is the same value: lenient, and nothing is lost.
    api.answers[("GET", BUTTONS)] = answer(200, dict(GOOD_BUTTONS, keys=[
        {"id": 3, "type": "DIRECT_CALL", "label": "desk", "parameter": 1000}]))
    result = module(apio_phone_buttons_info.main, apio_args(api))
    assert result["failed"] is False
    assert result["buttons"] == [{"id": 3, "type": "DIRECT_CALL", "label": "desk", "parameter": "1000"}]


@pytest.mark.parametrize("client_type", [5, True, {"type": "desktop"}])
def test_a_client_type_that_is_not_a_string_is_refused(api, module, client_type):
    api.answers[("GET", DEVICES)] = answer(200, {"data": [{"id": "dev-desk-1", "clientType": client_type}]})
    result = module(apio_softphone.main, dict(portal_url=api.url, client_id="c", client_secret="s", retries=1,
                                              customer=CUSTOMER, user="jdoe", device="dev-desk-1",
                                              client_type="desktop"))
    assert_clear_failure(result, api, "user jdoe (customer %s): GET softphone devices failed: " % CUSTOMER)


@pytest.mark.parametrize("answer", [answer(200, b"<html/>", "text/html"), answer(200, {"token": "x"}),
                                    answer(200, b""), answer(200, [TOKENS])])
def test_malformed_login_answer(api, module, answer):
    api.answers[("POST", "/api/v01/auth/login")] = answer
    result = module(apio_primary_line.main, apio_args(api, primary=True))
    assert_clear_failure(result, api, "user foouser (foo/foogroup): APIO login ", "access_token")
    assert [r.method for r in api.requests] == ["POST"]


def test_a_malformed_write_answer_is_reported(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, GOOD_BUTTONS)
    api.answers[("PUT", BUTTONS)] = answer(200, b"OK", "text/plain")
    result = module(apio_phone_buttons.main, apio_args(api, keys=[{"id": 6, "type": "DND_TOGGLE"}]))
    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): PUT phone buttons failed: "), result["msg"]
    assert "not JSON" in result["msg"]


def test_malformed_answers_in_a_real_playbook(api, tmp_path):
    api.answers[("GET", BUTTONS)] = answer(200, b"<html>maintenance</html>", "text/html")
    api.answers[("GET", PRIMARY)] = answer(200, {"primaryLinePort": "yes"})

    class Target:
        url = api.url

    run = make_runner(Target, tmp_path)
    tasks = [{"name": "buttons", "ignore_errors": True,
              "telephony.apio.apio_phone_buttons": dict(FOOUSER, keys=[{"id": 6, "type": "DND_TOGGLE"}])},
             {"name": "buttons info", "ignore_errors": True, "telephony.apio.apio_phone_buttons_info": FOOUSER},
             {"name": "primary", "ignore_errors": True, "telephony.apio.apio_primary_line": dict(FOOUSER, primary=True)}]
    result = run(tasks, apio=dict(ADMIN, retries=0))
    assert result.rc == 0, result.output  # every task failed, and was ignored
    assert result.result("buttons")["msg"] == ("user foouser (foo/foogroup): GET phone buttons failed: HTTP 200: the "
                                               "answer is not JSON: '<html>maintenance</html>'")
    assert result.result("buttons info")["msg"] == result.result("buttons")["msg"]
    assert result.result("primary")["msg"].startswith("user foouser (foo/foogroup): GET primary line port failed: "
                                                      "unexpected answer, no boolean primaryLinePort")
    assert "Traceback" not in result.output and "Traceback" not in result.raw_results
    assert api.sent("PUT") == []


def test_info_module_fails_clearly_too(api, module):
    api.answers[("GET", BUTTONS)] = answer(200, dict(GOOD_BUTTONS, keys=[{"id": None}]))
    result = module(apio_phone_buttons_info.main, apio_args(api))
    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): GET phone buttons failed: unexpected answer")
