"""With the modules' own report content (programme here): the generated document carries exactly the figures
and sentences the programme computes for its own pages, and the yearly plan lists every task in its appendix."""

import datetime as dt
import io

import pytest
from docx import Document as open_docx

from tinhso.core import reporting
from tinhso.documents import compose, render_docx
from tinhso.documents.docxread import Reader, Tab
from tinhso.programme import services
from tinhso.programme.models import Status
from tinhso.programme.tests.conftest import departments, make_task, plan_2024, scheme, tnmt  # noqa: F401

pytestmark = pytest.mark.django_db
DRAFTED = dt.date(2024, 12, 20)


@pytest.fixture
def tasks(plan_2024, department, tnmt, make_task):  # noqa: F811
    return [
        make_task(plan_2024, "T1", department, status=Status.DONE, progress=100, due=dt.date(2024, 6, 30)),
        make_task(plan_2024, "T2", department, status=Status.IN_PROGRESS, progress=40, due=dt.date(2024, 3, 31)),
        make_task(plan_2024, "T3", tnmt, due=dt.date(2024, 8, 31)),
    ]


def _read(doc):
    items = Reader(open_docx(io.BytesIO(render_docx.render(doc)))).body()
    return [i.text for i in items if not isinstance(i, Tab)], [i for i in items if isinstance(i, Tab)]


def test_periodic_report_figures_equal_the_programme_overview(admin_user, province, department, plan_2024, tasks):  # noqa: F811
    doc, report = compose.build(admin_user, "report", province, "2024-H1", compose.Options(today=DRAFTED))
    assert doc.unit_id == department.pk and doc.agency == "SỞ THÔNG TIN VÀ TRUYỀN THÔNG"  # Bắc Kạn, mid-2024
    view = services.overview(admin_user, plan_2024, dt.date(2024, 6, 30), historical=True)
    assert doc.facts["programme.total"]["value"] == view.total == 3
    for key in ("done", "in_progress", "overdue", "not_started"):
        assert doc.facts[f"programme.{key}"]["value"] == view.count("by_state", key), key
    paragraphs, tables = _read(doc)
    assert all(sentence in paragraphs for sentence in view.sentences)
    section = next(s for s in report.sections if s.source == "programme")
    for table in section.tables:  # every cell of the module's tables, as the module formats it
        drawn = next(t for t in tables if [c.paragraphs[0].text for c in t.rows[0]] == table.headers)
        assert [[c.paragraphs[0].text for c in row] for row in drawn.rows[1:]] == table.text_rows()


def test_yearly_plan_lists_every_task_in_its_appendix(admin_user, province, plan_2024, tasks):  # noqa: F811
    doc, report = compose.build(admin_user, "plan", province, "2024", compose.Options(today=DRAFTED))
    assert (doc.type_code, doc.type_name) == ("KH", "Kế hoạch")
    assert doc.summary == report.summary
    appendix = report.appendices[-1]
    paragraphs, tables = _read(doc)
    assert "Phụ lục I" in paragraphs or "Phụ lục II" in paragraphs
    drawn = tables[-1]
    assert [[c.paragraphs[0].text for c in row] for row in drawn.rows[1:]] == appendix.text_rows()
    assert {"T1", "T2", "T3"} <= {cell for row in appendix.text_rows() for cell in row}
    assert isinstance(reporting.parse_period("2024"), reporting.ReportPeriod)
