"""The project's own tools, shared by the test suites (tests/) and the benchmarks (bench/); not part of the
collection (galaxy.yml's build_ignore keeps it out of the tarball).

- ``tools.runner``: the one runner of ``ansible-playbook`` and ``ansible-inventory`` against a simulator,
  results read through the ``result_dump`` callback of tests/integration/callback_plugins.
- ``tools.simlog``: what the simulator recorded (the writes among its requests, the requests by kind).
- ``tools.inventory``: the bench users' policy in git beside the inventory plugin's config, AWX's slices.
- ``tools.inprocess``: a module's ``main()`` run in the caller's own process.
- ``tools.benchmark``: one measured run (wall, CPU, peak memory), the benchmarks' simulator, floor client,
  command line and the sections they write into docs/benchmark.md.
- ``tools.fmt``: numbers as the reports print them (one format each).

Imported as the top-level package ``tools``: the repository root is on ``sys.path`` (pytest.ini's
``pythonpath`` for the suites; the benchmarks run as ``python -m bench.NAME`` from the root).
"""
