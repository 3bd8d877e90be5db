"""A clone of the repository is whole: no tracked file cites a file outside it.

The APIs are described in docs/api.md; code, tests and docs cite its sections, never a document that
lives next to the repository on one machine. The patterns are built from pieces so that this file does
not match them itself.
"""

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

OUTSIDE = {
    "the shared API contract (cite docs/api.md)": re.compile(re.escape("api-contract" + ".md").encode()),
    "a folder next to the repository": re.compile(re.escape(".." + "/shared").encode()),
    # At the start of a path only: /tmp/x/work/y is a path below /tmp, not this machine's /work.
    "an absolute path of the machine the project is developed on": re.compile(("(?<![\\w.~-])/" + "work/").encode()),
}


def tracked_files():
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    return [name for name in listed.decode().split("\0") if name]


def citations_outside(name, data):
    """``(file, line, what)`` for each citation of a path outside the repository in one file's bytes."""
    found = []
    for what, pattern in OUTSIDE.items():
        for match in pattern.finditer(data):
            found.append((name, data.count(b"\n", 0, match.start()) + 1, what))
    return found


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout")
def test_no_tracked_file_cites_a_path_outside_the_repository():
    found = []
    for name in tracked_files():
        path = ROOT / name
        if path.is_file() and not path.is_symlink():  # a file deleted in the work tree is not checked
            found.extend(citations_outside(name, path.read_bytes()))
    assert found == [], "\n".join("%s:%d: %s" % entry for entry in found)


@pytest.mark.parametrize("text", [
    "see ../" + "shared/api-" + "contract.md, 1.3",
    "They follow the contract (/" + "work/shared/api-" + "contract.md)",
    '"out": "/' + 'work/wt21/bench/results/stop_watch.json"',
])
def test_the_patterns_find_such_citations(text):
    assert citations_outside("example", text.encode())


@pytest.mark.parametrize("text", [
    "docs/api.md, 2.3 Primary line port",
    "10000 users in /tmp/g19f/final/work/inventory",
    "bench/results/stop_watch_latency0.json",
])
def test_the_patterns_leave_the_repository_s_own_paths_alone(text):
    assert citations_outside("example", text.encode()) == []
