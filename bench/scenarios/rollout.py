"""The hooks of the fleet roll-out scenario (rollout.yml): the phone_buttons role at 10,000 users, 10 ms
latency, against the floor.

Target: a roll-out where every user's layout differs from the others' (the shipped ``standard``
template: key 1 is the user's own LINE, and here each user's ``assistant`` var fills a BLF key) runs
within 1.5x of the floor measured in the same run, in the first convergence and in the steady state;
one GET per user in the steady state; at most one login per run; peak memory under 300 MB.

The floor, per case:
  (i)  the wall time of ``ansible-playbook`` running a no-op play (one debug task, gather_facts false),
  (ii) a bare ``requests.Session`` client with a ThreadPoolExecutor of ``parallel`` threads, in a
       process of its own: one login, then per user a GET of the phone buttons and, when the keys differ
       from the layout the roll-out writes (every user in the first convergence, none in the steady
       state), a PUT of that layout. Its time is the login and the requests (not its start-up, which
       (i) stands for).
  floor = (i) + (ii): the mean of the client runs bracketing the roll-outs, plus the median of the no-op
  runs.
"""

from __future__ import annotations

import json
import statistics
import sys

from bench.scenarios.buttons import write_vars_file
from tools.benchmark import BENCH, GROUP, PASSWORD, REPO, TENANT, USERNAME, layout_floor_client, user_id
from tools.fmt import fmt_bytes, fmt_int

ROLE_VARS = REPO / "roles" / "phone_buttons" / "vars" / "main.yml"
TEMPLATE = "standard"
PHONE_TYPES = ("Telenet-Panasonic-KX-HDV230", "Yealink-T46S", "Polycom-VVX-300")  # the simulator's i % 3
RATIO_TARGET = 1.5
MEMORY_TARGET_MB = 300
SECTION_TITLE = "## Fleet roll-out against the floor"
CASE_NAMES = {"first": "first convergence", "steady": "steady state"}


def assistant_of(i, users):
    return user_id((i + 1) % users)


# -- the users file and the layouts the roll-out should write ---------------------------------------

def user_items(users, user_vars):
    """Each bench user as a YAML flow mapping: its id and, with user_vars, its own assistant."""
    for i in range(users):
        if user_vars:
            yield "{user: %s, vars: {assistant: %s}}" % (user_id(i), assistant_of(i, users))
        else:
            yield "{user: %s}" % user_id(i)


def write_users_file(path, users, user_vars):
    """The YAML vars file an operator would keep: phone_buttons_users plus the role-level target."""
    lines = ["---", "# %d bench users for the phone_buttons role (bench/scenarios/rollout.py)" % users,
             "phone_buttons_tenant: %s" % TENANT, "phone_buttons_group: %s" % GROUP,
             "phone_buttons_template: %s" % TEMPLATE, "phone_buttons_users:"]
    lines += ["  - " + item for item in user_items(users, user_vars)]
    path.write_text("\n".join(lines) + "\n")


def write_users_list(path, users, user_vars):
    """The same users as a plain YAML list, for phone_buttons_users_file."""
    path.write_text("\n".join(["---"] + ["- " + item for item in user_items(users, user_vars)]) + "\n")


def expected_layouts(users, user_vars):
    """Each user's keys as the roll-out should write them, rendered here independently of the collection
    (plain jinja2 on the role's vars file), sorted by id: the floor client's PUT bodies."""
    import jinja2
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))
    library = yaml.load(ROLE_VARS.read_text(), Loader=Loader)["phone_buttons_builtin_templates"][TEMPLATE]
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    compiled = {}

    def render(text, context):
        text = str(text)
        if "{{" not in text and "{%" not in text:
            return text
        if text not in compiled:
            compiled[text] = env.from_string(text)
        return compiled[text].render(context)

    layouts = {}
    for i in range(users):
        device_type = PHONE_TYPES[i % 3]
        context = {"assistant": assistant_of(i, users)} if user_vars else {}
        context["phone_buttons_user"] = dict(user=user_id(i), tenant=TENANT, group=GROUP, template=TEMPLATE,
                                             device_type=device_type, vars=dict(context))
        keys = []
        for key in library[device_type]:
            if "when" in key and not env.compile_expression(key["when"])(**context):
                continue
            keys.append(dict(id=int(key["id"]), type=key["type"], label=render(key.get("label", ""), context),
                             parameter=render(key.get("parameter", ""), context)))
        layouts[user_id(i)] = sorted(keys, key=lambda k: k["id"])
    return layouts


# -- floor (ii): the bare requests client, in a process of its own -------------------------------------

def floor_client(argv):
    """``python -m bench.run floor-client rollout SPEC.json``: a GET per user and a PUT where it differs."""
    return layout_floor_client(argv[0], write=True)


# -- what the roll-out wrote ----------------------------------------------------------------------------

def put_bodies(sim):
    """user id -> the keys of its PUT in the last run, sorted by id."""
    found = {}
    for request in sim.requests(method="PUT"):
        user = request["path"].split("/users/")[1].split("/")[0].replace("%40", "@")
        keys = (request.get("body") or {}).get("keys") or []
        found[user] = sorted(({f: k.get(f, "") for f in ("id", "type", "label", "parameter")} for k in keys),
                             key=lambda k: k["id"])
    return found


def compare_writes(written, layouts):
    """How many written layouts differ from the floor's (rendered independently), with an example."""
    wrong = [u for u in sorted(written) if written[u] != layouts.get(u)]
    return dict(users_written=len(written), differing=len(wrong),
                example=dict(user=wrong[0], written=written[wrong[0]], expected=layouts.get(wrong[0])) if wrong else None)


# -- the steps' hooks (rollout.yml) -------------------------------------------------------------------

def write_inputs(ctx):
    """The users as an operator keeps them (a vars file, a plain list), the connection vars, the layouts
    the roll-out should write (the floor client's), and the shared-layout batch's vars file."""
    n, user_vars, parallel, out = ctx.vars["users"], ctx.vars["user_vars"], ctx.vars["parallel"], ctx.out_dir
    users_file, users_list = out / ("users-%d.yml" % n), out / ("users-list-%d.yml" % n)
    write_users_file(users_file, n, user_vars)
    write_users_list(users_list, n, user_vars)
    conn_file = out / ("rollout-vars-%d.json" % n)
    conn_file.write_text(json.dumps(dict(
        ansible_python_interpreter=sys.executable, bench_url=ctx.sim.url, bench_username=USERNAME,
        bench_password=PASSWORD, rollout_users_file=str(users_file), rollout_users_list=str(users_list),
        bench_parallel=parallel, phone_buttons_parallel=parallel)))
    layouts = expected_layouts(n, user_vars)
    spec_file = out / ("floor-client-%d.json" % n)
    spec_file.write_text(json.dumps(dict(url=ctx.sim.url, users=[user_id(i) for i in range(n)], layouts=layouts,
                                         parallel=parallel)))
    batch_vars = out / ("vars-%d.json" % n)
    write_vars_file(batch_vars, ctx.sim.url, n, parallel)
    return dict(users_file=str(users_file), conn_file=str(conn_file), spec_file=str(spec_file),
                batch_vars=str(batch_vars), layouts=layouts)


def check_writes(ctx, run):
    """In the first convergence: how the layouts written compare with the ones rendered here."""
    if run["case"] == "first":
        run["writes_vs_floor"] = compare_writes(put_bodies(ctx.sim), ctx.vars["layouts"])


def finish(results):
    """The floor's runs apart from the roll-outs', and the floor per case."""
    runs = results["runs"]
    client = [r for r in runs if r.get("part") == "client"]
    results["floor"] = dict(client={case: [r for r in client if r["case"] == case] for case in CASE_NAMES},
                            noop=[r for r in runs if r.get("part") == "noop"],
                            client_writes=next((r["writes_vs_floor"] for r in client if "writes_vs_floor" in r), None))
    results["floors"] = floors(results)


def measured(results):
    """The roll-outs' runs (and the batch's), not the floor's."""
    return [r for r in results["runs"] if "method" in r]


# -- evaluation ------------------------------------------------------------------------------------------

def floors(results):
    """Floor per case: median no-op wall + mean of the client runs (work time), with the parts."""
    f = results["floor"]
    noop = statistics.median(r["wall_s"] for r in f["noop"])
    found = {}
    for case in ("first", "steady"):
        client = statistics.mean(r["work_s"] for r in f["client"][case])
        found[case] = dict(noop_s=round(noop, 3), client_s=round(client, 3), floor_s=round(noop + client, 3),
                           client_runs=[r["work_s"] for r in f["client"][case]],
                           noop_runs=[r["wall_s"] for r in f["noop"]])
    return found


ROLE_WAYS = (("role-file", "users in phone_buttons_users_file"), ("role", "users in vars_files"),
             ("role-e", "users as -e @file"))


def checks(results):
    """The verdicts against the targets: list of (target, PASS/MISS, measured in words). The role is
    judged for each way of passing the users file."""
    fl = floors(results)
    n = results["settings"]["users"]
    verdicts = []
    for method, way in ROLE_WAYS:
        role = dict((r["case"], r) for r in measured(results) if r["method"] == method)
        for case in ("first", "steady"):
            run = role.get(case)
            if run is None:
                continue
            ratio = run["wall_s"] / fl[case]["floor_s"]
            ok = run["rc"] == 0 and ratio <= RATIO_TARGET
            if ok is False and run["rc"] == 0 and results["settings"].get("smoke"):
                ok = None  # at the smoke's few users, start-up is the whole run: the ratio says nothing
            verdicts.append(("role roll-out (%s) within %.1f× of the floor, %s" % (way, RATIO_TARGET, CASE_NAMES[case]),
                             ok, "%.2f×: %.1f s against %.1f s (no-op %.1f s + client %.1f s)"
                             % (ratio, run["wall_s"], fl[case]["floor_s"], fl[case]["noop_s"], fl[case]["client_s"])))
    roll = [r for r in measured(results) if r["method"] in ("role-file", "role", "role-e", "action")]
    steady = [r for r in roll if r["case"] == "steady"]
    if steady:
        ok = all(r["requests"]["button_gets"] == n and r["requests"]["puts"] == 0 and r["requests"]["phone_type_gets"] == 0
                 and r["requests"]["listings"] == 0 and r["requests"]["other"] == 0 for r in steady)
        verdicts.append(("one GET per user in the steady state", ok, "; ".join(
            "%s: %d phone buttons GETs for %d users, %d PUT, %d phone type GETs, %d listings, %d other"
            % (r["method"], r["requests"]["button_gets"], n, r["requests"]["puts"], r["requests"]["phone_type_gets"],
               r["requests"]["listings"], r["requests"]["other"]) for r in steady)))
    first = [r for r in roll if r["case"] == "first"]
    if first:
        ok = all(r["requests"]["button_gets"] == n and r["requests"]["puts"] == n
                 and (r.get("writes_vs_floor") or {}).get("differing") == 0 for r in first)
        verdicts.append(("first convergence: one GET and one PUT per user, the floor's layout", ok, "; ".join(
            "%s: %d GET, %d PUT (+%d phone type GETs), written layouts that differ from the floor's: %s of %s"
            % (r["method"], r["requests"]["button_gets"], r["requests"]["puts"], r["requests"]["phone_type_gets"],
               (r.get("writes_vs_floor") or {}).get("differing"), (r.get("writes_vs_floor") or {}).get("users_written"))
            for r in first)))
    logins = [r["requests"]["logins"] for r in roll]
    verdicts.append(("at most one login per run", bool(roll) and max(logins) <= 1,
                     "logins per run: %s" % ", ".join("%s %s %d" % (r["method"], r["case"], r["requests"]["logins"])
                                                      for r in roll)))
    for method, way in ROLE_WAYS:
        peaks = [(r["peak_tree_mb"], r) for r in roll if r["method"] == method]
        if peaks:
            top, run = max(peaks, key=lambda p: p[0])
            verdicts.append(("peak memory under %d MB (role, %s)" % (MEMORY_TARGET_MB, way), top < MEMORY_TARGET_MB,
                             "highest %.0f MB (%s; largest single process %.0f MB)"
                             % (top, CASE_NAMES[run["case"]], run["peak_largest_mb"])))
    return verdicts


def summary(results):
    fl = floors(results)
    lines = ["bench: floor first %.1f s (no-op %.1f + client %.1f), steady %.1f s (no-op %.1f + client %.1f)"
             % (fl["first"]["floor_s"], fl["first"]["noop_s"], fl["first"]["client_s"], fl["steady"]["floor_s"],
                fl["steady"]["noop_s"], fl["steady"]["client_s"])]
    for run in measured(results):
        lines.append("bench: %-6s %-6s %.1f s = %.2fx the floor" % (run["method"], run["case"], run["wall_s"],
                                                                   run["wall_s"] / fl[run["case"]]["floor_s"]))
    return "\n".join(lines)


# -- docs ------------------------------------------------------------------------------------------------

METHOD_LABELS = {
    "role-file": "role `telephony.apio.phone_buttons`, users in `phone_buttons_users_file`",
    "role": "role `telephony.apio.phone_buttons`, users in `vars_files`",
    "role-e": "the same role, users as `-e @users.yml`",
    "action": "action `apio_phone_buttons_rollout` alone (same `vars_files`, users as `batch`)",
    "batch": "module batch, one shared layout (bench (c), for comparison)",
}


def requests_text(req):
    extra = []
    if req.get("phone_type_gets"):
        extra.append("+%d phone type" % req["phone_type_gets"])
    if req.get("listings"):
        extra.append("+%d listing" % req["listings"])
    text = fmt_int(req["button_gets"]) + (" (%s)" % ", ".join(extra) if extra else "")
    return "%s / %s / %d" % (text, fmt_int(req["puts"]), req["logins"])


def runs_table(results):
    """The floor's parts and every run, per case, with its ratio to the floor."""
    fl, s = floors(results), results["settings"]
    rows = ["| case | method | wall s | ratio to floor | GET / PUT / logins | peak MB tree / largest | result size (str) | load |",
            "|---|---|---:|---:|---:|---:|---:|---:|"]
    for case in ("first", "steady"):
        f = fl[case]
        client = results["floor"]["client"][case]
        req = client[0]["requests"]
        noop_peak = max(r["peak_tree_mb"] for r in results["floor"]["noop"])
        rows.append("| %s | **floor** = (i) + (ii) | **%.1f** | 1.00× | %s | - | - | - |"
                    % (CASE_NAMES[case], f["floor_s"], requests_text(req)))
        rows.append("| | (i) no-op `ansible-playbook` (median of %d) | %.2f | | 0 / 0 / 0 | %.0f | - | %s |"
                    % (len(f["noop_runs"]), f["noop_s"], noop_peak,
                       ", ".join("%.1f→%.1f" % (r["load_before"], r["load_after"]) for r in results["floor"]["noop"][:1])))
        rows.append("| | (ii) bare `requests` client, %d threads (mean of %s s) | %.1f | | %s | - | - | %s |"
                    % (s["parallel"], " and ".join("%.1f" % x for x in f["client_runs"]), f["client_s"],
                       requests_text(req), ", ".join("%.1f→%.1f" % (r["load_before"], r["load_after"]) for r in client)))
        for run in [r for r in measured(results) if r["case"] == case]:
            ratio = run["wall_s"] / f["floor_s"]
            rows.append("| | %s%s | %.1f | %s%.2f×%s | %s | %.0f / %.0f | %s | %.1f→%.1f |"
                        % (METHOD_LABELS[run["method"]], "" if run["rc"] == 0 else " (**failed**, rc %d)" % run["rc"],
                           run["wall_s"], "**" if run["method"].startswith("role") else "", ratio,
                           "**" if run["method"].startswith("role") else "", requests_text(run["requests"]),
                           run["peak_tree_mb"], run["peak_largest_mb"], fmt_bytes(run.get("result_str_bytes")),
                           run["load_before"], run["load_after"]))
    return "\n".join(rows)


def verdicts_table(results):
    found = checks(results)
    verdicts = ["| target | result | measured |", "|---|---|---|",
                "| issue 10 as a whole: every row below | **%s** | %d of %d rows pass |"
                % ("PASS" if all(ok for _, ok, _ in found) else "MISS", sum(1 for _, ok, _ in found if ok), len(found))]
    verdicts += ["| %s | **%s** | %s |" % (name, "PASS" if ok else "MISS", detail) for name, ok, detail in found]
    return "\n".join(verdicts)


def breakdown_table(results):
    """Where each run's time went, from the bench_timer callback."""
    breakdown = ["| run | before the first task | role argument validation | roll-out task | the other tasks | CPU s |",
                 "|---|---:|---:|---:|---:|---:|"]
    for run in measured(results):
        tasks = [t for t in run.get("tasks") or [] if t.get("end")]
        if run["method"] == "batch" or not tasks:
            continue
        main = [t for t in tasks if t["name"].endswith("Roll the templates out")]
        spec = [t for t in tasks if "Validating arguments against arg spec" in t["name"]]
        rest = [t for t in tasks if t not in main and t not in spec]
        span = tasks[-1]["end"] - tasks[0]["start"]
        breakdown.append("| %s, %s | %.1f s | %s | %s | %s | %.1f |" % (
            run["method"], CASE_NAMES[run["case"]], run["wall_s"] - span,
            "%.1f s" % sum(t["end"] - t["start"] for t in spec) if spec else "-",
            "%.1f s" % sum(t["end"] - t["start"] for t in main) if main else "-",
            "%.1f s (%d)" % (sum(t["end"] - t["start"] for t in rest), len(rest)) if rest else "-", run["cpu_s"]))
    return "\n".join(breakdown)


def machine_line(results):
    m = results["machine"]
    loads = [r["load_before"] for r in measured(results)] + [r["load_after"] for r in measured(results)]
    for case in ("first", "steady"):
        loads += [r["load_before"] for r in results["floor"]["client"][case]]
    commit = m["git_commit"] if m.get("git_commit_start") in (None, m["git_commit"]) else \
        "%s (start) to %s (end)" % (m["git_commit_start"], m["git_commit"])
    dirty = sorted(set(m.get("uncommitted_start", []) + m.get("uncommitted_end", [])))
    return ("Machine: %d CPUs (%s), %.1f GiB, %s; Python %s, ansible-core %s; collection at commit %s%s. Run %s, "
            "%.0f minutes; 1-minute load average between %.1f and %.1f around the runs (shared machine; the "
            "simulator runs on it too)."
            % (m["nproc"], m["cpu"] or "unknown CPU", m["memory_gb"], m["os"], m["python"], m["ansible_core"], commit,
               " with uncommitted changes in %s" % ", ".join(dirty) if dirty else "", results["started"],
               results["duration_s"] / 60, min(loads), max(loads)))


def section(results, docs_path):
    s = results["settings"]
    n = s["users"]
    notes = NOTES.read_text().strip() if NOTES.exists() else ""
    return "\n".join([
        SECTION_TITLE,
        "",
        "Issue 10: the `phone_buttons` role rolling the shipped `standard` template out to %s users, where "
        "every user's layout differs from the others' (key 1 is the user's own `LINE`%s), against the floor "
        "measured in the same run on the same simulator (`--latency-ms %g`, day-long tokens). Generated by "
        "`python -m bench.run rollout` (`make bench-rollout`); the raw numbers are in `bench/results/rollout.json`."
        % (fmt_int(n), ", and a `BLF` Assistant key takes each user's own `assistant` var" if s["user_vars"] else "",
           s["latency_ms"]),
        "",
        "- **floor** = (i) the wall time of `ansible-playbook` running a no-op play (one `debug` task, "
        "`gather_facts: false`) + (ii) a bare `requests.Session` client with a `ThreadPoolExecutor` of %d, in a "
        "process of its own, timed from before its login to its last answer: one login, then per user a GET of the "
        "phone buttons and, when they differ from the user's layout, a PUT of it (every user in the first "
        "convergence, none in the steady state). The client's layouts are rendered by the benchmark itself "
        "(plain jinja2 over `roles/phone_buttons/vars/main.yml`); the roll-out's PUT bodies were compared "
        "with them user by user. The floor is measured before and after the roll-outs: (ii) is the mean of "
        "the two client runs, (i) the median of the no-op runs." % s["parallel"],
        "- **role**: `bench/playbooks/role_rollout.yml`, the users in a YAML vars file loaded with the play's "
        "`vars_files` (`phone_buttons_users: [{user: user000000@bench.example%s}, ...]`, with "
        "`phone_buttons_tenant: bench`, `phone_buttons_group: benchgroup`); **role -e**: "
        "`bench/playbooks/role_rollout_extra.yml`, the same role and the same file passed as `-e @users.yml`; "
        "**role-file**: `bench/playbooks/role_rollout_file.yml`, the same users as a plain YAML list in "
        "`phone_buttons_users_file`, read by the roll-out task itself. "
        "First convergence: the simulator state is reset first (every user differs); steady state: the same "
        "playbook again."
        % (", vars: {assistant: user000001@bench.example}" if s["user_vars"] else ""),
        "- **action**: `bench/playbooks/action_rollout.yml`, the `apio_phone_buttons_rollout` task alone with "
        "the same vars file as `batch` and the role's templates. **module batch**: `bench/playbooks/module_batch.yml` "
        "of the table above, one layout for all users (no templates), for comparison.",
        "- **wall s**: the whole `ansible-playbook` process. **GET**: phone buttons reads; phone type reads "
        "and the group's user listing are shown apart. **peak MB**: as above (PSS sum of the "
        "`ansible-playbook` process tree / largest single RSS). **result size**: `len(str(result))` of the "
        "registered result of the roll-out task (the JSON size is in the JSON). **load**: 1-minute load "
        "average before→after each run.",
        "",
        runs_table(results),
        "",
        verdicts_table(results),
        "",
        "Where the time of each run went, from the `bench_timer` callback (\"before the first task\" is the "
        "process start-up, loading the playbook and its vars, and the end of the run):",
        "",
        breakdown_table(results),
        "",
        notes,
        "",
        machine_line(results),
        "",
        "Reproduce:",
        "",
        "```",
        "make bench-rollout     # %s" % results["command"],
        "```",
    ])


# Where the time goes, measured by hand around the run (profiles): kept next to this file, included as is.
NOTES = BENCH / "rollout_notes.md"
