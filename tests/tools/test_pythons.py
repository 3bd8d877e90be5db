"""The interpreter lookup of the Makefile and noxfile.py (tools/pythons.py)."""

import os
import sys

from tools import pythons

VERSION = "%d.%d" % sys.version_info[:2]


def test_finds_the_running_python_version():
    path = pythons.find(VERSION)
    assert path and os.path.isabs(path)
    assert pythons.main([VERSION]) == 0


def test_a_version_that_is_nowhere_is_not_found(capsys):
    assert pythons.find("2.1") is None
    assert pythons.main(["2.1", "2.2"]) == 1
    assert capsys.readouterr().out == ""


def test_a_pyenv_shim_that_fails_is_passed_over_for_pyenv_s_build(tmp_path, monkeypatch):
    # On PATH: a python3.X that fails (a pyenv shim without PYENV_VERSION) and a pyenv whose root holds
    # builds of that version; the newest patch release that runs is chosen.
    shims = tmp_path / "shims"
    shims.mkdir()
    shim = shims / ("python" + VERSION)
    shim.write_text("#!/bin/sh\necho 'pyenv: python%s: command not found' >&2\nexit 127\n" % VERSION)
    root = tmp_path / "pyenv"
    pyenv = shims / "pyenv"
    pyenv.write_text("#!/bin/sh\necho %s\n" % root)
    for script in (shim, pyenv):
        script.chmod(0o755)
    for patch in ("1", "12", "3"):
        bin_dir = root / "versions" / ("%s.%s" % (VERSION, patch)) / "bin"
        bin_dir.mkdir(parents=True)
        (bin_dir / ("python" + VERSION)).symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(shims))

    assert pythons.find(VERSION) == str(root / "versions" / ("%s.12" % VERSION) / "bin" / ("python" + VERSION))
