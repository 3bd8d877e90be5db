"""Import a built collection with galaxy-importer as Automation Hub does, and fail on any warning.

    python tools/import_check.py dist/telephony-apio-2.0.0.tar.gz [--debug] [--timeout SECONDS]

Run it with the Python of a virtual environment that has galaxy-importer (``pip install
galaxy-importer``, which brings its own ansible-core and ansible-lint): the importer runs as
``sys.executable -m galaxy_importer.main TARBALL``, with ``GALAXY_IMPORTER_CONFIG`` pointing at
galaxy_importer.cfg beside this file (Automation Hub's settings: required tags, ansible-doc,
ansible-lint --profile production --offline; no ansible-test, no network).

Automation Hub and Red Hat certification refuse a collection whose import logs a warning or an error,
but galaxy-importer exits 0 after warnings. This prints the import log and exits 1 if any line of it
is at WARNING or ERROR level (naming those lines), if the importer failed, or if the log does not show
a completed import with ansible-lint run; 0 on a clean import; 2 on a usage error.

The import runs as on Automation Hub's workers, apart from this machine's settings: in a temporary
directory outside any git work tree (its working directory, galaxy-importer's TMP_ROOT_DIR and
ANSIBLE_LOCAL_TMP, and HOME, so that no ansible.cfg, ~/.ansible/collections, user-wide linter settings
or the repository's .ansible-lint take part), without the
caller's ANSIBLE_* and GALAXY_IMPORTER_* variables, and with this Python's bin directory first on PATH
(the importer runs ansible-doc and ansible-lint from PATH).
"""

import argparse
import importlib.metadata
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "galaxy_importer.cfg")

# galaxy_importer.main's file name check: namespace-name-version.tar.gz.
TARBALL_NAME = re.compile(r"^\w+-\w+-[0-9a-zA-Z.+-]+\.tar\.gz$")

# galaxy-importer logs to stdout through a formatter of its own (galaxy_importer/main.py
# CustomFormatter): an INFO message bare, any other level as "LEVELNAME: message", e.g.
#   WARNING: ERROR    Failed to find telephony.apio.phone_buttons playbook.   (an ansible-lint line)
#   ERROR: The import failed for the following reason: ...
# Also taken as a warning or an error, should the format change or a tool print on its own: any line
# that starts with the level name, bare or after a timestamp or a bracket ("[WARNING]: ...",
# "2025-01-01 10:00:00,000 WARNING ...", "WARNING:galaxy_importer.main:...", "ERROR    ...").
LEVEL = re.compile(
    r"^(?:\d{4}-\d\d-\d\d[ T][0-9:.,]+\s+)?[\[(]?(?P<level>WARNING|WARN|ERROR|CRITICAL|FATAL)\b")
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# The importer's last line when the import went through (galaxy_importer/main.py call_importer), and
# its line before ansible-lint (loaders/collection.py): without them, the import did not complete or
# the settings were not read (ansible-lint did not run), and a log without warnings proves nothing.
DONE = "Importer processing completed successfully"
LINTED = "Linting collection via ansible-lint"


def versions():
    found = []
    for name in ("galaxy-importer", "ansible-core", "ansible-lint"):
        try:
            found.append("%s %s" % (name, importlib.metadata.version(name)))
        except importlib.metadata.PackageNotFoundError:
            found.append("%s (not installed)" % name)
    return ", ".join(found)


def scratch_base():
    """A temporary directory with no git work tree nor ansible-lint config above it.

    ansible-lint looks for its config and the project root from its working directory upwards, up to a
    .git: under a repository (a TMPDIR inside this one, say) it would take that repository's
    .ansible-lint and files, unlike on Automation Hub.
    """
    markers = (".git", ".ansible-lint", ".ansible-lint.yml", ".ansible-lint.yaml",
               os.path.join(".config", "ansible-lint.yml"), os.path.join(".config", "ansible-lint.yaml"))
    for candidate in (tempfile.gettempdir(), "/tmp", "/var/tmp"):
        path = os.path.realpath(candidate)
        if not os.path.isdir(path):
            continue
        parents = [path]
        while os.path.dirname(parents[-1]) != parents[-1]:
            parents.append(os.path.dirname(parents[-1]))
        if not any(os.path.exists(os.path.join(parent, marker)) for parent in parents for marker in markers):
            return path
    return None


def environment(work, debug):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ANSIBLE_", "GALAXY_IMPORTER_")) and k not in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    home = os.path.join(work, "home")
    for sub in ("home", "tmp", "ansible-tmp"):
        os.makedirs(os.path.join(work, sub))
    env.update({
        "GALAXY_IMPORTER_CONFIG": CONFIG,
        # Environment overrides of the config file (galaxy_importer/config.py Config).
        "GALAXY_IMPORTER_TMP_ROOT_DIR": os.path.join(work, "tmp"),
        "GALAXY_IMPORTER_ANSIBLE_LOCAL_TMP": os.path.join(work, "ansible-tmp"),
        "HOME": home,
        "PATH": os.pathsep.join([os.path.dirname(sys.executable), env.get("PATH", os.defpath)]),
        "PYTHONUNBUFFERED": "1",
        "NO_COLOR": "1",
    })
    if debug:
        env["GALAXY_IMPORTER_LOG_LEVEL_MAIN"] = "DEBUG"
    return env


def run_importer(tarball, work, env, timeout):
    """Run the importer, print its output (stdout and stderr, in order) as it comes.

    Returns its exit code, its lines, and whether it was killed at the timeout.
    """
    proc = subprocess.Popen([sys.executable, "-m", "galaxy_importer.main", tarball], cwd=work, env=env,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, errors="replace", start_new_session=True)
    killed = []

    def kill():  # the importer and the ansible-lint or ansible-doc it runs: its own process group
        killed.append(True)
        os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, kill)
    timer.start()
    lines = []
    try:
        for line in proc.stdout:
            line = line.rstrip("\n")
            print(line, flush=True)
            lines.append(line)
        rc = proc.wait()
    finally:
        timer.cancel()
    return rc, lines, bool(killed)


def findings(lines):
    """The lines at WARNING or ERROR level, as (line number, text)."""
    found = []
    for number, line in enumerate(lines, 1):
        text = ANSI.sub("", line).strip()
        if LEVEL.match(text):
            found.append((number, text))
    return found


def summary(work):
    """"namespace.name version: N contents (module: 7, ...)" from importer_result.json, or None."""
    try:
        with open(os.path.join(work, "importer_result.json")) as handle:
            result = json.load(handle)
    except (OSError, ValueError):
        return None
    meta = result.get("metadata") or {}
    kinds = {}
    for content in result.get("contents") or []:
        kinds[content.get("content_type")] = kinds.get(content.get("content_type"), 0) + 1
    return "%s.%s %s: %d contents (%s)" % (meta.get("namespace"), meta.get("name"), meta.get("version"),
                                           sum(kinds.values()),
                                           ", ".join("%s: %d" % item for item in sorted(kinds.items())))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("tarball", help="the collection built by ansible-galaxy collection build")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the whole import (900)")
    parser.add_argument("--debug", action="store_true", help="LOG_LEVEL_MAIN=DEBUG: also the commands run")
    args = parser.parse_args(argv)

    tarball = os.path.abspath(args.tarball)
    if not os.path.isfile(tarball):
        parser.error("no such file: %s" % args.tarball)
    if not TARBALL_NAME.match(os.path.basename(tarball)):
        parser.error("%s: galaxy-importer takes only NAMESPACE-NAME-VERSION.tar.gz" % args.tarball)
    if importlib.util.find_spec("galaxy_importer") is None:
        print("import_check: galaxy-importer is not installed for %s (pip install galaxy-importer)"
              % sys.executable, file=sys.stderr)
        return 2

    base = scratch_base()
    if base is None:
        print("import_check: no temporary directory outside a git work tree (set TMPDIR)", file=sys.stderr)
        return 2

    print("import_check: %s with %s" % (os.path.basename(tarball), versions()), flush=True)
    print("import_check: config %s" % CONFIG, flush=True)
    work = tempfile.mkdtemp(prefix="import-check-", dir=base)
    try:
        env = environment(work, args.debug)
        for tool in ("ansible-doc", "ansible-lint"):
            if not shutil.which(tool, path=env["PATH"]):
                print("import_check: no %s on PATH, nor beside %s" % (tool, sys.executable), file=sys.stderr)
                return 2
        start = time.monotonic()
        rc, lines, killed = run_importer(tarball, work, env, args.timeout)
        elapsed = time.monotonic() - start
        result = summary(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)

    problems = ["%d: %s" % found for found in findings(lines)]
    if rc != 0:
        problems.append("galaxy-importer exited with %s%s" % (
            rc, " (killed at the %g s timeout)" % args.timeout if killed else ""))
    elif not any(line.strip() == DONE for line in lines):
        problems.append('the log lacks "%s"' % DONE)
    elif not any(line.startswith(LINTED) for line in lines):
        problems.append('the log lacks "%s ...": ansible-lint did not run (was %s read?)' % (LINTED, CONFIG))
    elif result is None:
        problems.append("no importer_result.json")

    print()
    if result:
        print("import_check: %s" % result)
    if problems:
        print("import_check: FAILED in %.1f s (Automation Hub refuses an import with any of these):" % elapsed)
        for problem in problems:
            print("  " + problem)
        return 1
    print("import_check: clean import in %.1f s: no warning, no error" % elapsed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
