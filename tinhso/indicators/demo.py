"""Demo figures: the catalogue, two years of monthly and quarterly reports of the demo provinces'
communes and departments (old units until 30/06/2025, today's after), with some late, returned,
pending and missing reports, plus the seed reports' figures at their units and periods:
- seed 003 (Lào Cai, 2023): 97,4% of work dossiers handled online against 95%; 156/163 OCOP products on
  e-commerce; 1.562/1.562 community digital-technology teams with 7.363 members; "5 chỉ tiêu đạt và
  vượt kế hoạch";
- seed 002 (Bắc Giang, 2022): 1,85 million phone subscribers, 102,8% of the year before; 1,72 million
  Internet subscribers, 101,2%;
- seed 004 (Bắc Kạn, 2022): 21 agencies and localities with a DX plan; video conferencing to every commune.

Reports and values are inserted with executemany (no per-row audit history for demo data) so the load
takes seconds.
"""

import datetime as dt
import random
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django.utils import timezone

from tinhso.accounts.models import User
from tinhso.indicators import periods, services
from tinhso.indicators.models import AnalyticsChange, Form, Indicator, Report, Status, Target
from tinhso.units.models import Unit, UnitKind


class Row(NamedTuple):
    form_id: int
    unit_id: int
    period: str
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date
    status: str
    comment: str
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    approved_by_id: int | None
    version: int


class Builder:
    def __init__(self, rng: random.Random, today: dt.date, approver: User | None, now: dt.datetime | None = None):
        self.rng = rng
        self.today = today
        # nothing in the demo happens after the moment it is loaded (a report "sent at 13:33" today
        # must not be seen at 08:14)
        self.now = now or timezone.now()
        self.approver = approver
        self.reports: list[Row] = []
        self.values: list[tuple[int, dict]] = []  # (index in reports, {code: value})
        self.seen: set[tuple[int, int, str]] = set()
        self.indicators = {i.code: i for i in Indicator.objects.all()}

    def add(self, form: Form, unit: Unit, period: periods.Period, values: dict, status: str | None = None,
            late: bool = False, comment: str = "") -> None:
        key = (form.pk, unit.pk, period.key)
        if key in self.seen:
            return
        self.seen.add(key)
        deadline = period.end + dt.timedelta(days=form.deadline_days)
        if status is None:
            status = Status.APPROVED
        submitted = None
        if status in (Status.SUBMITTED, Status.APPROVED, Status.RETURNED):
            day = deadline + dt.timedelta(days=self.rng.randint(1, 12)) if late else deadline - dt.timedelta(
                days=self.rng.randint(0, 8))
            day = min(day, self.today)
            submitted = timezone.make_aware(dt.datetime.combine(day, dt.time(self.rng.randint(7, 17),
                                                                             self.rng.randint(0, 59))))
            if submitted > self.now:
                submitted = self.now - dt.timedelta(minutes=5 + len(self.reports) % 600)  # rng untouched: same figures
        approved = submitted + dt.timedelta(days=self.rng.randint(1, 4)) if status == Status.APPROVED else None
        if approved and approved > self.now:
            approved = max(submitted, self.now - dt.timedelta(minutes=1 + len(self.reports) % 120))
        self.reports.append(Row(form.pk, unit.pk, period.key, period.start, period.end, deadline, status, comment,
                                submitted, approved, self.approver.pk if approved and self.approver else None,
                                3 if approved else 2 if submitted else 1))
        self.values.append((len(self.reports) - 1, values))

    def save(self) -> int:
        """Insert reports and values with plain executemany (Django model instances are ~10× slower)."""
        ops = connection.ops
        now = ops.adapt_datetimefield_value(timezone.now())
        rows = [(r.form_id, r.unit_id, r.period, ops.adapt_datefield_value(r.period_start),
                 ops.adapt_datefield_value(r.period_end), ops.adapt_datefield_value(r.deadline), r.status, r.comment,
                 ops.adapt_datetimefield_value(r.submitted_at), ops.adapt_datetimefield_value(r.approved_at),
                 r.approved_by_id, 0, r.version, now, now) for r in self.reports]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO indicators_report (form_id, unit_id, period, period_start, period_end, deadline, status, "
                "comment, submitted_at, approved_at, approved_by_id, reopened, version, created_at, updated_at) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
            ids = {(f, u, p): pk for pk, f, u, p in Report.objects.values_list("pk", "form_id", "unit_id", "period")}
            values = []
            for index, figures in self.values:
                report = self.reports[index]
                report_id = ids[(report.form_id, report.unit_id, report.period)]
                for code, value in figures.items():
                    indicator_id = self.indicators[code].pk
                    if isinstance(value, str):
                        values.append((report_id, indicator_id, None, value))
                    else:
                        number = ops.adapt_decimalfield_value(Decimal(value), 20, 4)
                        values.append((report_id, indicator_id, number, ""))
            cursor.executemany("INSERT INTO indicators_datavalue (report_id, indicator_id, value, text) "
                               "VALUES (%s, %s, %s, %s)", values)
        return len(values)


def _split(total: int, parts: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """`total` split into `parts` non-negative integers (each ≥ minimum), summing exactly to total."""
    weights = [rng.random() + 0.2 for _ in range(parts)]
    spare = total - minimum * parts
    shares = [int(spare * w / sum(weights)) for w in weights]
    shares[0] += spare - sum(shares)
    return [minimum + s for s in shares]


def _monthly(rng: random.Random, size: int, month_index: int) -> dict:
    """Figures of one unit for one month; online rates rise slowly over the two years."""
    total = max(5, int(size * rng.uniform(0.8, 1.2)))
    online_rate = min(0.97, 0.55 + 0.015 * month_index + rng.uniform(-0.08, 0.08))
    solved = int(total * rng.uniform(0.85, 1.0))
    work = max(10, int(size * 0.6 * rng.uniform(0.8, 1.2)))
    values = {"HS_TONG": total, "HS_TRUC_TUYEN": int(total * online_rate), "HS_DA_GIAI_QUYET": solved,
              "HS_SO_HOA_KQ": int(solved * min(0.95, 0.45 + 0.012 * month_index + rng.uniform(-0.1, 0.1))),
              "HSCV_TONG": work, "HSCV_TREN_MANG": int(work * rng.uniform(0.9, 0.995))}
    if rng.random() < 0.15:
        values["ATTT_SU_CO"] = rng.randint(1, 2)
    return values


def _quarterly(rng: random.Random, hamlets: int, quarter_index: int) -> dict:
    teams = min(hamlets, int(hamlets * min(1.0, 0.8 + 0.05 * quarter_index + rng.uniform(0, 0.1))))
    ocop = rng.choice([0, 0, 1, 2, 3, 4])
    return {"THON_TO_TONG": hamlets, "TO_CNS": teams, "TO_CNS_THANH_VIEN": teams * rng.randint(3, 6),
            "OCOP_TONG": ocop, "OCOP_TMDT": min(ocop, int(ocop * rng.uniform(0.6, 1.0) + 0.5)),
            "HNTH_XA": 1 if rng.random() < 0.9 else 0}


def _status(rng: random.Random, period: periods.Period, deadline: dt.date, today: dt.date) -> tuple[str | None, bool]:
    """(status or None for not started, late) for a regular demo report."""
    if deadline >= today - dt.timedelta(days=45):  # the latest periods: still being collected
        roll = rng.random()
        if roll < 0.10:
            return None, False
        if roll < 0.16:
            return Status.DRAFT, False
        if roll < 0.20:
            return Status.RETURNED, False
        if roll < 0.45:
            return Status.SUBMITTED, rng.random() < 0.3
        return Status.APPROVED, rng.random() < 0.1
    return Status.APPROVED, rng.random() < 0.08


def _regular(builder: Builder, forms: dict[str, Form], units: list[Unit], sizes: dict[int, int],
             hamlets: dict[int, int], first: dt.date, today: dt.date) -> None:
    rng = builder.rng
    monthly, quarterly = forms["BM01-THANG"], forms["BM02-QUY"]
    for form, maker in ((monthly, _monthly), (quarterly, None)):
        period = periods.containing(first, form.period_type)
        index = 0
        while period.end + dt.timedelta(days=form.deadline_days) < today + dt.timedelta(days=40) and \
                period.end < today:
            deadline = period.end + dt.timedelta(days=form.deadline_days)
            for unit in units:
                if unit.kind not in form.unit_kinds or not unit.is_valid_on(period.end):
                    continue
                status, late = _status(rng, period, deadline, today)
                if status is None:
                    continue
                values = maker(rng, sizes[unit.pk], index) if maker else _quarterly(rng, hamlets[unit.pk], index)
                if maker:  # the rate as the national portal publishes it, entered as a rate (no random draw)
                    values["TL_HS_TT_CONG_QG"] = round(Decimal(values["HS_TRUC_TUYEN"] * 100) / values["HS_TONG"], 1)
                comment = "Số hồ sơ trực tuyến chưa khớp với Cổng dịch vụ công, đề nghị kiểm tra lại" \
                    if status == Status.RETURNED else ""
                builder.add(form, unit, period, values, status, late, comment)
            period = period.next()
            index += 1


def _province_monthly(builder: Builder, form: Form, province: Unit, first: periods.Period, last: periods.Period,
                      phones: tuple[int, int], internet: tuple[int, int], today: dt.date) -> None:
    """Telecom figures growing linearly from the first to the last period's values."""
    months = periods.periods_between(first, last)
    for index, period in enumerate(months):
        share = index / max(1, len(months) - 1)
        deadline = period.end + dt.timedelta(days=form.deadline_days)
        status = Status.APPROVED if deadline < today else Status.SUBMITTED
        if period.end >= today:
            break
        builder.add(form, province, period, {
            "TB_DIEN_THOAI": int(phones[0] + (phones[1] - phones[0]) * share),
            "TB_INTERNET": int(internet[0] + (internet[1] - internet[0]) * share),
            "TB_BANG_RONG_CD": int(internet[1] * 0.22 * (0.9 + 0.1 * share)),
            "GD_NDXP": builder.rng.randint(150_000, 400_000)}, status)


def _seed_lao_cai_2023(builder: Builder, forms: dict[str, Form], province: Unit, communes: list[Unit]) -> None:
    """Seed 003: 97,4% work dossiers online in 2023; 156/163 OCOP products; 1.562/1.562 teams, 7.363 members."""
    rng = builder.rng
    monthly, quarterly = forms["BM01-THANG"], forms["BM02-QUY"]
    reports = []
    for month in range(1, 13):
        period = periods.Period(dt.date(2023, month, 1), periods.MONTH)
        for commune in communes:
            values = _monthly(rng, 120, 0)
            values["HS_TRUC_TUYEN"] = int(values["HS_TONG"] * rng.uniform(0.5, 0.75))
            values["HS_SO_HOA_KQ"] = int(values["HS_DA_GIAI_QUYET"] * rng.uniform(0.4, 0.65))
            values["HSCV_TREN_MANG"] = int(values["HSCV_TONG"] * rng.uniform(0.95, 0.995))
            reports.append(values)
            builder.add(monthly, commune, period, values)
    total = sum(v["HSCV_TONG"] for v in reports)
    gap = round(total * Decimal("0.974")) - sum(v["HSCV_TREN_MANG"] for v in reports)
    step = 1 if gap > 0 else -1
    while gap:
        values = rng.choice(reports)
        if 0 <= values["HSCV_TREN_MANG"] + step <= values["HSCV_TONG"]:
            values["HSCV_TREN_MANG"] += step
            gap -= step
    count = len(communes)
    hamlets = _split(1562, count, rng, minimum=3)
    ocop_total = _split(163, count, rng)
    ocop_online = [0] * count
    for _ in range(156):  # 156 of the 163 products, never more than a commune has
        index = rng.choice([i for i in range(count) if ocop_online[i] < ocop_total[i]])
        ocop_online[index] += 1
    extra = _split(7363 - 3 * 1562, count, rng)
    q2 = periods.Period(dt.date(2023, 4, 1), periods.QUARTER)
    for i, commune in enumerate(communes):
        builder.add(quarterly, commune, q2, {
            "THON_TO_TONG": hamlets[i], "TO_CNS": hamlets[i], "TO_CNS_THANH_VIEN": 3 * hamlets[i] + extra[i],
            "OCOP_TONG": ocop_total[i], "OCOP_TMDT": ocop_online[i], "HNTH_XA": 1})


def _seed_bac_kan_2022(builder: Builder, forms: dict[str, Form], units: list[Unit]) -> None:
    """Seed 004: 21 agencies and localities have issued a DX plan; video conferencing reaches every commune."""
    yearly, quarterly, systems_form = forms["BM04-NAM"], forms["BM02-QUY"], forms["HT-HTTT-NAM"]
    y2022 = periods.Period(dt.date(2022, 1, 1), periods.YEAR)
    q2 = periods.Period(dt.date(2022, 4, 1), periods.QUARTER)
    reporting = [u for u in units if u.kind in yearly.unit_kinds and u.is_valid_on(y2022.end)]
    reporting.sort(key=lambda u: (u.kind != UnitKind.DEPARTMENT, u.pk))
    for index, unit in enumerate(reporting):
        systems = builder.rng.randint(1, 4) if unit.kind == UnitKind.DEPARTMENT else 1
        staff = builder.rng.randint(20, 60) if unit.kind == UnitKind.DEPARTMENT else builder.rng.randint(18, 25)
        builder.add(yearly, unit, y2022, {
            "KH_CDS": 1 if index < 21 else 0, "KINH_PHI_CDS": builder.rng.randint(50, 900),
            "CB_TONG": staff, "CB_CO_MAY_TINH": staff})
        # 2022's counts, from before the inventory kept them (today they come from the security module)
        builder.add(systems_form, unit, y2022, {"HTTT_TONG": systems, "HTTT_CAP_DO": builder.rng.randint(0, systems)})
    for unit in units:
        if unit.kind == UnitKind.COMMUNE and unit.is_valid_on(q2.end):
            builder.add(quarterly, unit, q2, {**_quarterly(builder.rng, builder.rng.randint(8, 20), 0), "HNTH_XA": 1})


def _targets(province_lc_old: Unit, new_provinces: list[Unit], today: dt.date) -> None:
    rows = [("TL_HSCV_TREN_MANG", 95), ("TL_OCOP_TMDT", 90), ("TL_TO_CNS", 100), ("TO_CNS_THANH_VIEN", 7000),
            ("TL_HS_TRUC_TUYEN", 50), ("TL_SO_HOA_KQ", 70), ("TL_HTTT_CAP_DO", 80)]
    objects = [Target(indicator=Indicator.objects.get(code=c), unit=province_lc_old, year=2023, value=v,
                      note="Kế hoạch chuyển đổi số năm 2023") for c, v in rows]
    for province in new_provinces:
        for year in (today.year - 1, today.year):
            for code, value in (("TL_HS_TRUC_TUYEN", 60), ("TL_SO_HOA_KQ", 70), ("TL_HSCV_TREN_MANG", 90),
                                ("TL_TO_CNS", 100), ("TL_OCOP_TMDT", 75), ("ATTT_SU_CO", 800)):
                objects.append(Target(indicator=Indicator.objects.get(code=code), unit=province, year=year,
                                      value=value, note=f"Kế hoạch chuyển đổi số năm {year}"))
            # quarterly milestones of the online-dossier rate, rising through the year
            for quarter, value in enumerate((50, 55, 60, 65), start=1):
                objects.append(Target(indicator=Indicator.objects.get(code="TL_HS_TRUC_TUYEN"), unit=province,
                                      year=year, period=f"{year}-Q{quarter}", value=value,
                                      note=f"Mốc quý {quarter} của kế hoạch năm {year}"))
    Target.objects.bulk_create(objects, ignore_conflicts=True)


def load(stdout=None) -> None:
    counts = services.load_catalogue()
    if stdout and any(counts.values()):
        stdout.write(f"  Danh mục / catalogue: {counts}\n")
    if Report.objects.exists() or not Unit.objects.exists():
        return
    today = timezone.localdate()
    rng = random.Random(2025)
    approver = User.objects.filter(username="quantri.thainguyen").first() or User.objects.filter(
        is_superuser=True).first()
    builder = Builder(rng, today, approver)
    forms = {f.code: f for f in Form.objects.all()}
    with transaction.atomic():
        provinces = list(Unit.objects.filter(kind=UnitKind.PROVINCE))
        new_provinces = [u for u in provinces if u.valid_to is None]
        units = list(Unit.objects.filter(kind__in=(UnitKind.COMMUNE, UnitKind.DEPARTMENT)).order_by("path"))
        sizes = {u.pk: rng.randint(60, 420) if u.kind == UnitKind.COMMUNE else rng.randint(150, 900) for u in units}
        hamlets = {u.pk: rng.randint(6, 24) for u in units}
        first = dt.date(today.year - 2, today.month, 1)
        _regular(builder, forms, units, sizes, hamlets, first, today)

        lao_cai_old = next((u for u in provinces if u.name == "Tỉnh Lào Cai" and u.valid_to), None)
        bac_giang = next((u for u in provinces if u.name == "Tỉnh Bắc Giang"), None)
        bac_kan = next((u for u in provinces if u.name == "Tỉnh Bắc Kạn"), None)
        if lao_cai_old:
            communes = [u for u in units if u.kind == UnitKind.COMMUNE and u.path.startswith(lao_cai_old.path)
                        and u.is_valid_on(dt.date(2023, 12, 31))]
            _seed_lao_cai_2023(builder, forms, lao_cai_old, communes)
        if bac_kan:
            _seed_bac_kan_2022(builder, forms, [u for u in units if u.path.startswith(bac_kan.path)])
        telecom = forms["BM03-HATANG"]
        if bac_giang:
            _province_monthly(builder, telecom, bac_giang, periods.parse("2021-01"), periods.parse("2021-12"),
                              (1_760_000, 1_799_611), (1_670_000, 1_699_605), today)
            _province_monthly(builder, telecom, bac_giang, periods.parse("2022-01"), periods.parse("2022-12"),
                              (1_803_000, 1_850_000), (1_701_000, 1_720_000), today)
        for province in new_provinces:
            base = {"Thái Nguyên": 1.55, "Bắc Ninh": 4.1, "Lào Cai": 1.9}.get(province.short_name, 2.0)
            first_month = periods.containing(dt.date(today.year - 2, 1, 1), periods.MONTH)
            last_month = periods.containing(today, periods.MONTH).previous()
            _province_monthly(builder, telecom, province, max(first_month, periods.parse("2025-07")), last_month,
                              (int(base * 1_000_000), int(base * 1_060_000)),
                              (int(base * 920_000), int(base * 990_000)), today)
        _focal_stories(builder, forms, today)
        values = builder.save()
        AnalyticsChange.objects.create(report_id=0)
        if lao_cai_old:
            _targets(lao_cai_old, new_provinces, today)
    services.send_reminders(today)
    if stdout:
        stdout.write(f"  Báo cáo / reports: {len(builder.reports)}, số liệu / values: {values}\n")


def _focal_stories(builder: Builder, forms: dict[str, Form], today: dt.date) -> None:
    """The demo focal points' latest monthly reports: Bắc Kạn's was returned with a comment, Sa Pa's is
    still missing (it gets reminders)."""
    monthly = forms["BM01-THANG"]
    last = periods.containing(today, periods.MONTH).previous()
    for name, status in (("Phường Bắc Kạn", Status.RETURNED), ("Phường Sa Pa", None)):
        unit = Unit.objects.live().filter(name=name).first()
        if unit is None:
            continue
        key = (monthly.pk, unit.pk, last.key)
        if key in builder.seen:  # replace the random outcome by the story
            index = next(i for i, r in enumerate(builder.reports) if (r.form_id, r.unit_id, r.period) == key)
            builder.reports.pop(index)
            builder.values = [(i - (i > index), v) for i, v in builder.values if i != index]
            builder.seen.discard(key)
        if status:
            builder.add(monthly, unit, last, _monthly(builder.rng, 300, 20), status,
                        comment="Số hồ sơ công việc xử lý trên môi trường mạng lớn hơn số liệu trên hệ thống "
                                "quản lý văn bản; đề nghị kiểm tra và gửi lại")
