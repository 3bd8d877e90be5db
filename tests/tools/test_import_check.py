"""The log reading of tools/import_check.py (also used by noxfile.py on ansible-test's output)."""

from tools.import_check import findings

# Lines of a real galaxy-importer log (LOG_LEVEL_MAIN = INFO) of a tarball with the example's
# unresolvable playbook imports, and of ansible-test.
IMPORT_LOG = """\
Importing with galaxy-importer 0.4.44
Getting doc strings via ansible-doc
Linting collection via ansible-lint...
WARNING: ERROR    Failed to find telephony.apio.phone_buttons playbook.
...ansible-lint run complete
ERROR: The import failed for the following reason: no required tag
Importer processing completed successfully
WARNING: Using locale "C.UTF-8" instead of "en_US.UTF-8". Tests which depend on the locale may behave unexpectedly.
[WARNING]: Collection telephony.apio does not support Ansible version 2.15.0
Running sanity test "pylint"
""".splitlines()


def test_finds_each_line_at_warning_or_error_level_with_its_number():
    assert findings(IMPORT_LOG) == [
        (4, "WARNING: ERROR    Failed to find telephony.apio.phone_buttons playbook."),
        (6, "ERROR: The import failed for the following reason: no required tag"),
        (8, 'WARNING: Using locale "C.UTF-8" instead of "en_US.UTF-8". Tests which depend on the locale may '
            "behave unexpectedly."),
        (9, "[WARNING]: Collection telephony.apio does not support Ansible version 2.15.0"),
    ]


def test_a_clean_log_has_no_findings():
    assert findings([line for line in IMPORT_LOG if "WARNING" not in line and "ERROR" not in line]) == []
