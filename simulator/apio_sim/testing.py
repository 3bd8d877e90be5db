"""Run the simulator from tests, benchmarks and scripts: ``SimulatorProcess`` starts ``python -m apio_sim``
on a free port and drives its admin API (``/_sim/``). Standard library only, so any test suite can use it.

The one launcher of the repository, and the one place for the seed's credentials (``SEED_CREDENTIALS``,
``SEED_ADMIN``, ``SEED_PORTAL_CLIENT``): the tests, the benchmarks and ``make demo`` take them from here,
as they take the synthetic users of ``--users N`` (``SYNTHETIC_TENANT``, ``SYNTHETIC_GROUP``, user ``i``'s
id ``synthetic_id(i)``).
From a shell, ``python -m apio_sim.testing [SIMULATOR OPTIONS] -- COMMAND [ARGS]`` runs COMMAND against
a simulator of its own (see ``main``).
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote, urlencode

from .store import SYNTHETIC_GROUP, SYNTHETIC_TENANT, synthetic_id  # noqa: F401  (for the tests and benchmarks)

_PACKAGE_PARENT = str(Path(__file__).resolve().parent.parent)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def _seg(value: str) -> str:
    """One path segment, percent-encoded (``/`` included) as the simulator decodes it."""
    return quote(value, safe="")


class SimulatorError(RuntimeError):
    pass


# The seed's credentials (seed.yaml: the APIO admin account of level 16 and the portal's OAuth2 client),
# under the environment variables the collection's modules read.
SEED_CREDENTIALS = {
    "APIO_USERNAME": "admin",
    "APIO_PASSWORD": "admin-pass",
    "APIO_PORTAL_CLIENT_ID": "sim-client",
    "APIO_PORTAL_CLIENT_SECRET": "sim-client-secret",
}
# The same, as the modules' options.
SEED_ADMIN = {"username": SEED_CREDENTIALS["APIO_USERNAME"], "password": SEED_CREDENTIALS["APIO_PASSWORD"]}
SEED_PORTAL_CLIENT = {
    "client_id": SEED_CREDENTIALS["APIO_PORTAL_CLIENT_ID"],
    "client_secret": SEED_CREDENTIALS["APIO_PORTAL_CLIENT_SECRET"],
}


class SimulatorProcess:
    """A simulator subprocess.

    >>> with SimulatorProcess().start() as sim:
    ...     sim.url  # 'http://127.0.0.1:PORT'
    """

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.host = host
        self.port: int | None = None
        self.url: str | None = None
        self.proc: subprocess.Popen | None = None
        self._log = None
        self._log_path = None
        self._ssl: ssl.SSLContext | None = None

    # ---- lifecycle

    def start(
        self, seed=None, users: int = 0, tls_cert=None, tls_key=None, extra_args=(), timeout: float = 20.0, log=None
    ):
        """Launch ``python -m apio_sim`` on a free port and wait until it answers; returns self.

        ``extra_args`` are more options of ``python -m apio_sim`` (``--latency-ms 10``...); ``log``, a file
        that keeps what the process prints (by default a temporary file, read with ``output()``)."""
        if self.proc is not None:
            raise SimulatorError("already started")
        self._log_path = log
        options = ["--log-level", "warning"]
        if seed:
            options += ["--seed", str(seed)]
        if users:
            options += ["--users", str(users)]
        scheme = "http"
        if tls_cert:
            options += ["--tls-cert", str(tls_cert), "--tls-key", str(tls_key)]
            scheme = "https"
            # Our own throwaway certificate: the admin calls need not verify it.
            self._ssl = ssl._create_unverified_context()
        options += [str(a) for a in extra_args]
        for attempt in range(3):
            try:
                return self._launch(scheme, options, timeout)
            except SimulatorError as exc:
                # Another process may take the free port between our probe and the bind: retry.
                if "address already in use" not in str(exc) or attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _launch(self, scheme: str, options: list[str], timeout: float) -> SimulatorProcess:
        self.port = free_port(self.host)
        self.url = f"{scheme}://{self.host}:{self.port}"
        args = [sys.executable, "-m", "apio_sim", "--host", self.host, "--port", str(self.port), *options]
        env = dict(os.environ)
        # Importable even when the package is not installed (running from a checkout).
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_PARENT, env.get("PYTHONPATH")) if p)
        # Lives as long as the process, closed in stop().
        self._log = open(self._log_path, "w+b") if self._log_path else tempfile.TemporaryFile()  # noqa: SIM115
        self.proc = subprocess.Popen(args, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while True:
            code = self.proc.poll()
            if code is not None:
                output = self.output()
                self.stop()
                raise SimulatorError(f"simulator exited with {code}:\n{output}")
            try:
                self._call("GET", "/_sim/health", timeout=1)
                return self
            except (OSError, SimulatorError):
                if time.monotonic() > deadline:
                    output = self.output()
                    self.stop()
                    raise SimulatorError(f"simulator did not answer within {timeout}s:\n{output}") from None
                time.sleep(0.05)

    def output(self) -> str:
        """What the process printed so far (stdout and stderr)."""
        if self._log is None:
            return ""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None

    def environment(self) -> dict:
        """The environment that points the collection's modules at this simulator, as its seed admin."""
        return dict(SEED_CREDENTIALS, APIO_URL=self.url, APIO_PORTAL_URL=self.url)

    def __enter__(self) -> SimulatorProcess:
        if self.proc is None:
            self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ---- admin API

    def _call(self, method: str, path: str, data=None, timeout: float = 30):
        body = json.dumps(data).encode() if data is not None else None
        req = urllib.request.Request(self.url + path, data=body, method=method)
        if body is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self._ssl) as resp:
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise SimulatorError(f"{method} {path}: {exc.code} {exc.read().decode('utf-8', 'replace')}") from None

    def requests(self, method: str | None = None, path_contains: str | None = None, since: int = 0) -> list[dict]:
        """Recorded API requests, oldest first; ``path_contains`` matches the raw or decoded path."""
        return self.log(method, path_contains, since)["requests"]

    def counters(self) -> dict:
        return self._call("GET", "/_sim/counters")

    def log(self, method: str | None = None, path_contains: str | None = None, since: int = 0) -> dict:
        """The request log (as ``requests()``) and the counters, read at once:
        ``{"requests": [...], "counters": {...}}``."""
        query = {k: v for k, v in (("method", method), ("path_contains", path_contains)) if v}
        if since:
            query["since"] = str(since)
        suffix = f"?{urlencode(query)}" if query else ""
        return self._call("GET", f"/_sim/requests{suffix}")

    def reset(self, state: bool = False) -> None:
        self._call("POST", "/_sim/reset", {"state": state})

    def state(self) -> dict:
        return self._call("GET", "/_sim/state")

    def set_state(self, state: dict) -> dict:
        return self._call("PUT", "/_sim/state", state)

    def user(self, tenant: str, group: str, user: str) -> dict:
        return self._call("GET", f"/_sim/users/{_seg(tenant)}/{_seg(group)}/{_seg(user)}")

    def set_user(self, tenant: str, group: str, user: str, data: dict) -> dict:
        return self._call("PUT", f"/_sim/users/{_seg(tenant)}/{_seg(group)}/{_seg(user)}", data)

    def portal_user(self, customer: str, user: str) -> dict:
        return self._call("GET", f"/_sim/portal/{_seg(customer)}/{_seg(user)}")

    def set_portal_user(self, customer: str, user: str, data: dict) -> dict:
        return self._call("PUT", f"/_sim/portal/{_seg(customer)}/{_seg(user)}", data)

    def faults(self, **kw) -> dict:
        """Change some faults (the others keep their value); returns the whole fault config."""
        return self._call("PUT", "/_sim/faults", kw)

    def expire_tokens(self, refresh: bool = False, static: bool = False) -> dict:
        """Revoke issued access tokens (``refresh``: refresh tokens too; ``static``: the
        machine and static portal tokens too, until ``reset(state=True)``)."""
        return self._call("POST", "/_sim/expire_tokens", {"refresh": refresh, "static": static})


# ---- command line


def main(argv: list[str] | None = None) -> int:
    """``python -m apio_sim.testing [SIMULATOR OPTIONS] -- COMMAND [ARGS]``: start a simulator on a free
    port (the options before ``--`` go to ``python -m apio_sim``), run COMMAND with the simulator's URL and
    the seed's credentials in its environment (``environment()``), stop the simulator; exit with COMMAND's
    status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if "--" not in argv or argv.index("--") == len(argv) - 1:
        sys.stderr.write("usage: python -m apio_sim.testing [SIMULATOR OPTIONS] -- COMMAND [ARGS]\n")
        return 2
    split = argv.index("--")
    with SimulatorProcess().start(extra_args=argv[:split]) as sim:
        command = subprocess.Popen(argv[split + 1 :], env=dict(os.environ, **sim.environment()))
        try:
            return command.wait()
        except KeyboardInterrupt:  # the command got the interrupt too: let it finish
            return command.wait()


if __name__ == "__main__":
    sys.exit(main())
