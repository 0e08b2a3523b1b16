"""The indicators' part of the documents (indicators/report.py): the rows are the targets page's, the
sentences the module's own, off-target indicators prefill "tồn tại, hạn chế", and completeness adds up
the completeness page's tables."""

import datetime as dt

import pytest

from tinhso.core import reporting
from tinhso.indicators import report, services
from tinhso.indicators.tests.conftest import monthly_values

TARGETS = (("TL_HSCV_TREN_MANG", 95), ("TL_SO_HOA_KQ", 50), ("ATTT_SU_CO", 3))


@pytest.fixture
def filled(monthly, fill, root_admin, province, commune):
    fill(monthly, commune, "2023-03", {**monthly_values(100, 80, digitised=30, work=1000, work_online=974),
                                       "ATTT_SU_CO": 1})
    fill(monthly, commune, "2023-08", {**monthly_values(100, 90, digitised=80, work=1000, work_online=900),
                                       "ATTT_SU_CO": 4})
    for code, target in TARGETS:
        services.set_target(root_admin, code, province, 2023, target)


def _request(user, unit, key):
    return reporting.ReportRequest(user, unit, reporting.parse_period(key), today=dt.date(2024, 3, 1))


def _rows(section):
    return {f.key: f for f in section.figures}


def test_a_year_report_states_the_targets_page(filled, root_admin, province):
    sections = report.sections(_request(root_admin, province, "2023"))
    targets = next(s for s in sections if s.key == "indicators.targets")
    page = services.achievements(province, 2023, user=root_admin)
    figures = _rows(targets)
    for row in page:
        assert figures[f"indicators.{row.indicator.code}"].value == row.actual
        assert figures[f"indicators.{row.indicator.code}"].sentence == row.statement
        assert row.statement + "." in targets.paragraphs
    assert services.plan_summary(page) in targets.paragraphs[0]
    table = targets.tables[0]
    assert [r[3] for r in table.rows] == [r.actual_text for r in page]
    assert [r[4] for r in table.rows] == [r.achievement_text for r in page]


def test_a_half_year_report_states_the_halfs_figures_against_the_years_targets(filled, root_admin, province):
    """Like seed 003: "6 tháng đầu năm … là 97,4%/95%, đạt 103%"."""
    targets = next(s for s in report.sections(_request(root_admin, province, "2023-H1"))
                   if s.key == "indicators.targets")
    figures = _rows(targets)
    half = services.approved_values(["TL_HSCV_TREN_MANG"], [province.pk], 2023, "2023-H1")
    assert figures["indicators.TL_HSCV_TREN_MANG"].value == half[("TL_HSCV_TREN_MANG", province.pk)]
    assert figures["indicators.TL_HSCV_TREN_MANG"].sentence.endswith("là 97,4%/95%, đạt 103%")
    assert targets.paragraphs[0].startswith("6 tháng đầu năm 2023, trong 3 chỉ tiêu")
    # the digitised share (30%) is below 50%: a problem and a next task
    assert any("Tỷ lệ số hóa" in p and "chưa đạt kế hoạch" in p for p in targets.problems)
    assert any("Tỷ lệ số hóa" in t for t in targets.next_tasks)
    # the incidents (1, ceiling 3) are below the ceiling in the first half
    assert not any("vượt mức trần" in p for p in targets.problems)


def test_nine_months_run_from_january(filled, root_admin, province):
    targets = next(s for s in report.sections(_request(root_admin, province, "2023-9M"))
                   if s.key == "indicators.targets")
    incidents = _rows(targets)["indicators.ATTT_SU_CO"]
    assert incidents.value == 5  # 1 in March + 4 in August: above the ceiling of 3
    assert any("vượt mức trần" in p for p in targets.problems)
    year = services.achievements(province, 2023)
    assert next(r for r in year if r.indicator.code == "ATTT_SU_CO").actual == 5


def test_period_targets_win_when_set(filled, root_admin, province):
    services.set_target(root_admin, "TL_HSCV_TREN_MANG", province, 2023, 99, period="2023-Q1")
    targets = next(s for s in report.sections(_request(root_admin, province, "2023-Q1"))
                   if s.key == "indicators.targets")
    page = services.achievements(province, 2023, "2023-Q1", user=root_admin)
    assert [f.key for f in targets.figures[1:]] == [f"indicators.{r.indicator.code}" for r in page
                                                    if r.actual is not None]
    assert _rows(targets)["indicators.TL_HSCV_TREN_MANG"].sentence == page[0].statement


def test_completeness_adds_up_the_completeness_tables(filled, monthly, root_admin, province):
    request = _request(root_admin, province, "2023-Q1")
    section = next(s for s in report.sections(request) if s.key == "indicators.completeness")
    tables = [services.completeness(monthly, key, province, request.today) for key in ("2023-01", "2023-02", "2023-03")]
    figures = _rows(section)
    assert figures["indicators.reports_expected"].value == sum(t.expected for t in tables)
    assert figures["indicators.reports_submitted"].value == sum(t.submitted for t in tables) == 1
    # a unit that sent nothing is named under "tồn tại, hạn chế"
    assert any("BM01-THANG" in p and "chưa gửi" in p for p in section.problems)


def test_nothing_without_targets_or_forms(catalogue, root_admin, province):
    assert [s.key for s in report.sections(_request(root_admin, province, "2023"))] == []


def test_completeness_of_many_periods_is_each_periods_table_read_at_once(filled, fill, monthly, province, commune,
                                                                         second_commune, django_assert_max_num_queries):
    fill(monthly, second_commune, "2023-02", monthly_values(10, 5), approve=False)
    keys = [f"2023-{m:02d}" for m in range(1, 13)]
    one_by_one = [services.completeness(monthly, key, province, dt.date(2024, 3, 1)) for key in keys]
    with django_assert_max_num_queries(2):  # units and reports, not two queries per period
        together = services.completeness_many([(monthly, key) for key in keys], province, dt.date(2024, 3, 1))
    assert [t.period.key for t in together] == keys
    for mine, theirs in zip(together, one_by_one, strict=True):
        assert [(r.unit.pk, r.report and r.report.pk, r.state, r.late, r.overdue) for r in mine.rows] == [
            (r.unit.pk, r.report and r.report.pk, r.state, r.late, r.overdue) for r in theirs.rows]
        assert mine.deadline == theirs.deadline


def test_a_form_only_fed_from_records_is_not_entered(filled, monthly, root_admin, province, commune):
    assert services.entered_forms([(monthly, "2023-03")], province) == {monthly.pk}
    assert services.entered_forms([(monthly, "2023-04")], province) == set()
    fed = services.record_approved_values(root_admin, monthly.code, commune, "2023-05", monthly_values(10, 9), "test")
    assert services.fed_from_records(fed)
    assert services.entered_forms([(monthly, "2023-05")], province) == set()
    # a report approved the moment it was submitted was recorded by a module too (fed_from_records)
    from tinhso.indicators.models import Report

    entered = Report.objects.get(form=monthly, unit=commune, period="2023-03")
    Report.objects.filter(pk=entered.pk).update(submitted_at=entered.approved_at)
    entered.refresh_from_db()
    assert services.fed_from_records(entered)
    assert services.entered_forms([(monthly, "2023-03")], province) == set()
    Report.objects.filter(pk=entered.pk).update(approved_at=None, status="submitted")
    assert services.entered_forms([(monthly, "2023-03")], province) == {monthly.pk}
