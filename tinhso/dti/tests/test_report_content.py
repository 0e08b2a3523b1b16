"""The DTI's part of the documents (dti/report.py): a ranked unit's result and rank change are its
scorecard's, a province's section and the results document carry the round page's ranking."""

import datetime as dt

import pytest

from tinhso.core import reporting
from tinhso.dti import national, report, services

from .conftest import run_round

pytestmark = pytest.mark.django_db


def _request(user, unit, key):
    return reporting.ReportRequest(user, unit, reporting.parse_period(key), today=dt.date.today())


@pytest.fixture
def rounds(root_admin, framework, province, commune, other_commune):
    first = run_round(root_admin, framework, province, [commune, other_commune], 2023,
                      {commune: {"B2": 20}, other_commune: {"B2": 10, "A3": 1}})
    second = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"B2": 5}, other_commune: {"B2": 25, "A3": 1}})
    return first, second


def test_a_ranked_units_position_is_its_scorecards(root_admin, rounds, commune):
    _, latest = rounds
    [section] = report.sections(_request(root_admin, commune, "2024"))
    card = services.scorecard(root_admin, latest.pk, commune.pk)
    figures = {f.key: f for f in section.figures}
    assert figures["dti.rank"].value == card.result.rank == 2
    assert figures["dti.rank"].text == f"2/{card.result.peers}"
    assert figures["dti.points"].value == card.result.points
    assert figures["dti.rank_change"].value == -1  # first in 2023, second in 2024
    assert figures["dti.points_change"].value == services.points_change(card.result)
    assert "giảm 1 bậc so với năm 2023 (hạng 1)" in section.paragraphs[0]
    assert any("giảm 1 bậc" in p for p in section.problems)
    mains = section.tables[0]
    assert [r[2] for r in mains.rows] == [line.points for line in card.mains]


def test_the_report_of_an_earlier_year_states_that_years_round(root_admin, rounds, commune):
    [section] = report.sections(_request(root_admin, commune, "2023"))
    assert {f.key: f.value for f in section.figures}["dti.rank"] == 1
    assert "dti.rank_change" not in {f.key for f in section.figures}


def test_a_province_report_and_the_results_document_carry_the_ranking(root_admin, rounds, province):
    _, latest = rounds
    sections = report.sections(_request(root_admin, province, "2024"))
    [ranking] = [s for s in sections if s.key.startswith("dti.ranking")]
    page = services.ranking(root_admin, latest.pk)
    [appendix] = ranking.appendices
    assert [(r[0], r[1], r[2]) for r in appendix.rows] == [(row.result.rank, row.unit.name, row.result.points)
                                                          for row in page.rows]
    doc = reporting.document("dti_results", _request(root_admin, province, "2024"), str(latest.pk))
    assert doc.summary == "Kết quả đánh giá chỉ số chuyển đổi số (DTI) năm 2024"
    assert [r[1] for r in doc.appendices[0].rows] == [row.unit.name for row in page.rows]
    assert doc.figures()[f"dti.points.{page.rows[0].unit.pk}"].value == page.rows[0].result.points


def test_nothing_before_the_first_round_or_for_an_unranked_unit(root_admin, rounds, commune, department):
    assert report.sections(_request(root_admin, commune, "2022")) == []
    assert report.sections(_request(root_admin, department, "2024")) == []


def test_a_unit_that_absorbed_others_is_compared_with_their_mean_and_the_report_says_so(root_admin, make_unit):
    from decimal import Decimal

    from tinhso.dti import frameworks
    from tinhso.dti.models import Result
    from tinhso.units.models import EventKind, UnitEvent, UnitKind
    from tinhso.units.services import link_successions

    from .test_national import OLD_END, REFORM, national_round, publish, sheet

    dti922 = frameworks.load_file(root_admin, frameworks.DATA / "dti-tinh-922-2022.json")
    keeps = make_unit("Tỉnh Lào Cai", UnitKind.PROVINCE, stats_code="10")
    absorbed = make_unit("Tỉnh Yên Bái", UnitKind.PROVINCE, stats_code="15", valid_to=OLD_END)
    event = UnitEvent.objects.create(kind=EventKind.MERGE, date=REFORM, legal_basis="Nghị quyết 202/2025/QH15")
    link_successions(event, [(absorbed, keeps, Decimal(1))])
    last = national_round(root_admin, dti922, 2024)
    national.import_results(root_admin, last.pk, sheet([["Lào Cai", 2024, *[0.8] * 8], ["Yên Bái", 2024, *[0.4] * 8]]),
                            "dti.xlsx")
    publish(root_admin, last)
    this = national_round(root_admin, dti922, 2025)
    national.import_results(root_admin, this.pk, sheet([["Lào Cai", 2025, *[0.7] * 8]]), "dti.xlsx")
    publish(root_admin, this)
    assert Result.objects.get(round=this, unit=keeps).previous_basis == "absorbed"

    [section] = report.sections(_request(root_admin, keeps, "2025"))
    sentence = section.paragraphs[0]
    # 700 points against the mean of Lào Cai's 800 and Yên Bái's 400, not Lào Cai's own 800
    assert "điểm số tăng 100 điểm so với năm trước (bình quân của Tỉnh Lào Cai và Tỉnh Yên Bái sáp nhập vào)" \
        in sentence, sentence
    assert section.tables[0].note == "Cột “Năm trước”: bình quân của Tỉnh Lào Cai và Tỉnh Yên Bái sáp nhập vào."
