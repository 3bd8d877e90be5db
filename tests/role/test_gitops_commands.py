"""examples/gitops's own commands, run as its README writes them: from its directory, with only .venv's
tools on PATH (as `source .venv/bin/activate` gives) and no ANSIBLE_* variable set by anyone."""

import os
import subprocess
import sys
from pathlib import Path

from tools.runner import REPO

GITOPS = REPO / "examples" / "gitops"


def test_the_example_finds_the_collection_from_its_directory():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "APIO_"))}
    env["PATH"] = "%s%s%s" % (Path(sys.executable).parent, os.pathsep, env.get("PATH", ""))
    run = subprocess.run(["ansible-playbook", "site.yml", "--syntax-check"], cwd=GITOPS, env=env,
                         capture_output=True, text=True, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "playbook: site.yml" in run.stdout
