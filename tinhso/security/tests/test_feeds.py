"""The approved-share feeds the indicators as approved figures that DTI and targets read."""

import datetime as dt
from decimal import Decimal

from tinhso.indicators import services as indicators
from tinhso.indicators.models import Report, Status
from tinhso.security import dossiers, feeds, services
from tinhso.security.tests.conftest import system_data, upload

PORTAL = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000}


def _approve(focal, office, approver, system, decided: dt.date) -> None:
    dossier = dossiers.start_dossier(focal, system.pk, PORTAL, dated=dt.date(2024, 3, 1))
    for document in dossiers.required_documents(dossier):
        dossiers.attach_document(focal, dossier.pk, document["code"], upload())
    dossier.refresh_from_db()
    dossier = dossiers.appraise(office, dossier.pk, dossiers.submit(focal, dossier.pk, dossier.version).version, "ok")
    dossiers.attach_document(office, dossier.pk, "appraisal_opinion", upload())
    dossier.refresh_from_db()
    dossiers.approve(approver, dossier.pk, dossier.version, "1/QĐ", decided, "A")


def test_an_approval_moves_the_approved_figures_of_the_indicators(
        root_admin, focal_user, province_admin, approver, district, province, system):
    indicators.load_catalogue()
    services.create_system(root_admin, system_data(district, code="BK-002", addresses=""))
    feeds.feed_indicators(2024, today=dt.date(2025, 1, 15))
    codes = ["HTTT_TONG", "HTTT_CAP_DO", "TL_HTTT_CAP_DO"]
    before = indicators.approved_values(codes, [district.pk, province.pk], 2024)
    assert before[("HTTT_TONG", province.pk)] == 2 and before[("TL_HTTT_CAP_DO", district.pk)] == 0
    _approve(focal_user, province_admin, approver, system, dt.date(2024, 3, 20))
    after = indicators.approved_values(codes, [district.pk, province.pk], 2024)
    assert after[("HTTT_CAP_DO", district.pk)] == 1
    assert after[("TL_HTTT_CAP_DO", province.pk)] == Decimal("50")  # rolled up the unit tree
    report = Report.objects.get(form__code=feeds.FORM, unit=district, period="2024")
    assert report.status == Status.APPROVED and report.approved_by is None
    assert "Tự động từ" in report.history.first().history_change_reason


def test_feeding_twice_writes_nothing_new(root_admin, district, system):
    indicators.load_catalogue()
    feeds.feed_indicators(2024, today=dt.date(2025, 1, 15))
    report = Report.objects.get(form__code=feeds.FORM, unit=district)
    rows = report.history.count()
    feeds.feed_indicators(2024, today=dt.date(2025, 1, 15))
    assert report.history.count() == rows


def test_without_the_indicators_catalogue_nothing_is_fed(system):
    assert feeds.feed_indicators(2024)["written"] == 0
