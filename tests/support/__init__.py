"""Fixtures that only the test suites use (tests/unit, tests/integration, tests/reliability, tests/role).
What the tests share with the benchmarks (the runner, the request log, the in-process module runner...)
is in tools/ at the repository root.

- ``support.playbook``: tasks in one play with the module defaults pointing at the simulator.
- ``support.fake_server``: the stdlib fake HTTP server, for answers the simulator never gives.
- ``support.browser``: the HTML plan report in headless Chromium.

Imported as the top-level package ``support``: pytest.ini puts tests/ on ``sys.path``.
"""
