# The checks the Ansible ecosystem runs on a collection (issue 6); included by the Makefile and part
# of `make test`. Each runs scripts/checks.sh on a temporary copy of the collection (the files git
# knows about; build-check builds from the work tree, so that galaxy.yml's build_ignore is what is
# tested) and writes nothing in the work tree:
#   make sanity          ansible-test sanity --python 3.11 (ignores: tests/sanity/ignore-2.19.txt)
#   make lint            ansible-lint --profile production on the collection (roles/, playbooks/,
#                        examples/, galaxy.yml, meta/, changelogs/); ruff check over the repository
#   make build-check     ansible-galaxy collection build + install from the tarball into a clean path;
#                        the tarball's contents, ansible-doc of each module and the demo from that copy
#   make docs-lint       antsibull-docs lint-collection-docs --plugin-docs
#   make changelog-lint  antsibull-changelog lint (and changelogs/changelog.yaml)
#   make ee-check        meta/execution-environment.yml (ansible-builder introspect) and
#                        ansible-builder create of examples/ee/execution-environment.yml
#   make runner-check    the demo playbook through ansible-runner against the simulator: check mode,
#                        apply, apply again, each job's events checked
#   make checks          all of them
CHECKS := sanity lint build-check docs-lint changelog-lint ee-check runner-check

.PHONY: checks checks-setup $(CHECKS)

checks: $(CHECKS)

checks-setup: setup $(VENV)/.checks-installed

# The check tools go into the same .venv as the tests (requirements-checks.txt includes
# requirements-test.txt, so that ansible-core stays at the tested release).
$(VENV)/.checks-installed: $(VENV)/.installed requirements-checks.txt requirements-test.txt
	$(BIN)/pip install -q -r requirements-checks.txt
	touch $@

$(CHECKS): checks-setup
	scripts/checks.sh $@
