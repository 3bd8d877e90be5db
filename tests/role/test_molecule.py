"""The molecule scenario of the phone_buttons role (roles/phone_buttons/molecule/default).

`molecule test` runs: syntax, prepare (reset the simulator), check (the converge playbook in check
mode), side_effect (asserts that the check sent no write), converge, idempotence, verify (the
simulator's keys equal the rendered templates). Here we also check the requests it sent.
"""

import subprocess

from tools.runner import BIN, REPO, environment
from tools.simlog import writes


def test_molecule_scenario(sim):
    proc = subprocess.run([str(BIN / "molecule"), "test", "--scenario-name", "default"],
                          cwd=str(REPO / "roles" / "phone_buttons"), env=environment(sim, connection=True),
                          capture_output=True, text=True, timeout=900, check=False)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    for step in ("syntax", "prepare", "check", "side_effect", "converge", "idempotence", "verify"):
        assert "%s: Executed: Successful" % step in output.replace(" > ", ": ").replace(" ➜ ", ": "), output
    # Only the converge wrote: one PUT for each of the 5 users with a phone and a layout; the
    # idempotence run read and wrote nothing more than one GET per user.
    puts = [w["path"] for w in writes(sim.requests()) if w["method"] == "PUT"]
    assert len(puts) == 5, writes(sim.requests())
    assert all(path.endswith("/access_device/phone_buttons/") for path in puts)
