"""Unit-test fixtures: the collection on sys.path, a scripted HTTP server, clients and a module runner.

The module runner is tests/support/inprocess.py (shared with tests/reliability); pytest puts tests/ on
sys.path for this package.

The scripted server is a stdlib ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a thread. Each answer
comes from ``server.handler`` (a function of the recorded request) when one is set, otherwise from the
queue filled with ``server.script(...)``. Every request is recorded as it arrived on the wire: method,
raw path, headers and body.
"""

import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest

COLLECTIONS = Path(__file__).resolve().parents[2] / ".build" / "collections"
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))

from ansible_collections.telephony.apio.plugins.module_utils import client as client_mod
from support.inprocess import module_runner

# An answer that closes the connection without sending anything.
DROP = object()


def reply(status=200, body=None, headers=None):
    """One scripted answer: a dict or list is sent as JSON, a str as text, bytes as they are."""
    return (status, body, headers or {})


class Recorded:
    """One request as the server received it."""

    def __init__(self, method, path, headers, body):
        self.method = method
        self.path = path
        self.headers = headers  # names lower-cased
        self.body = body
        self.time = time.monotonic()

    @property
    def json(self):
        return json.loads(self.body.decode("utf-8")) if self.body else None

    @property
    def form(self):
        return {k: v[0] for k, v in parse_qs(self.body.decode("utf-8")).items()}

    @property
    def token(self):
        auth = self.headers.get("authorization", "")
        return auth[len("Bearer "):] if auth.startswith("Bearer ") else None

    def __repr__(self):
        return f"<{self.method} {self.path}>"


class ScriptedServer:
    def __init__(self):
        self.requests = []
        self.handler = None
        self._queue = deque()
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                recorded = Recorded(self.command, self.path, headers, body)
                with owner._lock:
                    owner.requests.append(recorded)
                answer = owner._answer(recorded)
                if answer is DROP:
                    self.close_connection = True
                    return
                status, payload, extra = answer
                if isinstance(payload, (dict, list)):
                    data, ctype = json.dumps(payload).encode("utf-8"), "application/json"
                elif isinstance(payload, str):
                    data, ctype = payload.encode("utf-8"), "text/plain; charset=utf-8"
                else:
                    data, ctype = payload or b"", "application/octet-stream"
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", extra.pop("Content-Type", ctype))
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_PATCH = _any

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            block_on_close = False

            def handle_error(self, request, client_address):
                # A client that gave up (timeout test) leaves a broken pipe: not worth a traceback.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self._httpd = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._httpd.server_port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True)
        self._thread.start()

    def _answer(self, recorded):
        if self.handler is not None:
            return self.handler(recorded)
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        # 418 is neither retried nor re-authenticated: an unscripted request shows up as a failure.
        return reply(418, {"errors": [{"message": f"unscripted request {recorded.method} {recorded.path}"}]})

    def script(self, *answers):
        with self._lock:
            self._queue.extend(answers)

    @property
    def pending(self):
        return len(self._queue)

    def sent(self, method=None):
        """(method, path) of every request, in order; only ``method`` when given."""
        return [(r.method, r.path) for r in self.requests if method is None or r.method == method]

    def close(self):
        self._httpd.shutdown()
        self._httpd.server_close()


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
    from .fakes import FakeApio  # fakes.py uses this module's reply()

    fake = FakeApio()
    server.handler = fake
    fake.args = {"url": server.url, "token": "tok", "retries": 1}
    return fake


@pytest.fixture
def portal(server):
    from .fakes import FakePortal

    fake = FakePortal()
    server.handler = fake
    fake.args = {"portal_url": server.url, "client_id": "cid", "client_secret": "csecret", "retries": 1}
    return fake
