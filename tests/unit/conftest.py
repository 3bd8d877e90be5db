"""Unit-test fixtures: a scripted HTTP server, clients and a module runner.

The scripted server is tests/support/fake_server.py (shared with tests/reliability/test_malformed.py), the
module runner tools/inprocess.py; pytest.ini puts the repository root, tests/ and the collection on sys.path.
"""

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import client as client_mod
from support.fake_server import ScriptedServer
from tools.inprocess import module_runner

from .fakes import FakeApio, FakePortal


@pytest.fixture
def server():
    srv = ScriptedServer()
    yield srv
    srv.close()


@pytest.fixture(autouse=True)
def fast_backoff(monkeypatch):
    """No backoff sleeps between retries (Retry-After still applies: urllib3 honours it separately)."""
    monkeypatch.setattr(client_mod, "BACKOFF_FACTOR", 0)
    monkeypatch.setattr(client_mod, "BACKOFF_JITTER", 0)


@pytest.fixture
def clients():
    """Factories for ApioClient and PortalClient; every session is closed at teardown."""
    made = []

    class Factory:
        @staticmethod
        def apio(url, **kwargs):
            kwargs.setdefault("retries", 2)
            kwargs.setdefault("timeout", 5)
            made.append(client_mod.ApioClient(url, **kwargs))
            return made[-1]

        @staticmethod
        def portal(url, **kwargs):
            kwargs.setdefault("retries", 2)
            kwargs.setdefault("timeout", 5)
            made.append(client_mod.PortalClient(url, **kwargs))
            return made[-1]

    yield Factory
    for made_client in made:
        made_client.session.close()


@pytest.fixture
def run_module(monkeypatch):
    """Run a module's ``main()`` in-process; returns its result dict, with ``failed`` set on fail_json."""
    return module_runner(monkeypatch)


# A fake APIO (FakeApio) or Enterprise Portal (FakePortal) behind the scripted server; ``.args`` are the
# connection options of a module run against it (one retry: a scripted failure fails fast).
@pytest.fixture
def apio(server):
    fake = FakeApio()
    server.handler = fake
    fake.args = {"url": server.url, "token": "tok", "retries": 1}
    return fake


@pytest.fixture
def portal(server):
    fake = FakePortal()
    server.handler = fake
    fake.args = {"portal_url": server.url, "client_id": "cid", "client_secret": "csecret", "retries": 1}
    return fake
