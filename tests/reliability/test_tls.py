"""An HTTPS simulator with a throwaway CA: an untrusted certificate fails clearly before a byte of the request
(credentials included) is sent; ca_path makes it trusted; validate_certs=false works, with a warning."""

import pytest
from apio_sim.tls import make_test_certs

from support.playbook import ADMIN, make_runner
from tools.simlog import writes

from .common import CUSTOMER, FOOUSER

WARNING = "TLS certificate verification is off (validate_certs=false)"


@pytest.fixture
def https(start_sim, tmp_path):
    certs = make_test_certs(tmp_path / "tls")
    sim = start_sim(tls_cert=certs.cert, tls_key=certs.key)
    assert sim.url.startswith("https://")
    return sim, certs


def tasks(apio_tls, portal_tls):
    return [
        {"name": "primary", "ignore_errors": True,
         "telephony.apio.apio_primary_line": dict(FOOUSER, primary=True, **apio_tls)},
        {"name": "buttons info", "ignore_errors": True,
         "telephony.apio.apio_phone_buttons_info": dict(FOOUSER, **apio_tls)},
        {"name": "softphone", "ignore_errors": True, "telephony.apio.apio_softphone": dict(
            customer=CUSTOMER, user="jdoe", device="dev-desk-1", client_type="desktop", **portal_tls)},
    ]


def test_untrusted_certificate_fails_clearly_and_sends_nothing(https, tmp_path):
    sim = https[0]
    # No CA given: the system's CAs do not know the throwaway CA. REQUESTS_CA_BUNDLE must not help either.
    run = make_runner(sim, tmp_path)(tasks({}, {}), env={"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": ""})
    assert run.rc == 0, run.output  # each task failed, and was ignored
    for name, label, what in (("primary", "user foouser (foo/foogroup)", "APIO login"),
                              ("buttons info", "user foouser (foo/foogroup)", "APIO login"),
                              ("softphone", "user jdoe (customer %s)" % CUSTOMER, "portal token request")):
        assert run.status(name) == "failed"
        msg = run.result(name)["msg"]
        assert msg.startswith("%s: POST %s failed: TLS verification failed for %s: " % (label, what, sim.url)), msg
        assert "certificate verify failed" in msg and "ca_path" in msg, msg
    # Not one request reached the server: no password, no client secret, no body.
    assert sim.requests() == [] and sim.counters()["total"] == 0
    assert sim.user("foo", "foogroup", "foouser")["device"]["primaryLinePort"] is False


def test_ca_path_makes_the_certificate_trusted(https, tmp_path):
    sim, certs = https
    run = make_runner(sim, tmp_path)(tasks({"ca_path": str(certs.ca_cert)}, {"ca_path": str(certs.ca_cert)}))
    assert run.rc == 0, run.output
    assert [run.status(n) for n in ("primary", "buttons info", "softphone")] == ["ok", "ok", "ok"]
    assert run.result("primary")["changed"] is True and run.result("softphone")["changed"] is True
    assert len(writes(sim.requests())) == 2
    assert WARNING not in run.output


def test_ca_path_from_the_environment(https, tmp_path):
    sim, certs = https
    env = {"APIO_CA_PATH": str(certs.ca_cert), "APIO_PORTAL_CA_PATH": str(certs.ca_cert)}
    run = make_runner(sim, tmp_path)(tasks({}, {}), env=env)
    assert [run.status(n) for n in ("primary", "buttons info", "softphone")] == ["ok", "ok", "ok"], run.output


def test_validate_certs_false_works_and_warns(https, tmp_path):
    sim = https[0]
    off = {"validate_certs": False}
    run = make_runner(sim, tmp_path)(tasks(off, off))
    assert run.rc == 0, run.output
    assert [run.status(n) for n in ("primary", "buttons info", "softphone")] == ["ok", "ok", "ok"]
    assert "[WARNING]: " + WARNING in run.output, run.output
    assert run.raw_results.count(WARNING) == 3, run.raw_results  # once per task (ansible shows it once)
    assert "InsecureRequestWarning" not in run.output
    assert len(writes(sim.requests())) == 2


def test_a_wrong_ca_is_refused_too(https, tmp_path):
    sim = https[0]
    other = make_test_certs(tmp_path / "other")
    run = make_runner(sim, tmp_path)(tasks({"ca_path": str(other.ca_cert)}, {"ca_path": str(other.ca_cert)}))
    assert all(run.status(n) == "failed" for n in ("primary", "buttons info", "softphone")), run.output
    assert "TLS verification failed" in run.result("primary")["msg"]
    assert sim.requests() == []


def test_http_url_to_an_https_server_fails_clearly(https, tmp_path, module):
    from ansible_collections.telephony.apio.plugins.modules import apio_primary_line_info

    sim = https[0]
    result = module(apio_primary_line_info.main, dict(ADMIN, url=sim.url.replace("https", "http"), retries=0,
                                                      timeout=5, **FOOUSER))
    assert result["failed"] is True
    assert result["msg"].startswith("user foouser (foo/foogroup): POST APIO login failed: "), result["msg"]
    assert ADMIN["password"] not in result["msg"]
    assert sim.requests() == []
