"""Let ansible-test run offline, from a package mirror: its pip bootstrap without its download host.

ansible-test gives each of its virtual environments the pip release it pins, with a ``get-pip.py`` that
it downloads from a host of its own (not a package index) and caches as
``~/.ansible/test/cache/get_pip_<version>.py``. Where that host cannot be reached (a network that
reaches only a package mirror or PyPI, as on our machines and CI), this writes a stand-in into that
cache: it installs the pip that Python bundles (``ensurepip``) and then the pinned pip from the package
index that pip is configured with (``pip.conf``, ``PIP_INDEX_URL``). A cached ``get-pip.py`` that
ansible-test downloaded itself is left alone.

    python tools/pip_bootstrap.py      # with the Python that has ansible-core (ansible-test)

noxfile.py runs it before each ``ansible-test sanity``.
"""

import os
import re
import sys
from pathlib import Path

STAND_IN = '''\
"""Stand-in for get-pip.py, written by telephony.apio's tools/pip_bootstrap.py.

ansible-test runs it as ``python get_pip.py [pip options] pip==X [--no-setuptools] [--no-wheel]``:
installs the pip that Python bundles (ensurepip), then the requested packages from the package index.
"""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q"] + ARGS)
'''


def pinned_pip_version():
    """The pip release that this ansible-test bootstraps (its ``pip='X.Y'`` pin)."""
    import ansible_test

    source = Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
    found = re.search(r"^\s*pip='([0-9.]+)',$", source.read_text(), re.M)
    if not found:
        raise SystemExit("cannot find the pip version that ansible-test bootstraps in %s" % source)
    return found.group(1)


def cache_path(version, home=None):
    home = Path(home or os.path.expanduser("~"))
    return home / ".ansible" / "test" / "cache" / ("get_pip_%s.py" % version.replace(".", "_"))


def install(home=None):
    """Write the stand-in unless a bootstrap script is cached; returns (path, written)."""
    path = cache_path(pinned_pip_version(), home)
    if path.exists():
        return path, False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STAND_IN)
    return path, True


if __name__ == "__main__":
    where, written = install()
    print("%s pip bootstrap for ansible-test: %s" % ("wrote the offline" if written else "kept the cached", where))
    sys.exit(0)
