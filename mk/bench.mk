# The phone buttons benchmark (issue 4), included by the Makefile.
#   make bench        the full run: 100, 1,000 and 10,000 users, writes docs/benchmark.md, its chart and
#                     bench/results/benchmark.json (about half an hour on 2 cores)
#   make bench-smoke  50 users, every method and case, asserts the request counts (part of make test)
#   make bench-rollout  the phone_buttons role at 10,000 users against the floor (issue 10): writes
#                     bench/results/rollout.json and its section of docs/benchmark.md (7 to 12 minutes)
# BENCH_USERS, BENCH_LATENCY_MS and BENCH_LOOP_MAX change the full run; BENCH_ARGS adds options of
# bench/run_bench.py (see --help), e.g. BENCH_ARGS="--first-loop-max 100" on a busy machine.
BENCH_USERS ?= 100,1000,10000
BENCH_LATENCY_MS ?= 10
BENCH_LOOP_MAX ?= 1000
BENCH_ARGS ?=

ROLLOUT_USERS ?= 10000
ROLLOUT_ARGS ?=

.PHONY: bench bench-smoke bench-rollout

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	$(BIN)/pip install -q -r requirements-bench.txt
	touch $@

bench: setup $(VENV)/.bench-installed
	$(BIN)/python bench/run_bench.py --users $(BENCH_USERS) --latency-ms $(BENCH_LATENCY_MS) --loop-max $(BENCH_LOOP_MAX) $(BENCH_ARGS)

bench-smoke: setup $(VENV)/.bench-installed
	$(BIN)/python bench/run_bench.py --smoke --latency-ms $(BENCH_LATENCY_MS)

bench-rollout: setup $(VENV)/.bench-installed
	$(BIN)/python bench/rollout_bench.py --users $(ROLLOUT_USERS) --latency-ms $(BENCH_LATENCY_MS) $(ROLLOUT_ARGS)
