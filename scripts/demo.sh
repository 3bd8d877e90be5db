#!/usr/bin/env bash
# The demo: start the simulator, show what would change (check mode, --diff), apply, apply again
# (nothing changes), stop the simulator. Run through `make demo`, which prepares .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
port=$("$bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin/python" -m apio_sim --host 127.0.0.1 --port "$port" --log-level warning &
sim=$!
third_run=$(mktemp)
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null || true; rm -f "$third_run"' EXIT
for _ in $(seq 50); do
  "$bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/_sim/faults')" 2>/dev/null && break
  sleep 0.1
done

export APIO_URL="http://127.0.0.1:$port" APIO_USERNAME=admin APIO_PASSWORD=admin-pass
export APIO_PORTAL_URL="http://127.0.0.1:$port" APIO_PORTAL_CLIENT_ID=sim-client APIO_PORTAL_CLIENT_SECRET=sim-client-secret
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
