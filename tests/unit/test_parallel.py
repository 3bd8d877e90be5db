"""The one parallel runner (parallel.for_each) and its progress protocol, and the engine's Outcome."""

import pytest
from ansible_collections.telephony.apio.plugins.module_utils import parallel
from ansible_collections.telephony.apio.plugins.module_utils.outcome import Outcome


@pytest.mark.parametrize("workers", [1, 4])
def test_every_item_once_and_progress_at_the_end(workers):
    seen, reports = [], []
    parallel.for_each(list(range(10)), seen.append, workers, lambda done, total: reports.append((done, total)))
    assert sorted(seen) == list(range(10))
    assert reports[-1] == (10, 10)


def test_a_part_of_a_larger_run_counts_from_where_it_starts():
    reports = []
    parallel.for_each([1, 2], lambda item: None, 2, lambda done, total: reports.append((done, total)),
                      done=3, total=9)
    assert reports == [(5, 9)]


def test_nothing_to_do_reports_nothing():
    reports = []
    parallel.for_each([], lambda item: None, 4, lambda done, total: reports.append((done, total)))
    assert reports == []


@pytest.mark.parametrize("workers", [1, 4])
def test_the_first_failure_is_raised(workers):
    def work(item):
        if item == 3:
            raise RuntimeError("boom")
    with pytest.raises(RuntimeError, match="boom"):
        parallel.for_each(list(range(8)), work, workers)


def test_progress_while_it_runs(monkeypatch):
    monkeypatch.setattr(parallel, "PROGRESS_INTERVAL", 0)
    reports = []
    parallel.for_each(list(range(5)), lambda item: None, 1, lambda done, total: reports.append((done, total)))
    assert reports[0] == (1, 5) and reports[-1] == (5, 5)


def test_an_outcome_as_a_task_result():
    done = Outcome.failure("2 of 3 users failed", ["careful"], counts={"total": 3})
    assert done.failed and done.msg == "2 of 3 users failed" and done.counts == {"total": 3}
    assert list(done.task_result()) == ["counts", "failed", "msg", "warnings"]
    fine = Outcome(dict(changed=True, msg="ok"))
    assert fine.task_result() == {"changed": True, "msg": "ok"} and fine.diff is None
