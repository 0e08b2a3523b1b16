"""A lower-is-better tile speaks of its ceiling in the targets page's words, never "đạt 345%"; and a page
in English shows years and ids as they are ("2023", not "2,023"), on the page and inside its links."""

import re
from decimal import Decimal

from django.template import Context as TemplateContext
from django.template import Template
from django.utils import translation

from tinhso.conftest import PASSWORD
from tinhso.indicators import services as indicators
from tinhso.indicators.models import Indicator
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import registry, services
from tinhso.ioc.contract import BAD, GOOD, Context


def _incidents(root_admin, monthly, fill, commune, province, count: int, ceiling: int) -> None:
    fill(monthly, commune, "2023-06", {**monthly_values(100, 80), "ATTT_SU_CO": count})
    indicators.set_target(root_admin, "ATTT_SU_CO", province, 2023, ceiling)


def _tile(user, province):
    ctx = Context(user=user, scope=province, year=2023)
    return next(t for t in registry.widgets()["indicators.plan"].render(ctx, {"limit": 8})
                if t.key == "indicators.ATTT_SU_CO")


def test_a_figure_below_its_ceiling_says_so_in_the_indicators_words(root_admin, viewer_user, monthly, fill, commune,
                                                                    province, client):
    _incidents(root_admin, monthly, fill, commune, province, 238, 800)
    row = next(r for r in indicators.achievements(province, 2023) if r.indicator.code == "ATTT_SU_CO")
    tile = _tile(viewer_user, province)
    assert tile.achievement_text == indicators.achievement_phrase(row.indicator, row.actual, row.target.value)
    assert tile.achievement_text == row.achievement_text == "thấp hơn mức trần 70%"
    assert tile.achievement_text_en == "70% below the ceiling"
    assert tile.target_label == "Mức trần" and tile.status == GOOD
    assert "thấp hơn mức trần 70%" in tile.explain and "kế hoạch năm" not in tile.explain
    services.save_dashboard(root_admin, {"name": "Lãnh đạo", "year": 2023, "widgets": [
        {"widget": "indicators.indicator", "params": {"indicator": "ATTT_SU_CO"}}]}, shared=True, default_for="leader")
    client.login(username=viewer_user.username, password=PASSWORD)
    page = client.get("/").content.decode()
    target = re.search(r'<p class="target">(.*?)</p>', page, re.S).group(1)
    assert "Mức trần 800" in target and "thấp hơn mức trần 70%" in target
    assert "đạt" not in target and "336%" not in page
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    target = re.search(r'<p class="target">(.*?)</p>', english, re.S).group(1)
    assert "Ceiling 800" in target and "70% below the ceiling" in target and "achieved 3" not in target


def test_a_figure_above_its_ceiling_says_by_how_much(root_admin, viewer_user, monthly, fill, commune, province):
    _incidents(root_admin, monthly, fill, commune, province, 904, 800)
    tile = _tile(viewer_user, province)
    assert tile.achievement_text == "vượt mức trần 13%"
    assert tile.achievement_text_en == "13% above the ceiling"
    assert tile.status == BAD  # 800 / 904 = 88% of the way: not within 90%
    office = Context(user=root_admin, scope=province, year=2023, audience="dx_office")
    assert all("Thấp xa kế hoạch" not in a.what for a in registry.alerts(office) if "ATTT_SU_CO" in a.key)


def test_far_above_the_ceiling_alerts_as_above_not_below(root_admin, viewer_user, monthly, fill, commune, province):
    _incidents(root_admin, monthly, fill, commune, province, 1500, 800)
    assert _tile(viewer_user, province).status == BAD
    office = Context(user=root_admin, scope=province, year=2023, audience="dx_office")
    alert = next(a for a in registry.alerts(office) if a.key == "indicators.below.ATTT_SU_CO")
    assert alert.what.startswith("Vượt xa mức trần:") and "vượt mức trần 88%" in alert.what



def test_years_and_ids_are_not_grouped_in_english(root_admin, viewer_user, monthly, fill, commune, province, client):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    indicators.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2023, 75)
    services.save_dashboard(root_admin, {"name": "Lãnh đạo", "year": 2023, "widgets": [
        {"widget": "indicators.plan", "params": {}}]}, shared=True, default_for="leader")
    client.login(username=viewer_user.username, password=PASSWORD)
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "year 2023" in english and "2,023" not in english
    assert '<p class="muted">Leader · ' in english  # the audience in the viewer's language
    assert "&amp;year=2023" in english
    with translation.override("en"):
        assert Template("{{ year }} {{ pk }}").render(TemplateContext({"year": 2026, "pk": 12045})) == "2026 12045"
    vietnamese = client.get("/").content.decode()
    assert "năm 2023" in vietnamese


def test_each_language_gets_its_own_page_from_the_shared_figures(root_admin, viewer_user, monthly, fill, commune,
                                                                 province, client):
    fill(monthly, commune, "2023-06", monthly_values(100, 80))
    indicators.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2023, 75)
    services.save_dashboard(root_admin, {"name": "Lãnh đạo", "year": 2023, "widgets": [
        {"widget": "indicators.plan", "params": {}}]}, shared=True, default_for="leader")
    client.login(username=viewer_user.username, password=PASSWORD)
    before = services.FIGURES.computations
    assert "Kế hoạch 75%" in client.get("/").content.decode()
    english = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Target 75% · <span class=\"achieved\">achieved 107%" in english and "Kế hoạch 75%" not in english
    rate = Indicator.objects.get(code="TL_HS_TRUC_TUYEN")
    assert indicators.achievement_phrase(rate, Decimal(80), Decimal(75)) == "đạt 107% kế hoạch"
    assert indicators.achievement_phrase(rate, Decimal(80), Decimal(75), english=True) == "107% of target"
    assert "Kế hoạch 75%" in client.get("/").content.decode()
    assert services.FIGURES.computations == before + 1  # one computation, one page per language
