"""A tile shows exactly the indicators module's figures for the same scope and period, with its evidence."""

from tinhso.indicators import services as indicators
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.ioc import registry
from tinhso.ioc.contract import GOOD, Context


def _plan(root_admin, monthly, fill, commune, other_commune, province):
    fill(monthly, commune, "2023-06", monthly_values(100, 80, work=1000, work_online=974))
    fill(monthly, other_commune, "2023-06", monthly_values(50, 20, work=500, work_online=400))
    fill(monthly, commune, "2022-06", monthly_values(100, 60, work=1000, work_online=900))
    for code, target in (("TL_HSCV_TREN_MANG", 95), ("TL_HS_TRUC_TUYEN", 60), ("HS_TONG", 90)):
        indicators.set_target(root_admin, code, province, 2023, target)


def test_plan_tiles_equal_the_targets_page(root_admin, viewer_user, monthly, fill, commune, other_commune, province):
    _plan(root_admin, monthly, fill, commune, other_commune, province)
    ctx = Context(user=viewer_user, scope=province, year=2023)
    tiles = {t.key: t for t in registry.widgets()["indicators.plan"].render(ctx, {"limit": 8})}
    rows = {r.indicator.code: r for r in indicators.achievements(province, 2023)}
    assert set(tiles) == {f"indicators.{code}" for code in rows}
    for code, row in rows.items():
        tile = tiles[f"indicators.{code}"]
        assert tile.value == row.actual
        assert tile.achievement_pct == row.pct
        assert tile.sentence == row.statement
    rate = tiles["indicators.TL_HS_TRUC_TUYEN"]
    assert rate.value_text == "66,7%"  # (80 + 20) / 150
    assert rate.status == GOOD
    assert "so với cùng kỳ" in rate.explain and "kế hoạch năm" in rate.explain
    assert rate.previous_text == "60%"


def test_a_tile_links_to_the_approved_reports(root_admin, viewer_user, monthly, fill, commune, other_commune,
                                              province):
    _plan(root_admin, monthly, fill, commune, other_commune, province)
    ctx = Context(user=viewer_user, scope=province, year=2023)
    tile = registry.widgets()["indicators.indicator"].render(ctx, {"indicator": "TL_HS_TRUC_TUYEN"})[0]
    assert len(tile.evidence) == 2
    assert all("/indicators/report/BM01-THANG/" in link.url for link in tile.evidence)
    assert tile.updated_at is not None
    draft = indicators.save_report(root_admin, monthly, commune, "2023-07", monthly_values(10, 9), submit=True)
    tile = registry.widgets()["indicators.indicator"].render(ctx, {"indicator": "TL_HS_TRUC_TUYEN"})[0]
    assert len(tile.evidence) == 2, "a report waiting for approval is not evidence"
    indicators.approve_report(root_admin, draft.report.pk)
    tile = registry.widgets()["indicators.indicator"].render(ctx, {"indicator": "TL_HS_TRUC_TUYEN"})[0]
    assert len(tile.evidence) == 3


def test_a_commune_scope_gets_the_commune_figure(root_admin, commune_focal, monthly, fill, commune, other_commune,
                                                 province):
    _plan(root_admin, monthly, fill, commune, other_commune, province)
    ctx = Context(user=commune_focal, scope=commune, year=2023, audience="focal")
    tile = registry.widgets()["indicators.indicator"].render(ctx, {"indicator": "TL_HS_TRUC_TUYEN"})[0]
    expected = indicators.approved_values(["TL_HS_TRUC_TUYEN"], [commune.pk], 2023)[("TL_HS_TRUC_TUYEN", commune.pk)]
    assert tile.value == expected
    assert [link.label.split(" · ")[1] for link in tile.evidence] == [commune.name]  # not the other commune
