"""Information security in the documents tinhso drafts (see ``tinhso.core.reporting``): the information
systems of the unit's subtree with an approved security level on the report's day (the levels page's
dossiers.approved_share), by level, and the incidents detected in the period (incidents.incidents_between),
within what the reader may see."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from tinhso.core.formatting import vn_date, vn_number, vn_percent
from tinhso.core.reporting import INTEGER, TEXT, Figure, ReportRequest, Section, Table, percent_format
from tinhso.security import dossiers, incidents

ORDER = 50
OWNERS_NAMED = 8


def sections(request: ReportRequest) -> list[Section]:
    unit, period = request.unit, request.period
    total, owners = dossiers.approved_share(unit, request.as_of)
    found = incidents.incidents_between(request.user, period.start, request.as_of, unit)
    if not total.systems and not found.total:
        return []
    paragraphs, tables, problems, next_tasks, figures = [], [], [], [], []
    if total.systems:
        share = total.share or 0.0
        levels = ", ".join(f"cấp độ {level}: {vn_number(n)}" for level, n in sorted(total.by_level.items()))
        sentence = (f"{vn_number(total.approved)}/{vn_number(total.systems)} hệ thống thông tin được phê duyệt cấp độ "
                    f"an toàn thông tin ({vn_percent(share)})")
        paragraphs.append(f"Tính đến ngày {vn_date(request.as_of)}, {sentence}" + (f" ({levels})." if levels else "."))
        tables.append(Table(
            title="Hệ thống thông tin được phê duyệt cấp độ theo đơn vị chủ quản",
            headers=["Đơn vị chủ quản", "Số hệ thống", "Đã phê duyệt cấp độ", "Tỷ lệ"],
            rows=[[r.unit.name, r.systems, r.approved, r.share] for r in owners],
            formats=[TEXT, INTEGER, INTEGER, percent_format(1)],
            total=["Tổng số", total.systems, total.approved, total.share], key="security.levels"))
        figures += [Figure("security.approved_share", "Tỷ lệ hệ thống được phê duyệt cấp độ", Decimal(str(share)),
                           vn_percent(share), sentence, headline=True),
                    Figure("security.systems", "Hệ thống thông tin", total.systems, vn_number(total.systems)),
                    Figure("security.approved", "Hệ thống đã phê duyệt cấp độ", total.approved,
                           vn_number(total.approved))]
        missing = [r for r in owners if r.approved < r.systems]
        if missing:
            named = ", ".join(f"{r.unit.name} ({vn_number(r.systems - r.approved)})" for r in missing[:OWNERS_NAMED])
            more = len(missing) - OWNERS_NAMED
            problems.append(f"Còn {vn_number(total.systems - total.approved)} hệ thống thông tin chưa được phê duyệt "
                            f"cấp độ an toàn thông tin: {named}" + (f" và {vn_number(more)} đơn vị khác." if more > 0
                                                                    else "."))
            next_tasks.append("Hoàn thiện, trình phê duyệt hồ sơ đề xuất cấp độ cho các hệ thống thông tin còn lại.")
    severity = ", ".join(f"{vn_number(n)} mức {label.lower()}" for label, n in found.by_severity)
    incident_sentence = (f"{period.label} phát hiện {vn_number(found.total)} sự cố an toàn thông tin"
                         + (f" ({severity})" if severity else "")
                         + (f", đã xử lý xong {vn_number(found.closed)}" if found.total else ""))
    paragraphs.append(incident_sentence + ".")
    figures += [Figure("security.incidents", "Sự cố an toàn thông tin", found.total, vn_number(found.total),
                       incident_sentence),
                Figure("security.incidents_closed", "Sự cố đã xử lý xong", found.closed, vn_number(found.closed))]
    if found.still_open:
        problems.append(f"{vn_number(found.still_open)} sự cố an toàn thông tin phát hiện trong kỳ chưa xử lý xong "
                        f"(tính đến ngày {vn_date(request.as_of)}).")
        next_tasks.append("Xử lý dứt điểm các sự cố an toàn thông tin còn tồn đọng; báo cáo theo quy định.")
    return [Section(key="security.summary", title="An toàn thông tin mạng", paragraphs=paragraphs, tables=tables,
                    problems=problems, next_tasks=next_tasks, figures=figures, url=reverse("security:levels"))]
