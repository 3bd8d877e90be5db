# -*- coding: utf-8 -*-
# Copyright (c) telephony.apio contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stop means stop: whether the ``ansible-playbook`` run that started this task is still there.

AWX and the automation controller cancel a job, or end it at its timeout, through ansible-runner, which
sends SIGKILL to the process group of ``ansible-playbook``. ansible-core's task workers call ``setsid()``
and are not in that group, and neither is a module that a worker runs: both would go on writing. Ctrl-C
and ``kill`` (SIGINT, SIGTERM) reach the workers in ansible-core 2.19 and later, which pass them on to
their process group (the module), but a module's threads go on until the pool drains, and older
releases only end the worker.

``RunWatch`` finds the controller when a task starts: it walks up from this process (a module: the
module's Python, the ``/bin/sh`` of the connection, the worker; an action plugin: the worker itself) to
the worker, and takes its parent, ``ansible-playbook``. The worker is the first process whose parent has
the same command line (a worker is a fork of ``ansible-playbook``, without exec); failing that (no
``/proc/PID/cmdline``), the first session leader (the worker calls ``setsid()`` in ansible-core 2.19 and
later). It remembers each process of that chain by pid and start time (``/proc/PID/stat``
field 22), so that a pid reused by another process is not taken for it. ``stopped()`` then says why the
run must stop, or None: a process of the chain is gone (or a zombie), or SIGINT or SIGTERM arrived
(``start()`` installs handlers that only note the signal, in the main thread; ``finish()`` restores the
previous handlers and, in a worker, hands the signal on to them). When ``ansible-playbook`` is gone,
``finish()`` also ends its orphaned worker (SIGKILL; ``os._exit`` when this process is the worker): a worker
of ansible-core 2.19 and later outlives the group's SIGKILL and would wait forever to hand its result to
the dead controller (blocked writing to a pipe it holds both ends of). The check costs a few small reads of
``/proc`` and is made at most every ``interval`` seconds.

Elsewhere than Linux (no ``/proc``), only this process's own parent is watched (it is gone when this process
is given another parent): that is ``ansible-playbook`` for the roll-out (an action plugin in the worker),
only the connection's shell for a module. When there is no controller to watch (no worker below pid 1, or
the walk fails), only the signals are watched.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import signal
import threading
import time

INTERVAL = 0.2  # seconds between two looks at the controller
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM") if hasattr(signal, name))
PROC = "/proc"


def _proc_stat(pid):
    """(state, ppid, session, start time) of ``pid`` from /proc, or None when there is no such process."""
    try:
        with open("%s/%d/stat" % (PROC, pid), "rb") as stream:
            text = stream.read().decode("ascii", "replace")
    except (OSError, IOError):
        return None
    fields = text[text.rfind(")") + 2:].split()  # the command name may hold spaces and parentheses
    if len(fields) < 20:
        return None
    return fields[0], int(fields[1]), int(fields[3]), fields[19]


def _cmdline(pid):
    try:
        with open("%s/%d/cmdline" % (PROC, pid), "rb") as stream:
            return stream.read() or None
    except (OSError, IOError):
        return None


def find_chain(start=None):
    """The processes to watch, from the parent of ``start`` (default: this process) up to the controller:
    a list of (pid, start time or None), or [] when none is found."""
    pid = start or os.getpid()
    if not os.path.isdir(os.path.join(PROC, str(pid))):
        parent = os.getppid()
        return [(parent, None)] if parent > 1 and start is None else []
    chain = []
    for _depth in range(64):  # a chain that long is not ansible's
        stat = _proc_stat(pid)
        if stat is None:
            return []
        unused_state, ppid, session, started = stat
        if pid != (start or os.getpid()):
            chain.append((pid, started))
        command = _cmdline(pid)
        forked = command is not None and ppid > 1 and command == _cmdline(ppid)
        if forked or session == pid:  # the worker: a fork of ansible-playbook (or, failing that, a session leader)
            if ppid <= 1:
                return []  # a daemon or a container's init: no controller to watch
            parent = _proc_stat(ppid)
            if parent is None:
                return []
            chain.append((ppid, parent[3]))
            return chain
        if ppid <= 1:
            return []
        pid = ppid
    return []


def _alive(pid, started):
    if started is None:  # no /proc: this process's own parent, gone when another one adopted this process
        return os.getppid() == pid
    stat = _proc_stat(pid)
    return stat is not None and stat[3] == started and stat[0] not in ("Z", "X", "x")


class RunWatch:
    """Whether the run that started this task was stopped; see the module docstring."""

    def __init__(self, interval=INTERVAL, chain=None, handle_signals=True, hand_on=False, end_orphan=True):
        self.interval = interval
        self.chain = find_chain() if chain is None else chain
        self.handle_signals = handle_signals
        self.hand_on = hand_on  # give a signal to the previous handler after the run (a worker's own)
        self.end_orphan = end_orphan  # end the worker when ansible-playbook is gone (see finish)
        self.signum = None
        self.gone = None  # the pid of the process of the chain found gone
        self.reason = None
        self._next = 0.0
        self._lock = threading.Lock()
        self._saved = {}

    @property
    def controller(self):
        return self.chain[-1][0] if self.chain else None

    def start(self):
        if self.handle_signals and threading.current_thread() is threading.main_thread():
            for signum in SIGNALS:
                try:
                    self._saved[signum] = signal.signal(signum, self._noted)
                except (OSError, ValueError):  # pragma: no cover - not allowed here
                    pass
        return self

    def _noted(self, signum, frame):
        if self.signum is None:
            self.signum = signum

    def finish(self):
        """Restore the handlers that were there before ``start``; with ``hand_on``, a signal that arrived
        goes to them now (a worker's handler ends the worker, as it would have without the watch)."""
        saved, self._saved = self._saved, {}
        for signum, handler in saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if self.hand_on and self.signum is not None and self.signum in saved:
            os.kill(os.getpid(), self.signum)
        if self.end_orphan and self.gone is not None and self.gone == self.controller:
            self._end_orphaned_worker()

    def _end_orphaned_worker(self):
        worker = self.chain[-2][0] if len(self.chain) >= 2 else os.getpid()
        stat = _proc_stat(worker)
        if stat is None or stat[1] == self.controller:
            return  # gone already, or not orphaned (no /proc: left alone)
        if worker == os.getpid():
            os._exit(1)  # the worker itself (an action plugin): its result has nobody to go to
        try:
            os.kill(worker, signal.SIGKILL)
        except OSError:
            pass

    def stopped(self):
        """Why the run must stop (a sentence), or None. Cheap: looks at the processes at most every
        ``interval`` seconds; once stopped, always stopped."""
        if self.reason is not None:
            return self.reason
        if self.signum is not None:
            self.reason = "interrupted (%s)" % _signal_name(self.signum)
            return self.reason
        now = time.monotonic()
        if now < self._next or not self.chain:
            return None
        with self._lock:
            if now < self._next:
                return self.reason
            self._next = now + self.interval
            for pid, started in self.chain:
                if not _alive(pid, started):
                    self.gone = pid
                    self.reason = ("the ansible-playbook run that started the task is gone (process %d ended: "
                                   "a canceled or timed-out job, or a killed run)" % pid)
                    break
        return self.reason


def _signal_name(signum):
    try:
        return signal.Signals(signum).name
    except (ValueError, AttributeError):  # pragma: no cover
        return "signal %d" % signum
