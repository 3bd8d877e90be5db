"""Request log and counters behind ``GET /_sim/requests``.

Recording must stay cheap at benchmark rates, so an entry is a flat list of
what arrived (body kept as raw bytes); it becomes a dict, with the body
parsed, only when the log is read. The log keeps the latest ``max_entries``
requests (about 150 bytes each); the counters count them all.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, deque
from urllib.parse import parse_qsl, unquote

# Entry layout (a list, mutated in place when the answer is known).
SEQ, METHOD, PATH, QUERY, CTYPE, CHARGES, AUTH, BODY, STATUS, DROPPED = range(10)


class Recorder:
    def __init__(self, max_entries: int = 200_000) -> None:
        self.max_entries = max_entries
        self.clear()

    def clear(self) -> None:
        self.entries: deque[list] = deque(maxlen=self.max_entries)
        self.seq = 0
        self.total = 0
        self.by_method: Counter[str] = Counter()
        self.by_status: Counter[str] = Counter()
        self.logins = 0
        self.refreshes = 0
        self.portal_tokens = 0
        self.dropped = 0

    def start(self, method: str, path: str, query: str, ctype, charges, has_auth: bool, body: bytes) -> list:
        self.seq += 1
        self.total += 1
        self.by_method[method] += 1
        # Benchmarks repeat the same few paths and headers: share one string for each.
        path = sys.intern(path)
        ctype = sys.intern(ctype) if ctype else None
        entry = [self.seq, method, path, query, ctype, charges, has_auth, body, None, False]
        self.entries.append(entry)
        return entry

    def finish(self, entry: list, status: int | None) -> None:
        if status is None:
            entry[DROPPED] = True
            self.dropped += 1
        else:
            entry[STATUS] = status
            self.by_status[str(status)] += 1

    def counters(self) -> dict:
        return {
            "total": self.total,
            "by_method": dict(self.by_method),
            "by_status": dict(self.by_status),
            "logins": self.logins,
            "refreshes": self.refreshes,
            "portal_tokens": self.portal_tokens,
            "dropped": self.dropped,
        }

    def requests(self, method: str | None = None, path_contains: str | None = None, since: int = 0) -> list[dict]:
        out = []
        for e in self.entries:
            if e[SEQ] <= since or (method and e[METHOD] != method.upper()):
                continue
            if path_contains and path_contains not in e[PATH] and path_contains not in unquote(e[PATH]):
                continue
            out.append(
                {
                    "seq": e[SEQ],
                    "method": e[METHOD],
                    "path": e[PATH],
                    "query": e[QUERY],
                    "headers": {"content-type": e[CTYPE], "accept-charges": e[CHARGES], "authorization": e[AUTH]},
                    "body": parse_body(e[BODY], e[CTYPE]),
                    "status": e[STATUS],
                    "dropped": e[DROPPED],
                }
            )
        return out


def parse_body(body: bytes, ctype: str | None):
    """JSON if it parses, a dict for a form, else the text; None when empty."""
    if not body:
        return None
    text = body.decode("utf-8", "replace")
    if ctype and ctype.split(";")[0].strip().lower() == "application/x-www-form-urlencoded":
        return dict(parse_qsl(text, keep_blank_values=True))
    try:
        return json.loads(text)
    except ValueError:
        return text
