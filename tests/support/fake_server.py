"""A stdlib fake HTTP server for the tests that need answers the simulator never gives (tests/unit,
tests/reliability/test_malformed.py).

``ScriptedServer`` is a ``ThreadingHTTPServer`` on 127.0.0.1 (port 0) in a thread. Each answer comes
from ``server.handler`` (a function of the recorded request) when one is set, otherwise from the queue
filled with ``server.script(...)``; an unscripted request is answered 418 (neither retried nor
re-authenticated: it shows up as a failure). Every request is recorded as it arrived on the wire: method,
raw path, headers and body; ``server.sent("PUT")`` lists the (method, path) of the PUTs.
"""

import json
import sys
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

# An answer that closes the connection without sending anything.
DROP = object()


def reply(status=200, body=None, headers=None):
    """One scripted answer: a dict or list is sent as JSON, a str as text, bytes as they are."""
    return (status, body, headers or {})


def unscripted(recorded):
    """The answer to a request that no script or handler provides for: 418, which is neither retried nor
    re-authenticated, so that it shows up as a failure."""
    return reply(418, {"errors": [{"message": f"unscripted request {recorded.method} {recorded.path}"}]})


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
                extra = dict(extra)  # an answer may be given again (a retry): leave it as it is
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
        return unscripted(recorded)

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
