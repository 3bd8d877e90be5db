"""The benchmarks (docs/benchmark.md): one runner, ``python -m bench.run SCENARIO`` from the repository
root, and its scenarios (bench/scenarios/); what they share with the tests is in tools/ (tools.benchmark,
tools.fmt)."""
