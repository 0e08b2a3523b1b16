"""The periodic report is assembled from every app's report.py in ORDER; problems, next tasks and
appendices are gathered; a failing app is left out and named; the news item carries the headline
figures. The real providers are discovered from the installed apps."""

import datetime as dt
from types import SimpleNamespace

import pytest

from tinhso.core import reporting
from tinhso.core.errors import Forbidden
from tinhso.core.reporting import Figure, Section, Table


def _provider(order, *sections, error=None):
    def build(request):
        if error is not None:
            raise error
        return list(sections)
    return SimpleNamespace(ORDER=order, sections=build)


@pytest.fixture
def fake(monkeypatch):
    appendix = Table("Phụ lục", ["a"], [[1]])
    providers = {
        "beta": _provider(20, Section("beta.x", "Chỉ tiêu", paragraphs=["5 chỉ tiêu đạt và vượt kế hoạch."],
                                      problems=["Chỉ tiêu A chưa đạt."], figures=[
                                          Figure("beta.met", "Đạt", 5, "5", "5 chỉ tiêu đạt và vượt kế hoạch",
                                                 headline=True)])),
        "alpha": _provider(10, Section("alpha.x", "Nhiệm vụ", next_tasks=["Hoàn thành nhiệm vụ B (chủ trì: Sở Y tế)."],
                                       appendices=[appendix], figures=[
                                           Figure("alpha.done", "Xong", 3, "3", "3/6 nhiệm vụ đã hoàn thành",
                                                  headline=True)])),
        "broken": _provider(30, error=RuntimeError("boom")),
        "secret": _provider(40, error=Forbidden("Không có quyền xem", "Not allowed")),
    }
    ordered = dict(sorted(providers.items(), key=lambda kv: kv[1].ORDER))
    monkeypatch.setattr(reporting, "providers", lambda: ordered)
    return appendix


def test_sections_in_order_with_gathered_parts(fake):
    unit = SimpleNamespace(name="Tỉnh Lào Cai")
    request = reporting.ReportRequest(None, unit, reporting.parse_period("2023-H1"), today=dt.date(2023, 7, 5))
    report = reporting.periodic_report(request)
    assert [s.key for s in report.sections] == ["alpha.x", "beta.x"]
    assert [s.source for s in report.sections] == ["alpha", "beta"]
    assert report.summary == "Kết quả thực hiện chuyển đổi số 6 tháng đầu năm 2023"
    assert "trên địa bàn tỉnh Lào Cai" in report.opening[0] and "30/06/2023" in report.opening[0]
    assert report.problems == ["Chỉ tiêu A chưa đạt."]
    assert report.next_tasks == ["Hoàn thành nhiệm vụ B (chủ trì: Sở Y tế)."]
    assert report.appendices == [fake]
    assert report.omitted == [("broken", "lỗi khi lấy số liệu / error while reading the figures"),
                              ("secret", "Không có quyền xem")]
    assert set(report.timings) == {"alpha", "beta", "broken", "secret"}
    assert report.figures()["beta.met"].value == 5


def test_the_news_item_leads_with_the_headline_figures(fake):
    unit = SimpleNamespace(name="Tỉnh Lào Cai")
    request = reporting.ReportRequest(None, unit, reporting.parse_period("2023-H1"), today=dt.date(2023, 7, 5))
    news = reporting.news_item(reporting.periodic_report(request))
    assert news.title == "Tỉnh Lào Cai: kết quả chuyển đổi số 6 tháng đầu năm 2023"
    assert news.lead == ("6 tháng đầu năm 2023, công tác chuyển đổi số trên địa bàn tỉnh Lào Cai tiếp tục được "
                         "triển khai; 3/6 nhiệm vụ đã hoàn thành.")
    assert "Về chỉ tiêu, 5 chỉ tiêu đạt và vượt kế hoạch." in news.paragraphs
    assert news.paragraphs[-1] == "6 tháng cuối năm 2023, tỉnh Lào Cai tập trung hoàn thành nhiệm vụ B."
    assert news.text.startswith(news.title)


def test_an_agency_reports_what_was_done_at_it():
    assert reporting.place_phrase(SimpleNamespace(name="Sở Y tế Thái Nguyên")) == "tại Sở Y tế Thái Nguyên"
    assert reporting.place_phrase(SimpleNamespace(name="Phường Bắc Kạn")) == "trên địa bàn phường Bắc Kạn"
    assert reporting.actors(SimpleNamespace(name="Sở Y tế Thái Nguyên")) == "Sở Y tế Thái Nguyên"
    assert reporting.actors(SimpleNamespace(name="Tỉnh Lào Cai")) == "các cơ quan, đơn vị"


def test_unknown_document_kind_is_refused():
    from tinhso.core.errors import NotFound

    with pytest.raises(NotFound):
        reporting.document("bogus", reporting.ReportRequest(None, None, reporting.parse_period("2024")))


def test_the_installed_apps_provide_their_parts(db):
    reporting.forget()
    found = reporting.providers()
    assert list(found)[:3] == ["programme", "indicators", "dti"]
    assert {"transport", "security", "sharing"} <= set(found)
    assert reporting.document_kinds() == {"plan": "programme", "dti_results": "dti",
                                          "security_proposal": "security", "security_decision": "security"}
