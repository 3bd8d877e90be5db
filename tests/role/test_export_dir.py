"""The playbook telephony.apio.export with a relative apio_export_dir: the directory ansible-playbook runs
in, never the collection's playbooks/ directory (where ansible-core runs modules on localhost)."""

import os

from tools.runner import REPO

EXPORT = REPO / "playbooks" / "export.yml"


def test_a_relative_export_dir_is_the_working_directory(playbook, sim, tmp_path):
    run = playbook(EXPORT, extra_vars={"apio_export_dir": "exported/inventory", "apio_export_tenants": ["foo"]})
    assert run.rc == 0, run.output
    written = tmp_path / "exported" / "inventory"  # tmp_path: where the runner starts ansible-playbook
    assert (written / "hosts.yml").is_file()
    assert (written / "group_vars" / "all.yml").is_file()
    assert not (REPO / "playbooks" / "exported").exists()
    assert " in %s: " % os.path.realpath(written) in run.text  # the message names the absolute directory
