"""Completeness, analytics and targets lead with a chart, and long tables start folded."""

from tinhso.indicators import services
from tinhso.indicators.tests.conftest import monthly_values
from tinhso.units.models import UnitKind


def test_charts_come_first_and_long_tables_fold(monthly, fill, root_admin, client, make_unit):
    province = make_unit("Tỉnh Biểu Đồ", UnitKind.PROVINCE, code="000.00.00.H91", stats_code="91")
    communes = [make_unit(f"Xã Số {i:02d}", UnitKind.COMMUNE, province, f"000.{i:02d}.00.H91", stats_code=f"91{i:03d}")
                for i in range(1, 21)]
    for index, commune in enumerate(communes[:12]):
        fill(monthly, commune, "2026-03", monthly_values(100, 40 + index), approve=index % 2 == 0)
    services.set_target(root_admin, "TL_HS_TRUC_TUYEN", province, 2026, 45)
    services.set_target(root_admin, "ATTT_SU_CO", province, 2026, 10)
    client.force_login(root_admin)

    page = client.get(f"/indicators/completeness/?form=BM01-THANG&period=2026-03&under={province.pk}").content.decode()
    assert page.index('id="chart-by-deadline"') < page.index('id="units-table"')
    assert "<svg" in page and "Đúng hạn" in page and "Chưa nộp" in page
    assert '<details class="card table-fold" id="units-table" >' in page  # 20 units: folded

    page = client.get(f"/indicators/analytics/?indicator=HS_TONG&parent={province.pk}&year=2026").content.decode()
    assert page.index("<svg") < page.index('id="pivot"')
    assert '<details class="card table-fold" id="pivot" >' in page  # 21 rows: folded

    page = client.get(f"/indicators/targets/?unit={province.pk}&year=2026").content.decode()
    assert page.index('id="achievement-chart"') < page.index('id="targets-table"')
    assert '<details class="card table-fold" id="targets-table" open>' in page  # 2 rows: open
