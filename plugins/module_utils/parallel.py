# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one parallel runner of the collection, with its one progress protocol.

The engine (its read and write phases), the listing (``add_phone_details``) and the export
(``read_platform``, ``read_softphones``) all run their per-user work through ``for_each``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait

PROGRESS_INTERVAL = 5.0  # seconds between two progress reports of a long run


def for_each(items, work, parallel=8, progress=None, done=0, total=None):
    """Call ``work(item)`` for every item, ``parallel`` at once. The first failure stops the others (no
    worker takes a new item) and is raised once every worker has stopped.

    ``progress(done, total)`` is called from the calling thread every PROGRESS_INTERVAL seconds while the
    work runs, and once at the end when there was anything to do. ``done`` and ``total`` place these
    items in a larger run (a wave of the write phase): the counts start at ``done`` and ``total``
    defaults to the number of items.
    """
    items = list(items)
    tally = _Tally(done, len(items) if total is None else total)
    workers = max(1, min(parallel, len(items)))
    if workers == 1:
        _in_this_thread(items, work, progress, tally)
    else:
        _in_workers(items, work, workers, progress, tally)
    if progress is not None and tally.total:
        progress(tally.done, tally.total)


class _Tally:
    def __init__(self, done, total):
        self.done = done
        self.total = total
        self.lock = threading.Lock()
        self.errors = []


def _in_this_thread(items, work, progress, tally):
    last = time.monotonic()
    for item in items:
        work(item)
        tally.done += 1
        now = time.monotonic()
        if progress is not None and now - last >= PROGRESS_INTERVAL:
            last = now
            progress(tally.done, tally.total)


def _in_workers(items, work, workers, progress, tally):
    pending = iter(items)

    def worker():
        while True:
            with tally.lock:
                if tally.errors:
                    return
                item = next(pending, _END)
            if item is _END:
                return
            try:
                work(item)
            # Any failure, as it is: the calling thread raises it once every worker has stopped.
            except Exception as exc:  # pylint: disable=broad-except
                with tally.lock:
                    tally.errors.append(exc)
                return
            with tally.lock:
                tally.done += 1

    # Each worker takes the next item when it is free: no future per item (100,000 users).
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(worker) for unused in range(workers)]
        while wait(futures, timeout=PROGRESS_INTERVAL).not_done:
            if progress is not None and not tally.errors:
                progress(tally.done, tally.total)
        for future in futures:
            future.result()
    if tally.errors:
        raise tally.errors[0]


_END = object()
