"""Journey monitoring in the documents tinhso drafts (see ``tinhso.core.reporting``): the enforcement
figures of the period for the vehicles of the businesses the report's unit manages — violations by kind,
vehicles in violation, suspected disguised contract coaches — from the inspectors' summary report
(services.report) and the coach screening (services.coach_candidates). Only for a reader who may see
journey data, and only when analysed data exists for the unit and period."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.urls import reverse

from tinhso.accounts.services import home_province
from tinhso.core.formatting import vn_date, vn_number
from tinhso.core.labels import vietnamese
from tinhso.core.reporting import INTEGER, TEXT, Figure, ReportRequest, Section, Table, number_format
from tinhso.transport import services
from tinhso.transport.models import Business, RuleKind, Vehicle

ORDER = 40
# the summary report's columns and the violation kind each counts; labels are the module's (the limits
# themselves are dated rules, not words of this file)
KINDS = (("speeding", RuleKind.SPEEDING), ("continuous", RuleKind.CONTINUOUS_DRIVING),
         ("daily", RuleKind.DAILY_DRIVING), ("weekly", RuleKind.WEEKLY_DRIVING), ("gaps", RuleKind.DATA_GAP),
         ("no_driver", RuleKind.NO_DRIVER))
COUNTS = tuple((key, kind) for key, kind in KINDS)  # the report writes its kind's Vietnamese label
COACHES_LISTED = 20


def windows(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """[start, end] cut into the longest spans the module reads at once (MAX_PERIOD_DAYS)."""
    found, current = [], start
    while current <= end:
        last = min(end, current + dt.timedelta(days=services.MAX_PERIOD_DAYS - 1))
        found.append((current, last))
        current = last + dt.timedelta(days=1)
    return found


def span(request: ReportRequest) -> tuple[dt.date, dt.date] | None:
    """The part of the report's period that has journey data."""
    data = services.data_period()
    if data is None:
        return None
    start, end = max(request.period.start, data[0]), min(request.as_of, data[1])
    return (start, end) if start <= end else None


def vehicles_of(unit, day: dt.date) -> set[int]:
    """Vehicles of the businesses managed by the unit or a unit below it; businesses registered without a
    province belong to the platform's own province (accounts' home_province on `day`)."""
    managed = Q(unit__path__startswith=unit.path)
    if home_province(None, day) == unit:
        managed |= Q(unit__isnull=True)
    return set(Vehicle.objects.filter(business__in=Business.objects.filter(managed)).values_list("id", flat=True))


def enforcement(request: ReportRequest) -> dict | None:
    """The summary report's rows (level "vehicle") of the unit's vehicles over the period, added up: the
    module's own figures, read window by window when the period is longer than the module reads at once."""
    if not services.can_view(request.user):
        return None
    found = span(request)
    if found is None:
        return None
    ids = vehicles_of(request.unit, request.as_of)
    if not ids:
        return None
    start, end = found
    totals = {key: 0 for key, _ in COUNTS} | {"trips": 0, "distance_km": 0.0}
    in_violation: set[int] = set()
    monitored: set[int] = set()
    for first, last in windows(start, end):
        for row in services.report(request.user, "vehicle", first, last):
            if row["key"] not in ids:
                continue
            monitored.add(row["key"])
            for key in totals:
                totals[key] += row[key]
            if any(row[key] for key, _ in COUNTS):
                in_violation.add(row["key"])
    window_start = max(start, end - dt.timedelta(days=services.MAX_PERIOD_DAYS - 1))
    coaches = [c for c in services.coach_candidates(request.user, window_start, end)
               if c.flagged and c.vehicle_id in ids]
    return {"start": start, "end": end, "totals": totals, "monitored": monitored, "in_violation": in_violation,
            "coaches": coaches, "coach_start": window_start, "days": services.analysed_days(start, end)}


def _word(kind) -> str:
    label = vietnamese(kind.label)
    return label[0].lower() + label[1:]


def sections(request: ReportRequest) -> list[Section]:
    found = enforcement(request)
    if found is None or not found["monitored"]:
        return []
    totals, start, end = found["totals"], found["start"], found["end"]
    violations = sum(totals[key] for key, _ in COUNTS)
    breakdown = ", ".join(f"{vn_number(totals[key])} lượt {_word(kind)}" for key, kind in COUNTS if totals[key])
    sentence = (f"Từ ngày {vn_date(start)} đến ngày {vn_date(end)}, hệ thống giám sát hành trình ghi nhận "
                f"{vn_number(len(found['monitored']))} phương tiện hoạt động với {vn_number(totals['trips'])} chuyến, "
                f"{vn_number(violations)} lượt vi phạm của {vn_number(len(found['in_violation']))} phương tiện")
    paragraphs = [sentence + (f": {breakdown}." if breakdown else ".")]
    coaches = found["coaches"]
    coach_sentence = (f"{vn_number(len(coaches))} xe hợp đồng có dấu hiệu hoạt động như xe tuyến cố định (nghi xe "
                      f"hợp đồng trá hình) từ ngày {vn_date(found['coach_start'])} đến ngày {vn_date(end)}")
    paragraphs.append(coach_sentence + ".")
    table = Table(title="Vi phạm phát hiện qua dữ liệu thiết bị giám sát hành trình",
                  headers=["Loại vi phạm", "Số lượt"],
                  rows=[[vietnamese(kind.label), totals[key]] for key, kind in COUNTS],
                  formats=[TEXT, INTEGER], total=["Tổng số", violations], key="transport.violations",
                  note=f"Số ngày dữ liệu đã phân tích: {vn_number(found['days'])}.")
    appendices = []
    if coaches:
        plates = dict(Vehicle.objects.filter(pk__in=[c.vehicle_id for c in coaches]).values_list("id", "plate"))
        appendices.append(Table(
            title="Danh sách xe nghi hợp đồng trá hình",
            headers=["STT", "Biển số", "Điểm nghi vấn", "Số ngày cùng tuyến", "Số chuyến cùng tuyến"],
            rows=[[i, plates.get(c.vehicle_id, f"#{c.vehicle_id}"), c.score, c.days_on_route, c.trips_on_route]
                  for i, c in enumerate(coaches[:COACHES_LISTED], 1)],
            formats=[INTEGER, TEXT, number_format(2), INTEGER, INTEGER], key="transport.coaches"))
    problems, next_tasks = [], []
    if coaches:
        problems.append(f"Còn {coach_sentence}, chưa được xử lý dứt điểm.")
        next_tasks.append("Kiểm tra, xử lý các xe nghi hợp đồng trá hình phát hiện qua dữ liệu giám sát hành trình.")
    if totals["gaps"]:
        problems.append(f"{vn_number(totals['gaps'])} lượt thiết bị giám sát hành trình mất tín hiệu, gián đoạn "
                        "dữ liệu.")
    if violations:
        next_tasks.append("Xử lý các vi phạm về tốc độ, thời gian lái xe phát hiện qua dữ liệu giám sát hành "
                          "trình; đôn đốc đơn vị kinh doanh vận tải khắc phục.")
    figures = [Figure("transport.violations", "Lượt vi phạm", violations, vn_number(violations), sentence,
                      headline=True),
               Figure("transport.vehicles", "Phương tiện hoạt động", len(found["monitored"]),
                      vn_number(len(found["monitored"]))),
               Figure("transport.vehicles_in_violation", "Phương tiện vi phạm", len(found["in_violation"]),
                      vn_number(len(found["in_violation"]))),
               Figure("transport.coaches", "Xe nghi hợp đồng trá hình", len(coaches), vn_number(len(coaches)),
                      coach_sentence)]
    figures += [Figure(f"transport.{key}", vietnamese(kind.label), totals[key], vn_number(totals[key]))
                for key, kind in COUNTS]
    return [Section(key="transport.enforcement", title="Giám sát hành trình phương tiện vận tải", paragraphs=paragraphs,
                    tables=[table], appendices=appendices, problems=problems, next_tasks=next_tasks, figures=figures,
                    url=reverse("transport:reports") + f"?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}")]
