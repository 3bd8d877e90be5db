"""Real ``ansible-inventory`` runs of the inventory plugin telephony.apio.users against a simulator.

The runs themselves are ``tools.runner.inventory(sim, directory, config, *args)``: it writes ``config``
(the plugin's options; ``plugin`` is added) to ``directory/x.apio_users.yml`` and runs
``ansible-inventory -i <file> *args`` (``--list`` when no args) with the collection in place and the
simulator's connection and seed credentials in the environment, as operators give them (APIO_URL,
APIO_USERNAME, APIO_PASSWORD). ``InventoryRun.data`` is the decoded ``--list`` JSON.

``BENCH_POLICY``, ``platform_and_policy(directory)`` and ``awx_slices(hosts, count)``: the bench users'
desired state as a group policy in git, next to the plugin's config, and AWX's slices of the hosts.
"""

from .runner import INVENTORY_PLUGIN as PLUGIN


# The desired state of the bench users kept in git, as a group policy (the shipped standard key template
# and the primary line port on); their hosts come from the inventory plugin. The slicing test and the
# slicing benchmark (bench/scenarios/slicing.py) apply it.
BENCH_POLICY = {
    "hosts.yml": "---\napio_users:\n  children:\n    bench:\n      children:\n        bench_benchgroup:\n",
    "group_vars/all.yml": "---\nansible_connection: local\nansible_python_interpreter: \"{{ ansible_playbook_python }}\"\n",
    "group_vars/bench.yml": "---\napio_tenant: bench\n",
    "group_vars/bench_benchgroup.yml": "---\napio_group: benchgroup\nphone_buttons_template: standard\n"
                                       "apio_primary_line: true\n",
}


def platform_and_policy(directory):
    """Write the plugin's config (every user of the platform) and BENCH_POLICY (git) below ``directory``;
    returns the -i options of both."""
    (directory / "platform.apio_users.yml").write_text("plugin: %s\n" % PLUGIN)
    for path, text in BENCH_POLICY.items():
        (directory / "git" / path).parent.mkdir(parents=True, exist_ok=True)
        (directory / "git" / path).write_text(text)
    return ["-i", str(directory / "platform.apio_users.yml"), "-i", str(directory / "git")]


def awx_slices(hosts, count):
    """The hosts of each of ``count`` slices as AWX deals them out: sorted by name, round-robin."""
    hosts = sorted(hosts)
    return [hosts[k::count] for k in range(count)]
