"""What the simulator recorded, read the same way by every suite.

``writes(requests)``: the write requests among recorded requests (``sim.requests()``, or a log kept
earlier): anything but GET, logins and token requests. The fake server of the unit tests has its own
record (``support.fake_server.ScriptedServer.sent``).
"""

WRITE_METHODS = ("PUT", "POST", "PATCH", "DELETE")


def writes(requests):
    """The writes among recorded requests, in order (anything but GET, logins and token requests)."""
    return [r for r in requests
            if r["method"] in WRITE_METHODS and "/auth/" not in r["path"] and not r["path"].endswith("/connect/token")]
