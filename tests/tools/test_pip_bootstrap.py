"""The offline pip bootstrap of ansible-test (tools/pip_bootstrap.py): what ansible-test runs."""

import subprocess
import sys

from tools import pip_bootstrap


def test_writes_the_stand_in_where_ansible_test_looks_and_keeps_a_cached_script(tmp_path):
    version = pip_bootstrap.pinned_pip_version()
    path, written = pip_bootstrap.install(home=tmp_path)
    assert written is True
    assert path == tmp_path / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % version.replace(".", "_"))
    assert path.read_text() == pip_bootstrap.STAND_IN

    path.write_text("# downloaded by ansible-test\n")
    assert pip_bootstrap.install(home=tmp_path) == (path, False)
    assert path.read_text() == "# downloaded by ansible-test\n"


def test_the_stand_in_installs_the_pinned_pip_into_an_environment_without_pip(tmp_path):
    # As ansible-test calls it: a virtual environment made without pip, then get_pip.py pip==X.
    version = pip_bootstrap.pinned_pip_version()
    path = pip_bootstrap.install(home=tmp_path)[0]
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp_path / "venv")], check=True)
    python = str(tmp_path / "venv" / "bin" / "python")
    assert subprocess.run([python, "-m", "pip", "--version"], capture_output=True, check=False).returncode != 0

    subprocess.run([python, str(path), "--disable-pip-version-check", "pip==%s" % version, "--no-setuptools",
                    "--no-wheel"], check=True, capture_output=True, timeout=300)

    out = subprocess.run([python, "-m", "pip", "--version"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("pip %s " % version)
