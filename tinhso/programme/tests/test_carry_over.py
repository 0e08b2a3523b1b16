import datetime as dt
from decimal import Decimal

import pytest

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.programme import services
from tinhso.programme.models import Origin, Plan, Status, Task


@pytest.fixture
def plan_2025(scheme):
    return services.create_plan(None, {"code": "KH-2025", "name": "Kế hoạch 2025", "scheme": scheme, "year": 2025})


def test_unfinished_tasks_move_in_one_action_and_keep_the_chain(db, plan_2023, plan_2024, department, tnmt,
                                                                 make_task, root_admin):
    open_task = make_task(plan_2023, "2023.01", department, status=Status.IN_PROGRESS, progress=40,
                          due=dt.date(2023, 12, 31), coordinating=[tnmt],
                          budget=[("provincial", Decimal(1000), Decimal(800), Decimal(300))])
    sub = make_task(plan_2023, "2023.01.1", department, parent=open_task)
    make_task(plan_2023, "2023.02", department, status=Status.DONE, progress=100)
    make_task(plan_2023, "2023.03", tnmt, status=Status.CANCELLED)

    result = services.carry_over(root_admin, plan_2023, plan_2024)

    assert sorted(t.code for t in result.created) == ["2023.01", "2023.01.1"]
    new = Task.objects.get(plan=plan_2024, code="2023.01")
    assert new.origin == Origin.CARRIED_OVER and new.carried_from_id == open_task.pk
    assert new.status == Status.IN_PROGRESS and new.progress == 40
    assert new.due_date == dt.date(2024, 12, 31)
    assert list(new.coordinating_units.all()) == [tnmt]
    line = new.budget_lines.get()
    assert (line.planned, line.allocated, line.disbursed) == (Decimal(700), 0, 0)  # planned minus disbursed
    new_sub = Task.objects.get(plan=plan_2024, code="2023.01.1")
    assert new_sub.parent_id == new.pk and new_sub.carried_from_id == sub.pk
    open_task.refresh_from_db()
    assert open_task.status == Status.CARRIED_OVER
    assert open_task.history.first().history_user == root_admin
    assert services.chain(new) == [open_task, new]
    assert services.chain(open_task) == [open_task, new]


def test_a_chain_runs_over_three_years(db, plan_2023, plan_2024, department, make_task, root_admin, scheme):
    plan_2025 = services.create_plan(None, {"code": "KH-2025", "name": "KH 2025", "scheme": scheme, "year": 2025})
    first = make_task(plan_2023, "CDS-01", department, status=Status.IN_PROGRESS, progress=20)
    services.carry_over(root_admin, plan_2023, plan_2024)
    second = Task.objects.get(plan=plan_2024, code="CDS-01")
    services.post_progress(root_admin, second.pk, "Triển khai tiếp", 70, Status.IN_PROGRESS,
                           reported_on=dt.date(2024, 10, 1))
    services.carry_over(root_admin, plan_2024, plan_2025)
    third = Task.objects.get(plan=plan_2025, code="CDS-01")
    assert third.progress == 70
    assert [t.plan.year for t in services.chain(second)] == [2023, 2024, 2025]
    assert [t.pk for t in services.chain(third)] == [first.pk, second.pk, third.pk]


def test_a_task_is_carried_only_once_and_finished_ones_never(db, plan_2023, plan_2024, department, make_task,
                                                              root_admin):
    done = make_task(plan_2023, "A", department, status=Status.DONE, progress=100)
    make_task(plan_2023, "B", department)
    services.carry_over(root_admin, plan_2023, plan_2024)
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2023, plan_2024)
    assert failure.value.errors[0].field == "task_ids"
    with pytest.raises(ValidationFailed):
        services.carry_over(root_admin, plan_2023, plan_2024, [done.pk])
    assert Task.objects.filter(plan=plan_2024).count() == 1


def test_carry_over_is_all_or_nothing(db, plan_2023, plan_2024, department, make_task, root_admin):
    make_task(plan_2023, "A", department)
    make_task(plan_2023, "B", department)
    make_task(plan_2024, "B", department)  # the code is taken in the target plan
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2023, plan_2024)
    assert "'B'" in failure.value.errors[0].vi
    assert not Task.objects.filter(plan=plan_2024, code="A").exists()
    assert set(Task.objects.filter(plan=plan_2023).values_list("status", flat=True)) == {Status.NOT_STARTED}


def test_carry_over_needs_a_later_plan_and_a_plan_manager(db, plan_2023, plan_2024, department, make_task,
                                                          tttt_focal, root_admin):
    make_task(plan_2023, "A", department)
    with pytest.raises(ValidationFailed):
        services.carry_over(root_admin, plan_2024, plan_2023)
    with pytest.raises(Forbidden):
        services.carry_over(tttt_focal, plan_2023, plan_2024)
    assert Plan.objects.count() == 2


def test_lead_unit_ended_before_the_target_plan_blocks_carry_over(db, plan_2023, department, make_task, root_admin,
                                                                   scheme):
    later = services.create_plan(None, {"code": "KH-2025", "name": "KH 2025", "scheme": scheme, "year": 2025})
    department.valid_to = dt.date(2024, 12, 31)
    department.save()
    make_task(plan_2023, "A", department)
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2023, later)
    assert failure.value.errors[0].field == "lead_unit"


def test_tasks_of_a_merged_department_land_with_its_successor(db, plan_2024, province, department, tnmt, make_task,
                                                               make_unit, root_admin):
    from tinhso.units.models import EventKind, UnitEvent, UnitKind
    from tinhso.units.services import link_successions

    new_province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H55",
                             valid_from=dt.date(2025, 7, 1))
    heir = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, new_province, "000.00.14.H55",
                     valid_from=dt.date(2025, 7, 1))
    department.valid_to = dt.date(2025, 6, 30)
    department.save()
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=dt.date(2025, 7, 1))
    link_successions(event, [(province, new_province, Decimal(1)), (department, heir, Decimal(1))])
    plan_2526 = services.create_plan(None, {"code": "KH-TN-2526", "name": "Kế hoạch CĐS Thái Nguyên 2025–2026",
                                            "province": new_province, "year": 2025, "end_year": 2026})
    old = make_task(plan_2024, "CDS", department, status=Status.IN_PROGRESS, progress=65, coordinating=[tnmt])
    result = services.carry_over(root_admin, plan_2024, plan_2526)
    new = Task.objects.get(plan=plan_2526, code="CDS")
    assert new.lead_unit == heir and new.carried_from == old
    # Sở TN&MT ended (28/02/2025) without a successor in this registry: it is dropped, and the result says so
    assert list(new.coordinating_units.all()) == []
    assert result.dropped == [("CDS", tnmt)]
