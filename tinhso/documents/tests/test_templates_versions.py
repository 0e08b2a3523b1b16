"""Office templates: the starter template fills back to a valid document, versions are kept, and a broken
template is refused with the placeholder it could not fill."""

import io

import pytest
from docx import Document as open_docx

from tinhso.core.errors import Forbidden, ValidationFailed
from tinhso.documents import services, templates
from tinhso.documents.checker import check
from tinhso.documents.tests.conftest import sample_document


def _with_paragraph(content: bytes, text: str) -> bytes:
    docx = open_docx(io.BytesIO(content))
    docx.add_paragraph(text)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def test_starter_template_renders_the_document_in_the_decree_layout():
    doc = sample_document()
    doc.facts = {"programme.done": {"text": "12 nhiệm vụ"}}
    starter = templates.starter(doc)
    assert {"number_symbol", "place_date", "body", "signer", "recipients", "appendices"} <= templates.placeholders(
        starter)
    filled = templates.render(_with_paragraph(starter, 'Đã hoàn thành {{ figures["programme.done"] }}.'), doc)
    text = "\n".join(p.text for p in open_docx(io.BytesIO(filled)).paragraphs)
    assert "Đã hoàn thành 12 nhiệm vụ." in text and "Phụ lục I" in text
    assert check(filled) == []


def test_unknown_placeholder_is_refused_by_name():
    starter = templates.starter(sample_document())
    with pytest.raises(ValidationFailed) as caught:
        templates.validate(_with_paragraph(starter, "Tổng: {{ tong_so_nhiem_vu }}"), templates.sample("report"))
    assert "{{ tong_so_nhiem_vu }}" in caught.value.errors[0].vi and caught.value.errors[0].field == "file"


def test_missing_figure_is_refused_when_drafting_naming_it():
    starter = _with_paragraph(templates.starter(sample_document()), '{{ figures["programme.khong_co"] }}')
    templates.validate(starter, templates.sample("report"))  # figures are known only when a document is drafted
    with pytest.raises(ValidationFailed) as caught:
        templates.render(starter, sample_document())
    assert "“programme.khong_co”" in caught.value.errors[0].vi


def test_syntax_error_is_refused():
    with pytest.raises(ValidationFailed) as caught:
        templates.validate(_with_paragraph(templates.starter(sample_document()), "{% if %}"),
                           templates.sample("report"))
    assert "cú pháp" in caught.value.errors[0].vi


@pytest.mark.django_db
def test_uploads_are_versioned_and_only_administrators_upload(root_admin, viewer_user):
    starter = templates.starter(templates.sample("report"))
    first = services.upload_template(root_admin, "report", "Mẫu báo cáo của Sở", starter)
    second = services.upload_template(root_admin, "report", "Mẫu báo cáo sửa", starter, "thêm nơi nhận")
    assert (first.version, second.version) == (1, 2)
    assert services.active_template("report") == second and services.active_template("report", 1) == first
    assert services.active_template("report", 0) is None
    with pytest.raises(Forbidden):
        services.upload_template(viewer_user, "report", "Mẫu", starter)
    with pytest.raises(ValidationFailed):
        services.upload_template(root_admin, "report", "Hỏng", b"not a docx")
