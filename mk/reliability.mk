# Reliability and security tests (issue 7), included by the Makefile and part of `make test`: faults
# injected by the simulator (errors, 429 bursts, dropped connections, token expiry, a hanging server),
# bad input (hypothesis), path safety, malformed answers, secrets in -vvvv --diff output, TLS, access,
# two playbooks at once. Their figures go to .build/reliability/*.json (see docs/reliability.md).
# RELIABILITY_WORKERS sets the pytest-xdist workers (2: this is a 2-core machine).
RELIABILITY_WORKERS ?= 2

.PHONY: test-reliability

test-reliability: setup
	$(BIN)/pytest -q -n $(RELIABILITY_WORKERS) tests/reliability
