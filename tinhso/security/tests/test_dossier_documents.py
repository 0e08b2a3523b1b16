"""A level dossier's documents drafted through the documents library (issue #12): the submission and the
approval decision state the inventory's facts and the screening, are dated and issued as the regime and the
unit registry say on that date, and can be downloaded or attached from the dossier page and the API."""

import datetime as dt

import pytest
from django.test import Client

from tinhso.conftest import PASSWORD
from tinhso.documents import services as documents
from tinhso.documents.compose import Options
from tinhso.security import dossiers, drafting, services
from tinhso.security.models import DossierDocument
from tinhso.security.tests.conftest import system_data, upload
from tinhso.units.models import UnitKind

pytestmark = pytest.mark.django_db
PORTAL = {"function": "citizen_services", "information": "private_personal", "personal_subjects": 45_000}
INTERNAL = {"function": "internal", "information": "public"}
DAY = dt.date(2024, 3, 1)


def _dossier(user, system, answers=PORTAL, day=DAY):
    return dossiers.start_dossier(user, system.pk, answers, dated=day, justification="Phục vụ 45.000 người dân.")


def _draft(user, kind, dossier, day=None):
    return documents.draft(user, kind, dossier.system.owner_id, str(dossier.dated.year),
                           Options(reference=str(dossier.pk), date=day))


def _text(doc) -> str:
    parts = [getattr(b, "text", "") for b in doc.body]
    parts += [" | ".join(map(str, row)) for b in doc.body if hasattr(b, "rows") for row in b.rows]
    return "\n".join(parts)


def test_the_submission_states_the_inventorys_system_and_the_screenings_level(focal_user, system):
    dossier = _dossier(focal_user, system)
    doc, report = _draft(focal_user, "security_proposal", dossier)
    assert (doc.type_code, doc.date, doc.number) == ("TTr", DAY, None)
    assert doc.agency == "ỦY BAN NHÂN DÂN\nHUYỆN BA BỂ"  # the sender: the owner, no operator recorded
    assert doc.summary == "Đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ 3 đối với Hệ thống một cửa điện tử " \
                          "huyện Ba Bể"
    text = _text(doc)
    for fact in ("Hệ thống một cửa điện tử huyện Ba Bể", "BK-001", "Huyện Ba Bể", "45.000",
                 "10.5.1.10; 10.5.2.0/24; motcua.babe.backan.gov.vn", "Căn cứ Nghị định số 85/2016/NĐ-CP",
                 "Kính gửi: Đơn vị chuyên trách về an toàn thông tin", "Phục vụ 45.000 người dân."):
        assert fact in text, fact
    reasons = dossier.screening["reasons"]
    criteria = next(b for b in doc.body if hasattr(b, "rows") and b.columns[1] == "Tiêu chí")
    assert [row[1] for row in criteria.rows] == [r["text"] for r in reasons]
    assert doc.facts["security.dossier.level"]["value"] == dossier.proposed_level == 3


def test_the_decision_is_issued_by_the_approver_of_the_level_as_of_its_date(focal_user, province_admin, approver,
                                                                            system, make_unit, province):
    dossier = _dossier(focal_user, system)
    for document in dossiers.required_documents(dossier):
        dossiers.attach_document(focal_user, dossier.pk, document["code"], upload(f"{document['code']}.pdf"))
    dossier.refresh_from_db()
    dossier = dossiers.submit(focal_user, dossier.pk, dossier.version)
    dossier = dossiers.appraise(province_admin, dossier.pk, dossier.version, "Phù hợp")
    dossiers.attach_document(province_admin, dossier.pk, "appraisal_opinion", upload())
    dossier.refresh_from_db()
    dossier = dossiers.approve(approver, dossier.pk, dossier.version, "12/QĐ-UBND", dt.date(2024, 3, 20), "Nguyễn A")
    doc, _ = _draft(approver, "security_decision", dossier)
    # level 3: the owner approves (Decree 85 Art. 12.2.b), dated the decision's day
    assert (doc.type_code, doc.date, doc.agency) == ("QĐ", dt.date(2024, 3, 20), "ỦY BAN NHÂN DÂN\nHUYỆN BA BỂ")
    text = _text(doc)
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN BA BỂ" in text and "QUYẾT ĐỊNH:" in text
    assert "Điều 1. Phê duyệt hồ sơ đề xuất cấp độ đối với hệ thống thông tin “Hệ thống một cửa điện tử huyện Ba Bể”" \
        in text and "cấp độ 3" in text
    assert "trước ngày 20/03/2025" in text  # level 3 is reviewed yearly

    # levels 1–2: the owner's IT-security unit approves — in a province, its DX agency as of the date
    make_unit("Sở Thông tin và Truyền thông Bắc Kạn", UnitKind.DEPARTMENT, province, short_name="STTTT",
              valid_to=dt.date(2025, 6, 30))
    other = services.create_system(focal_user, system_data(system.owner, code="BK-002", name="Phần mềm nội bộ",
                                                           addresses="", data_subjects=None))
    internal = _dossier(focal_user, other, INTERNAL)
    assert internal.proposed_level == 1
    doc, _ = _draft(focal_user, "security_decision", internal, dt.date(2024, 3, 25))  # the author's date
    assert doc.agency == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" and doc.parent_agency == "UBND TỈNH BẮC KẠN"
    assert "GIÁM ĐỐC SỞ THÔNG TIN VÀ TRUYỀN THÔNG" in _text(doc)


def test_a_dossier_dated_under_the_2026_regime_cites_the_cybersecurity_law(root_admin, make_unit):
    province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, stats_code="19")
    owner = make_unit("Sở Y tế Thái Nguyên", UnitKind.DEPARTMENT, province, short_name="SYT")
    system = services.create_system(root_admin, system_data(owner, code="TN-001", name="Hồ sơ sức khỏe điện tử"))
    dossier = _dossier(root_admin, system, day=dt.date(2026, 8, 1))
    assert dossier.regime == "law116-decree331"
    doc, _ = _draft(root_admin, "security_proposal", dossier)
    text = _text(doc)
    assert "Căn cứ Luật An ninh mạng số 116/2025/QH15;" in text and "85/2016" not in text
    assert doc.agency == "SỞ Y TẾ" and doc.parent_agency == "UBND TỈNH THÁI NGUYÊN" and doc.symbol == "TTr-SYT"


def test_someone_who_cannot_read_the_owner_cannot_draft_its_dossier(focal_user, commune_focal, system):
    from tinhso.core.errors import Forbidden

    dossier = _dossier(focal_user, system)
    with pytest.raises(Forbidden):
        drafting.draft(commune_focal, dossier.pk, "proposal")


def _client(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_dossier_page_downloads_and_attaches_the_drafts(focal_user, system, api_as):
    dossier = _dossier(focal_user, system)
    client = _client(focal_user)
    page = client.get(f"/security/dossiers/{dossier.pk}/")
    assert page.status_code == 200 and b'id="draft-proposal-docx"' in page.content
    docx = client.get(f"/security/dossiers/{dossier.pk}/drafts/proposal.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    assert "attachment" in docx["Content-Disposition"]
    attached = client.post(f"/security/dossiers/{dossier.pk}/drafts/proposal.pdf")
    assert attached.status_code == 302
    stored = DossierDocument.objects.get(dossier=dossier)
    assert stored.kind == "level_justification" and stored.name.endswith(".pdf")
    assert stored.file.read()[:5] == b"%PDF-"
    api = api_as(focal_user)
    pdf = api.get(f"/security/dossiers/{dossier.pk}/drafts/decision?format=pdf&date=2024-03-25")
    assert pdf.status_code == 200 and pdf.content[:5] == b"%PDF-"
    made = api.post(f"/security/dossiers/{dossier.pk}/drafts/decision?format=docx&date=2024-03-25")
    assert made.status_code == 201 and made.json()["kind"] == "approval_decision"
    assert api.get(f"/security/dossiers/{dossier.pk}/drafts/other").status_code in (400, 404, 422)


def test_a_level_3_system_the_province_owns_is_approved_by_its_peoples_committee(root_admin, make_unit):
    province = make_unit("Tỉnh Thái Nguyên", UnitKind.PROVINCE, stats_code="19")
    make_unit("Sở Khoa học và Công nghệ Thái Nguyên", UnitKind.DEPARTMENT, province, short_name="SKHCN")
    system = services.create_system(root_admin, system_data(province, code="TN-002", name="Cổng dịch vụ công tỉnh"))
    dossier = _dossier(root_admin, system, PORTAL | {"admin_procedure": True}, day=dt.date(2026, 8, 1))
    assert dossier.proposed_level == 3
    doc, _ = _draft(root_admin, "security_decision", dossier, dt.date(2026, 9, 1))
    assert doc.agency == "ỦY BAN NHÂN DÂN\nTỈNH THÁI NGUYÊN" and doc.symbol == "QĐ-UBND"
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN" in _text(doc)
