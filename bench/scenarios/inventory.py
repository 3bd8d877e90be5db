"""The hooks of the inventory scenario (inventory.yml): what an ``ansible-inventory --list`` run records
of the plugin's -v timings and of its output, the floor client, the checks and the section "Inventory:
listing the platform" of docs/benchmark.md (with the findings written by hand in bench/inventory_notes.md).

For the ansible-inventory runs: wall time of the process, its CPU time and peak RSS (``wait4``), the
plugin's own timings from its ``-v`` lines (listing, phone reads, making the hosts; the rest is
ansible-inventory's own work: variables of every host and the JSON output), the requests the simulator
counted, and the hosts, groups and size of the JSON output (``--output FILE``, removed once measured).
"""

from __future__ import annotations

import json
import os
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from tools.benchmark import BENCH, GROUP, TENANT, floor_session, user_id
from tools.fmt import fmt_int

LABELS = {"listing": "listing", "phones": "listing + `phone_details`"}
PLUGIN_LINES = {  # the plugin's -v lines: what they time
    "listing_s": re.compile(r"telephony\.apio\.users: listed (\d+) users from \S+ in ([\d.]+) s"),
    "phones_s": re.compile(r"telephony\.apio\.users: read the phones of (\d+) users in ([\d.]+) s"),
    "hosts_s": re.compile(r"telephony\.apio\.users: made (\d+) hosts in ([\d.]+) s"),
}
# Findings written by hand after the run that produced the numbers of the section: part of the section.
NOTES_FILE = BENCH / "inventory_notes.md"


# -- the runs ------------------------------------------------------------------------------------------

def after_inventory(ctx, run):
    """The plugin's timings (its -v lines), the hosts and groups listed and the size of the JSON output,
    which is removed (about 1 KB per host)."""
    found = run["output"]
    plugin = {}
    for key, pattern in PLUGIN_LINES.items():
        line = pattern.search(found.output)
        plugin[key] = float(line.group(2)) if line else None
    data = found.data
    output = Path(found.output_file)
    run.update(plugin=plugin, hosts=len(data["_meta"]["hostvars"]), groups=len([g for g in data if g != "_meta"]),
               phone_groups={g: len(v.get("hosts", [])) for g, v in data.items() if g.startswith("phone_")},
               output_bytes=output.stat().st_size)
    run["ansible_own_s"] = round(found.seconds - sum(v for v in plugin.values() if v is not None), 2)
    output.unlink()


def floor_client(argv):
    """``floor-client inventory URL USERS PARALLEL``: one JSON line with its time and counts."""
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


# -- the checks --------------------------------------------------------------------------------------

def checks(results):
    """What every ansible-inventory run must show: every user a host, one login, the phone GETs of its case."""
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
    return "\n".join(lines)


# -- the section ---------------------------------------------------------------------------------------

def plugin_s(value):
    """A timing of the plugin's -v lines, as they print it (one decimal); ``-`` when the case has none."""
    return "-" if value is None else "%.1f" % value


def section(results, docs_path):
    s, m = results["settings"], results["machine"]
    runs = [r for r in results["runs"] if r["case"] != "floor"]
    floors = dict((r["latency_ms"], r) for r in results["runs"] if r["case"] == "floor")
    users = s["users"] + s["seed_users"]
    rows = []
    for run in runs:
        p, req = run["plugin"], run["requests"]
        rows.append("| %g ms | %s | **%.1f** | %s | %s | %s | %.1f | %.1f | %s | %s / %s / %d | %s | %.0f MB | %.1f→%.1f |" % (
            run["latency_ms"], LABELS[run["case"]], run["wall_s"], plugin_s(p["listing_s"]),
            plugin_s(p["phones_s"]), plugin_s(p["hosts_s"]), run["ansible_own_s"], run["cpu_s"],
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
    verdicts = ["| %s | **%s** | %s |" % (name, "PASS" if ok else "MISS", detail) for name, ok, detail in checks(results)]
    notes = NOTES_FILE.read_text().strip() if NOTES_FILE.exists() else ""
    return "\n".join([
        "## Inventory: listing the platform",
        "",
        "Issue 12: `ansible-inventory --list` with the inventory plugin `telephony.apio.users` on a simulator of "
        "%s users (%s synthetic users in one group of the tenant `bench`, three phone types, and the seed's %d), "
        "everything the account sees, `parallel: %d`. Generated by `python -m bench.run inventory` (scenario "
        "`bench/scenarios/inventory.yml`); the raw numbers are in `bench/results/inventory.json`."
        % (fmt_int(users), fmt_int(s["users"]), s["seed_users"], s["parallel"]),
        "",
        "```",
        ".venv/bin/%s" % " ".join(w for w in results["command"].split() if w not in ("--no-docs", "--report-only")),
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
    ] + (["", notes, ""] if notes else []))
