"""Code that the test suites share (tests/unit, tests/integration, tests/reliability, tests/role) and the
benchmarks use (bench/).

- ``support.runner``: the one runner of ``ansible-playbook`` and ``ansible-inventory`` against a simulator,
  results read through the ``result_dump`` callback of tests/integration/callback_plugins.
- ``support.playbook``: tasks in one play with the module defaults pointing at the simulator.
- ``support.inventory``: the inventory plugin's runs.
- ``support.inprocess``: a module's ``main()`` run in the test's own process.
- ``support.fake_server``: the stdlib fake HTTP server, for answers the simulator never gives.
- ``support.simlog``: what the simulator recorded (the writes among its requests).
- ``support.browser``: the HTML plan report in headless Chromium.

Imported as the top-level package ``support``: pytest.ini puts tests/ on ``sys.path``.
"""
