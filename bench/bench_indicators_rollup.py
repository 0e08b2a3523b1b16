"""Benchmark: analytics of approved indicator values through the API, against the same query run
directly in DuckDB.

Full size: 3.321 communes in 34 provinces × 200 indicators × 60 months ≈ 40 million values.
Measured (warm, median of repeated calls):
  1. roll-up of one indicator to all 34 provinces for one year;
  2. pivot of 20 indicators × 12 months for one province.
Target: each under 100 ms through the API, and under 2× the direct DuckDB time.

The units and indicators live in the relational store (SQLite, a temporary data dir). The 40 million
values are generated straight into the DuckDB analytics copy (the store the API reads), as the
replay of approved reports would leave them — loading 40 million rows through Django would take
hours and is not what is measured. `--small` uses 340 communes × 20 indicators × 24 months.

    python bench/bench_indicators_rollup.py [--small]
"""

import argparse
import statistics
import sys
import time

import _harness


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true")
    parser.add_argument("--repeat", type=int, default=25)
    args = parser.parse_args()
    communes, indicator_count, months = (340, 20, 24) if args.small else (3321, 200, 60)
    provinces = 34

    started = time.perf_counter()
    _harness.start_django("indicators")
    from django.test import Client

    from tinhso.accounts.models import Role, User
    from tinhso.indicators import analytics
    from tinhso.indicators.models import AnalyticsChange, Indicator
    from tinhso.units.models import Unit, UnitKind
    from tinhso.units.services import bulk_create_units

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
        Indicator(code=f"B{i:03d}", name=f"Chỉ tiêu thử nghiệm {i}", value_type="count",
                  aggregation="sum", time_aggregation="sum" if i % 4 else "last", unit_kinds=["commune"])
        for i in range(1, indicator_count + 1)])
    admin = User.objects.create(username="bench", role=Role.ADMIN, is_superuser=True)

    st = analytics.store()
    con = st.con
    commune_ids = [u.pk for u in units if u.kind == UnitKind.COMMUNE]
    ind_ids = list(Indicator.objects.order_by("pk").values_list("pk", flat=True))
    con.execute("CREATE OR REPLACE TEMP TABLE bench_units AS SELECT unnest(?::INTEGER[]) AS id", [commune_ids])
    first_year = 2026 - months // 12
    for ind in ind_ids:  # one indicator at a time keeps facts clustered by indicator, as the replay appends
        con.execute(
            "INSERT INTO facts SELECT ?, u.id, make_date(? + m // 12, m % 12 + 1, 1), 1, "
            "floor(random() * 1000), -1 FROM bench_units u, range(?) r(m) ORDER BY m, u.id",
            [ind, first_year, months])
    total = con.execute("SELECT count(*) FROM facts").fetchall()[0][0]
    change = AnalyticsChange.objects.create(report_id=0)
    st.mark_synced(change.pk, change.token)
    print(f"dữ liệu / dataset: {communes} xã × {indicator_count} chỉ tiêu × {months} tháng = {total:,} giá trị "
          f"(chuẩn bị / setup {time.perf_counter() - started:.1f} s)")

    client = Client()
    client.force_login(admin)  # the API's session authentication (a browser or the pages calling the API)
    year = first_year + months // 12 - 1
    province = province_units[0]
    cases = {
        "roll-up 1 chỉ tiêu → 34 tỉnh, 1 năm": (
            {"indicators": "B007", "level": "province", "start": str(year), "period_type": "year"},
            analytics.Query(["B007"], [u.pk for u in province_units], "year",
                            *_year(year), None)),
        "pivot 20 chỉ tiêu × 12 tháng, 1 tỉnh": (
            {"indicators": ",".join(f"B{i:03d}" for i in range(1, 21)), "units": str(province.pk),
             "start": f"{year}-01", "end": f"{year}-12", "period_type": "month"},
            analytics.Query([f"B{i:03d}" for i in range(1, 21)], [province.pk], "month", *_year(year), None)),
    }
    import datetime as dt

    failed = False
    for label, (params, query) in cases.items():
        query.as_of = dt.date.today()
        for _ in range(3):  # warm: sync check, unit mapping, caches
            response = client.get("/api/v1/indicators/analytics", params)
            assert response.status_code == 200, response.content[:500]
        rows = response.json()
        api_times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get("/api/v1/indicators/analytics", params)
            api_times.append(time.perf_counter() - t0)
        st_, sql, sql_params, _ = analytics.prepare(query)
        cursor = st_.cursor()
        direct = cursor.execute(sql, sql_params).fetchall()
        duck_times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            cursor.execute(sql, sql_params).fetchall()
            duck_times.append(time.perf_counter() - t0)
        api_ms, duck_ms = statistics.median(api_times) * 1000, statistics.median(duck_times) * 1000
        ratio = api_ms / duck_ms if duck_ms else float("inf")
        ok = api_ms < 100
        failed |= not ok
        print(f"{label}: API {api_ms:.1f} ms (mục tiêu / target < 100 ms) · DuckDB trực tiếp / direct "
              f"{duck_ms:.1f} ms · tỷ lệ / ratio {ratio:.2f}× (mục tiêu / goal < 2×) · {len(rows)} dòng / rows "
              f"({len(direct)} từ DuckDB) {'OK' if ok else 'CHẬM / SLOW'}")
    print(_harness.load_line())
    return 1 if failed else 0


def _year(year: int):
    import datetime as dt

    return dt.date(year, 1, 1), dt.date(year, 12, 31)


if __name__ == "__main__":
    sys.exit(main())
