#!/usr/bin/env bash
# The demo: start the simulator, show what would change (check mode, --diff), apply, apply again
# (nothing changes), stop the simulator. Run through `make demo`, which prepares .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
if [ "${1:-}" != --against-simulator ]; then
  # apio_sim.testing, the simulator launcher of the tests and benchmarks: it starts a simulator on a free
  # port, runs this script again with the simulator's URL and seed credentials in the environment
  # (APIO_URL, APIO_USERNAME...), and stops the simulator when the script ends.
  exec "$bin/python" -m apio_sim.testing -- scripts/demo.sh --against-simulator
fi
third_run=$(mktemp)
trap 'rm -f "$third_run"' EXIT

export ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-1}" ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
playbook=(ansible-playbook playbooks/demo.yml)

echo "=== 1. Dry run: what would change (check mode, --diff)"
"${playbook[@]}" --check --diff
echo "=== 2. Apply"
"${playbook[@]}"
echo "=== 3. Apply again: nothing changes"
# Shown as it runs and kept in a file for the check (tee to /dev/stderr would truncate a log file that
# stdout and stderr both go to: make demo > demo.log 2>&1).
"${playbook[@]}" | tee "$third_run"
grep -Eq 'changed=0 +unreachable=0 +failed=0' "$third_run" || { echo "demo: the second run changed something" >&2; exit 1; }
echo "=== Demo done: the second run reported changed=0"
