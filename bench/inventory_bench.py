#!/usr/bin/env python3
"""The inventory plugin telephony.apio.users listing a platform of 100,000 users.

For each latency (default: none, and 10 ms on every API request), one simulator with ``--users N``
synthetic users (tenant ``bench``, group ``benchgroup``, three phone types; plus the seed's 7 users in
tenants ``foo`` and ``bar``), and on it, each in a process of its own:

  listing   ``ansible-inventory -i bench.apio_users.yml --list``: the listing routes only
  phones    the same with ``phone_details: true`` (one GET of the phone buttons per user, ``--parallel``
            at once) and ``keyed_groups`` by ``apio_device_type``
  floor     a bare ``requests.Session`` with a ThreadPoolExecutor of ``--parallel`` threads: one login,
            then the phone buttons GET of every listed user, timed from before its login to its last
            answer (not its start-up): what the phone reads cost without the plugin and ansible

For the ansible-inventory runs: wall time of the process, its CPU time and peak RSS (``wait4``), the
plugin's own timings from its ``-v`` lines (listing, phone reads, making the hosts; the rest is
ansible-inventory's own work: variables of every host and the JSON output), the requests the simulator
counted, and the hosts, groups and size of the JSON output (``--output FILE``).

    .venv/bin/python -m bench.inventory_bench                      # 100,000 users, 0 and 10 ms
    .venv/bin/python -m bench.inventory_bench --users 2000 --no-docs --results /tmp/i.json   # a quick try
    .venv/bin/python -m bench.inventory_bench --report-only        # re-render the docs section

Writes bench/results/inventory.json and the section "Inventory: listing the platform" of
docs/benchmark.md (between markers; bench/report.py keeps it when it rewrites the rest).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from tools.benchmark import (
    BENCH,
    GROUP,
    TENANT,
    Simulator,
    add_output_options,
    add_simulator_options,
    command_line,
    floor_session,
    git_commit,
    machine,
    relative,
    replace_section,
    results_of,
    run_floor_client,
    run_inventory,
    user_id,
)
from tools.simlog import count_requests
from tools.fmt import fmt_int, fmt_s

SECTION_TITLE = "## Inventory: listing the platform"
BEGIN = "<!-- inventory-bench:begin (bench/inventory_bench.py writes this section) -->"
END = "<!-- inventory-bench:end -->"
SEED_USERS = 7  # the simulator's seed users, next to the synthetic ones
CASES = {
    "listing": dict(label="listing", config={}),
    "phones": dict(label="listing + `phone_details`", config={
        "phone_details": True, "keyed_groups": [{"key": "apio_device_type", "prefix": "phone"}]}),
}
PLUGIN_LINES = {  # the plugin's -v lines: what they time
    "listing_s": re.compile(r"telephony\.apio\.users: listed (\d+) users from \S+ in ([\d.]+) s"),
    "phones_s": re.compile(r"telephony\.apio\.users: read the phones of (\d+) users in ([\d.]+) s"),
    "hosts_s": re.compile(r"telephony\.apio\.users: made (\d+) hosts in ([\d.]+) s"),
}


# -- one ansible-inventory run -------------------------------------------------------------------------

def measure_inventory(sim, case, parallel, out_dir, name):
    config = dict(CASES[case]["config"], parallel=parallel)
    sim.prepare(reset_state=False)
    run, log_file, load = run_inventory(sim, config, out_dir, name)
    plugin = {}
    for key, pattern in PLUGIN_LINES.items():
        found = pattern.search(run.output)
        plugin[key] = float(found.group(2)) if found else None
    data = run.data
    hostvars = data["_meta"]["hostvars"]
    phone_groups = {g: len(v.get("hosts", [])) for g, v in data.items() if g.startswith("phone_")}
    output = Path(run.output_file)
    result = dict(
        case=case, rc=run.rc, wall_s=round(run.seconds, 2), cpu_s=round(run.usage.ru_utime + run.usage.ru_stime, 2),
        peak_rss_mb=round(run.usage.ru_maxrss / 1024, 1), plugin=plugin, hosts=len(hostvars),
        groups=len([g for g in data if g != "_meta"]), phone_groups=phone_groups,
        output_bytes=output.stat().st_size, requests=count_requests(sim), log=relative(log_file), **load)
    known = [v for v in plugin.values() if v is not None]
    result["ansible_own_s"] = round(run.seconds - sum(known), 2)
    output.unlink()  # about 1 KB per host
    return result


# -- the floor: a bare requests client, in a process of its own -----------------------------------------

def floor_client_main(argv):
    """``inventory_bench.py floor-client URL USERS PARALLEL``: one JSON line with its time and counts."""
    url, users, parallel = argv[0], int(argv[1]), int(argv[2])
    ids = [user_id(i) for i in range(users)]
    base = "%s/api/v1/tenants/%s/groups/%s/users/" % (url, TENANT, GROUP)
    cpu0, started = os.times(), time.monotonic()  # requests is imported: the plugin's start-up is ansible-inventory's
    session = floor_session(url, parallel)

    def one(user):
        answer = session.get(base + quote(user, safe="") + "/access_device/phone_buttons/")
        answer.raise_for_status()
        return answer.json()["deviceType"]

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        types = set(pool.map(one, ids))
    wall = time.monotonic() - started
    cpu1 = os.times()
    print(json.dumps(dict(work_s=round(wall, 2), gets=len(ids), phone_types=len(types),
                          cpu_s=round(cpu1.user - cpu0.user + cpu1.system - cpu0.system, 2))))
    return 0


def run_floor(sim, users, parallel, out_dir, name):
    sim.prepare(reset_state=False)
    run = run_floor_client(Path(__file__).resolve(), [sim.url, users, parallel], sim, out_dir, name)
    run.update(case="floor")
    return run


# -- the benchmark ------------------------------------------------------------------------------------------

def run_all(args):
    out_dir = Path(args.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results = dict(machine=machine(), command=args.command, started=time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime()),
                   settings=dict(users=args.users, seed_users=SEED_USERS, latencies_ms=args.latencies,
                                 parallel=args.parallel, access_ttl=args.access_ttl, floor=not args.no_floor),
                   runs=[])
    results["machine"]["git_commit_start"] = git_commit()
    for latency in args.latencies:
        tag = "%gms" % latency
        sim = Simulator(args.users, latency, out_dir / ("simulator-%s.log" % tag), args.access_ttl)
        try:
            for case in args.cases:
                print("bench: %s, %s ..." % (tag, case), flush=True)
                run = measure_inventory(sim, case, args.parallel, out_dir, "%s-%s" % (case, tag))
                run.update(latency_ms=latency, users=args.users + SEED_USERS)
                results["runs"].append(run)
                print("bench: %s, %s: %.1f s" % (tag, case, run["wall_s"]), flush=True)
            if not args.no_floor:
                print("bench: %s, floor ..." % tag, flush=True)
                run = run_floor(sim, args.users, args.parallel, out_dir, "floor-%s" % tag)
                run.update(latency_ms=latency, users=args.users)
                results["runs"].append(run)
                print("bench: %s, floor: %.1f s" % (tag, run["work_s"]), flush=True)
        finally:
            sim.stop()
    results["machine"]["git_commit"] = git_commit()
    results["duration_s"] = round(time.monotonic() - started, 1)
    return results


def checks(results):
    """What every run must show: (name, ok, detail)."""
    found = []
    for run in results["runs"]:
        if run["case"] == "floor":
            continue
        where = "%s at %g ms" % (run["case"], run["latency_ms"])
        req = run["requests"]
        want_phones = run["users"] if run["case"] == "phones" else 0
        ok = (run["hosts"] == run["users"] and req["button_gets"] == want_phones and req["logins"] == 1
              and req["other"] == req["puts"] == req["phone_type_gets"] == 0)
        phones = "one phone GET per user" if want_phones else "no phone GET"
        found.append(("%s: every user a host, one login, %s" % (where, phones), ok,
                      "%d hosts of %d users; %d listing GETs, %d phone GETs, %d logins"
                      % (run["hosts"], run["users"], req["listings"], req["button_gets"], req["logins"])))
    return found


def summary(results):
    lines = []
    for run in results["runs"]:
        if run["case"] == "floor":
            lines.append("bench: %g ms floor client: %.1f s (%d GETs)" % (run["latency_ms"], run["work_s"], run["gets"]))
        else:
            lines.append("bench: %g ms %-7s %.1f s wall, %.1f s CPU, %.0f MB, plugin %s"
                         % (run["latency_ms"], run["case"], run["wall_s"], run["cpu_s"], run["peak_rss_mb"], run["plugin"]))
    for name, ok, detail in checks(results):
        lines.append("bench: %s %s: %s" % ("PASS" if ok else "FAIL", name, detail))
    return "\n".join(lines)


# -- docs ----------------------------------------------------------------------------------------------------

def section(results, notes=""):
    s, m = results["settings"], results["machine"]
    runs = [r for r in results["runs"] if r["case"] != "floor"]
    floors = dict((r["latency_ms"], r) for r in results["runs"] if r["case"] == "floor")
    users = s["users"] + s["seed_users"]
    rows = []
    for run in runs:
        p, req = run["plugin"], run["requests"]
        rows.append("| %g ms | %s | **%.1f** | %s | %s | %s | %.1f | %.1f | %s | %s / %s / %d | %s | %.0f MB | %.1f→%.1f |" % (
            run["latency_ms"], CASES[run["case"]]["label"], run["wall_s"], fmt_s(p["listing_s"]),
            fmt_s(p["phones_s"]), fmt_s(p["hosts_s"]), run["ansible_own_s"], run["cpu_s"],
            "%.0f" % run["peak_rss_mb"], fmt_int(req["listings"]), fmt_int(req["button_gets"]), req["logins"],
            fmt_int(run["hosts"]), run["output_bytes"] / 2**20, run["load_before"], run["load_after"]))
    floor_lines = []
    for latency, run in sorted(floors.items()):
        plugin_run = next((r for r in runs if r["case"] == "phones" and r["latency_ms"] == latency), None)
        ratio = ""
        if plugin_run and plugin_run["plugin"]["phones_s"]:
            ratio = ("; the plugin's phone reads took %.1f s, %.2f× that"
                     % (plugin_run["plugin"]["phones_s"], plugin_run["plugin"]["phones_s"] / run["work_s"]))
        floor_lines.append("- %g ms: %.1f s for %s GETs (%.1f s CPU)%s." % (
            latency, run["work_s"], fmt_int(run["gets"]), run["cpu_s"], ratio))
    verdicts = ["| %s | **%s** | %s |" % (name, "PASS" if ok else "FAIL", detail) for name, ok, detail in checks(results)]
    return "\n".join([
        BEGIN,
        SECTION_TITLE,
        "",
        "Issue 12: `ansible-inventory --list` with the inventory plugin `telephony.apio.users` on a simulator of "
        "%s users (%s synthetic users in one group of the tenant `bench`, three phone types, and the seed's %d), "
        "everything the account sees, `parallel: %d`. Generated by `bench/inventory_bench.py`; the raw numbers "
        "are in `bench/results/inventory.json`." % (fmt_int(users), fmt_int(s["users"]), s["seed_users"], s["parallel"]),
        "",
        "```",
        ".venv/bin/python %s" % " ".join(w for w in results["command"].split() if w not in ("--no-docs", "--report-only")),
        "```",
        "",
        "| latency | case | wall s | listing s | phones s | making hosts s | ansible's own s | CPU s | peak RSS MB "
        "| GET listing / phones / logins | hosts | JSON output | load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ] + rows + [
        "",
        "- **wall s**: the whole `ansible-inventory` process. **listing s**, **phones s**, **making hosts s**: the "
        "plugin's own timings (its `-v` lines): the listing requests (one per tenant and group: %s users come "
        "in one answer), the phone buttons GETs, and adding the hosts, their variables and groups (and the keyed "
        "groups) to the inventory. **ansible's own s**: the rest, which is ansible-inventory's: start-up, every "
        "host's variables (vars plugins) and the JSON output." % fmt_int(s["users"]),
        "- **CPU s**, **peak RSS MB**: `ansible-inventory` (`wait4`), the simulator not included; the machine's two "
        "cores are shared with the simulator. **JSON output**: the size of `--output FILE`; from ansible-core 2.19 "
        "every value read from the API is written as `{\"__ansible_unsafe\": ...}` (never templated).",
        "- **floor**: a bare `requests.Session` with %d threads in a process of its own, timed from its login to "
        "its last answer, GETting the phone buttons of the %s synthetic users:" % (s["parallel"], fmt_int(s["users"])),
    ] + ["  " + line for line in floor_lines] + [
        "",
        "| check | result | measured |",
        "|---|---|---|",
    ] + verdicts + [
        "",
        "Machine: %d CPUs (%s), Python %s, ansible-core %s, collection at commit %s at the start of the run "
        "and %s at its end; run %s, %.0f minutes."
        % (m["nproc"], m["cpu"], m["python"], m["ansible_core"], m.get("git_commit_start") or "?",
           m.get("git_commit") or "?", results["started"], results["duration_s"] / 60),
        notes,
        END,
    ])


# Findings written by hand after the run that produced the numbers above: part of the section.
NOTES_FILE = BENCH / "inventory_notes.md"


def write_docs(results, docs_path):
    notes = ("\n" + NOTES_FILE.read_text().strip() + "\n") if NOTES_FILE.exists() else ""
    replace_section(docs_path, section(results, notes), BEGIN, END)


# -- command line -----------------------------------------------------------------------------------------------

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--users", type=int, default=100000, help="synthetic users (default: %(default)s)")
    p.add_argument("--latencies", default="0,10", help="simulator latencies in ms, comma-separated (default: 0,10)")
    p.add_argument("--cases", default="listing,phones", help="cases, comma-separated (default: listing,phones)")
    p.add_argument("--parallel", type=int, default=8, help="phone reads in flight (default: the plugin's, 8)")
    add_simulator_options(p, latency=False)
    p.add_argument("--no-floor", action="store_true", help="skip the bare requests client")
    add_output_options(p, "inventory", "inventory.json")
    args = p.parse_args(argv)
    args.latencies = [float(v) for v in args.latencies.split(",") if v]
    args.cases = [c for c in args.cases.split(",") if c]
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        p.error("unknown case(s): %s" % ", ".join(unknown))
    args.command = command_line("inventory_bench.py", argv)
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["floor-client"]:
        return floor_client_main(argv[1:])
    args = parse_args(argv)
    results = results_of(args, run_all)
    print(summary(results))
    if not args.no_docs:
        write_docs(results, Path(args.docs))
        print("bench: wrote %s and %s" % (args.results, args.docs))
    return 0 if all(ok for _, ok, _ in checks(results)) else 1


if __name__ == "__main__":
    sys.exit(main())
