"""The API: check a DOCX, draft, issue with register numbers, read the register and the stored files."""

import types

import pytest
from django.test.client import MULTIPART_CONTENT

from tinhso.core import reporting
from tinhso.documents import templates
from tinhso.documents.tests.test_format_checker import hand_made

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider(monkeypatch):
    module = types.ModuleType("fake_report")

    def sections(request):
        figure = reporting.Figure(key="fake.count", label="Số", value=7, text="7", sentence="Hoàn thành 7 nhiệm vụ.",
                                  headline=True)
        return [reporting.Section(key="fake", title="Nhiệm vụ", paragraphs=[figure.sentence], figures=[figure])]

    module.sections = sections
    monkeypatch.setattr(reporting, "providers", lambda: {"fake": module})


def test_check_endpoint_lists_departures(api_as, root_admin):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = api_as(root_admin)
    response = client.post("/documents/check", {"file": SimpleUploadedFile("x.docx", hand_made())},
                           content_type=MULTIPART_CONTENT)
    assert response.status_code == 200, response.content
    codes = {f["code"] for f in response.json()}
    assert {"margin_left", "place_date_form", "signer_authority_form"} <= codes
    bad = client.post("/documents/check", {"file": SimpleUploadedFile("x.docx", b"hello")},
                      content_type=MULTIPART_CONTENT)
    assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == "file"


def test_draft_issue_register_and_files(provider, api_as, root_admin, reorganised):
    client = api_as(root_admin)
    body = {"kind": "report", "unit_id": reorganised.bk.pk, "period": "2024-Q4", "signer_name": "Nguyễn Văn An"}
    draft = client.post("/documents/drafts", body)
    assert draft.status_code == 200, draft.content
    data = draft.json()
    assert data["agency"] == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG" and data["number_symbol"] == "Số:      /BC-STTTT"
    assert data["place_date"] == "Bắc Kạn, ngày 31 tháng 12 năm 2024"
    assert data["facts"] == [{"key": "fake.count", "label": "Số", "text": "7"}]
    pdf = client.post("/documents/drafts?format=pdf", body)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    numbers = [client.post("/documents/issue", body).json()["number"] for _ in range(2)]
    assert numbers == [1, 2]
    register = client.get("/documents/register", {"year": 2024}).json()
    assert [(r["number"], r["symbol"], r["date"]) for r in register] == [(2, "BC-STTTT", "2024-12-31"),
                                                                         (1, "BC-STTTT", "2024-12-31")]
    stored = client.get(f"/documents/issued/{register[0]['id']}/file", {"format": "docx"})
    assert stored.status_code == 200 and b"word/document.xml" in stored.content
    correction = client.post("/documents/issue", {**body, "replaces_id": register[0]["id"]}).json()
    assert correction["number"] == 3 and correction["replaces_id"] == register[0]["id"]


def test_viewer_cannot_issue_and_news_is_not_registered(provider, api_as, root_admin, reorganised, make_unit):
    from tinhso.accounts.models import Role, User

    viewer = User.objects.create_user("xem", password="x-pass-12345", role=Role.VIEWER, unit=reorganised.tn)
    body = {"kind": "report", "unit_id": reorganised.tn.pk, "period": "2025"}
    assert api_as(viewer).post("/documents/drafts", body).status_code == 200
    refused = api_as(viewer).post("/documents/issue", body)
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    news = api_as(root_admin).post("/documents/issue", {**body, "kind": "news"})
    assert news.status_code == 400 and news.json()["errors"][0]["field"] == "kind"


def test_broken_template_upload_names_the_placeholder(api_as, root_admin):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from docx import Document as open_docx

    docx = open_docx(io.BytesIO(templates.starter(templates.sample("report"))))
    docx.add_paragraph("{{ so_lieu_la }}")
    buffer = io.BytesIO()
    docx.save(buffer)
    response = api_as(root_admin).post(
        "/documents/templates", {"kind": "report", "name": "Mẫu hỏng",
                                 "file": SimpleUploadedFile("m.docx", buffer.getvalue())},
        content_type=MULTIPART_CONTENT)
    assert response.status_code == 400
    assert "{{ so_lieu_la }}" in response.json()["errors"][0]["message"]["vi"]


def test_the_command_line_prints_the_files_size_in_vietnamese(provider, root_admin, province, tmp_path):
    import io
    import re

    from django.core.management import call_command

    out = io.StringIO()
    target = tmp_path / "bao-cao.docx"
    call_command("documents_report", unit=province.code, period="2024-Q4", output=str(target), stdout=out)
    size = target.stat().st_size
    assert size >= 1000
    printed = re.search(r"\(dự thảo / draft, ([\d.]+) byte\)", out.getvalue())
    assert printed and printed.group(1) == f"{size:,}".replace(",", "."), out.getvalue()
