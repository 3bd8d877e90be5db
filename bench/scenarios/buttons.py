"""The hooks of the phone buttons scenario (buttons.yml): the vars file of its playbooks, what a run
records of its main task, the request-count checks, the targets, and its section of docs/benchmark.md
with the chart beside it (docs/benchmark.svg, a hand-written SVG).

Peak memory is measured for the process tree of ansible-playbook (the controller, its worker forks and
the module process): ``tree`` is the highest sum of the PSS (proportional set size: a page shared by n
processes counts 1/n in each) of every process in the tree, sampled every 100 ms with psutil, so that
pages the forks share with the controller count once (the sum of their RSS is kept too, as
``peak_tree_rss_mb``); ``largest`` is the peak RSS of the largest single process, the ``ru_maxrss``
that ``wait4`` reports (what ``/usr/bin/time -v`` prints as "Maximum resident set size").
"""

from __future__ import annotations

import json
import math
import sys

from tools.benchmark import BENCH, GROUP, PASSWORD, TENANT, USERNAME, user_id
from tools.fmt import fmt_bytes, fmt_int, fmt_ms, fmt_ratio, fmt_s

ORDER = ("uri", "loop", "batch", "ping")
LABELS = {
    "uri": "(a) uri GET + conditional PUT loop",
    "loop": "(b) apio_phone_buttons in a loop",
    "batch": "(c) apio_phone_buttons with batch",
    "ping": "(d) ping loop (floor)",
}
SHORT = {"uri": "(a) uri loop", "loop": "(b) module loop", "batch": "(c) module batch", "ping": "(d) ping loop"}
COLOURS = {"uri": "#d62728", "loop": "#1f77b4", "batch": "#2ca02c", "ping": "#7f7f7f"}
CASE_NAMES = {"first": "first convergence", "steady": "steady state"}
TARGET_SPEEDUP = 100
TARGET_SECONDS = 30
TARGET_MB = 300
TARGET_LOOP_OVER_PING = 1.5
NOTES = BENCH / "notes.md"  # hand-written findings, included in the section
AWX_MAX_EVENT_RES_DATA = 700000  # AWX settings/defaults.py: larger event result data is dropped


PHONE_TYPES = 3  # the simulator's bench users cycle through three phone types
# The layout rolled out: valid on the three phone types of the bench users and different from every
# user's initial keys (even users have none, odd users have keys 1 and 2 with other values), so that the
# first convergence changes every user. Every key has a parameter and a shown label, so that the uri
# loop can compare the GET answer with the layout as it is, as its users do.
LAYOUT = [
    {"id": 1, "type": "DIRECT_CALL", "label": "Reception", "parameter": "1000"},
    {"id": 2, "type": "DIRECT_CALL", "label": "Helpdesk", "parameter": "1100"},
    {"id": 3, "type": "DIRECT_CALL", "label": "Security", "parameter": "1200"},
]


# -- the runs ----------------------------------------------------------------------------------------

def write_vars(ctx):
    """The vars file of the four playbooks at ``size`` users."""
    path = ctx.out_dir / ("vars-%d-%s.json" % (ctx.vars["size"], ctx.vars["method"]))
    write_vars_file(path, ctx.sim.url, ctx.vars["size"], ctx.vars["parallel"])
    return dict(vars_file=str(path))


def write_vars_file(path, url, size, parallel):
    """The connection, the first ``size`` bench users, the layout (and the batch task's ``parallel``)."""
    names = [user_id(i) for i in range(size)]
    data = dict(ansible_python_interpreter=sys.executable, bench_url=url, bench_username=USERNAME,
                bench_password=PASSWORD, bench_tenant=TENANT, bench_group=GROUP, bench_users=names,
                bench_batch=[{"user": name} for name in names], bench_layout=LAYOUT)
    if parallel:
        data["bench_parallel"] = parallel
    path.write_text(json.dumps(data))


def after_run(ctx, run):
    """How many users the run changed, as ansible reported it, and the time of its loops."""
    method, tasks = run["method"], run["tasks"]
    main = tasks[-1] if tasks else {}
    if method == "batch":
        run["changed_users"] = (main.get("counts") or {}).get("changed")
    elif method == "uri":
        run["changed_users"] = main.get("items")  # the PUT task: items not skipped
    elif method == "loop":
        run["changed_users"] = main.get("changed_items")
    else:
        run["changed_users"] = 0 if tasks else None
    run["loop_s"] = round(sum(t["end"] - t["start"] for t in tasks[1 if method == "uri" else 0:] if t.get("end")), 3)


def finish(results):
    """The runs in the table's order, and the request counts off target."""
    results["settings"]["layout"] = LAYOUT
    results["runs"].sort(key=lambda r: (r["users"], ORDER.index(r["method"]), ("first", "steady", "any").index(r["case"])))
    results["count_failures"] = check_counts(results["runs"])


def check_counts(runs):
    """The request-count targets; returns a list of failures in words (empty: all good)."""
    failures = []
    for run in runs:
        where = "%s %s %d users" % (run["method"], run["case"], run["users"])
        n, req = run["users"], run["requests"]
        if run["rc"] != 0:
            failures.append("%s: ansible-playbook failed (rc %d), see %s" % (where, run["rc"], run["log"]))
            continue
        if run["method"] == "ping":
            if req["total"] != 0:
                failures.append("%s: ping sent %d requests" % (where, req["total"]))
            continue
        want_puts = n if run["case"] == "first" else 0
        if req["button_gets"] != n:
            failures.append("%s: %d phone buttons GETs, expected exactly %d (one per user)"
                            % (where, req["button_gets"], n))
        if req["puts"] != want_puts:
            failures.append("%s: %d PUTs, expected %d" % (where, req["puts"], want_puts))
        if run["changed_users"] != want_puts:
            failures.append("%s: ansible reported %s changed users, expected %d"
                            % (where, run["changed_users"], want_puts))
        # Logins: at most one per task, i.e. per module run (one per item in a loop).
        max_logins = n if run["method"] == "loop" else 1
        if req["logins"] > max_logins:
            failures.append("%s: %d logins, at most %d allowed" % (where, req["logins"], max_logins))
        # Phone types are read only to validate a write: never in the steady state, at most once per
        # phone type per task.
        max_types = 0 if run["case"] == "steady" else (n if run["method"] == "loop" else PHONE_TYPES)
        if run["method"] != "uri" and req["phone_type_gets"] > max_types:
            failures.append("%s: %d phone type GETs, at most %d expected"
                            % (where, req["phone_type_gets"], max_types))
        if req["other"] or req.get("listings") or req.get("refreshes"):
            failures.append("%s: %d unexpected other requests (%d listings) and %d token refreshes"
                            % (where, req["other"] + req.get("listings", 0), req.get("listings", 0), req.get("refreshes", 0)))
        if any(not status.startswith("2") for status in req["by_status"]):
            failures.append("%s: answers other than 2xx: %s" % (where, req["by_status"]))
    return failures


def checks(results):
    """The targets (a target not run is neither met nor missed); side by side (``jobs``), only the counts."""
    found = [(name, None if mark == "n/a" else mark == "PASS", detail) for name, mark, detail in targets(results)]
    return found[:1] if results["settings"].get("jobs", 1) > 1 else found


# -- lookups ---------------------------------------------------------------------------------------

def find(runs, method, case, users):
    """The run of ``method`` for ``case`` at ``users`` (ping's one run stands for both cases)."""
    for run in runs:
        if run["method"] == method and run["users"] == users and (run["case"] == case or method == "ping"):
            return run
    return None


def per_user_ms(run):
    return 1000.0 * run["wall_s"] / run["users"]


def estimate_uri(runs, case, users):
    """(a)'s time at ``users`` from its per-user time at the largest count it ran (it grows linearly)."""
    measured = [r for r in runs if r["method"] == "uri" and r["case"] == case and r["rc"] == 0]
    if not measured:
        return None
    largest = max(measured, key=lambda r: r["users"])
    return largest["wall_s"] / largest["users"] * users


def speedup(runs, run, case):
    """How many times faster than (a) on the same users and case; (value, estimated?)."""
    uri = find(runs, "uri", case, run["users"])
    if uri is not None and uri["rc"] == 0:
        return uri["wall_s"] / run["wall_s"], False
    estimate = estimate_uri(runs, case, run["users"])
    if estimate is None:
        return None, False
    return estimate / run["wall_s"], True


# -- table -----------------------------------------------------------------------------------------

HEADER = ("users", "case", "method", "wall s", "ms / user", "CPU s", "GET", "PUT", "logins", "peak MB tree / largest",
          "vs (a)", "load")


def rows(results):
    runs = results["runs"]
    sizes = sorted(set(r["users"] for r in runs))
    out = []
    for users in sizes:
        for case in ("first", "steady"):
            for method in ORDER:
                run = find(runs, method, case, users)
                if run is None:
                    continue
                if run["method"] != "ping" and run["case"] != case:
                    continue
                req = run["requests"]
                gets = fmt_int(req["button_gets"])
                if req["phone_type_gets"]:
                    gets += " (+%s phone type)" % fmt_int(req["phone_type_gets"])
                ratio, estimated = speedup(runs, run, case)
                name = SHORT[method] + (" ¹" if method == "ping" else "")
                if run["rc"] != 0:
                    name += " **FAILED**"
                out.append((fmt_int(users), CASE_NAMES[case], name, fmt_s(run["wall_s"]), fmt_ms(per_user_ms(run)),
                            fmt_s(run["cpu_s"]), gets, fmt_int(req["puts"]), fmt_int(req["logins"]),
                            "%.0f / %.0f" % (run["peak_tree_mb"], run["peak_largest_mb"]),
                            fmt_ratio(ratio, estimated), "%.1f→%.1f" % (run["load_before"], run["load_after"])))
    return out


def markdown_table(results):
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "|".join("---:" if i > 2 else "---" for i in range(len(HEADER))) + "|"]
    for row in rows(results):
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def summary(results):
    """The table, in plain text, for the terminal."""
    table = [HEADER] + rows(results)
    widths = [max(len(row[i]) for row in table) for i in range(len(HEADER))]
    text = ["  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)) for row in table]
    if results["settings"].get("jobs", 1) > 1:
        text += ["", "(methods ran side by side on their own simulators: the times are not comparable, "
                     "only the counts are checked)"]
    return "\n".join(text)


# -- targets ---------------------------------------------------------------------------------------

def targets(results):
    """[(target, 'PASS'|'MISS'|'n/a', measured in words)]."""
    runs = results["runs"]
    found = [counts_target(results), speedup_target(runs), big_run_target(runs, results["settings"]["latency_ms"])]
    found += [target for target in (peak_target(runs), loop_target(runs)) if target]
    return found


def counts_target(results):
    runs = results["runs"]
    failures = results.get("count_failures") or []
    counted = [r for r in runs if r["method"] in ("uri", "loop", "batch")]
    batch_logins = max([r["requests"]["logins"] for r in runs if r["method"] == "batch"] or [0])

    def gets_and_puts(case):
        return ", ".join("%s users %s GET / %s PUT" % (fmt_int(r["users"]), fmt_int(r["requests"]["button_gets"]),
                                                        fmt_int(r["requests"]["puts"]))
                         for r in counted if r["case"] == case and r["method"] == "batch") or "n/a"

    detail = ("every run of (a), (b) and (c) checked; batch, steady state: %s; batch, first convergence: %s; "
              "batch logins per task: at most %d" % (gets_and_puts("steady"), gets_and_puts("first"), batch_logins))
    if failures:
        detail += "; off target: " + "; ".join(failures)
    return ("steady state sends exactly one GET per user and at most one login per task; first "
            "convergence one GET and one PUT per changed user", "MISS" if failures else "PASS", detail)


def speedup_target(runs):
    batch, uri = find(runs, "batch", "steady", 1000), find(runs, "uri", "steady", 1000)
    if not (batch and uri):
        return ("batch >= %d× faster than the uri loop at 1,000 users" % TARGET_SPEEDUP, "n/a", "not run")
    ratio = uri["wall_s"] / batch["wall_s"]
    return ("batch >= %d× faster than the uri loop at 1,000 users, steady state" % TARGET_SPEEDUP,
            "PASS" if ratio >= TARGET_SPEEDUP else "MISS", "%.0f× (%.1f s against %.2f s)" % (ratio, uri["wall_s"], batch["wall_s"]))


def big_run_target(runs, latency_ms):
    big = find(runs, "batch", "steady", 10000)
    if not big:
        return ("10,000 users, steady state, under %d s" % TARGET_SECONDS, "n/a", "not run")
    return ("10,000 users, steady state, under %d s with %g ms latency" % (TARGET_SECONDS, latency_ms),
            "PASS" if big["wall_s"] < TARGET_SECONDS and big["rc"] == 0 else "MISS",
            "%.1f s wall (the module task: %.1f s)" % (big["wall_s"], big["task_s"] or 0))


def peak_target(runs):
    if not runs:
        return None
    peak = max(runs, key=lambda r: r["peak_tree_mb"])
    batch_peaks = [r for r in runs if r["method"] == "batch"]
    worst_batch = max(batch_peaks, key=lambda r: r["peak_tree_mb"]) if batch_peaks else None
    return ("peak memory under %d MB" % TARGET_MB, "PASS" if peak["peak_tree_mb"] < TARGET_MB else "MISS",
            "highest of all runs %.0f MB (%s, %s, %s users; largest single process %.0f MB)%s"
            % (peak["peak_tree_mb"], SHORT[peak["method"]], peak["case"], fmt_int(peak["users"]), peak["peak_largest_mb"],
               "; batch at most %.0f MB (%s users, %s)" % (worst_batch["peak_tree_mb"], fmt_int(worst_batch["users"]),
                                                          worst_batch["case"]) if worst_batch else ""))


def loop_target(runs):
    ratios = []
    for run in runs:
        ping = find(runs, "ping", "any", run["users"]) if run["method"] == "loop" else None
        if ping:
            ratios.append((run["cpu_s"] / ping["cpu_s"], run["wall_s"] / ping["wall_s"], run, ping))
    if not ratios:
        return None
    # Judged on CPU time: the loops run minutes apart, and other load on a shared machine moves
    # their wall times apart more than it moves their CPU times.
    worst = max(item[0] for item in ratios)
    return ("module in a loop <= %.1f× the ping loop per item (CPU time; wall time in brackets)" % TARGET_LOOP_OVER_PING,
            "PASS" if worst <= TARGET_LOOP_OVER_PING else "MISS",
            ", ".join("%.2f× (%s, %s users: %.0f against %.0f ms CPU per item; wall %.2f×: %s against %s ms)"
                      % (cpu, run["case"], fmt_int(run["users"]), 1000 * run["cpu_s"] / run["users"],
                         1000 * ping["cpu_s"] / ping["users"], wall, fmt_ms(per_user_ms(run)), fmt_ms(per_user_ms(ping)))
                      for cpu, wall, run, ping in ratios))


# -- chart -----------------------------------------------------------------------------------------

def svg_chart(results, width=840, height=460):
    """Wall time against users, log-log, one line per method and case."""
    runs = [r for r in results["runs"] if r["rc"] == 0]
    if not runs:
        return None
    left, right, top, bottom = 70, 290, 40, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    xs = sorted(set(r["users"] for r in runs))
    x_lo, x_hi = math.log10(min(xs)), math.log10(max(xs))
    if x_hi == x_lo:
        x_lo, x_hi = x_lo - 0.5, x_hi + 0.5
    times = [r["wall_s"] for r in runs] + [TARGET_SECONDS]
    y_lo = math.floor(math.log10(min(times)))
    y_hi = math.ceil(math.log10(max(times)))

    def px(users):
        return left + (math.log10(users) - x_lo) / (x_hi - x_lo) * plot_w

    def py(seconds):
        return top + plot_h - (math.log10(seconds) - y_lo) / (y_hi - y_lo) * plot_h

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" '
           'font-family="sans-serif" font-size="12">' % (width, height, width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="22" font-size="15" font-weight="bold">Phone buttons: wall time against users '
           '(%g ms latency per request, log-log)</text>' % (left, results["settings"]["latency_ms"])]
    for power in range(y_lo, y_hi + 1):
        y = py(10 ** power)
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (left, y, left + plot_w, y))
        label = "%g s" % (10 ** power)
        out.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (left - 6, y + 4, label))
    for users in xs:
        x = px(users)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, top, x, top + plot_h))
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (x, top + plot_h + 18, fmt_int(users)))
    out.append('<text x="%.1f" y="%d" text-anchor="middle">users</text>' % (left + plot_w / 2, height - 15))
    out.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#333"/>' % (left, top, plot_w, plot_h))
    y = py(TARGET_SECONDS)
    out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ff7f0e" stroke-dasharray="2,3"/>'
               % (left, y, left + plot_w, y))
    out.append('<text x="%d" y="%.1f" fill="#ff7f0e">%d s: the target at 10,000 users, steady state</text>'
               % (left + 4, y - 4, TARGET_SECONDS))

    out += series(runs, px, py, left + plot_w + 16, top + 6, results["settings"].get("loop_max"), max(xs))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def series(runs, px, py, legend_x, legend_y, loop_max, most_users):
    """One line per method and case (the first convergence dashed, its points hollow), and the legend."""
    out = []
    for method in ORDER:
        for case in (("any",) if method == "ping" else ("first", "steady")):
            points = sorted((r["users"], r["wall_s"]) for r in runs
                            if r["method"] == method and (r["case"] == case or method == "ping"))
            if not points:
                continue
            dash = ' stroke-dasharray="6,4"' if case == "first" else ""
            colour = COLOURS[method]
            path = " ".join("%s%.1f,%.1f" % ("M" if i == 0 else "L", px(u), py(s)) for i, (u, s) in enumerate(points))
            out.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"%s/>' % (path, colour, dash))
            for u, s in points:
                shape = ('<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"/>' if case != "first" else
                         '<circle cx="%.1f" cy="%.1f" r="3.5" fill="white" stroke="%s" stroke-width="2"/>')
                out.append(shape % (px(u), py(s), colour))
            out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"%s/>'
                       % (legend_x, legend_y, legend_x + 26, legend_y, colour, dash))
            name = SHORT[method] + ("" if method == "ping" else ", " + CASE_NAMES[case])
            out.append('<text x="%d" y="%d">%s</text>' % (legend_x + 32, legend_y + 4, name))
            legend_y += 20
    if loop_max and most_users > loop_max:
        out.append('<text x="%d" y="%d" fill="#555">the loops stop at %s users</text>'
                   % (legend_x, legend_y + 10, fmt_int(loop_max)))
    return out


# -- the document ----------------------------------------------------------------------------------

def result_sizes(results):
    lines = []
    for run in results["runs"]:
        if run["method"] != "batch" or run.get("result_bytes") is None:
            continue
        lines.append("| %s | %s | %s | %s | %s |" % (
            fmt_int(run["users"]), CASE_NAMES[run["case"]], fmt_bytes(run["result_bytes"]),
            fmt_bytes(run.get("result_results_bytes")), fmt_bytes(run.get("result_invocation_bytes"))))
    if not lines:
        return ""
    return "\n".join(["| users | case | whole registered result | of which `results` | of which `invocation` |",
                      "|---:|---|---:|---:|---:|"] + lines)


def awx_note(results):
    """The batch results against AWX's default limit on the result data of one event."""
    runs = [r for r in results["runs"] if r["method"] == "batch" and r.get("result_bytes")]
    if not runs:
        return ""
    over = [r for r in runs if r["result_bytes"] > AWX_MAX_EVENT_RES_DATA]
    under = [r for r in runs if r["result_bytes"] <= AWX_MAX_EVENT_RES_DATA]
    parts = []
    if under:
        parts.append("under that limit: %s" % ", ".join(
            "%s users %s (%s)" % (fmt_int(r["users"]), CASE_NAMES[r["case"]], fmt_bytes(r["result_bytes"]))
            for r in under))
    if over:
        parts.append("over it, so AWX would store the event without the result data: %s" % ", ".join(
            "%s users %s (%s, about %s bytes per changed user)"
            % (fmt_int(r["users"]), CASE_NAMES[r["case"]], fmt_bytes(r["result_bytes"]),
               fmt_int(int((r.get("result_results_bytes") or 0) / max(r.get("changed_users") or 1, 1))))
            for r in over))
    return ("AWX (and the automation controller) keeps at most `MAX_EVENT_RES_DATA` = %s bytes of the result "
            "of one event by default; " % fmt_int(AWX_MAX_EVENT_RES_DATA)) + "; ".join(parts) + "."


def commit_text(machine):
    start, end = machine.get("git_commit_start"), machine["git_commit"]
    if not start or start == end:
        return end
    return ("%s at the start of the run and %s at its end (the collection is used in place, so runs after a "
            "commit use it)" % (start, end))


def loops_text(settings):
    text = ("the loops (a), (b) and (d) stop at %s users (at 10,000 users each would take about an hour)"
            % fmt_int(settings["loop_max"]))
    first = settings.get("first_loop_max", settings["loop_max"])
    if first < settings["loop_max"]:
        text += (", and (a) and (b) converge first only up to %s users in this run, to keep it short on a "
                 "shared machine" % fmt_int(first))
    return text


# -- the section ---------------------------------------------------------------------------------

def section(results, docs_path):
    """The section of docs/benchmark.md, and its chart beside the page."""
    chart = svg_chart(results)
    chart_path = docs_path.with_suffix(".svg")
    if chart:
        chart_path.write_text(chart)
    m, s = results["machine"], results["settings"]
    loads = [r["load_before"] for r in results["runs"]] + [r["load_after"] for r in results["runs"]]
    target_lines = ["| target | result | measured |", "|---|---|---|"]
    target_lines += ["| %s | **%s** | %s |" % (name, mark, detail) for name, mark, detail in targets(results)]
    return TEMPLATE.format(
        table=markdown_table(results),
        targets="\n".join(target_lines),
        sizes=result_sizes(results) or "(no batch run)",
        awx=awx_note(results),
        notes=NOTES.read_text().strip() if NOTES.exists() else "",
        chart="![wall time against users](%s)" % chart_path.name if chart else "(no chart: no successful run)",
        nproc=m["nproc"], cpu=m["cpu"] or "unknown", memory=m["memory_gb"], os=m["os"], python=m["python"],
        ansible=m["ansible_core"], commit=commit_text(m), started=results["started"],
        duration=results["duration_s"] / 60, latency=s["latency_ms"], loop_max=fmt_int(s["loop_max"]),
        users=", ".join(fmt_int(u) for u in s["users"]), command=results["command"], loops=loops_text(s),
        parallel=s["parallel"] or "8 (the default)", sample=int(s["sample_seconds"] * 1000),
        load_lo=min(loads) if loads else 0, load_hi=max(loads) if loads else 0,
        layout="\n".join("      - %s" % ("{id: %(id)d, type: %(type)s, label: %(label)s, parameter: \"%(parameter)s\"}" % k)
                         for k in s["layout"]),
    )


TEMPLATE = """## Phone buttons for many users

How long it takes to give users a key layout, compared side by side on one simulator with the same
users: what operators write today, our module one user at a time, our module with `batch`, and the
floor of one module run per user. Generated by `make bench` (`python -m bench.run buttons`,
scenario `bench/scenarios/buttons.yml`); the raw numbers are in `bench/results/benchmark.json`.

### Results

{chart}

{table}

Users {users}; {latency:g} ms of latency on every API request; {loops} ("est." in the last column:
(a)'s per-user time at its largest run of the same case, times the users: the loop's time grows
linearly). ¹ `ping` changes nothing, so its one run stands for both cases.

- **wall s**: the whole `ansible-playbook` process, start-up included; **ms / user**: wall time
  divided by the users; **CPU s**: user + system CPU time of the `ansible-playbook` process tree
  (from `wait4`), which other load on the machine disturbs less than the wall time. The simulator's
  own CPU time is not included.
- **GET, PUT, logins**: counted by the simulator. GET counts the reads of users' phone buttons; the
  phone-type reads that validate a write are shown apart ("+N phone type"): the batch reads each phone
  type once per task, a module run in a loop once per user it writes. Logins are `POST
  /api/v01/auth/login`: one per task for (a) and (c), one per module run, so one per user, for (b).
- **peak MB**: the process tree of `ansible-playbook` (controller, worker forks, module process).
  *tree* is the highest sum of the proportional set sizes (PSS: a page shared by n processes counts
  1/n in each, so the pages forked workers share with the controller count once) of every process of
  the tree, sampled every {sample} ms with psutil; *largest* is the peak RSS of the largest single
  process, `ru_maxrss` from `wait4` (what `/usr/bin/time -v` reports as "Maximum resident set size").
  The sum of the RSS of the tree, which counts shared pages once per process, is in the JSON as
  `peak_tree_rss_mb`.
- **vs (a)**: (a)'s wall time divided by this one on the same users and case: how many times faster.
- **load**: the machine's 1-minute load average before and after the run. The machine was shared
  with other work: wall times of runs at a high load are longer than they would be on an idle one.

### Targets

{targets}

### Result size of the batch task

What callbacks, AWX's event stream and `register` receive from the batch task: the JSON of the task
result. Only changed and failed users are listed in `results` (`return_unchanged: false`, the default);
`invocation` is Ansible's echo of the module arguments, including the `batch` list itself.

{sizes}

{awx}

{notes}

### What was compared

All four run against `python -m apio_sim` with `--latency-ms {latency:g}`, localhost connection,
`ansible_python_interpreter` the venv's python, default `ansible.cfg` settings (no pipelining, 5
forks). Before each first-convergence run the simulator state is reset; the steady-state run follows it
on the same users. The layout, the same for every user and valid on their three phone types:

```yaml
    purge: true
    keys:
{layout}
```

- (a) `bench/playbooks/uri_loop.yml`: `ansible.builtin.uri` logs in once, then a `loop` GETs each
  user's phone buttons and a second `loop` PUTs the layout when `keys | sort(attribute='id')` differs.
- (b) `bench/playbooks/module_loop.yml`: `telephony.apio.apio_phone_buttons` with `loop` over the users.
- (c) `bench/playbooks/module_batch.yml`: `telephony.apio.apio_phone_buttons` with `batch` (parallel
  {parallel}).
- (d) `bench/playbooks/ping_loop.yml`: `ansible.builtin.ping` with `loop` over the users.

### Machine

- {nproc} CPUs ({cpu}), {memory} GiB of memory, {os}
- Python {python}, ansible-core {ansible}, collection at commit {commit}
- Run {started}, {duration:.0f} minutes; 1-minute load average between {load_lo:.1f} and {load_hi:.1f}
  around the runs (the simulator runs on the same machine).

### Reproduce

```
make bench          # the full run: {command}
make bench-smoke    # 50 users, every method and case, asserts the request counts (part of make test)
```
"""
