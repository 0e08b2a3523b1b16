"""One rounding rule for the ranking page, the XLSX and the PDF: a change is rounded once, half-up, where it
is shown, and carries its sign; scores show enough decimals that different ranks never look tied; the main
indicator columns are named."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from tinhso.dti import exports, services
from tinhso.dti.models import Result

from .conftest import run_round

pytestmark = pytest.mark.django_db


def _published(root_admin, framework, province, commune, other_commune) -> tuple:
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80, "A3": 1, "B2": 10}, other_commune: {"A1": 95, "A2": 4, "B1": 300}})
    # last year's points chosen so the change ends in 5 at the third decimal: 4,065 and −2,345
    Result.objects.filter(round=round_, unit=commune).update(points=Decimal("54.000"),
                                                             previous_points=Decimal("49.935"))
    Result.objects.filter(round=round_, unit=other_commune).update(points=Decimal("36.000"),
                                                                   previous_points=Decimal("38.345"))
    return round_


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_page_xlsx_and_pdf_show_the_same_signed_change(client, root_admin, framework, province, commune,
                                                      other_commune):
    round_ = _published(root_admin, framework, province, commune, other_commune)
    client.force_login(root_admin)
    page = _text(client.get(f"/dti/rounds/{round_.pk}/").content.decode())
    assert "+4,07" in page and "\u22122,35" in page  # half-up (4,065 → 4,07), Vietnamese minus for a fall

    results = exports._rows(round_)
    pillars = list(round_.framework.pillars.order_by("order"))
    cells = {r.unit_id: exports.pdf_cells(r, pillars, services.score_decimals(results)) for r in results}
    assert cells[commune.pk][4] == "+4,07" and cells[other_commune.pk][4] == "\u22122,35"

    content, _, _ = exports.export_xlsx(round_.pk)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    header = [c.value for c in sheet[3]]
    column = header.index("Thay đổi điểm (change in points)")
    by_unit = {row[2].value: row for row in sheet.iter_rows(min_row=4)}
    assert by_unit[commune.name][column].value == 4.07
    assert by_unit[other_commune.name][column].value == -2.35
    assert by_unit[other_commune.name][column].number_format.startswith("+0.00;")


def test_scores_show_enough_decimals_to_separate_ranks(client, root_admin, framework, province, commune,
                                                       other_commune):
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80}, other_commune: {"A1": 95}})
    # 23,4 and 23,4 at one decimal, 23,43 and 23,43 at two: ranks 1 and 2 must not look tied
    Result.objects.filter(round=round_, unit=commune).update(points=Decimal("23.434"), rank=1)
    Result.objects.filter(round=round_, unit=other_commune).update(points=Decimal("23.426"), rank=2)
    results = list(Result.objects.filter(round=round_))
    assert services.score_decimals(results) == 3
    client.force_login(root_admin)
    page = _text(client.get(f"/dti/rounds/{round_.pk}/").content.decode())
    assert "23,434" in page and "23,426" in page

    Result.objects.filter(round=round_, unit=other_commune).update(points=Decimal("21.400"))
    results = list(Result.objects.filter(round=round_))
    for r in results:  # pillar ranks stay as computed
        assert r.pillar_ranks
    assert services.score_decimals(results) == 2
    page = _text(client.get(f"/dti/rounds/{round_.pk}/").content.decode())
    assert "21,40" in page  # the same number of decimals on every row, trailing zero kept


def test_main_indicator_columns_are_named(client, root_admin, framework, province, commune, other_commune):
    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80}, other_commune: {"A1": 95}})
    client.force_login(root_admin)
    html = client.get(f"/dti/rounds/{round_.pk}/").content.decode()
    heads = [_text(h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", html, re.S)]
    assert any(h.startswith("A. Nền tảng") for h in heads), heads
    assert any(h.startswith("B. Hoạt động") for h in heads), heads


def test_evidence_links_carry_a_bundled_svg_icon_not_an_emoji(client, root_admin, framework, province, commune,
                                                              other_commune):
    from django.core.files.uploadedfile import SimpleUploadedFile

    round_ = run_round(root_admin, framework, province, [commune, other_commune], 2024,
                       {commune: {"A1": 80}, other_commune: {"A1": 95}}, publish=False)
    services.add_evidence(root_admin, round_.pk, commune.pk, "A3", SimpleUploadedFile("ke-hoach.pdf", b"%PDF-1.4"))
    client.force_login(root_admin)
    html = client.get(f"/dti/rounds/{round_.pk}/units/{commune.pk}/").content.decode()
    assert "ke-hoach.pdf" in html
    assert "\U0001f4ce" not in html  # 📎 needs an emoji font
    link = re.search(r'<a href="[^"]*evidence[^"]*">(.*?)ke-hoach.pdf</a>', html, re.S)
    assert link and '<svg class="icon"' in link.group(1)
