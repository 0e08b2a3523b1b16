"""The indicators benchmark's data set, shared by the benchmarks that read approved figures (the
indicators roll-up's shape: communes in 34 provinces × indicators × months, generated straight into the
DuckDB analytics copy as the replay of approved reports would leave it), plus, optionally, the approved
report rows themselves (one monthly form per commune and month) for what reads the workflow tables."""

from __future__ import annotations

import datetime as dt
import time


def build(communes: int, indicator_count: int, months: int, provinces: int = 34, reports: bool = False,
          last_year: int | None = None) -> dict:
    from django.utils import timezone

    from tinhso.accounts.models import Role, User
    from tinhso.indicators import analytics
    from tinhso.indicators.models import AnalyticsChange, Form, FormIndicator, Indicator, Report, Status
    from tinhso.units.models import Unit, UnitKind
    from tinhso.units.services import bulk_create_units

    started = time.perf_counter()
    last_year = last_year or dt.date.today().year
    units: list[Unit] = []
    province_units = []
    for p in range(provinces):
        province = Unit(name=f"Tỉnh Thử nghiệm {p + 1:02d}", kind=UnitKind.PROVINCE, stats_code=f"{p + 1:02d}")
        units.append(province)
        province_units.append(province)
    for c in range(communes):
        units.append(Unit(name=f"Xã Thử nghiệm {c + 1:04d}", kind=UnitKind.COMMUNE,
                          parent=province_units[c % provinces], stats_code=f"{c + 1:05d}"))
    bulk_create_units(None, units, "benchmark")
    Indicator.objects.bulk_create([
        Indicator(code=f"B{i:03d}", name=f"Chỉ tiêu thử nghiệm {i}", value_type="count", unit_of_measure="hồ sơ",
                  aggregation="sum", time_aggregation="sum" if i % 4 else "last", unit_kinds=["commune"])
        for i in range(1, indicator_count + 1)])
    admin = User.objects.create(username="bench", role=Role.ADMIN, is_superuser=True)

    st = analytics.store()
    con = st.con
    commune_ids = [u.pk for u in units if u.kind == UnitKind.COMMUNE]
    ind_ids = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    con.execute("CREATE OR REPLACE TEMP TABLE bench_units AS SELECT unnest(?::INTEGER[]) AS id", [commune_ids])
    first_year = last_year + 1 - months // 12
    for ind in ind_ids:  # one indicator at a time keeps facts clustered by indicator, as the replay appends
        con.execute(
            "INSERT INTO facts SELECT ?, u.id, make_date(? + m // 12, m % 12 + 1, 1), 1, "
            "floor(random() * 1000), -1 FROM bench_units u, range(?) r(m) ORDER BY m, u.id",
            [ind, first_year, months])
    total = con.execute("SELECT count(*) FROM facts").fetchall()[0][0]
    change = AnalyticsChange.objects.create(report_id=0)
    st.mark_synced(change.pk, change.token)

    report_count = 0
    if reports:
        form = Form.objects.create(code="BM-BENCH", name="Biểu thử nghiệm hằng tháng", period_type="month",
                                   unit_kinds=["commune"])
        FormIndicator.objects.bulk_create([FormIndicator(form=form, indicator_id=i, order=n)
                                           for n, i in enumerate(ind_ids[:20])])
        now = timezone.now()
        batch = []
        for m in range(months):
            start = dt.date(first_year + m // 12, m % 12 + 1, 1)
            end = (dt.date(start.year + start.month // 12, start.month % 12 + 1, 1) - dt.timedelta(days=1))
            for unit_id in commune_ids:
                batch.append(Report(form=form, unit_id=unit_id, period=f"{start:%Y-%m}", period_start=start,
                                    period_end=end, deadline=end + dt.timedelta(days=15), status=Status.APPROVED,
                                    submitted_at=now, approved_at=now, approved_by=admin))
            if len(batch) > 20000:
                Report.objects.bulk_create(batch, batch_size=5000)
                report_count += len(batch)
                batch = []
        Report.objects.bulk_create(batch, batch_size=5000)
        report_count += len(batch)
    return {"provinces": province_units, "communes": commune_ids, "admin": admin, "values": total,
            "reports": report_count, "first_year": first_year, "last_year": last_year,
            "seconds": time.perf_counter() - started}
