"""Charts are inlined SVG: pygal's inline <script> would be blocked by the Content-Security-Policy."""

import datetime as dt

import pygal

from tinhso.core.charts import inline_svg
from tinhso.ioc.charts import sparkline
from tinhso.security.charts import horizontal_bars, stacked_bars
from tinhso.sharing.views import _day_chart


def test_every_chart_of_the_pages_carries_no_script():
    plain = pygal.Bar()
    plain.add("a", [1, 2])
    assert "<script" in plain.render(is_unicode=True)  # what pygal does on its own
    charts = [
        inline_svg(plain),
        sparkline([1.0, 3.0, 2.0]),
        horizontal_bars("Hệ thống", [("Cấp 1 / Level 1", 3), ("Cấp 2 / Level 2", 5)]),
        stacked_bars("Sự cố", ["T1", "T2"], [("Nghiêm trọng", [1, 2]), ("Thấp", [0, 4])]),
        _day_chart([{"day": dt.date(2025, 10, d), "calls": 10 * d, "failed": d} for d in range(1, 4)]),
    ]
    for svg in charts:
        assert "<svg" in svg and "<script" not in svg
