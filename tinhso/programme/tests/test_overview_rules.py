"""The overview read as the issue #19 user read it: one counting rule for overdue tasks (item 7), an "as of"
date control defaulting to the last day of a province that ended (item 8), and tasks without a start date
drawn from the plan's start, marked (item 9)."""

import datetime as dt
import re

from tinhso.programme import charts, services
from tinhso.programme.models import Status


def test_overdue_is_counted_one_way_in_card_list_sentence_and_units(db, plan_2024, department, tnmt, make_task,
                                                                     root_admin, client):
    late = dt.date(2024, 3, 31)
    make_task(plan_2024, "A", department, due=late)
    make_task(plan_2024, "B", tnmt, due=late, status=Status.IN_PROGRESS, progress=10)
    parent = make_task(plan_2024, "C", department, due=dt.date(2024, 12, 31))
    make_task(plan_2024, "C.1", department, due=late, parent=parent)  # an overdue part of a task on time
    make_task(plan_2024, "A.1", department, due=late, parent=Task_of(plan_2024, "A"))
    day = dt.date(2024, 6, 1)
    view = services.overview(root_admin, plan_2024, day)
    assert view.overdue_count == 2 == len(view.overdue) == view.count("by_state", "overdue")
    assert sum(r["overdue"] for r in view.by_lead_unit) == 2
    assert any("2 quá hạn" in s for s in view.sentences)
    assert view.overdue_subtasks == 2
    client.force_login(root_admin)
    page = client.get(f"/programme/plans/{plan_2024.pk}/?as_of=2024-06-01").content.decode()
    assert "Nhiệm vụ quá hạn (2)" in page and 'id="overdue-subtasks"' in page
    assert re.search(r'<b>2</b><span>quá hạn', page)


def Task_of(plan, code):  # noqa: N802 - reads as the model it returns
    return plan.tasks.get(code=code)


def test_the_as_of_date_has_a_control_and_an_ended_province_defaults_to_its_last_day(db, plan_2024, department,
                                                                                      make_task, root_admin,
                                                                                      client):
    make_task(plan_2024, "A", department, due=dt.date(2025, 3, 31))
    client.force_login(root_admin)
    page = client.get(f"/programme/plans/{plan_2024.pk}/").content.decode()
    assert '<input type="date" name="as_of" value="2025-06-30">' in page  # Bắc Kạn ended on 30/06/2025
    assert services.default_as_of(plan_2024) == dt.date(2025, 6, 30)
    page = client.get(f"/programme/plans/{plan_2024.pk}/?as_of=2024-05-01").content.decode()
    assert '<input type="date" name="as_of" value="2024-05-01">' in page


def test_a_task_without_start_date_is_drawn_from_the_plans_start_and_marked(db, plan_2024, department, make_task):
    early = make_task(plan_2024, "A", department, start=dt.date(2023, 6, 1), due=dt.date(2024, 6, 30))
    undated = make_task(plan_2024, "B", department, due=dt.date(2024, 9, 30))
    start, end = services.plan_years_span(plan_2024, [early, undated])
    assert start == dt.date(2023, 1, 1)  # the span widened to the early task
    svg = str(charts.gantt([early, undated], start, end, dt.date(2024, 6, 1), lambda t: "#",
                           services.plan_start(plan_2024)))
    bars = re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="14" rx="3" fill="[^"]+" '
                      r'fill-opacity="0.28"', svg)
    label_width, chart_width = 330, 1180 - 330 - 40
    span = (end - start).days + 1
    expected = label_width + (dt.date(2024, 1, 1) - start).days / span * chart_width
    assert abs(float(bars[1]) - expected) < 0.2  # from 1/1/2024, the plan's start, not from 1/1/2023
    assert "chưa có ngày bắt đầu" in svg and 'data-no-start="1"' in svg
