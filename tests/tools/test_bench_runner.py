"""The benchmark runner (bench/run.py): what a scenario's steps mean, its settings, its section of the page,
and that every shipped scenario names only hooks its module has. No simulator: the test scenario's
steps are calls and in-process runs."""

import json
import time

import pytest
import yaml

from bench import run as bench

DEMO_HOOKS = '''
import threading
import time


def prepare(ctx):
    return dict(prepared=ctx.vars["size"] * 2)


def measure(ctx):
    time.sleep(ctx.vars.get("pause", 0))
    return dict(rc=ctx.vars.get("rc", 0), thread=threading.get_ident(), seen_prepared=ctx.vars.get("prepared"),
                step_name=ctx.vars["name"])


def after(ctx, run):
    run["after"] = True


def checks(results):
    return [("every run passed", all(r["rc"] == 0 for r in results["runs"]), "%d runs" % len(results["runs"])),
            ("not measured here", None, "-")]


def section(results, docs_path):
    return "## Demo\\n\\n%d runs" % len(results["runs"])
'''


@pytest.fixture
def scenario(tmp_path, monkeypatch):
    """A scenario named demo in a package of its own, made from its steps and settings."""
    package = tmp_path / "demo_scenarios"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "demo.py").write_text(DEMO_HOOKS)
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(steps, settings=None, smoke=None):
        data = dict(title="Demo", results="bench/results/demo.json", settings=settings or {}, steps=steps)
        if smoke is not None:
            data["smoke"] = smoke
        (package / "demo.yml").write_text(yaml.safe_dump(data, sort_keys=False))  # a loop goes in the order of its variables
        return bench.Scenario("demo", directory=package, package="demo_scenarios")

    return make


def run_steps(scenario, tmp_path, settings=None):
    return bench.run_all(scenario, settings or scenario.settings([], False), tmp_path / "out", "test")["runs"]


def test_loops_run_in_order_and_when_skips_an_iteration(scenario, tmp_path):
    found = scenario([{"for": {"size": [1, 2, 3], "case": ["a", "b"]}, "when": "not (size == 2 and case == 'b')",
                       "steps": [{"call": "prepare"},
                                 {"inprocess": "measure", "name": "{{ case }}-{{ size }}", "after": "after",
                                  "record": {"size": "{{ size }}", "case": "{{ case }}"}}]}])
    runs = run_steps(found, tmp_path)
    assert [r["name"] for r in runs] == ["a-1", "b-1", "a-2", "a-3", "b-3"]
    # A record's values keep their type; a call's variables reach the steps after it; the hook sees the name.
    assert [(r["size"], r["seen_prepared"], r["step_name"], r["after"]) for r in runs][:2] == [
        (1, 2, "a-1", True), (1, 2, "b-1", True)]
    assert [json.loads(line)["name"] for line in (tmp_path / "out" / "runs.jsonl").read_text().splitlines()] == [
        r["name"] for r in runs]


def test_what_an_iteration_sets_the_next_one_sees(scenario, tmp_path):
    found = scenario([{"for": {"case": ["first", "steady"]},
                       "steps": [{"inprocess": "measure", "name": "{{ case }} after {{ last | default('none') }}",
                                  "set": {"last": "{{ run.name }}"}}]}])
    assert [r["name"] for r in run_steps(found, tmp_path)] == ["first after none", "steady after first after none"]


def test_jobs_run_iterations_side_by_side(scenario, tmp_path):
    found = scenario([{"for": {"lane": [1, 2]}, "jobs": 2,
                       "steps": [{"inprocess": "measure", "name": "lane {{ lane }}", "record": {"lane": "{{ lane }}"}}]}],
                     settings={"pause": 0.3})
    started = time.monotonic()
    runs = run_steps(found, tmp_path)
    assert time.monotonic() - started < 0.55  # two pauses of 0.3 s at once
    assert sorted(r["lane"] for r in runs) == [1, 2] and len({r["thread"] for r in runs}) == 2


def test_a_failed_unmeasured_step_stops_the_benchmark_and_names_itself(scenario, tmp_path):
    found = scenario([{"inprocess": "measure", "name": "converge first", "unmeasured": True},
                      {"inprocess": "measure", "name": "never"}], settings={"rc": 2})
    with pytest.raises(SystemExit, match="bench: converge first failed"):
        run_steps(found, tmp_path)


def test_a_step_names_one_kind(scenario, tmp_path):
    with pytest.raises(SystemExit, match="a step needs one of"):
        run_steps(scenario([{"name": "nothing to do"}]), tmp_path)


def test_settings_come_from_the_defaults_the_smoke_and_set(scenario):
    found = scenario([], settings={"users": [100, 1000], "latency_ms": 10, "label": "x"}, smoke={"users": [50]})
    assert found.settings([], False) == {"users": [100, 1000], "latency_ms": 10, "label": "x", "smoke": False}
    assert found.settings([], True)["users"] == [50] and found.settings([], True)["smoke"] is True
    assert found.settings(["users=5,10", "latency_ms=0", "label=a b"], False) == {
        "users": [5, 10], "latency_ms": 0, "label": "a b", "smoke": False}
    with pytest.raises(SystemExit, match="scenario demo has no setting 'user' \\(it has: label, latency_ms, smoke, users\\)"):
        found.settings(["user=5"], False)


def test_a_target_not_measured_neither_passes_nor_fails(scenario, tmp_path):
    found = scenario([{"inprocess": "measure"}])
    results = bench.run_all(found, found.settings([], False), tmp_path / "out", "test")
    checks = bench.evaluate(found, results)
    assert [ok for _, ok, _ in checks] == [True, None]
    assert [c["result"] for c in results["checks"]] == ["PASS", "n/a"]


def test_the_section_replaces_only_its_own_markers(scenario, tmp_path):
    found = scenario([])
    page = tmp_path / "benchmark.md"
    page.write_text("# Benchmarks\n\nWritten by hand.\n\n<!-- bench:demo:begin (old) -->\nold text\n"
                    "<!-- bench:demo:end -->\n\n## Another section, by hand\n")
    bench.write_section(found, {"runs": [1, 2]}, page)
    begin = "<!-- bench:demo:begin (python -m bench.run demo writes this section) -->"
    assert page.read_text() == ("# Benchmarks\n\nWritten by hand.\n\n%s\n## Demo\n\n2 runs\n<!-- bench:demo:end -->\n\n"
                                "## Another section, by hand\n" % begin)
    (tmp_path / "new.md").write_text("# Benchmarks\n")
    bench.write_section(found, {"runs": [1, 2, 3]}, tmp_path / "new.md")
    assert (tmp_path / "new.md").read_text() == "# Benchmarks\n\n%s\n## Demo\n\n3 runs\n<!-- bench:demo:end -->\n" % begin


def hooks_named(steps):
    """Every hook a scenario's steps name, with the kind of hook."""
    for step in steps:
        yield from hooks_named(step.get("steps") or [])
        for key in ("call", "inprocess", "after"):
            if key in step:
                yield step[key]
        if "floor" in step:
            yield "floor_client"


@pytest.mark.parametrize("name", bench.names())
def test_each_shipped_scenario_names_only_hooks_its_module_has(name):
    found = bench.Scenario(name)
    missing = [hook for hook in hooks_named(found.data["steps"]) if not hasattr(found.module, hook)]
    assert missing == [] and hasattr(found.module, "section"), missing
    assert found.results.parent == bench.REPO / "bench" / "results"
    assert set(found.data.get("smoke") or {}) <= set(found.data["settings"]), "a smoke setting the scenario does not have"
