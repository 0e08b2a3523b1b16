"""Alerts appear when their cause does and clear when it is gone."""

import datetime as dt

from tinhso.indicators import services as indicators
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import registry
from tinhso.ioc.contract import Context
from tinhso.programme import services as programme
from tinhso.programme.models import Status as TaskStatus


def _keys(ctx: Context) -> set[str]:
    return {a.key for a in registry.alerts(ctx)}


def test_an_overdue_task_alert_clears_when_the_task_is_done(catalogue, plan_2023, make_task, province, district,
                                                            viewer_user, root_admin):
    task = make_task(plan_2023, "NV1", district, due=dt.date(2023, 3, 1), start=dt.date(2023, 1, 1))
    ctx = Context(user=viewer_user, scope=province, year=2023, today=dt.date(2023, 6, 1))
    alert = next(a for a in registry.alerts(ctx) if a.key == f"programme.overdue.{task.pk}")
    assert alert.where == district.name and alert.since == dt.date(2023, 3, 1)
    assert alert.url.endswith(f"/programme/tasks/{task.pk}/") and "92 ngày" in alert.what
    programme.post_progress(root_admin, task.pk, "Đã hoàn thành", 100, TaskStatus.DONE,
                            reported_on=dt.date(2023, 5, 30))
    assert f"programme.overdue.{task.pk}" not in _keys(ctx)


def test_a_report_waiting_for_approval_alerts_the_dx_office_until_approved(monthly, province_admin, commune_focal,
                                                                           commune, province, root_admin):
    saved = indicators.save_report(commune_focal, monthly, commune, "2023-06", monthly_values(10, 8), submit=True)
    office = Context(user=province_admin, scope=province, year=2023, audience="dx_office",
                     today=dt.date(2023, 7, 5))
    assert "indicators.pending.BM01-THANG.2023-06" in _keys(office)
    leader_view = Context(user=commune_focal, scope=commune, year=2023, audience="focal", today=dt.date(2023, 7, 5))
    assert "indicators.pending.BM01-THANG.2023-06" not in _keys(leader_view), "a focal point approves nothing"
    indicators.return_report(province_admin, saved.report.pk, "Sai số hồ sơ")
    assert "indicators.pending.BM01-THANG.2023-06" not in _keys(office)
    assert f"indicators.returned.{saved.report.pk}" in _keys(leader_view)
    indicators.save_report(commune_focal, monthly, commune, "2023-06", monthly_values(10, 9), submit=True)
    assert f"indicators.returned.{saved.report.pk}" not in _keys(leader_view)
    assert "indicators.pending.BM01-THANG.2023-06" in _keys(office)
    indicators.approve_report(province_admin, saved.report.pk)
    assert "indicators.pending.BM01-THANG.2023-06" not in _keys(office)


def test_a_due_report_alerts_the_focal_point_until_submitted(monthly, commune_focal, commune):
    today = dt.date(2023, 7, 20)  # June's monthly report was due on 15/07
    ctx = Context(user=commune_focal, scope=commune, year=2023, audience="focal", today=today)
    key = "indicators.due.BM01-THANG.2023-06"
    assert key in _keys(ctx)
    indicators.save_report(commune_focal, monthly, commune, "2023-06", monthly_values(10, 8), submit=True)
    assert key not in _keys(ctx)


def test_late_units_alert_the_dx_office_until_they_report(monthly, province_admin, commune_focal, commune,
                                                         other_commune, province):
    today = dt.date(2023, 7, 20)  # June's monthly report was due on 15/07
    office = Context(user=province_admin, scope=province, year=2023, audience="dx_office", today=today)
    late = next(a for a in registry.alerts(office) if a.key == "indicators.late.BM01-THANG.2023-06")
    assert late.what.startswith("2 đơn vị quá hạn") and commune.name in late.where
    indicators.save_report(commune_focal, monthly, commune, "2023-06", monthly_values(10, 8), submit=True)
    late = next(a for a in registry.alerts(office) if a.key == "indicators.late.BM01-THANG.2023-06")
    assert late.what.startswith("1 đơn vị quá hạn") and commune.name not in late.where
