"""The dossier workflow: who drafts, appraises, approves; the returned path; documents; audit; the share."""

import datetime as dt

import pytest

from tinhso.core.errors import Conflict, Forbidden, ValidationFailed
from tinhso.security import dossiers, services
from tinhso.security.models import DossierStatus
from tinhso.security.tests.conftest import system_data, upload

PORTAL = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000}
DAY = dt.date(2024, 3, 1)


def _ready(user, system, level_answers=PORTAL):
    dossier = dossiers.start_dossier(user, system.pk, level_answers, dated=DAY)
    for document in dossiers.required_documents(dossier):
        dossiers.attach_document(user, dossier.pk, document["code"], upload(f"{document['code']}.pdf"))
    dossier.refresh_from_db()
    return dossier


def test_focal_drafts_dx_office_appraises_only_the_approver_approves(focal_user, province_admin, approver, system):
    dossier = _ready(focal_user, system)
    assert (dossier.regime, dossier.proposed_level) == ("law86-decree85", 3)
    dossier = dossiers.submit(focal_user, dossier.pk, dossier.version)
    with pytest.raises(Forbidden):
        dossiers.appraise(focal_user, dossier.pk, dossier.version, "Phù hợp")
    dossier = dossiers.appraise(province_admin, dossier.pk, dossier.version, "Đề xuất cấp độ 3 phù hợp")
    assert dossier.appraiser_authority.startswith("Đơn vị chuyên trách")
    dossiers.attach_document(province_admin, dossier.pk, "appraisal_opinion", upload("y-kien-tham-dinh.pdf"))
    dossier.refresh_from_db()
    for outsider in (focal_user, province_admin):
        with pytest.raises(Forbidden):
            dossiers.approve(outsider, dossier.pk, dossier.version, "12/QĐ-UBND", dt.date(2024, 3, 20), "Nguyễn Văn A")
    dossier = dossiers.approve(approver, dossier.pk, dossier.version, "12/QĐ-UBND", dt.date(2024, 3, 20),
                               "Nguyễn Văn A")
    assert (dossier.status, dossier.approved_level, dossier.review_due) == (
        DossierStatus.APPROVED, 3, dt.date(2025, 3, 20))  # level 3: checked every year (Decree 85 Art. 20)
    assert dossiers.state_of(dossier, dt.date(2025, 3, 20))[0] == "due_for_review"
    steps = [h.history_change_reason for h in dossier.history.order_by("history_id")]
    assert steps[0].startswith("Lập hồ sơ") and steps[-3:] == [
        "Thẩm định / Appraised", "Bổ sung tài liệu / Document added: Ý kiến thẩm định (cấp độ 3 trở lên)",
        "Phê duyệt / Approved: 12/QĐ-UBND"]


def test_a_viewer_and_an_outside_focal_point_may_not_draft(viewer_user, commune_focal, system):
    for user in (viewer_user, commune_focal):
        with pytest.raises(Forbidden):
            dossiers.start_dossier(user, system.pk, PORTAL, dated=DAY)


def test_submission_needs_every_document_of_the_regime(focal_user, system):
    dossier = dossiers.start_dossier(focal_user, system.pk, PORTAL, dated=DAY)
    dossiers.attach_document(focal_user, dossier.pk, "overview", upload())
    dossier.refresh_from_db()
    with pytest.raises(ValidationFailed) as caught:
        dossiers.submit(focal_user, dossier.pk, dossier.version)
    assert len(caught.value.errors) == 3 and all(e.field == "documents" for e in caught.value.errors)


def test_returned_with_comments_then_corrected_and_resubmitted(focal_user, province_admin, system):
    dossier = dossiers.submit(focal_user, (d := _ready(focal_user, system)).pk, d.version)
    with pytest.raises(ValidationFailed):
        dossiers.return_dossier(province_admin, dossier.pk, dossier.version, "  ")
    dossier = dossiers.return_dossier(province_admin, dossier.pk, dossier.version, "Bổ sung sơ đồ mạng")
    assert dossier.status == DossierStatus.RETURNED and dossier.comments == "Bổ sung sơ đồ mạng"
    with pytest.raises(Conflict):
        dossiers.update_draft(focal_user, dossier.pk, dossier.version - 1, justification="x")
    dossier = dossiers.update_draft(focal_user, dossier.pk, dossier.version,
                                    answers=PORTAL | {"personal_subjects": 500})
    assert dossier.proposed_level == 2
    dossier = dossiers.submit(focal_user, dossier.pk, dossier.version)
    assert dossier.status == DossierStatus.SUBMITTED and dossier.comments == ""


def test_a_dossier_is_judged_under_the_regime_of_its_date(focal_user, system):
    old = dossiers.start_dossier(focal_user, system.pk, PORTAL, dated=dt.date(2026, 6, 30))
    assert (old.regime, old.proposed_level) == ("law86-decree85", 3)
    moved = dossiers.update_draft(focal_user, old.pk, old.version, dated=dt.date(2026, 7, 1))
    assert (moved.regime, moved.proposed_level) == ("law116-decree331", 2)
    assert "security_regulation" in [d["code"] for d in dossiers.required_documents(moved, "approval")]


def test_one_open_dossier_per_system(focal_user, system):
    dossiers.start_dossier(focal_user, system.pk, PORTAL, dated=DAY)
    with pytest.raises(ValidationFailed):
        dossiers.start_dossier(focal_user, system.pk, PORTAL, dated=DAY)


def test_the_approved_share_counts_systems_with_an_approved_level_by_owner_and_level(
        root_admin, focal_user, province_admin, approver, district, commune, system):
    services.create_system(root_admin, system_data(district, code="BK-002", addresses=""))
    services.create_system(root_admin, system_data(commune, code="XA-001", addresses=""))
    dossier = dossiers.submit(focal_user, (d := _ready(focal_user, system)).pk, d.version)
    dossier = dossiers.appraise(province_admin, dossier.pk, dossier.version, "Phù hợp")
    dossiers.attach_document(province_admin, dossier.pk, "appraisal_opinion", upload())
    dossier.refresh_from_db()
    total, _ = dossiers.approved_share(district)
    assert (total.systems, total.approved, total.share) == (3, 0, 0.0)
    dossiers.approve(approver, dossier.pk, dossier.version, "5/QĐ", dt.date(2024, 4, 1), "Chủ tịch")
    total, rows = dossiers.approved_share(district)
    assert (total.systems, total.approved, total.by_level) == (3, 1, {3: 1})
    assert round(total.share, 1) == 33.3
    assert {r.unit.name: (r.systems, r.approved) for r in rows} == {"Huyện Ba Bể": (2, 1), "Thị trấn Chợ Rã": (1, 0)}
    assert dossiers.approved_share(district, dt.date(2024, 3, 31))[0].approved == 0  # as of a day before it
