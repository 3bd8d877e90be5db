"""The two CI pipelines of examples/gitops, read as files: the GitHub Actions workflow does what the GitLab
pipeline does (the same playbook commands, the same installs, the same secrets) and keeps its promises:
one plan comment that fits, the plan uploaded and kept, one apply at a time on the default branch only, of
the merged request's reviewed plan (the inventory only with the explicit emergency override), and a drift
check that fails on drift. No network: the comment script is run on reports made here, the plan download of
GitLab against a fake API on localhost, that of GitHub with a fake gh."""

import http.server
import io
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import zipfile

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


# -- default branch: the reviewed plan of the merge, or nothing ------------------------------------------

PLAN_APPLY = "ansible-playbook site.yml --diff -e apio_plan_file=plan -e apio_plan_dir=applied"
INVENTORY_APPLY = "ansible-playbook site.yml --diff -e apio_plan_dir=applied"
OVERRIDE = 'if [ "$APPLY_WITHOUT_PLAN" = "true" ]; then'


def branches(script_lines):
    """Each line of a shell script with the branches it is in: a tuple of (if-line, True in then / False
    in else). Only the plain `if ...; then` / `else` / `fi` of these scripts."""
    stack, out = [], []
    for line in script_lines:
        if line.startswith("if ") and line.endswith("; then"):
            stack.append((line, True))
        elif line == "else":
            stack[-1] = (stack[-1][0], False)
        elif line == "fi":
            stack.pop()
        else:
            out.append((line, tuple(stack)))
    assert stack == []
    return out


def apply_scripts(gitlab, github):
    """The apply job's shell of each pipeline (GitHub: its steps' in order), as lines."""
    return {"gitlab": lines(gitlab["apply"]["script"]),
            "github": [line for step in runs(github["jobs"][JOBS["apply"]]) for line in lines(step["run"])]}


def test_both_apply_jobs_apply_the_plan_and_the_inventory_only_with_the_override(gitlab, github):
    for name, script in apply_scripts(gitlab, github).items():
        commands = [(line, where) for line, where in branches(script) if line.startswith("ansible-playbook ")]
        assert [line for line, _where in commands] == [INVENTORY_APPLY, PLAN_APPLY], name
        inventory_where, plan_where = commands[0][1], commands[1][1]
        assert inventory_where == ((OVERRIDE, True),), name  # the inventory: only with the override...
        assert plan_where == ((OVERRIDE, False),), name  # ...the reviewed plan otherwise
        warned = [line for line, where in branches(script) if where == inventory_where and "echo" in line]
        assert warned and "WITHOUT A REVIEWED PLAN" in warned[0], name  # said loudly in the log
    # GitLab: the plan is fetched (or the job fails) right before it is applied.
    gitlab_lines = [line for line, where in branches(lines(gitlab["apply"]["script"])) if where == plan_where]
    assert gitlab_lines == ['python3 -c "$FETCH_PLAN"', PLAN_APPLY]
    # GitHub: the download step runs before the apply, unless the override is set.
    steps = [step.get("name") for step in github["jobs"][JOBS["apply"]]["steps"]]
    download = download_step(github)
    assert steps.index(download["name"]) == steps.index("Apply") - 1
    assert download["if"] == "env.APPLY_WITHOUT_PLAN != 'true'"
    assert github["jobs"][JOBS["apply"]]["env"]["APPLY_WITHOUT_PLAN"] == "${{ vars.APPLY_WITHOUT_PLAN }}"
    assert "APPLY_WITHOUT_PLAN" not in gitlab["apply"].get("variables", {})  # never on by default
    assert "APPLY_WITHOUT_PLAN" not in gitlab.get("variables", {})


def test_the_plan_artifact_is_the_reports_and_outlives_a_review(gitlab, github):
    artifacts = gitlab["plan"]["artifacts"]
    assert artifacts["paths"] == ["plan/"]
    number, unit = artifacts["expire_in"].split()
    assert unit in ("day", "days", "week", "weeks") and int(number) * (7 if "week" in unit else 1) >= 30
    [upload] = steps_using(plan_job(github), "actions/upload-artifact")
    assert upload["with"]["name"] == "plan" and upload["with"]["path"] == "plan/"
    assert upload["with"]["retention-days"] >= 30
    # The playbook of the dry run writes the JSON reports there, which the apply takes.
    assert all("-e apio_plan_dir=plan" in " ".join(c) for c in job_commands(plan_job(github)))


# GitLab: the job's Python, against a fake API on localhost.

MERGE_SHA, HEAD_SHA = "m" * 40, "h" * 40


def plan_zip():
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("plan/phone_buttons.json", "{}")
    return data.getvalue()


def gitlab_api(mrs=None, head_pipeline=None, jobs=None):
    """The answers of the fake API (path -> JSON or bytes) for a merged merge request !4."""
    mrs = [{"iid": 4, "state": "merged", "target_branch": "main", "merge_commit_sha": MERGE_SHA,
            "squash_commit_sha": None, "sha": HEAD_SHA}] if mrs is None else mrs
    head_pipeline = {"id": 70, "sha": HEAD_SHA} if head_pipeline is None else head_pipeline
    jobs = [{"id": 900, "name": "plan", "status": "success"}] if jobs is None else jobs
    return {"/api/v4/projects/3/repository/commits/%s/merge_requests" % MERGE_SHA: mrs,
            "/api/v4/projects/3/merge_requests/4": {"iid": 4, "sha": HEAD_SHA, "head_pipeline": head_pipeline},
            "/api/v4/projects/3/pipelines/70/jobs?per_page=100": jobs,
            "/api/v4/projects/3/jobs/900/artifacts": plan_zip()}


def run_fetch_plan(gitlab, tmp_path, answers, token="glpat-x"):
    seen = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the name http.server calls)
            seen.append(self.headers.get("PRIVATE-TOKEN"))
            if self.path not in answers:
                self.send_error(404)
                return
            body = answers[self.path]
            body = body if isinstance(body, bytes) else json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        env = dict(os.environ, CI_API_V4_URL="http://127.0.0.1:%d/api/v4" % server.server_port,
                   CI_PROJECT_ID="3", CI_COMMIT_SHA=MERGE_SHA, CI_DEFAULT_BRANCH="main", PLAN_COMMENT_TOKEN=token)
        result = subprocess.run([sys.executable, "-c", gitlab["apply"]["variables"]["FETCH_PLAN"]], cwd=tmp_path,
                                env=env, capture_output=True, text=True, timeout=60, check=False)
    finally:
        server.shutdown()
    assert set(seen) <= {token}
    return result


def test_gitlab_apply_fetches_the_plan_of_the_merged_merge_request(gitlab, tmp_path):
    assert "$" not in gitlab["apply"]["variables"]["FETCH_PLAN"]  # GitLab would expand it
    result = run_fetch_plan(gitlab, tmp_path, gitlab_api())
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "plan" / "phone_buttons.json").read_text() == "{}"
    assert "merge request !4 (job 900" in result.stdout


@pytest.mark.parametrize("answers, token, message", [
    (gitlab_api(mrs=[]), "glpat-x", "is not the merge of a merge request (a direct push?)"),
    (gitlab_api(mrs=[{"iid": 4, "state": "opened", "target_branch": "main", "merge_commit_sha": None,
                      "squash_commit_sha": None, "sha": MERGE_SHA}]), "glpat-x", "is not the merge of"),
    (gitlab_api(head_pipeline={}), "glpat-x", "merge request !4 has no pipeline"),
    (gitlab_api(head_pipeline={"id": 70, "sha": "o" * 40}), "glpat-x", "its plan is not of the merged code"),
    (gitlab_api(jobs=[{"id": 900, "name": "plan", "status": "failed"}]), "glpat-x", "did not succeed: failed"),
    (gitlab_api(jobs=[]), "glpat-x", "did not succeed: no such job"),
    ({k: v for k, v in gitlab_api().items() if not k.endswith("/artifacts")}, "glpat-x", "HTTP Error 404"),
    (gitlab_api(), "", "PLAN_COMMENT_TOKEN is not set"),
], ids=["direct-push", "not-merged", "no-pipeline", "other-sha", "plan-failed", "no-plan-job", "expired",
        "no-token"])
def test_gitlab_apply_fails_without_a_reviewed_plan(gitlab, tmp_path, answers, token, message):
    result = run_fetch_plan(gitlab, tmp_path, answers, token=token)
    assert result.returncode == 1
    assert message in result.stderr and "Nothing was applied" in result.stderr, result.stderr
    assert not (tmp_path / "plan").exists()


# GitHub: the download step's shell, with a fake gh that answers what the real one's --jq would print.

FAKE_GH = """#!/bin/sh
echo "$*" >> calls
case "$1 $2" in
  "api repos/o/r/commits/$GITHUB_SHA/pulls") printf '%s' "$FAKE_PULLS" ;;
  "run list") printf '%s' "$FAKE_RUNS" ;;
  "run download") [ -n "$FAKE_ARTIFACT" ] && mkdir -p plan && echo '{}' > plan/phone_buttons.json ;;
  *) exit 2 ;;
esac
"""


def download_step(github):
    [step] = [s for s in github["jobs"][JOBS["apply"]]["steps"] if s.get("name", "").startswith("Download the plan")]
    return step


def run_download(github, tmp_path, pulls, runs_, artifact=True):
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "gh").write_text(FAKE_GH)
    (tmp_path / "bin" / "gh").chmod(0o755)
    env = dict(os.environ, PATH="%s:%s" % (tmp_path / "bin", os.environ["PATH"]), GITHUB_REPOSITORY="o/r",
               GITHUB_SHA=MERGE_SHA, FAKE_PULLS=pulls, FAKE_RUNS=runs_, FAKE_ARTIFACT="1" if artifact else "")
    result = subprocess.run(["bash", "-eo", "pipefail", "-c", download_step(github)["run"]], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=60, check=False)
    return result, (tmp_path / "calls").read_text().splitlines()


def test_github_apply_downloads_the_plan_of_the_merged_pull_request(github, tmp_path):
    step = download_step(github)
    assert step["env"]["GH_TOKEN"] == "${{ github.token }}"
    assert github["jobs"][JOBS["apply"]]["permissions"]["actions"] == "read"
    assert "select(.merged_at != null and .merge_commit_sha == env.GITHUB_SHA)" in step["run"]
    result, calls = run_download(github, tmp_path, "12 %s\n" % HEAD_SHA, "555 %s success\n" % HEAD_SHA)
    assert result.returncode == 0, result.stdout + result.stderr
    assert calls[1].startswith("run list --workflow phones.yml --event pull_request --commit %s " % HEAD_SHA)
    assert calls[2] == "run download 555 -n plan -D plan"
    assert (tmp_path / "plan" / "phone_buttons.json").exists()
    assert "pull request #12 (run 555" in result.stdout


@pytest.mark.parametrize("pulls, runs_, artifact, message", [
    ("", "", True, "is not the merge of a pull request (a direct push?)"),
    ("12 %s\n" % HEAD_SHA, "", True, "not a successful plan of the merged code"),
    ("12 %s\n" % HEAD_SHA, "555 %s failure\n" % HEAD_SHA, True, "not a successful plan of the merged code"),
    ("12 %s\n" % HEAD_SHA, "555 %s success\n" % ("o" * 40), True, "not a successful plan of the merged code"),
    ("12 %s\n" % HEAD_SHA, "555 %s success\n" % HEAD_SHA, False, "has no artifact plan"),
], ids=["direct-push", "no-run", "plan-failed", "other-sha", "expired"])
def test_github_apply_fails_without_a_reviewed_plan(github, tmp_path, pulls, runs_, artifact, message):
    result = run_download(github, tmp_path, pulls, runs_, artifact=artifact)[0]
    assert result.returncode == 1
    assert "::error::" in result.stdout and message in result.stdout and "Nothing was applied" in result.stdout
    assert not (tmp_path / "plan").exists()


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
