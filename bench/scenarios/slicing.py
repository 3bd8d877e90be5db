"""The hooks of the job slicing scenario (slicing.yml): the job's inventories and playbook, the slices'
``--limit`` files as AWX deals them out, one job (every slice at once, in processes of their own), the
check of their exit statuses and the section "Job slicing" of docs/benchmark.md."""

from __future__ import annotations

import time
from pathlib import Path

from tools import runner
from tools.benchmark import RUN_TIMEOUT
from tools.inventory import awx_slices, platform_and_policy


# -- the runs ------------------------------------------------------------------------------------------

def write_job(ctx):
    """The plugin's config and the git policy (their -i options) and the job's playbook, site.yml."""
    work = ctx.out_dir
    site = work / "site.yml"
    site.write_text("---\n" + "".join("- ansible.builtin.import_playbook: %s\n" % p for p in ctx.vars["playbooks"]))
    return dict(inventories=platform_and_policy(work), site=str(site))


def write_slices(ctx):
    """``ansible-inventory --list`` once, its hosts dealt into ``count`` --limit files (none for one slice)."""
    work, count, inventories = ctx.out_dir, ctx.vars["count"], ctx.vars["inventories"]
    env = runner.environment(ctx.sim, connection=True)
    listed = runner.start("ansible-inventory", inventories + ["--list"], env, work).wait(RUN_TIMEOUT)
    if listed.rc != 0:
        raise SystemExit("bench: ansible-inventory failed (rc %d): %s" % (listed.rc, listed.output[-2000:]))
    hosts = listed.data["_meta"]["hostvars"]
    limits = []
    for k, members in enumerate(awx_slices(hosts, count), 1):
        path = work / ("slice%d-of-%d.txt" % (k, count))
        path.write_text("\n".join(members) + "\n")
        limits.append(str(path))
    return dict(limits=limits if count > 1 else [None], hosts=len(hosts))


def run_job(ctx):
    """Every slice at once, one ansible-playbook each; the job's wall time is its slowest slice's."""
    work, name, limits = ctx.out_dir, ctx.vars["name"], ctx.vars["limits"]
    env = runner.environment(ctx.sim, connection=True)
    started = time.monotonic()
    jobs = []
    for k, limit in enumerate(limits, 1):
        args = [Path(ctx.vars["site"])] + ctx.vars["inventories"] + (["--limit", "@%s" % limit] if limit else [])
        jobs.append(runner.start("ansible-playbook", args, env, work, log=work / ("%s-%d.log" % (name, k))))
    codes = [job.wait(RUN_TIMEOUT).rc for job in jobs]
    return dict(rc=next((c for c in codes if c), 0), seconds=round(time.monotonic() - started, 1), exit_codes=codes,
                hosts=ctx.vars["hosts"], log=str(work / ("%s-1.log" % name)))


# -- the checks --------------------------------------------------------------------------------------

def checks(results):
    found = []
    for run in results["runs"]:
        found.append(("%d slices, %s: every ansible-playbook exits 0" % (run["slices"], run["phase"]),
                      all(code == 0 for code in run["exit_codes"]),
                      "exit codes %s; %.1f s; %s requests" % (run["exit_codes"], run["seconds"], format(run["requests"]["total"], ","))))
    return found


# -- the section ---------------------------------------------------------------------------------------

def section(results, docs_path):
    s = results["settings"]
    users, latency, cpus = s["users"], s["latency_ms"], results["machine"]["nproc"]
    rows = dict(((r["slices"], r["phase"]), r) for r in results["runs"])
    lines = [
        "## Job slicing", "",
        "The collection's playbooks `phone_buttons` and `primary_line` on %s users (%s hosts with the seed's), "
        "%d ms of latency on every API request, on this %d-core machine; the desired state is a group policy in "
        "git and the hosts come from the inventory plugin. One slice is one `ansible-playbook` process; N "
        "slices are N processes at once, each `--limit`-ed to its slice as AWX deals them out "
        "([job-slicing.md](job-slicing.md)). First convergence: every user differs (4 requests each); steady "
        "state: the same run again (2 reads each). The wall time is the slowest slice's."
        % (format(users, ","), format(next(iter(rows.values()))["hosts"], ","), latency, cpus), "",
        "| slices | first convergence | steady state | requests (first, steady) |",
        "|---:|---:|---:|---:|",
    ]
    for count in sorted(set(r["slices"] for r in results["runs"])):
        first, steady = rows[(count, "first convergence")], rows[(count, "steady state")]
        lines.append("| %d | %s | %s | %s, %s |" % (count, duration(first["seconds"]), duration(steady["seconds"]),
                                                  format(first["requests"]["total"], ","),
                                                  format(steady["requests"]["total"], ",")))
    lines += [
        "",
        "For scale, the requests alone, 8 in flight at %d ms each, take %s (first convergence) and %s (steady "
        "state) on one session: the rest is ansible-core's (the inventory, the hosts' variables, the tasks)." % (
            latency, duration(rows[(1, "first convergence")]["requests"]["total"] * latency / 8000.0),
            duration(rows[(1, "steady state")]["requests"]["total"] * latency / 8000.0)),
        "",
        "Every process here lists the whole platform and loads every host before `--limit` applies, and the "
        "processes share this machine's %d cores. AWX gives each slice job an inventory of its own hosts only, "
        "on an execution node of its own: the sliced times here are an upper bound. The requests are the same "
        "in number either way: each user is read (and written) by one slice only." % cpus,
        "",
    ] + ([s["conditions"], ""] if s.get("conditions") else []) + [
        "Reproduce: `.venv/bin/python -m bench.run slicing` (`--set users=N`, `--set latency_ms=N`, `--set slices=1,4`).",
    ]
    return "\n".join(lines)


def duration(seconds):
    return "%d min %02d s" % divmod(round(seconds), 60) if seconds >= 60 else "%.1f s" % seconds
