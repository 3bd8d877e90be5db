"""No secret in the output: every module at -vvvv with --diff, in success and in failure (a 401, a failing
login, a refused OAuth2 client), never shows a password, a client secret, a refresh token or an access token
in stdout, stderr, the result or the diff."""

import re
import secrets

import pytest
import requests

from .common import CUSTOMER, FOOUSER

CHARGED_CUSTOMER = "22222222-2222-4222-8222-222222222222"
# The header of every JWT the simulator issues ({"alg":"HS256","typ":"JWT"}): finds tokens that the modules
# obtained themselves, whose values the test cannot know in advance.
JWT = re.compile(r"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
MASKED = "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"


@pytest.fixture
def run_tasks(run_tasks):
    """The suite's runner with inject_invocation on: from ansible-core 2.21, results carry the module's
    arguments (invocation, where no_log values are masked) only then, and -vvvv prints them."""

    def run(tasks, env=None, **kwargs):
        return run_tasks(tasks, env=dict(env or {}, ANSIBLE_INJECT_INVOCATION="true"), **kwargs)

    return run


class Secrets(dict):
    """name -> secret value, for the search; tasks refer to them as variables (see ``ref``)."""

    def found_in(self, text):
        return sorted(name for name, value in self.items() if value in text)

    def __getitem__(self, name):
        # In a task: a variable from the extra-vars file, as operators keep secrets out of playbooks.
        # (ansible-core 2.19 prints the playbook lines around a failed task: a literal secret written in
        # the playbook next to it would be shown by ansible itself, whatever the module does.)
        super().__getitem__(name)
        return "{{ secret_%s }}" % name

    def value(self, name):
        return super().__getitem__(name)

    def extra_vars(self):
        return {"secret_%s" % name: value for name, value in self.items()}


@pytest.fixture
def creds(sim):
    """Own accounts with random secrets, and real tokens issued by the simulator, some already revoked."""
    found = Secrets(
        password="pw-" + secrets.token_urlsafe(18),
        wrong_password="wrong-" + secrets.token_urlsafe(18),
        client_secret="cs-" + secrets.token_urlsafe(18),
        wrong_client_secret="wcs-" + secrets.token_urlsafe(18),
    )
    state = sim.state()
    state["apio"]["accounts"].append({"username": "secops", "password": found.value("password"), "level": 16})
    state["portal"]["clients"].append({"client_id": "sec-client", "client_secret": found.value("client_secret")})
    sim.set_state(state)

    def login():
        answer = requests.post(sim.url + "/api/v01/auth/login", json={"username": "secops",
                                                                      "password": found.value("password")},
                               timeout=10)
        answer.raise_for_status()
        return answer.json()

    def portal_token():
        answer = requests.post(sim.url + "/connect/token", timeout=10, data={
            "grant_type": "client_credentials", "client_id": "sec-client",
            "client_secret": found.value("client_secret")})
        answer.raise_for_status()
        return answer.json()

    first, portal = login(), portal_token()
    sim.expire_tokens()  # revokes the access tokens above; their refresh tokens stay valid
    second, canary = login(), login()
    found.update(expired_access_token=first["access_token"], refresh_token=first["refresh_token"],
                 access_token=second["access_token"], refresh_token_2=second["refresh_token"],
                 expired_portal_token=portal["access_token"], portal_refresh_token=portal["refresh_token"])
    found.canary = canary["access_token"]  # not a secret of the search: the control task shows it
    sim.reset()
    return found


def apio(creds, **auth):
    return dict({"username": "secops", "password": creds["password"]}, **auth)


def portal(creds, **auth):
    return dict({"client_id": "sec-client", "client_secret": creds["client_secret"]}, **auth)


def task(name, module, options, fails):
    return {"name": name, "ignore_errors": fails, "telephony.apio.%s" % module: options}


def assert_nothing_leaked(run, creds, expected_jwts=()):
    everything = run.stdout + run.stderr + run.raw_results
    assert creds.found_in(everything) == [], "secrets shown: %s" % creds.found_in(everything)
    assert sorted(set(JWT.findall(everything))) == sorted(expected_jwts), "a token was shown"
    assert MASKED in run.stdout, "the module arguments were not printed: the search proves nothing"


def outcomes(run, names):
    return {name: (run.status(name) == "failed", run.result(name).get("changed", False)) for name in names}


def test_success_of_every_module_shows_no_secret(run_tasks, sim, creds):
    keys = [{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}]
    tasks = [
        # Login with username and password.
        task("primary", "apio_primary_line", dict(FOOUSER, primary=True, **apio(creds)), False),
        # A revoked access token: 401, then the module logs in with the password.
        task("primary info", "apio_primary_line_info", dict(FOOUSER, **apio(creds, token=creds["expired_access_token"])),
             False),
        task("buttons", "apio_phone_buttons", dict(FOOUSER, keys=keys, **apio(creds)), False),
        # A live token given directly.
        task("buttons info", "apio_phone_buttons_info", dict(FOOUSER, token=creds["access_token"]), False),
        # A revoked portal token: 401, then the refresh token grant (with the client secret).
        task("softphone", "apio_softphone", dict(customer=CUSTOMER, user="jdoe", device="dev-desk-1",
                                                 client_type="desktop", **portal(
                                                     creds, portal_token=creds["expired_portal_token"],
                                                     refresh_token=creds["portal_refresh_token"])), False),
        task("softphone info", "apio_softphone_info", dict(customer=CUSTOMER, user="jdoe", **portal(creds)), False),
        # A batch with a diff per user.
        task("batch", "apio_phone_buttons", dict(tenant="foo", group="foogroup", keys=keys, **apio(creds, batch=[
            {"user": "alice@sip.example.com"}, {"user": "bob+1@sip.example.com"}])), False),
        # The control: a task that does show a token. The search must find it, and only it.
        {"name": "canary", "ansible.builtin.debug": {"msg": "token {{ canary }}"}},
    ]
    run = run_tasks(tasks, diff=True, verbosity=4, apio={}, portal={},
                    extra_vars=dict(creds.extra_vars(), canary=creds.canary))
    assert run.rc == 0, run.output[-3000:]
    assert outcomes(run, ["primary", "primary info", "buttons", "buttons info", "softphone", "softphone info",
                          "batch"]) == {
        "primary": (False, True), "primary info": (False, False), "buttons": (False, True),
        "buttons info": (False, False), "softphone": (False, True), "softphone info": (False, False),
        "batch": (False, True)}
    assert "--- before: user foouser (foo/foogroup)" in run.stdout  # the diffs were shown
    counters = sim.counters()
    assert counters["logins"] >= 3 and counters["portal_tokens"] >= 2
    assert counters["by_status"].get("401", 0) >= 2  # the revoked tokens were really sent, and refused
    assert_nothing_leaked(run, creds, expected_jwts=[creds.canary])


def test_failures_of_every_module_show_no_secret(run_tasks, sim, creds):
    keys = [{"id": 6, "type": "DND_TOGGLE", "label": "dnd"}]
    wrong = creds["wrong_password"]
    tasks = [
        # A failing login.
        task("primary", "apio_primary_line", dict(FOOUSER, primary=True, **apio(creds, password=wrong)), True),
        # A 401 and nothing to renew the token with.
        task("primary info", "apio_primary_line_info", dict(FOOUSER, token=creds["expired_access_token"]), True),
        # A 401, then a failing login.
        task("buttons", "apio_phone_buttons", dict(FOOUSER, keys=keys, **apio(
            creds, password=wrong, token=creds["expired_access_token"])), True),
        # Authenticated, then a failure of the API (a user without a phone).
        task("buttons info", "apio_phone_buttons_info", dict(tenant="foo", group="foogroup", user="nophone",
                                                             token=creds["access_token"]), True),
        # A 401, then the refresh token and the client credentials refused (wrong secret).
        task("softphone", "apio_softphone", dict(customer=CUSTOMER, user="jdoe", device="dev-desk-1",
                                                 client_type="desktop", **portal(
                                                     creds, client_secret=creds["wrong_client_secret"],
                                                     portal_token=creds["expired_portal_token"],
                                                     refresh_token=creds["portal_refresh_token"])), True),
        # A 401 and no client credentials.
        task("softphone info", "apio_softphone_info", dict(customer=CUSTOMER, user="jdoe",
                                                           portal_token=creds["expired_portal_token"]), True),
        # Authenticated, the write refused (a chargeable seat), with a diff.
        task("charged", "apio_softphone", dict(customer=CHARGED_CUSTOMER, user="jdoe", device="dev-desk-1",
                                               client_type="desktop", **portal(creds)), True),
        # A batch with invalid users (no phone, unknown): by default nothing is written...
        task("batch blocked", "apio_phone_buttons", dict(tenant="foo", group="foogroup", keys=keys, **apio(
            creds, batch=[{"user": "alice@sip.example.com"}, {"user": "nophone"}, {"user": "ghost"}])), True),
        # ...with on_invalid=skip, the batch fails for some users after the others were written.
        task("batch", "apio_phone_buttons", dict(tenant="foo", group="foogroup", keys=keys, on_invalid="skip",
                                                 **apio(creds, batch=[{"user": "alice@sip.example.com"},
                                                                      {"user": "nophone"}, {"user": "ghost"}])), True),
    ]
    run = run_tasks(tasks, diff=True, verbosity=4, apio={}, portal={}, extra_vars=creds.extra_vars())
    assert run.rc == 0, run.output[-3000:]  # every task failed and was ignored
    failed = {name: run.result(name)["msg"] for name in
              ["primary", "primary info", "buttons", "buttons info", "softphone", "softphone info", "charged",
               "batch blocked", "batch"]}
    assert all(run.status(name) == "failed" for name in failed), failed
    assert "HTTP 401: invalid credentials" in failed["primary"]
    assert "token was refused" in failed["primary info"]
    assert "HTTP 401: invalid credentials" in failed["buttons"]
    assert "HTTP 404" in failed["buttons info"]
    assert "invalid_client" in failed["softphone"]
    assert "token was refused" in failed["softphone info"]
    assert "HTTP 402" in failed["charged"]
    assert failed["batch blocked"] == (
        "nothing was written: 2 of 3 users not valid, 1 user that differs held back: user nophone (foo/foogroup): "
        "GET phone buttons failed: HTTP 404: the user has no phone linked to him; user ghost (foo/foogroup): GET phone "
        "buttons failed: HTTP 404: user not found")
    assert run.result("batch blocked")["diff"] == []
    assert "2 of 3 users failed" in failed["batch"]
    # The default callback does not print the diff of a failed task; it is in the result, which is searched.
    assert run.result("batch")["diff"][0]["before_header"] == "user alice@sip.example.com (foo/foogroup)"
    assert sim.counters()["by_status"].get("401", 0) >= 4
    assert_nothing_leaked(run, creds)


def test_secrets_from_the_environment_are_not_shown_either(run_tasks, sim, creds):
    env = {"APIO_USERNAME": "secops", "APIO_PASSWORD": creds.value("password"), "APIO_PORTAL_CLIENT_ID": "sec-client",
           "APIO_PORTAL_CLIENT_SECRET": creds.value("client_secret"),
           "APIO_PORTAL_REFRESH_TOKEN": creds.value("portal_refresh_token"),
           "APIO_TOKEN": creds.value("expired_access_token")}
    tasks = [task("buttons", "apio_phone_buttons", dict(FOOUSER, keys=[{"id": 6, "type": "DND_TOGGLE"}]), False),
             task("softphone", "apio_softphone", dict(customer=CUSTOMER, user="jdoe", device="dev-mob-1",
                                                      client_type="mobile"), False),
             task("ghost", "apio_primary_line", dict(FOOUSER, user="ghost", primary=True), True)]
    run = run_tasks(tasks, diff=True, verbosity=4, apio={}, portal={}, env=env)
    assert run.rc == 0, run.output[-3000:]
    assert outcomes(run, ["buttons", "softphone", "ghost"]) == {
        "buttons": (False, True), "softphone": (False, True), "ghost": (True, False)}
    assert_nothing_leaked(run, creds)
