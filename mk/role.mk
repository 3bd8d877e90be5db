# The phone_buttons role's tests (issue 5), included by the Makefile and part of `make test`:
#   make test-role   tests/role against the bundled simulator: the molecule scenario (check mode sends
#                    no write, converge, idempotence, verify), the role's outcomes, switches and
#                    requests, and the playbooks on examples/gitops with the plan report and drift
#                    detection
#   make molecule    the molecule scenario alone (tests/role/test_molecule.py starts the simulator and
#                    runs `molecule test` in roles/phone_buttons)
# ROLE_WORKERS sets the pytest-xdist workers (2: this is a 2-core machine); each has its simulator.
ROLE_WORKERS ?= 2

.PHONY: role-setup test-role molecule

role-setup: setup $(VENV)/.role-installed

$(VENV)/.role-installed: $(VENV)/.installed requirements-role.txt requirements-test.txt
	$(BIN)/pip install -q -r requirements-role.txt
	touch $@

test-role: role-setup
	$(BIN)/pytest -q -n $(ROLE_WORKERS) tests/role

molecule: role-setup
	$(BIN)/pytest -q tests/role/test_molecule.py
