"""The benchmarks (docs/benchmark.md). Each runs from the repository root as a module, e.g.
``.venv/bin/python -m bench.run_bench --smoke``; what they share is in tools/ (tools.benchmark, tools.fmt)."""
