"""What the simulator recorded, read the same way by every suite.

``writes(requests)``: the write requests among recorded requests (``sim.requests()``, or a log kept
earlier): anything but GET, logins and token requests. ``count_requests(sim)``: the requests since the
last reset by what they did, with the simulator's counters (the tests and the benchmarks count so). The fake server of the unit tests has its own
record (tests/support: ``support.fake_server.ScriptedServer.sent``).
"""

WRITE_METHODS = ("PUT", "POST", "PATCH", "DELETE")


def writes(requests):
    """The writes among recorded requests, in order (anything but GET, logins and token requests)."""
    return [r for r in requests
            if r["method"] in WRITE_METHODS and "/auth/" not in r["path"] and not r["path"].endswith("/connect/token")]


def count_requests(sim):
    """The requests since the last reset by what they did: phone buttons GETs and PUTs, phone type GETs,
    listings (GETs of the tenants, groups or users), anything else but logins and token requests; and
    the simulator's counters (the admin API is never recorded)."""
    log = sim.log()
    kinds = dict(button_gets=0, puts=0, phone_type_gets=0, listings=0, other=0)
    for request in log["requests"]:
        method, path = request["method"], request["path"]
        if path.startswith("/api/v01/auth/") or path.endswith("/connect/token"):
            continue
        if path.endswith("/access_device/phone_buttons/"):
            kinds["button_gets" if method == "GET" else "puts" if method == "PUT" else "other"] += 1
        elif method == "GET" and "/configs/phone_types/" in path:
            kinds["phone_type_gets"] += 1
        elif method == "GET" and path.endswith(("/tenants/", "/groups/", "/users/")):
            kinds["listings"] += 1
        else:
            kinds["other"] += 1
    counters = log["counters"]
    kinds.update(total=counters.get("total", 0), by_method=counters.get("by_method", {}),
                 by_status=counters.get("by_status", {}), logins=counters.get("logins", 0),
                 refreshes=counters.get("refreshes", 0))
    return kinds
