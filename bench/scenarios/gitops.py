"""The hooks of the GitOps scenario (gitops.yml): the platform changed behind git's back, the floor's bare
client, what a run of the playbook records of its plan report, the targets, and its section of
docs/benchmark.md.

``previous`` (a setting): the results JSON of an earlier run (this scenario's, or bench/gitops_bench.py's
of before the runner), quoted in the section as "Before ..." with ``previous_note``; the quote is kept in
the results, so that ``--report-only`` renders it again without the file.
"""

from __future__ import annotations

import json
import shutil
import statistics
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.benchmark import GROUP, TENANT, layout_floor_client, normal_keys, user_id
from tools.fmt import fmt_int

RATIO_TARGET = 1.25
MEMORY_TARGET_MB = 300
DRIFT_KEY = {"id": 3, "type": "DND_TOGGLE", "label": "DND", "parameter": ""}
OURS = ("dry-run", "apply", "dry-run-steady")
SAMPLE = 50  # users whose keys are checked after a write (and the last user)


def find(results, name):
    """The run named ``name`` (the runs are a list; an old results file of gitops_bench.py had a mapping)."""
    runs = results["runs"]
    for run in runs.values() if isinstance(runs, dict) else runs:
        if run["name"] == name:
            return run
    raise KeyError("no run named %r in the results" % name)


# -- floor (b): the bare requests client, in a process of its own ---------------------------------------

def floor_client(argv):
    """``python -m bench.run floor-client gitops SPEC.json get|put``: GETs only, or GETs and the PUTs."""
    return layout_floor_client(argv[0], write=argv[1] == "put")


# -- the platform (call hooks) -------------------------------------------------------------------------

def prepare(ctx):
    """An empty work directory (where ansible-playbook runs: the inventory, plan/) and the export's vars."""
    work = ctx.out_dir / "work"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    inventory = work / "inventory"
    export_vars = ctx.out_dir / "export-vars.json"
    export_vars.write_text(json.dumps({"apio_export_dir": str(inventory), "apio_export_tenants": [TENANT]}))
    return dict(work=str(work), inventory=str(inventory), export_vars_file=str(export_vars))


def platform_keys(sim, users):
    """Each user's keys as the platform has them (the admin API: no latency, not counted)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        records = list(pool.map(lambda uid: sim.user(TENANT, GROUP, uid), users))
    return {uid: record for uid, record in zip(users, records, strict=True)}


def record_platform(ctx):
    """The users' records and keys as exported, and the floor client's spec file."""
    users = [user_id(i) for i in range(int(ctx.vars["users"]))]
    records = platform_keys(ctx.sim, users)
    layouts = {uid: normal_keys(rec["device"]["keys"]) for uid, rec in records.items()}
    spec_file = ctx.out_dir / ("floor-client-%d.json" % len(users))
    spec_file.write_text(json.dumps(dict(url=ctx.sim.url, users=users, layouts=layouts, parallel=int(ctx.vars["parallel"]))))
    return dict(records=records, layouts=layouts, spec_file=str(spec_file))


def change_platform(ctx):
    """Every user differs from the export: keys removed, or a DND key where there were none."""
    sim = ctx.sim

    def one(item):
        uid, record = item
        record = json.loads(json.dumps(record))
        record["device"]["keys"] = [] if record["device"]["keys"] else [dict(DRIFT_KEY)]
        sim.set_user(TENANT, GROUP, uid, record)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, ctx.vars["records"].items()))


def check_platform(sim, layouts, sample=SAMPLE):
    """How many of a sample of users (and the last user) do not have the exported keys."""
    users = sorted(layouts)
    picked = users[:: max(1, len(users) // sample)] + users[-1:]
    return sum(1 for uid, rec in platform_keys(sim, picked).items() if normal_keys(rec["device"]["keys"]) != layouts[uid])


def clear_plan(ctx):
    shutil.rmtree(Path(ctx.vars["work"]) / "plan", ignore_errors=True)


# -- what a run records (after hooks) ------------------------------------------------------------------

def plan_counts(plan_dir):
    path = plan_dir / "phone_buttons.json"
    if not path.exists():
        return None
    report = json.loads(path.read_text())
    return dict(report["counts"], changes=len(report.get("changes", [])))


def after_ours(ctx, run):
    """The counts of the plan report the run wrote."""
    run["plan"] = plan_counts(Path(ctx.vars["work"]) / "plan")
    print("bench: %-24s plan counts %s" % (run["name"], run["plan"]), flush=True)


def after_put(ctx, run):
    """Users whose keys still differ from the export after the write, in a sample."""
    run["platform_wrong_after"] = check_platform(ctx.sim, ctx.vars["layouts"])


def after_apply(ctx, run):
    after_ours(ctx, run)
    after_put(ctx, run)


# -- evaluation ------------------------------------------------------------------------------------------

def evaluate(results):
    hostvars = statistics.mean(find(results, k)["wall_s"] for k in ("hostvars-1", "hostvars-2"))
    get = statistics.mean(find(results, k)["work_s"] for k in ("client-get-1", "client-get-2"))
    put = statistics.mean(find(results, k)["work_s"] for k in ("client-put-1", "client-put-2"))
    floors = {"dry-run": hostvars + get, "apply": hostvars + put}
    peak = max(find(results, k)["peak_tree_mb"] for k in OURS)
    ratios = {k: find(results, k)["wall_s"] / floors[k] for k in floors}
    return dict(hostvars=hostvars, get=get, put=put, floors=floors, ratios=ratios, peak=peak)


def quoted(results):
    """The numbers another run's section quotes: walls, floors, ratios, peak, commit, load."""
    ev = evaluate(results)
    dry_run, apply = find(results, "dry-run"), find(results, "apply")
    return dict(commit=results["machine"].get("git_commit_start"), started=results["started"],
                dry_run_s=dry_run["wall_s"], apply_s=apply["wall_s"],
                floor_dry_run_s=round(ev["floors"]["dry-run"], 1), floor_apply_s=round(ev["floors"]["apply"], 1),
                ratio_dry_run=round(ev["ratios"]["dry-run"], 2), ratio_apply=round(ev["ratios"]["apply"], 2),
                peak_mb=ev["peak"], note=results["settings"].get("previous_note", ""),
                loads=[run["load_before"] for run in (dry_run, apply)])


def finish(results):
    """The quote of the ``previous`` run (read once: a re-rendered section keeps the quote it has)."""
    settings = results["settings"]
    if settings.get("previous") and "previous" not in results:
        before = json.loads(Path(settings["previous"]).read_text())
        before.setdefault("settings", {})["previous_note"] = settings.get("previous_note", "")
        results["previous"] = quoted(before)


def targets(results):
    """[(target, ok, measured in words)]: the ratios to the floor and the peak memory."""
    ev = evaluate(results)
    found = []
    for key, label in (("dry-run", "dry run"), ("apply", "apply")):
        ratio = ev["ratios"][key]
        found.append(("%s within %.2f× of the floor" % (label, RATIO_TARGET), ratio <= RATIO_TARGET,
                      "%.2f×: %.1f s against %.1f s" % (ratio, find(results, key)["wall_s"], ev["floors"][key])))
    found.append(("peak memory under %d MB" % MEMORY_TARGET_MB, ev["peak"] < MEMORY_TARGET_MB,
                  "%.0f MB (PSS of the tree, highest of our runs)" % ev["peak"]))
    return found


def count_failures(results):
    """What the runs should have counted, in words (empty: all good): every user differs until it is
    written, every run reads every user once, the writes are the apply's and the floor's GET+PUT's."""
    n = results["settings"]["users"]
    failures = []

    def want(name, what, found, expected):
        if found != expected:
            failures.append("%s: %s %s, expected %s" % (name, what, found, expected))

    for run in results["runs"]:
        name, req = run["name"], run["requests"]
        want(name, "rc", run.get("rc", 0), 0)
        if name.startswith("hostvars"):
            want(name, "requests", req["total"], 0)
            continue
        want(name, "phone buttons GETs", req["button_gets"], n)
        want(name, "logins", req["logins"], 1)
        if name.startswith("client"):
            want(name, "users that differ", run["differ"], n)
        writes = n if name in ("apply", "client-put-1", "client-put-2") else 0
        want(name, "PUTs", req["puts"], writes)
        if name in OURS:
            changed = 0 if name == "dry-run-steady" else n
            want(name, "plan counts", run.get("plan"), dict(changed=changed, failed=0, skipped=0, total=n,
                                                            unchanged=n - changed, changes=changed))
        if "platform_wrong_after" in run:
            want(name, "sampled users still differing", run["platform_wrong_after"], 0)
    return failures


def checks(results):
    """The counts, then the targets (not decided in the smoke: at its few users, the ratios are start-up)."""
    failures = count_failures(results)
    found = [("requests and plan counts as expected", not failures, "; ".join(failures) or "all runs")]
    decide = not results["settings"].get("smoke")
    return found + [(target, ok if decide else None, measured) for target, ok, measured in targets(results)]


def summary(results):
    ev = evaluate(results)
    return ("bench: floor dry run %.1f s (a %.1f + b %.1f), apply %.1f s (a %.1f + b %.1f); peak %.0f MB"
            % (ev["floors"]["dry-run"], ev["hostvars"], ev["get"], ev["floors"]["apply"], ev["hostvars"], ev["put"],
               ev["peak"]))


PASS_TASK = "Describe the hosts of the play, once"  # telephony.apio.playbook_hosts: the pass over hostvars
ROLLOUT_TASK = "Roll the templates out"


def breakdown(run):
    """Where an ansible-playbook run's time went, from the bench_timer callback: before the first task
    (start-up, the inventory), the pass over hostvars, the roll-out task, and the other tasks."""
    tasks = run.get("tasks") or []
    if not tasks:
        return None
    spans = [(t["name"], (t["end"] or t["start"]) - t["start"]) for t in tasks]
    first = tasks[0]["start"]
    last = max((t["end"] or t["start"]) for t in tasks)
    found = dict(before_tasks=run["wall_s"] - (last - first), tasks=len(spans),
                 hostvars_pass=sum(d for n, d in spans if n.endswith(PASS_TASK)),
                 rollout=sum(d for n, d in spans if n.endswith(ROLLOUT_TASK)))
    found["other_tasks"] = (last - first) - found["hostvars_pass"] - found["rollout"]
    found["other_count"] = len([n for n, _ in spans if not n.endswith((PASS_TASK, ROLLOUT_TASK))])
    return found


def _req(run):
    req = run["requests"]
    return "%s / %s / %s" % (fmt_int(req["button_gets"]), fmt_int(req["puts"]), fmt_int(req["logins"]))


def _load(run):
    return "%.1f→%.1f" % (run["load_before"], run["load_after"])


def section(results, docs_path):
    """The section of docs/benchmark.md, without its markers."""
    s = results["settings"]
    n = s["users"]
    lines = [
        "## GitOps playbook against the floor", "",
        "Issue 19: `telephony.apio.phone_buttons` over an inventory exported with `telephony.apio.export` from a "
        "platform of %s users (hosts.yml, group_vars with each phone type's most common layout, host_vars for "
        "the rest), after the platform was changed behind git's back so that **every one of the %s users "
        "differs** (a user with keys lost them, a user without got a `DND_TOGGLE` key): the dry run reports %s "
        "changes and the apply writes %s users. %d ms of latency on every API request, day-long tokens. "
        "Generated by `python -m bench.run gitops` (`make bench-gitops`); the raw numbers are in "
        "`bench/results/gitops.json`." % (fmt_int(n), fmt_int(n), fmt_int(n), fmt_int(n), s["latency_ms"]), "",
        "- **floor** = (a) the wall time of `ansible-playbook -i <the exported inventory> "
        "bench/playbooks/gitops_hostvars.yml`: one `run_once` task that reads every host's managed variables "
        "through `hostvars` in a Jinja loop and writes them to one file + (b) a bare `requests.Session` client "
        "with a `ThreadPoolExecutor` of %d, in a process of its own, timed from before its login to its last "
        "answer: a GET of each user's phone buttons (dry run), or a GET and a PUT of the exported keys (apply). "
        "Each part is measured before and after our runs; the floor is the mean of the two." % s["parallel"],
        "- **dry run**: `ansible-playbook -i inventory telephony.apio.phone_buttons --check -e "
        "apio_plan_dir=plan` (the plan report in JSON, Markdown and HTML); **apply**: the same without "
        "`--check`, on the platform changed again; **steady dry run**: the dry run after the apply (nothing "
        "differs; for information, no target).",
        "- **wall s**: the whole process; **GET / PUT / logins**: phone buttons requests counted by the "
        "simulator; **peak MB**: PSS sum of the `ansible-playbook` process tree / largest single RSS, sampled "
        "every 100 ms; **load**: 1-minute load average before→after.", "",
        runs_table(results),
        "",
        "| target | result | measured |",
        "|---|---|---|",
    ]
    lines += ["| %s | **%s** | %s |" % (target, "PASS" if ok else "MISS", measured) for target, ok, measured in targets(results)]
    lines += ["", "Where the time went, from the `bench_timer` callback (seconds):", "", time_table(results)]
    if results.get("previous"):
        lines += ["", before_line(results["previous"])]
    lines += ["", NOTES.strip("\n"), ""] + footer(results)
    return "\n".join(lines)


def runs_table(results):
    """Each case's floor, its two parts, and our run, with its ratio to the floor."""
    s, ev = results["settings"], evaluate(results)

    def runs(name):
        return find(results, name)

    def mem(run):
        return "%.0f / %.0f" % (run["peak_tree_mb"], run["peak_largest_mb"])

    def client_row(label, key_a, key_b, value):
        a, b = runs(key_a), runs(key_b)
        return "| | %s (mean of %.1f and %.1f s) | %.1f | | %s | - | %s, %s |" % (
            label, a["work_s"], b["work_s"], value, _req(a), _load(a), _load(b))

    hostvars_row = "| | (a) `ansible-playbook` reading every host's variables once, one task (mean of %.1f and %.1f s) | %.1f | | 0 / 0 / 0 | %s | %s, %s |" % (
        runs("hostvars-1")["wall_s"], runs("hostvars-2")["wall_s"], ev["hostvars"],
        mem(runs("hostvars-1")), _load(runs("hostvars-1")), _load(runs("hostvars-2")))

    def ours_row(key, label):
        run = runs(key)
        ratio = ev["ratios"].get(key)
        return "| | %s | %.1f | %s | %s | %s | %s |" % (
            label, run["wall_s"], ("**%.2f×**" % ratio) if ratio else "-", _req(run), mem(run), _load(run))

    return "\n".join([
        "| case | run | wall s | ratio to floor | GET / PUT / logins | peak MB tree / largest | load |",
        "|---|---|---:|---:|---:|---:|---:|",
        "| dry run | **floor** = (a) + (b) | **%.1f** | 1.00× | | | |" % ev["floors"]["dry-run"],
        hostvars_row,
        client_row("(b) bare `requests` client, GETs, %d in flight" % s["parallel"], "client-get-1", "client-get-2", ev["get"]),
        ours_row("dry-run", "`telephony.apio.phone_buttons --check -e apio_plan_dir=plan`"),
        "| apply | **floor** = (a) + (b) | **%.1f** | 1.00× | | | |" % ev["floors"]["apply"],
        hostvars_row,
        client_row("(b) bare `requests` client, GET+PUT, %d in flight" % s["parallel"], "client-put-1", "client-put-2", ev["put"]),
        ours_row("apply", "`telephony.apio.phone_buttons -e apio_plan_dir=plan`"),
        "| steady | dry run after the apply | | | | | |",
        ours_row("dry-run-steady", "`telephony.apio.phone_buttons --check -e apio_plan_dir=plan`"),
    ])


def time_table(results):
    """Where each run's time went, from the bench_timer callback."""
    lines = ["| run | before the first task | the pass over `hostvars` | the roll-out task | the other tasks |",
             "|---|---:|---:|---:|---:|"]
    for key, label in (("hostvars-1", "floor (a), first"), ("hostvars-2", "floor (a), second"), ("dry-run", "dry run"),
                       ("apply", "apply"), ("dry-run-steady", "steady dry run")):
        b = breakdown(find(results, key))
        if b:
            lines.append("| %s | %.1f | %.1f | %s | %s |" % (
                label, b["before_tasks"], b["hostvars_pass"] if key.startswith("hostvars") is False else
                find(results, key)["wall_s"] - b["before_tasks"],
                "%.1f" % b["rollout"] if b["rollout"] else "-",
                ("%.1f (%d tasks)" % (b["other_tasks"], b["other_count"])) if not key.startswith("hostvars") else "-"))
    return "\n".join(lines)


def before_line(previous):
    return ("Before (commit %s, run %s%s): dry run %.1f s against a floor of %.1f s (**%.2f×**), apply %.1f s "
            "against %.1f s (**%.2f×**), peak %.0f MB." % (
                previous["commit"], previous["started"], (", " + previous["note"]) if previous.get("note") else "",
                previous["dry_run_s"], previous["floor_dry_run_s"], previous["ratio_dry_run"], previous["apply_s"],
                previous["floor_apply_s"], previous["ratio_apply"], previous["peak_mb"]))


def footer(results):
    """The checks, the machine, the conditions and how to reproduce the run."""
    s, m, n = results["settings"], results["machine"], results["settings"]["users"]

    def runs(name):
        return find(results, name)

    plans = ", ".join("%s: %s" % (k, runs(k).get("plan")) for k in ("dry-run", "apply", "dry-run-steady"))
    lines = [
        "Checks: the plan reports' counts (%s); users whose keys differ from the export after the floor's "
        "GET+PUT and after the apply, in a sample of %d: %s and %s. The export itself (`telephony.apio.export`, "
        "%s users): %.1f s." % (plans, SAMPLE + 1, runs("client-put-1").get("platform_wrong_after"),
                                runs("apply").get("platform_wrong_after"), fmt_int(n), runs("export")["wall_s"]),
        "",
        "Machine: %s CPUs (%s), %s GiB, %s; Python %s, ansible-core %s; collection at commit %s (start) to %s "
        "(end). Run %s, %d minutes." % (m["nproc"], m["cpu"], m["memory_gb"], m["os"], m["python"],
                                        m["ansible_core"], m.get("git_commit_start"), m["git_commit"],
                                        results["started"], round(results["duration_s"] / 60)),
    ]
    if s.get("conditions"):
        lines += ["", "Conditions: %s" % s["conditions"]]
    lines += ["", "Reproduce: `make bench-gitops` (`.venv/bin/python -m bench.run gitops`; settings `--set users=N`, "
              "`latency_ms`, `parallel`, `conditions`, `previous`, `previous_note`)."]
    return lines


NOTES = """
What was found (profiled by hand with py-spy on the whole process tree, and the `bench_timer` records
above), and what changed:

- **Fixed: the users file was read as YAML.** The playbook handed the role its users in a file named
  `<tmp>.users`, and the roll-out reads a file not named `.json` with PyYAML, whose C loader still
  resolves and constructs every scalar in Python: 6 s of a 20 s roll-out task at 10,000 users. The file
  is now `users.json`, read in a fraction of a second.
- **Fixed: 27 small tasks.** Besides the pass and the roll-out, the playbook ran 27 tasks (included files,
  scratch files made with `tempfile` and `copy` and removed with `file`, `stat`, the plan report, the
  drift and unmanaged checks), each 0.2 s on an idle machine to over 1 s under load, because ansible-core's
  linear strategy walks every host's state for every task and a module starts a Python process. The steps
  around the role are now one task each, actions that run on the controller (`telephony.apio.playbook_start`,
  `playbook_hosts`, `playbook_finish`): 14 tasks, most of them the role's.
- **Fixed: a play of 10,000 hosts.** Even a task run once costs ansible-core's linear strategy a walk over
  every host's state, and while a task runs the controller polls its worker every millisecond and copies
  the state of every host of the play on each poll (`debug_closure`): a busy core beside the roll-out. The
  playbooks now do their work in a batch of one host (`serial: 1`) for every host of the play
  (`ansible_play_hosts_all`) and end the play after it (`meta: end_play`): the small tasks went from 0.2
  to 0.5 s each to 0.02 to 0.1 s.
- **Tried and not kept: importing the role.** An imported role ends with ansible-core's implicit
  `role_complete`, a meta task it runs for every host of the play, computing each host's variables: 29 s in
  the dry run and 50 s in the apply at 10,000 hosts. The role stays included.
- **Fixed earlier: two extra passes over `hostvars`** (the role's `__phone_buttons_hosts`, named in an `if`
  that is false for the playbook, and the typo warning's own pass): the names are collected in the one pass.
- **What remains**: the pass over `hostvars` itself is the floor's (a); the roll-out task runs the engine
  within about 1.1x of the bare client while sharing the cores with the controller, which polls its worker
  every millisecond; the role's own small tasks cost about 2 s.
"""


