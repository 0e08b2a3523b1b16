"""Carry-over as the issue #19 user needed it (item 10): exactly the ticked tasks, only into plans of the same
province or its successor, status kept, ended units replaced by their heirs (asking when several inherited
one), and a mid-year merger's 2025 plan carried into the successor's 2025–2026 plan."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.programme import services
from tinhso.programme.models import Status, Task
from tinhso.units.models import EventKind, UnitEvent, UnitKind
from tinhso.units.services import link_successions

END = dt.date(2025, 6, 30)


@pytest.fixture
def merged(make_unit, province, department, tnmt):
    """Today's Thái Nguyên, successor of Bắc Kạn from 01/07/2025; Sở TT&TT Bắc Kạn → Sở KH&CN Thái Nguyên;
    Sở TN&MT Bắc Kạn split between two departments."""
    new = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, code="000.00.00.H55", valid_from=dt.date(2025, 7, 1))
    science = make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, new, "000.00.14.H55",
                        valid_from=dt.date(2025, 7, 1))
    farming = make_unit("Sở Nông nghiệp và Môi trường Thái Nguyên", UnitKind.DEPARTMENT, new, "000.00.09.H55",
                        valid_from=dt.date(2025, 7, 1))
    building = make_unit("Sở Xây dựng Thái Nguyên", UnitKind.DEPARTMENT, new, "000.00.13.H55",
                         valid_from=dt.date(2025, 7, 1))
    for unit in (department, tnmt):
        unit.valid_to = END
        unit.save()
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=dt.date(2025, 7, 1))
    link_successions(event, [(province, new, Decimal(1)), (department, science, Decimal(1)),
                             (tnmt, farming, Decimal("0.5")), (tnmt, building, Decimal("0.5"))])
    return {"province": new, "science": science, "farming": farming, "building": building}


@pytest.fixture
def plan_2025(scheme):
    return services.create_plan(None, {"code": "KH-2025", "name": "Kế hoạch CĐS Bắc Kạn 2025", "scheme": scheme,
                                       "year": 2025})


@pytest.fixture
def plan_2526(merged):
    return services.create_plan(None, {"code": "KH-TN-2526", "name": "Kế hoạch CĐS Thái Nguyên 2025–2026",
                                       "province": merged["province"], "year": 2025, "end_year": 2026})


def test_nothing_ticked_carries_nothing_and_says_so(db, plan_2023, plan_2024, department, make_task, root_admin,
                                                    client):
    make_task(plan_2023, "A", department)
    make_task(plan_2023, "B", department)
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2023, plan_2024, [])
    assert "chưa chọn nhiệm vụ nào" in failure.value.errors[0].vi
    client.force_login(root_admin)
    page = client.post(f"/programme/plans/{plan_2023.pk}/carry-over/", {"target": plan_2024.pk})
    assert page.status_code == 200 and "chưa chọn nhiệm vụ nào" in page.content.decode()
    assert not Task.objects.filter(plan=plan_2024).exists()


def test_exactly_the_ticked_tasks_are_carried(db, plan_2023, plan_2024, department, make_task, root_admin, client):
    parent = make_task(plan_2023, "A", department)
    make_task(plan_2023, "A.1", department, parent=parent)
    make_task(plan_2023, "B", department)
    client.force_login(root_admin)
    response = client.post(f"/programme/plans/{plan_2023.pk}/carry-over/", {"target": plan_2024.pk,
                                                                          "task": [parent.pk]})
    assert response.status_code == 302
    assert list(Task.objects.filter(plan=plan_2024).values_list("code", flat=True)) == ["A"]


def test_only_plans_of_the_same_province_or_its_successor_are_targets(db, plan_2023, plan_2024, department,
                                                                      make_task, make_unit, root_admin, merged,
                                                                      plan_2526):
    elsewhere = make_unit("Tỉnh Hải Dương", UnitKind.PROVINCE, code="000.00.00.H26", valid_to=END)
    other_plan = services.create_plan(None, {"code": "KH-HD-2024", "name": "Kế hoạch Hải Dương 2024",
                                             "province": elsewhere, "year": 2024})
    make_task(plan_2023, "A", department)
    targets = set(services.next_plans(plan_2023))
    assert plan_2024 in targets and plan_2526 in targets and other_plan not in targets
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2023, other_plan)
    assert failure.value.errors[0].field == "target_plan"
    assert not Task.objects.filter(plan=other_plan).exists()


def test_status_is_kept_in_progress_at_zero_stays_in_progress(db, plan_2023, plan_2024, department, make_task,
                                                              root_admin):
    make_task(plan_2023, "A", department, status=Status.IN_PROGRESS, progress=0)
    make_task(plan_2023, "B", department, status=Status.NOT_STARTED)
    services.carry_over(root_admin, plan_2023, plan_2024)
    assert Task.objects.get(plan=plan_2024, code="A").status == Status.IN_PROGRESS
    assert Task.objects.get(plan=plan_2024, code="B").status == Status.NOT_STARTED


def test_a_mid_year_merger_carries_2025_tasks_to_the_successors_heirs(db, plan_2025, plan_2526, department,
                                                                       departments, make_task, root_admin,
                                                                       merged):
    noi_vu = departments["Sở Nội vụ Bắc Kạn"]  # ended 28/02/2025 without heir: a coordinating unit dropped
    old = make_task(plan_2025, "2025.03", department, status=Status.IN_PROGRESS, progress=0,
                    due=dt.date(2025, 9, 30), coordinating=[noi_vu])
    result = services.carry_over(root_admin, plan_2025, plan_2526)
    new = Task.objects.get(plan=plan_2526, code="2025.03")
    assert new.carried_from == old and new.lead_unit == merged["science"]  # not the abolished department
    assert new.status == Status.IN_PROGRESS and new.due_date == dt.date(2025, 9, 30)
    assert list(new.coordinating_units.all()) == []
    assert [(code, unit.name) for code, unit in result.dropped] == [("2025.03", "Sở Nội vụ Bắc Kạn")]
    view = services.overview(root_admin, plan_2526, dt.date(2025, 8, 1))
    assert "Sở Thông tin và Truyền thông" not in " ".join(r["name"] for r in view.by_lead_unit)


def test_an_ended_unit_with_several_heirs_is_asked_about(db, plan_2025, plan_2526, department, tnmt, make_task,
                                                         root_admin, merged, client):
    make_task(plan_2025, "X", department, coordinating=[tnmt])
    assert services.carry_choices(plan_2025, plan_2526) == [(tnmt, [merged["farming"], merged["building"]])]
    with pytest.raises(ValidationFailed) as failure:
        services.carry_over(root_admin, plan_2025, plan_2526)
    assert failure.value.errors[0].field == f"replace_{tnmt.pk}"
    client.force_login(root_admin)
    task = Task.objects.get(code="X")
    page = client.post(f"/programme/plans/{plan_2025.pk}/carry-over/", {"target": plan_2526.pk, "task": [task.pk]})
    assert f'name="replace_{tnmt.pk}"' in page.content.decode()
    response = client.post(f"/programme/plans/{plan_2025.pk}/carry-over/", {
        "target": plan_2526.pk, "task": [task.pk], f"replace_{tnmt.pk}": merged["farming"].pk})
    assert response.status_code == 302
    new = Task.objects.get(plan=plan_2526, code="X")
    assert new.lead_unit == merged["science"] and list(new.coordinating_units.all()) == [merged["farming"]]
