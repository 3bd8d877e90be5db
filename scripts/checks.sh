#!/usr/bin/env bash
# The Ansible ecosystem's checks on this collection, run through `make` (see mk/checks.mk):
#   scripts/checks.sh sanity|lint|build-check|docs-lint|changelog-lint|ee-check|runner-check ...
# Each check works from the files git knows about (tracked, plus untracked files that are not
# ignored), copied into a temporary ansible_collections/telephony/apio tree, so that what is
# checked is what a clean clone holds, and never touches the work tree.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/.venv/bin}
PY=${SANITY_PYTHON:-3.11}
export PATH="$BIN:$PATH"
export ANSIBLE_FORCE_COLOR=0 ANSIBLE_NOCOLOR=1 PY_COLORS=0

TMP=$(mktemp -d "${TMPDIR:-/tmp}/apio-checks.XXXXXX")
cleanup() {
  local rc=$?
  [[ -n "${SIM_PID:-}" ]] && { kill "$SIM_PID" 2>/dev/null; wait "$SIM_PID" 2>/dev/null || true; }
  if [[ $rc -ne 0 && -n "${KEEP_TMP:-}" ]]; then echo "checks: kept $TMP" >&2; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

say() { printf '=== %s\n' "$*"; }
die() { printf 'checks: %s\n' "$*" >&2; exit 1; }

# Paths that belong to the repository but not to the collection.
NOT_COLLECTION=(simulator bench .venv .build .ci tests/output)

# stage DIR: copy the collection's files into DIR/ansible_collections/telephony/apio and print
# that path.
stage() {
  local dest=$1/ansible_collections/telephony/apio f skip p
  mkdir -p "$dest"
  while IFS= read -r -d '' f; do
    [[ -f "$f" || -L "$f" ]] || continue  # deleted in the work tree, not yet committed
    skip=
    for p in "${NOT_COLLECTION[@]}"; do [[ "$f" == "$p" || "$f" == "$p"/* ]] && skip=1; done
    [[ -n "$skip" ]] && continue
    mkdir -p "$dest/$(dirname "$f")"
    cp -P "$f" "$dest/$f"
  done < <(git ls-files -z --cached --others --exclude-standard)
  printf '%s\n' "$dest"
}

modules() { ls plugins/modules/*.py | xargs -n1 basename | sed 's/\.py$//' | grep -v '^__init__$'; }
