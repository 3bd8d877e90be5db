"""The two CI pipelines of examples/gitops, read as files: the GitHub Actions workflow does what the GitLab
pipeline does (the same playbook commands, the same installs, the same secrets) and keeps its promises:
one plan comment that fits, the plan uploaded, one apply at a time on the default branch only, and a
drift check that fails on drift. No network: the comment script is run on reports made here."""

import json
import os
import re
import shlex
import subprocess
import sys

import pytest
import yaml

from rolekit import EXAMPLE

GITLAB = EXAMPLE / ".gitlab-ci.yml"
GITHUB = EXAMPLE / ".github" / "workflows" / "phones.yml"
# GitLab job -> the GitHub job that does the same.
JOBS = {"plan": "plan", "apply": "apply", "drift": "drift"}
SECRETS = {"APIO_URL", "APIO_USERNAME", "APIO_PASSWORD", "APIO_PORTAL_URL", "APIO_PORTAL_CLIENT_ID",
           "APIO_PORTAL_CLIENT_SECRET"}
COMMENT_LIMIT = 65536


@pytest.fixture(scope="module")
def gitlab():
    return yaml.safe_load(GITLAB.read_text())


@pytest.fixture(scope="module")
def github():
    workflow = yaml.safe_load(GITHUB.read_text())
    # YAML 1.1 (PyYAML) reads the key `on` as true; GitHub reads it as "on".
    workflow["on"] = workflow.pop(True, workflow.get("on"))
    return workflow


def lines(script):
    """The commands of a GitLab script or a GitHub run, one per line."""
    if isinstance(script, str):
        script = [script]
    return [line.strip() for item in script for line in item.splitlines() if line.strip()]


def playbook_commands(script):
    return [shlex.split(line) for line in lines(script) if line.startswith("ansible-playbook ")]


def runs(job):
    """The shell steps of a GitHub job (the inline Python step is not shell)."""
    return [step for step in job["steps"] if "run" in step and step.get("shell") != "python"]


def job_commands(job):
    return [command for step in runs(job) for command in playbook_commands(step["run"])]


def steps_using(job, action):
    return [step for step in job["steps"] if step.get("uses", "").split("@")[0] == action]


def uploads(job):
    return [step["with"]["path"] for step in steps_using(job, "actions/upload-artifact")]


def test_every_gitlab_playbook_command_runs_in_the_github_job_with_the_same_options(gitlab, github):
    gitlab_jobs = {name: job for name, job in gitlab.items() if isinstance(job, dict) and "script" in job}
    assert sorted(gitlab_jobs) == sorted(JOBS)  # a new GitLab job needs its GitHub twin (and a line in JOBS)
    for gitlab_job, github_job in JOBS.items():
        expected = playbook_commands(gitlab_jobs[gitlab_job]["script"])
        assert expected, gitlab_job
        assert job_commands(github["jobs"][github_job]) == expected, (gitlab_job, github_job)


def test_each_github_job_installs_what_the_gitlab_pipeline_installs(gitlab, github):
    install = lines(gitlab["default"]["before_script"])
    python = re.fullmatch(r"python:(\d+\.\d+)(-.*)?", gitlab["default"]["image"]).group(1)
    for name, job in github["jobs"].items():
        commands = [line for step in runs(job) for line in lines(step["run"])]
        for line in install:
            assert line in commands, (name, line)
        assert [s["with"]["python-version"] for s in steps_using(job, "actions/setup-python")] == [python], name
        assert steps_using(job, "actions/checkout"), name


def test_actions_are_pinned_by_major_version(github):
    used = {step["uses"] for job in github["jobs"].values() for step in job["steps"] if "uses" in step}
    assert used == {"actions/checkout@v4", "actions/setup-python@v5", "actions/upload-artifact@v4"}


def test_secrets_reach_only_the_playbook_steps_as_environment_variables(gitlab, github):
    named = set(re.findall(r"\bAPIO_[A-Z_]+\b", GITLAB.read_text()))
    assert SECRETS <= named  # the GitLab pipeline's variables
    assert "secrets." not in yaml.safe_dump(github.get("env", {})) + yaml.safe_dump(
        [job.get("env", {}) for job in github["jobs"].values()])
    for name, job in github["jobs"].items():
        for step in job["steps"]:
            text = step.get("run", "")
            assert "secrets." not in text, (name, step)  # never expanded into a script
            assert "set -x" not in text and not re.search(r"echo[^\n]*\$\{?APIO_", text), (name, step)
            secret_env = {k for k, v in step.get("env", {}).items() if "secrets." in str(v)}
            if playbook_commands(text):
                assert secret_env == SECRETS, (name, step)
                assert all(step["env"][k] == "${{ secrets.%s }}" % k for k in SECRETS)
            else:
                assert secret_env == set(), (name, step)


# -- pull request: the dry run, its artifact and its comment ---------------------------------------------

def plan_job(github):
    return github["jobs"][JOBS["plan"]]


def test_the_pull_request_job_runs_the_dry_run_and_uploads_plan(github):
    assert "pull_request" in github["on"]
    job = plan_job(github)
    assert "github.event_name == 'pull_request'" in job["if"]
    assert all("--check" in command for command in job_commands(job))
    assert uploads(job) == ["plan/"]  # the JSON, Markdown and HTML reports
    upload = steps_using(job, "actions/upload-artifact")[0]
    assert upload["if"] == "${{ !cancelled() }}"  # also when some users are not valid


def test_the_pull_request_job_posts_or_updates_one_comment_with_gh(github):
    job = plan_job(github)
    assert github["permissions"] == {"contents": "read"}
    assert job["permissions"]["pull-requests"] == "write"
    marker = job["env"]["PLAN_COMMENT_MARKER"]
    assert marker.startswith("<!--") and marker.endswith("-->")  # invisible in the comment
    posting = [step for step in runs(job) if "gh api" in step["run"]]
    assert len(posting) == 1
    step = posting[0]
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    script = step["run"]
    assert "$PLAN_COMMENT_MARKER" in script  # finds the earlier comment by its marker...
    assert "--method PATCH" in script and "issues/comments/$id" in script  # ...and updates it
    assert "--method POST" in script and "issues/$PR/comments" in script  # or posts the first one
    assert "--paginate" in script  # a long discussion has more than one page of comments


def comment_script(github):
    [step] = [s for s in plan_job(github)["steps"] if s.get("shell") == "python"]
    return step["run"]


def build_comment(github, tmp_path, reports):
    """Run the workflow's comment step on ``reports`` (file name -> Markdown); the comment's body."""
    (tmp_path / "plan").mkdir()
    for name, text in reports.items():
        (tmp_path / "plan" / name).write_text(text, encoding="utf-8")
    (tmp_path / "plan" / "phone_buttons.json").write_text("{}")  # not part of the comment
    env = dict(os.environ, RUNNER_TEMP=str(tmp_path), RUN_URL="https://github.example/o/r/actions/runs/7",
               PLAN_COMMENT_MARKER=plan_job(github)["env"]["PLAN_COMMENT_MARKER"])
    subprocess.run([sys.executable, "-c", comment_script(github)], cwd=tmp_path, env=env, check=True, timeout=60)
    return json.loads((tmp_path / "comment.json").read_text(encoding="utf-8"))["body"]


def test_the_comment_holds_the_three_reports_under_the_marker(github, tmp_path):
    reports = {"softphones.md": "## Softphones\n", "phone_buttons.md": "## Phone buttons\n| a | b |\n",
               "primary_line.md": "## Primary line\n"}
    body = build_comment(github, tmp_path, reports)
    assert body == "<!-- telephony.apio plan -->\n" + "\n".join(reports[n] for n in sorted(reports))


def test_reports_too_long_together_are_cut_at_a_line_with_a_pointer_to_the_artifact(github, tmp_path):
    row = "| user u%05d (foo/foogroup) | key 5 label 'call boss' -> 'call chief' |\n"
    big = "## Phone buttons\n" + "".join(row % n for n in range(850))  # each one fits a comment alone
    assert len(big) < COMMENT_LIMIT
    reports = {"phone_buttons.md": big, "primary_line.md": "## Primary line: 1 user would change\n",
               "softphones.md": big.replace("Phone buttons", "Softphones")}
    body = build_comment(github, tmp_path, reports)
    assert len(body) <= COMMENT_LIMIT
    assert body.startswith("<!-- telephony.apio plan -->\n## Phone buttons\n")
    assert "\n## Primary line: 1 user would change\n" in body  # the short one is whole
    assert body.count("the whole report is in the artifact `plan` of [this run]"
                      "(https://github.example/o/r/actions/runs/7)") == 2
    for part in body.split("\n## ")[1:]:
        cut = part.split("\n\n... cut")[0]
        assert all(line.endswith("|") for line in cut.splitlines()[1:]), "a row was cut in the middle"
    assert len(body) > COMMENT_LIMIT - 1000  # the room is used, not wasted


# -- default branch: apply, one at a time -----------------------------------------------------------------

def test_apply_runs_only_on_a_push_to_the_default_branch_one_at_a_time(github):
    assert github["on"]["push"]["branches"] == ["main"]
    job = github["jobs"][JOBS["apply"]]
    assert job["if"] == "github.event_name == 'push' && github.ref_name == github.event.repository.default_branch"
    assert all("--check" not in command for command in job_commands(job))
    group = job["concurrency"]["group"]
    assert group and "${{" not in group  # one group for every run, not one per commit or branch
    assert job["concurrency"]["cancel-in-progress"] is False  # a running roll-out is never cancelled
    others = [name for name, other in github["jobs"].items() if other is not job
              and (other.get("concurrency") or {}).get("group") == group]
    assert others == []  # no other job can queue behind an apply, or replace a waiting one
    assert uploads(job) == ["applied/"]


# -- schedule: drift ---------------------------------------------------------------------------------------

def test_the_drift_check_runs_nightly_and_on_demand_and_fails_on_drift(github):
    assert [entry["cron"] for entry in github["on"]["schedule"]]
    assert "workflow_dispatch" in github["on"]
    job = github["jobs"][JOBS["drift"]]
    assert job["if"] == "github.event_name == 'schedule' || github.event_name == 'workflow_dispatch'"
    [command] = job_commands(job)
    assert "--check" in command
    assert "apio_fail_on_drift=true" in command
    assert uploads(job) == ["plan/"]
    assert steps_using(job, "actions/upload-artifact")[0]["if"] == "${{ !cancelled() }}"  # the report of a drift


def test_every_event_runs_exactly_one_job(github):
    events = {"pull_request": "plan", "push": "apply", "schedule": "drift", "workflow_dispatch": "drift"}
    assert sorted(github["on"]) == sorted(events)
    for event, expected in events.items():
        chosen = [name for name, job in github["jobs"].items() if "'%s'" % event in job["if"]]
        assert chosen == [expected], event
