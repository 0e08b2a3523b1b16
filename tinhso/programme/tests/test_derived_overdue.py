import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.programme import services
from tinhso.programme.models import DerivedState, Status, Task

DAY = dt.date(2024, 7, 1)


def test_open_task_past_its_deadline_is_overdue_without_anyone_typing_it(db, plan_2024, department, make_task):
    late = make_task(plan_2024, "A", department, status=Status.IN_PROGRESS, progress=40, due=dt.date(2024, 6, 30))
    on_time = make_task(plan_2024, "B", department, status=Status.IN_PROGRESS, due=dt.date(2024, 7, 1))
    done_late = make_task(plan_2024, "C", department, status=Status.DONE, progress=100, due=dt.date(2024, 3, 1))
    cancelled = make_task(plan_2024, "D", department, status=Status.CANCELLED, due=dt.date(2024, 3, 1))
    no_deadline = make_task(plan_2024, "E", department)
    assert services.state_of(late, DAY) == DerivedState.OVERDUE
    assert services.state_of(on_time, DAY) == DerivedState.IN_PROGRESS
    assert services.state_of(done_late, DAY) == DerivedState.DONE
    assert services.state_of(cancelled, DAY) == DerivedState.CANCELLED
    assert services.state_of(no_deadline, DAY) == DerivedState.NOT_STARTED
    assert services.days_late(late, DAY) == 1
    # the stored status never says overdue; the database computes the same derived state
    assert Task.objects.get(pk=late.pk).status == Status.IN_PROGRESS
    states = dict(services.with_state(Task.objects.all(), DAY).values_list("code", "state"))
    assert states == {"A": "overdue", "B": "in_progress", "C": "done", "D": "cancelled", "E": "not_started"}
    # and the next day the on-time task becomes overdue by itself
    assert services.state_of(on_time, DAY + dt.timedelta(days=1)) == DerivedState.OVERDUE


def test_overdue_cannot_be_set_by_hand(db, plan_2024, department, make_task):
    with pytest.raises(ValidationFailed) as failure:
        make_task(plan_2024, "A", department, status="overdue")
    error = next(e for e in failure.value.errors if e.field == "status")
    assert "tự động" in error.vi and "derived" in error.en


def test_finishing_an_overdue_task_clears_the_overdue_state(db, plan_2024, department, make_task, root_admin):
    task = make_task(plan_2024, "A", department, status=Status.IN_PROGRESS, due=dt.date(2024, 3, 31))
    assert services.state_of(task, DAY) == DerivedState.OVERDUE
    services.post_progress(root_admin, task.pk, "Đã nghiệm thu", 100, Status.DONE, reported_on=dt.date(2024, 4, 20))
    task.refresh_from_db()
    assert services.state_of(task, DAY) == DerivedState.DONE
    assert task.completed_on == dt.date(2024, 4, 20)


def test_overview_lists_overdue_tasks_with_days_late(db, plan_2024, department, make_task, root_admin):
    make_task(plan_2024, "A", department, status=Status.IN_PROGRESS, due=dt.date(2024, 6, 1))
    make_task(plan_2024, "B", department, due=dt.date(2024, 5, 1))
    make_task(plan_2024, "C", department, due=dt.date(2024, 12, 31))
    view = services.overview(root_admin, plan_2024, DAY)
    assert view.overdue_count == 2
    assert [(t.code, t.days_late) for t in view.overdue] == [("B", 61), ("A", 30)]
    assert view.count("by_state", DerivedState.OVERDUE) == 2
    assert view.count("by_state", DerivedState.NOT_STARTED) == 1
