"""Code that the test suites share (tests/unit, tests/integration, tests/reliability).

- ``support.playbook``: real ``ansible-playbook`` runs against a simulator, results read through the
  ``result_dump`` callback of tests/integration/callback_plugins.
- ``support.inprocess``: a module's ``main()`` run in the test's own process.
- ``support.inventory``: real ``ansible-inventory`` runs of the inventory plugin against a simulator.

Imported as the top-level package ``support``: pytest puts tests/ on ``sys.path`` for the packages
tests/unit and tests/reliability (rootdir-based import of their conftest), and tests/integration's
conftest puts it there itself.
"""
