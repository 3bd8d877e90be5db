"""What the collection claims is what CI runs: the README's support table, meta/runtime.yml and the
matrix of noxfile.py say the same."""

import ast
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def load_matrix():
    """noxfile.py's MATRIX, read without running the noxfile (which registers its sessions)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    found = [node.value for node in tree.body if isinstance(node, ast.Assign)
             and [getattr(target, "id", None) for target in node.targets] == ["MATRIX"]]
    assert len(found) == 1
    return ast.literal_eval(found[0])


def test_the_readme_support_table_is_the_matrix():
    table = re.findall(r"^\| (\d+\.\d+) \| (\d+\.\d+) \|", (ROOT / "README.md").read_text(), re.M)
    assert dict(table) == load_matrix()
    assert len(table) == len(load_matrix())


def test_requires_ansible_starts_at_the_oldest_release_of_the_matrix():
    oldest = min(load_matrix(), key=lambda version: tuple(int(part) for part in version.split(".")))
    runtime = yaml.safe_load((ROOT / "meta" / "runtime.yml").read_text())
    assert runtime["requires_ansible"] == ">=%s.0" % oldest
