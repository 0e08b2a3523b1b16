"""Evidence files are downloaded with the content type of their checked extension, never the type the
uploader's browser claimed, always as an attachment, and under a name that is a valid header."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import MULTIPART_CONTENT as MP

from tinhso.conftest import PASSWORD


def _post(api, task, *uploads):
    response = api.post(f"/programme/tasks/{task.pk}/updates",
                        {"text": "Đã nghiệm thu", "progress": "40", "status": "in_progress", "files": list(uploads)},
                        content_type=MP)
    assert response.status_code == 201, response.content
    return response.json()["evidence"]


def test_evidence_is_served_with_the_type_of_its_extension(db, plan_2024, department, make_task, tttt_focal,
                                                           api_as):
    task = make_task(plan_2024, "A", department)
    evidence = _post(api_as(tttt_focal), task,
                     SimpleUploadedFile("bao-cao.txt", b"<script>alert(1)</script>", content_type="text/html"),
                     SimpleUploadedFile("anh.png", b"\x89PNG", content_type="text/html; charset=utf-8"))
    assert [e["content_type"] for e in evidence] == ["text/plain", "image/png"]
    client = Client()
    client.login(username=tttt_focal.username, password=PASSWORD)
    for item, expected in zip(evidence, ["text/plain", "image/png"], strict=True):
        for response in (api_as(tttt_focal).get(f"/programme/evidence/{item['id']}"),
                         client.get(f"/programme/evidence/{item['id']}/")):
            assert response.status_code == 200
            assert response["Content-Type"] == expected
            assert response["Content-Disposition"].startswith("attachment;")
            assert response["X-Content-Type-Options"] == "nosniff"


def test_a_vietnamese_evidence_name_is_sent_as_rfc_5987(db, plan_2024, department, make_task, tttt_focal, api_as):
    task = make_task(plan_2024, "A", department)
    evidence = _post(api_as(tttt_focal), task, SimpleUploadedFile("Biên bản nghiệm thu.pdf", b"%PDF-1.4"))
    response = api_as(tttt_focal).get(f"/programme/evidence/{evidence[0]['id']}")
    assert response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n" in response["Content-Disposition"]
