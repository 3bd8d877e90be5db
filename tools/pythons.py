"""Find a Python interpreter by version, the way the Makefile and noxfile.py need it.

    python3 tools/pythons.py 3.12 3.13 3.11    # prints the path of the first one found

A ``python3.X`` on PATH counts only if it runs: a pyenv shim is on PATH for every version that pyenv
has, but fails unless that version is selected (PYENV_VERSION). Then the newest pyenv build of that
version is used directly. Prints nothing and exits 1 when none is found.
"""

import os
import re
import shutil
import subprocess
import sys


def _runs(path, version):
    try:
        out = subprocess.run([path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                             capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return False
    return out.returncode == 0 and out.stdout.strip() == version


def _pyenv_builds(version):
    """Paths of pyenv's builds of ``version`` (e.g. 3.12), newest patch release first."""
    pyenv = shutil.which("pyenv")
    if not pyenv:
        return []
    out = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False)
    root = os.path.join(out.stdout.strip(), "versions")
    if out.returncode != 0 or not os.path.isdir(root):
        return []
    pattern = re.compile(r"^%s\.(\d+)$" % re.escape(version))
    builds = sorted((int(m.group(1)), name) for name in os.listdir(root) if (m := pattern.match(name)))
    return [os.path.join(root, name, "bin", "python" + version) for patch, name in reversed(builds)]


def find(version):
    """The path of a working Python ``version`` (e.g. "3.12"), or None."""
    on_path = shutil.which("python" + version)
    candidates = ([on_path] if on_path else []) + _pyenv_builds(version)
    return next((path for path in candidates if _runs(path, version)), None)


def main(versions):
    for version in versions:
        path = find(version)
        if path:
            print(path)
            return 0
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
