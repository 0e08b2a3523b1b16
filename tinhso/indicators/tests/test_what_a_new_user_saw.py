"""Issue 17 (what a new user saw), indicators side: the approvals header counts every waiting report,
a report's history shows the figures a save changed, demo data is never dated after the moment it is
loaded, a refused draft says at the top that nothing was saved, forms name unit kinds in Vietnamese."""

import datetime as dt
import random

from django.utils import timezone

from tinhso.indicators import periods, services
from tinhso.indicators.demo import Builder
from tinhso.indicators.models import DataValue, Status
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.indicators.tests.test_pages import client_for


def _submitted(monthly, units, focal, count):
    months = [periods.Period(dt.date(2020, 1, 1), periods.MONTH)]
    while len(months) < count:
        months.append(months[-1].next())
    for month in months:
        for unit in units:
            services.save_report(focal, monthly, unit, month.key, monthly_values(100, 50), submit=True)


def test_the_approvals_header_counts_every_waiting_report_and_the_list_pages(
        monthly, root_admin, commune, other_commune, focal_user):
    _submitted(monthly, [commune, other_commune], focal_user, 30)  # 60 reports wait
    page = services.pending_approvals(root_admin, 50)
    assert page.total == 60 and len(page.items) == 50 and page.has_next
    rest = services.pending_approvals(root_admin, 50, 50)
    assert len(rest.items) == 10 and not rest.has_next
    assert not {r.pk for r in page.items} & {r.pk for r in rest.items}
    # a parent unit's focal point: counted through the same approval rule
    assert services.pending_approvals(focal_user, 5).total == 60
    client = client_for(root_admin)
    body = client.get("/indicators/").content.decode()
    assert "(60)" in body and "approvals_page=2" in body and "Báo cáo 1–20 trong 60" in body
    second = client.get("/indicators/?approvals_page=3").content.decode()
    assert "(60)" in second and "approvals_page=2" in second and "Báo cáo 41–60 trong 60" in second


def test_a_report_history_row_shows_the_figures_that_save_changed(monthly, commune_focal, commune):
    report = services.save_report(commune_focal, monthly, commune, "2025-03", monthly_values(317, 100)).report
    services.save_report(commune_focal, monthly, commune, "2025-03", {"HS_TONG": "1.562"}, report.version)
    entries = services.report_history(report)
    latest = entries[0]
    changed = [c for c in latest.changes if "HS_TONG" in c["label"]]
    assert changed and changed[0]["before"] == "317" and changed[0]["after"] == "1.562"
    assert all("HS_TRUC_TUYEN" not in c["label"] for c in latest.changes)  # unchanged figures are not listed
    first_entry = entries[1]  # the first save listed every figure it wrote
    assert any("HS_TRUC_TUYEN" in c["label"] and c["after"] == "100" for c in first_entry.changes)
    body = client_for(commune_focal).get(f"/indicators/report/BM01-THANG/{commune.pk}/2025-03/").content.decode()
    assert "<del>317</del> → <ins>1.562</ins>" in body


def test_figures_loaded_without_history_still_show_what_they_were(monthly, commune_focal, commune):
    """Demo figures are inserted in bulk without audit rows: the first change keeps the old value on record."""
    report = services.save_report(commune_focal, monthly, commune, "2025-04", {"HS_TONG": 1}).report
    DataValue.history.all().delete()
    DataValue.objects.filter(report=report).update(value=317)
    services.save_report(commune_focal, monthly, commune, "2025-04", {"HS_TONG": "1.562"}, report.version)
    (change,) = services.report_history(report)[0].changes
    assert (change["before"], change["after"]) == ("317", "1.562")
    assert all(c["after"] != "317" for entry in services.report_history(report)[1:] for c in entry.changes)


def test_demo_reports_are_never_dated_after_the_moment_they_are_loaded(monthly, commune):
    now = timezone.make_aware(dt.datetime(2026, 12, 2, 8, 14))
    builder = Builder(random.Random(1), now.date(), None, now=now)
    # a period whose deadline is today: its random submission hour (7–17) may lie ahead of 08:14
    for month in range(1, 12):
        period = periods.Period(dt.date(2026, month, 1), periods.MONTH)
        for status in (Status.SUBMITTED, Status.APPROVED):
            builder.seen.clear()
            builder.add(monthly, commune, period, {}, status, late=True)
    assert builder.reports
    for row in builder.reports:
        assert row.submitted_at <= now
        assert row.approved_at is None or row.submitted_at <= row.approved_at <= now


def test_a_refused_draft_says_at_the_top_that_nothing_was_saved(monthly, commune_focal, commune):
    client = client_for(commune_focal)
    url = f"/indicators/report/BM01-THANG/{commune.pk}/2024-03/"
    body = client.post(url, {"action": "save", "v_HS_TONG": "2,5", "v_HS_TRUC_TUYEN": "1"}).content.decode()
    top = body.index("Chưa lưu")
    assert top < body.index('name="v_HS_TONG"')  # above the grid, not only beside the cell
    assert "không số liệu nào được ghi" in body and "HS_TONG" in body[top:top + 400]
    assert "phải là số nguyên" in body[top:top + 400]
    assert services.report_for(monthly, commune, "2024-03") is None


def test_the_forms_table_names_reporting_unit_kinds_in_vietnamese(monthly, root_admin):
    body = client_for(root_admin).get("/indicators/").content.decode()
    assert "commune, department" not in body and "UBND xã, phường, đặc khu; Sở, ban, ngành" in body
