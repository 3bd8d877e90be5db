#!/usr/bin/env python3
"""Where the roll-out's time goes: the engine of apio_phone_buttons_rollout run in this process, phase by
phase (wall and CPU), optionally under cProfile, against a simulator of its own (bench/scenarios/rollout.yml
measures the whole ansible-playbook run; this looks inside the task).

    .venv/bin/python -m bench.profile_rollout --users 10000                 # phases, first then steady
    .venv/bin/python -m bench.profile_rollout --users 10000 --cprofile 30   # + the 30 costliest functions

The task arguments are those the role passes (the users through the role's own filter, the shipped
templates); the action's argument validation and the engine run exactly as in the action plugin.

It repeats the body of the action's run() to time it phase by phase, with public names only: of the
action plugin apio_phone_buttons_rollout ``Rollout`` (the resource class with ansible's filters) and
``CheckedArgs`` (the task arguments validated, with their no_log values); of the engine (engine.py)
``Engine`` and its phase methods ``users``, ``each`` and ``outcome`` (overridden to time each phase);
the outcome's ``task_result``; and ansible-core's ``remove_values``.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
from pathlib import Path

import psutil

from bench.scenarios.rollout import ROLE_VARS, TEMPLATE, assistant_of
from tools.benchmark import BENCH, GROUP, PASSWORD, TENANT, USERNAME, Simulator, add_simulator_options, user_id
from tools.inprocess import collection_in_place

collection_in_place()


def load_templates():
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    return yaml.load(ROLE_VARS.read_text(), Loader=Loader)["phone_buttons_builtin_templates"]


def task_args(url, users, user_vars, parallel):
    from ansible_collections.telephony.apio.plugins.filter.phone_buttons_users import phone_buttons_users

    listed = [dict(user=user_id(i), **({"vars": {"assistant": assistant_of(i, users)}} if user_vars else {}))
              for i in range(users)]
    defaults = dict(tenant=TENANT, group=GROUP, operator="", template=TEMPLATE, vars={}, keys=[])
    return dict(url=url, username=USERNAME, password=PASSWORD, templates=load_templates(),
                batch=phone_buttons_users(listed, defaults, hosts=[], as_batch=True), purge=True,
                on_missing="skip", on_invalid="abort", parallel=parallel)


def run_once(args_in, clock):
    """The action plugin's run() body, timed by phase."""
    from ansible.module_utils.basic import remove_values
    from ansible_collections.telephony.apio.plugins.action import apio_phone_buttons_rollout as action
    from ansible_collections.telephony.apio.plugins.module_utils import engine as engine_mod
    from ansible_collections.telephony.apio.plugins.module_utils.run_watch import RunWatch

    class Timed(engine_mod.Engine):
        def users(self):
            with clock("validate users (engine)"):
                return super().users()

        def each(self, phase, work, users, done=0, total=None):
            with clock("%s phase" % phase):
                return super().each(phase, work, users, done=done, total=total)

        def outcome(self, users):
            with clock("result (entries, fit_result)"):
                return super().outcome(users)

    with clock("validate task args (action)"):
        checked = action.CheckedArgs(dict(args_in))
    with clock("engine setup"):
        engine = Timed(action.Rollout, checked.params, watch=RunWatch())
    result = engine.run().task_result()
    with clock("remove_values (no_log masking)"):
        result = remove_values(result, checked.no_log_values)
    return result, engine.client.logins


class Clock:
    def __init__(self):
        self.phases = []

    def __call__(self, name):
        clock = self

        class Phase:
            def __enter__(self):
                self.wall, self.cpu = time.monotonic(), time.process_time()

            def __exit__(self, *exc):
                clock.phases.append((name, time.monotonic() - self.wall, time.process_time() - self.cpu,
                                     psutil.Process().memory_info().rss / 2**20))
        return Phase()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=10000)
    add_simulator_options(p)
    p.add_argument("--parallel", type=int, default=8)
    p.add_argument("--no-user-vars", dest="user_vars", action="store_false")
    p.add_argument("--cprofile", type=int, default=0, help="print the N costliest functions (cumulative)")
    p.add_argument("--cases", default="first,steady")
    p.add_argument("--out-dir", default=str(BENCH / "out" / "profile"))
    args = p.parse_args(argv)
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    sim = Simulator(args.users, args.latency_ms, out / "simulator.log", args.access_ttl)
    report = {}
    try:
        clock = Clock()
        with clock("build task args (role filter)"):
            built = task_args(sim.url, args.users, args.user_vars, args.parallel)
        setup = clock.phases
        for case in args.cases.split(","):
            sim.prepare(reset_state=(case == "first"))
            clock = Clock()
            profiler = cProfile.Profile() if args.cprofile else None
            wall, cpu = time.monotonic(), time.process_time()
            if profiler:
                profiler.enable()
            result, logins = run_once(built, clock)
            if profiler:
                profiler.disable()
            wall, cpu = time.monotonic() - wall, time.process_time() - cpu
            counters = sim.counters()
            print("== %s: %.1f s wall, %.1f s CPU, %s, %d requests, %d logins, result %d bytes (str)"
                  % (case, wall, cpu, result.get("msg", "")[:80], counters["total"], logins, len(str(result))))
            for name, w, c, rss in setup + clock.phases:
                print("   %-34s %7.2f s wall %7.2f s CPU   RSS after %4.0f MB" % (name, w, c, rss))
            report[case] = dict(wall_s=round(wall, 3), cpu_s=round(cpu, 3), requests=counters["total"],
                                phases=[dict(name=n, wall_s=round(w, 3), cpu_s=round(c, 3), rss_after_mb=round(r, 1))
                                        for n, w, c, r in setup + clock.phases])
            setup = []
            if profiler:
                text = io.StringIO()
                stats = pstats.Stats(profiler, stream=text).sort_stats("cumulative")
                stats.print_stats(args.cprofile)
                stats.dump_stats(str(out / ("%s.prof" % case)))
                print(text.getvalue())
    finally:
        sim.stop()
    import resource
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print("== peak RSS of this process (engine, users, results): %.0f MB" % report["peak_rss_mb"])
    (out / "phases.json").write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
