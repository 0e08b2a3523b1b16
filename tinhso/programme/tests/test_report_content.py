"""The programme's part of the documents (programme/report.py): every figure equals the plan overview's
own, task states are judged on the report's day, problems and next tasks are prefilled from overdue
tasks and tasks due next period, and the plan document lists the task list's tasks."""

import datetime as dt
from decimal import Decimal

import pytest

from tinhso.core import reporting
from tinhso.programme import report, services
from tinhso.programme.models import DerivedState, Status

pytestmark = pytest.mark.django_db
H1 = reporting.parse_period("2024-H1")
DRAFTED = dt.date(2024, 12, 20)


def _task(plan, code, lead, status=Status.NOT_STARTED, progress=0, due=None, completed=None, parent=None,
          budget=()):
    data = services.TaskData(code=code, title=f"Nhiệm vụ {code}", pillar="digital_government", lead_unit=lead,
                             status=status, progress=progress, due_date=due, start_date=dt.date(2024, 1, 1),
                             completed_on=completed, parent=parent,
                             budget=[services.BudgetData(*b) for b in budget])
    return services.create_task(None, plan, data)


@pytest.fixture
def tasks(plan_2024, department, tnmt):
    return {
        "done": _task(plan_2024, "T1", department, Status.DONE, 100, dt.date(2024, 6, 30), dt.date(2024, 5, 10),
                      budget=(("provincial", Decimal(100), Decimal(100), Decimal(60)),)),
        "late": _task(plan_2024, "T2", department, Status.IN_PROGRESS, 40, dt.date(2024, 3, 31)),
        "next": _task(plan_2024, "T3", tnmt, Status.NOT_STARTED, 0, dt.date(2024, 8, 31),
                      budget=(("local", Decimal(50), Decimal(20), Decimal(10)),)),
        "later_done": _task(plan_2024, "T4", tnmt, Status.DONE, 100, dt.date(2024, 9, 30), dt.date(2024, 9, 10)),
        "not_yet": _task(plan_2024, "T5", department, Status.DONE, 100, dt.date(2024, 5, 31), dt.date(2024, 7, 15)),
    }


def _request(user, unit, period=H1, today=DRAFTED):
    return reporting.ReportRequest(user, unit, period, today=today)


def test_every_figure_equals_the_plan_overview(admin_user, province, plan_2024, tasks):
    request = _request(admin_user, province)
    [section] = report.sections(request)
    view = services.overview(admin_user, plan_2024, request.as_of, historical=True)
    figures = {f.key: f.value for f in section.figures}
    assert figures["programme.total"] == view.total == 5
    for key in (DerivedState.DONE, DerivedState.IN_PROGRESS, DerivedState.OVERDUE, DerivedState.NOT_STARTED):
        assert figures[f"programme.{key}"] == view.count("by_state", key)
    assert figures["programme.average_progress"] == Decimal(str(view.average_progress))
    assert figures["programme.budget_rate"] == view.budget["rate"]
    # the module's sentences are the section's paragraphs, word for word
    assert all(sentence in section.paragraphs for sentence in view.sentences)
    table = section.tables[0]
    assert table.total[1] == view.total and sum(r[1] for r in table.rows) == view.total


def test_states_are_judged_on_the_reports_day(admin_user, province, plan_2024, tasks):
    """On 30/06/2024: T1 done; T2 overdue; T3 not started; T4 (done in September) in progress; T5 (due in May,
    done in July) overdue — though today all three of T1, T4, T5 are done."""
    [section] = report.sections(_request(admin_user, province))
    figures = {f.key: f.value for f in section.figures}
    assert (figures["programme.done"], figures["programme.in_progress"], figures["programme.overdue"],
            figures["programme.not_started"]) == (1, 1, 2, 1)
    assert figures["programme.completed_in_period"] == 1
    assert services.state_of(tasks["later_done"], H1.end, historical=True) == DerivedState.IN_PROGRESS
    assert services.state_of(tasks["not_yet"], H1.end, historical=True) == DerivedState.OVERDUE
    assert services.state_of(tasks["not_yet"], DRAFTED, historical=True) == DerivedState.DONE
    assert services.state_of(tasks["not_yet"], H1.end) == DerivedState.DONE  # the pages' rule: done is done
    # a year report drafted after the year: everything done is done
    [year] = report.sections(_request(admin_user, province, reporting.parse_period("2024")))
    assert {f.key: f.value for f in year.figures}["programme.done"] == 3


def test_problems_and_next_tasks_are_prefilled(admin_user, province, plan_2024, tasks):
    [section] = report.sections(_request(admin_user, province))
    problems = " ".join(section.problems)
    assert "Còn 2 nhiệm vụ" in problems and "quá hạn" in problems
    assert "\u201cNhiệm vụ T2\u201d" in problems and "quá hạn 91 ngày" in problems
    next_tasks = " ".join(section.next_tasks)
    assert "\u201cNhiệm vụ T3\u201d" in next_tasks and "hạn 31/08/2024" in next_tasks
    assert "\u201cNhiệm vụ T4\u201d" in next_tasks  # open on 30/06, due in the second half
    assert "\u201cNhiệm vụ T1\u201d" not in next_tasks
    overdue_appendix = next(t for t in section.appendices if t.key == "programme.overdue")
    assert [r[1] for r in overdue_appendix.rows] == ["T2", "T5"]


def test_a_units_report_covers_its_subtree_only(admin_user, tnmt, plan_2024, tasks):
    request = _request(admin_user, tnmt)
    [section] = report.sections(request)
    view = services.overview(admin_user, plan_2024, request.as_of, under=tnmt, historical=True)
    figures = {f.key: f.value for f in section.figures}
    assert figures["programme.total"] == view.total == 2
    assert figures["programme.in_progress"] == 1 and figures["programme.not_started"] == 1
    assert "Sở Tài nguyên và Môi trường Bắc Kạn" in section.paragraphs[1]
    assert view.budget["planned"] == Decimal(50)


def test_a_focal_point_reads_only_its_units_tasks(tnmt_focal, province, plan_2024, tasks):
    [section] = report.sections(_request(tnmt_focal, province))
    assert {f.key: f.value for f in section.figures}["programme.total"] == 2


def test_nothing_for_a_year_without_a_plan(admin_user, province, plan_2024, tasks):
    assert report.sections(_request(admin_user, province, reporting.parse_period("2021"))) == []


def test_the_plan_document_lists_the_task_list(admin_user, province, plan_2024, tasks):
    sub = _task(plan_2024, "T2.1", tasks["late"].lead_unit, parent=tasks["late"], due=dt.date(2024, 3, 1))
    doc = reporting.document("plan", _request(admin_user, province, reporting.parse_period("2024")), "KH-2024")
    assert (doc.kind, doc.title) == ("plan", "Kế hoạch")
    assert doc.summary == "Chuyển đổi số tỉnh Bắc Kạn năm 2024"
    [appendix] = doc.appendices
    listed = list(services.search_tasks(admin_user, plan_2024))
    assert [r[1] for r in appendix.rows] == [t.code for t in listed] and sub.code in [r[1] for r in appendix.rows]
    assert appendix.total[7] == services.overview(admin_user, plan_2024).budget["planned"] == Decimal(150)
    budget = next(s for s in doc.sections if s.key == "programme.budget")
    assert "150 triệu đồng" in budget.paragraphs[0]
    # "" takes the unit's plan of the period's year
    assert reporting.document("plan", _request(admin_user, province, reporting.parse_period("2024")), "").summary \
        == doc.summary
