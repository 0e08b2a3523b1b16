"""Information security in the documents tinhso drafts (see ``tinhso.core.reporting``): the information
systems of the unit's subtree with an approved security level on the report's day (the levels page's
dossiers.approved_share), by level, and the incidents detected in the period (incidents.incidents_between),
within what the reader may see; and the documents of a level dossier (DOCUMENTS): the submission for
appraisal and approval and the draft approval decision, laid out by tinhso.documents."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from tinhso.accounts.services import require_read_unit
from tinhso.core.errors import NotFound
from tinhso.core.formatting import vn_date, vn_number, vn_percent
from tinhso.core.reporting import INTEGER, TEXT, Figure, Report, ReportRequest, Section, Table, percent_format
from tinhso.security import dossiers, incidents, regimes
from tinhso.units import services as unit_services
from tinhso.units.models import UnitKind

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


# ---------------------------------------------------------------- a level dossier's documents (issue #12)

def _dossier(request: ReportRequest, reference: str):
    """The dossier named by ``reference`` (its id), readable by the author: its owner unit's data."""
    reference = (reference or "").strip()
    if not reference.isdigit():
        raise NotFound(f"Hồ sơ cấp độ '{reference}'", f"Level dossier '{reference}'")
    dossier = dossiers.get_dossier(int(reference))
    require_read_unit(request.user, dossier.system.owner)
    return dossier


def _label(choice: str) -> str:
    return str(choice).split(" / ")[0]


def system_facts(dossier, title: str = "Thông tin chung về hệ thống thông tin") -> Table:
    """The system as the inventory holds it: the facts the submission states and the decision approves."""
    system = dossier.system
    yes_no = {True: "Có", False: "Không"}
    rows = [
        ["Tên hệ thống", system.name],
        ["Mã hệ thống", system.code],
        ["Chủ quản hệ thống thông tin", system.owner.name],
        ["Đơn vị vận hành", system.operator.name if system.operator else system.owner.name],
        ["Mục đích, phạm vi", system.purpose or "—"],
        ["Loại hệ thống", _label(system.get_category_display())],
        ["Nơi đặt hệ thống", _label(system.get_hosting_display())],
        ["Số người dùng", vn_number(system.users_count) if system.users_count is not None else "—"],
        ["Số chủ thể dữ liệu cá nhân cơ bản",
         vn_number(system.data_subjects) if system.data_subjects is not None else "—"],
        ["Số chủ thể dữ liệu cá nhân nhạy cảm",
         vn_number(system.sensitive_subjects) if system.sensitive_subjects is not None else "—"],
        ["Kết nối nền tảng chia sẻ, tích hợp dữ liệu tỉnh (LGSP)", yes_no[system.connects_lgsp]],
        ["Kết nối hệ thống quốc gia", system.national_connections or "Không"],
        ["Đưa vào sử dụng", vn_date(system.in_service_since) if system.in_service_since else "—"],
        ["Máy chủ, dải địa chỉ IP, tên miền", "; ".join(a.strip() for a in system.addresses.splitlines()
                                                        if a.strip()) or "—"],
    ]
    return Table(title=title, headers=["STT", "Nội dung", "Thông tin"],
                 rows=[[i, *row] for i, row in enumerate(rows, 1)], formats=[INTEGER, TEXT, TEXT],
                 note="Nguồn: danh mục hệ thống thông tin của tỉnh trên tinhso.", key="security.dossier.system")


def _figures(dossier) -> list[Figure]:
    level = dossier.approved_level or dossier.proposed_level
    return [Figure("security.dossier.level", "Cấp độ", level, f"cấp độ {level}"),
            Figure("security.dossier.system", "Hệ thống", None, dossier.system.name),
            Figure("security.dossier.regime", "Chế độ áp dụng", None, dossier.regime)]


def _sender(dossier):
    """Who sends the dossier: the operating unit (Decree 85 Art. 14.1.b–c), the owner for levels 4–5 (Art.
    14.1.d; Circular 03/2017 Art. 14.2)."""
    system = dossier.system
    return system.owner if dossier.proposed_level >= 4 or system.operator is None else system.operator


def proposal_document(request: ReportRequest, reference: str = "") -> Report:
    """The submission of a level dossier for appraisal and approval (tờ trình đề nghị thẩm định, phê duyệt hồ sơ
    đề xuất cấp độ), with the level justification from the screening: dated the dossier's date, under the
    regime in force on it, issued by the unit that sends the dossier as it stood on that date."""
    dossier = _dossier(request, reference)
    regime = regimes.get_regime(dossier.regime)
    system, level = dossier.system, dossier.proposed_level
    appraiser, approver = regime.authority(level, "appraiser"), regime.authority(level, "approver")
    spec = regime.level(level)
    reasons = dossier.screening.get("reasons", []) if isinstance(dossier.screening, dict) else []
    criteria = Table(
        title="Các tiêu chí xác định cấp độ hệ thống đáp ứng",
        headers=["STT", "Tiêu chí", "Căn cứ", "Cấp độ"],
        rows=[[i, r.get("text", ""), r.get("article", ""), r.get("level")] for i, r in enumerate(reasons, 1)],
        formats=[INTEGER, TEXT, TEXT, INTEGER], key="security.dossier.criteria",
        note=("Có tiêu chí chưa được đối chiếu với văn bản gốc." if any(not r.get("verified") for r in reasons)
              else ""))
    harm = spec["harm_vi"]
    # the regime's data holds either the harm the level answers to, or only where the law defines it
    harm = f" ({harm})" if harm.startswith("Luật ") else f": {harm[0].lower()}{harm[1:]}"
    level_paragraphs = [f"Căn cứ các tiêu chí xác định cấp độ theo {regime.name_vi}, {system.name} được đề xuất ở "
                        f"cấp độ {level}{harm}."]
    if dossier.justification.strip():
        level_paragraphs += [line.strip() for line in dossier.justification.splitlines() if line.strip()]
    present = {}
    for document in dossier.documents.all():
        present.setdefault(document.kind, []).append(document.name)
    required = regime.documents(level, "submission")
    attached = Table(
        title="Thành phần hồ sơ đề xuất cấp độ", headers=["STT", "Thành phần", "Căn cứ", "Tình trạng"],
        rows=[[i, d["vi"], d.get("article", ""), "Đã có: " + ", ".join(present[d["code"]]) if d["code"] in present
               else "Kèm theo tờ trình này" if d["code"] == "level_justification" else "Chưa có"]
              for i, d in enumerate(required, 1)],
        formats=[INTEGER, TEXT, TEXT, TEXT], key="security.dossier.documents")
    authority = [f"Thẩm định: {appraiser}" + (f" (tối đa {vn_number(spec['appraisal_days'])} ngày kể từ ngày nhận "
                                            "đủ hồ sơ hợp lệ)" if spec.get("appraisal_days") else "") + ".",
                 f"Phê duyệt: {approver}" + (f" (tối đa {vn_number(regime.raw['approval_days_working'])} ngày làm "
                                            "việc)" if regime.raw.get("approval_days_working") else "") + "."]
    sections = [
        Section(key="security.dossier.system", title="Thông tin chung về hệ thống thông tin",
                tables=[system_facts(dossier, "")]),
        Section(key="security.dossier.level", title=f"Đề xuất cấp độ {level}", paragraphs=level_paragraphs,
                tables=[criteria] if reasons else [], figures=_figures(dossier)),
        Section(key="security.dossier.authority", title="Thẩm quyền thẩm định, phê duyệt", paragraphs=authority),
        Section(key="security.dossier.documents", title="Hồ sơ kèm theo", tables=[attached]),
    ]
    sender = _sender(dossier)
    addressees = [appraiser] if appraiser == approver else [appraiser, approver]
    return Report(
        kind="security_proposal", request=request, title="Tờ trình",
        summary=f"Đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ {level} đối với {system.name}",
        sections=sections, issuer=sender, date=dossier.dated, addressees=addressees,
        opening=[ground.rstrip(";") + ";" for ground in regime.grounds] + [
            f"{sender.name} kính trình hồ sơ đề xuất cấp độ an toàn hệ thống thông tin đối với {system.name} "
            f"như sau:"],
        closing=f"Kính đề nghị {appraiser[0].lower()}{appraiser[1:]} xem xét, thẩm định"
                + ("" if appraiser == approver else f"; trình {approver[0].lower()}{approver[1:]}")
                + f" phê duyệt hồ sơ đề xuất cấp độ {level} đối với {system.name}./.")


def _decision_issuer(dossier):
    """Who approves: the owner's IT-security unit for levels 1–2 — in a province, its DX agency (the province
    stands for it in the documents) — and the owner for levels 3–4 (Decree 85 Art. 12; Decree 331 Art. 18)."""
    owner = dossier.system.owner
    if dossier.proposed_level <= 2:
        province = next((u for u in [*unit_services.ancestors(owner), owner] if u.kind == UnitKind.PROVINCE), None)
        return province or owner
    return owner


def decision_document(request: ReportRequest, reference: str = "") -> Report:
    """The draft decision approving a level dossier (Quyết định phê duyệt hồ sơ đề xuất cấp độ), dated the
    decision's date once approved (the drafting day before), issued by the approver as of that date."""
    dossier = _dossier(request, reference)
    regime = regimes.get_regime(dossier.regime)
    system = dossier.system
    level = dossier.approved_level or dossier.proposed_level
    day = dossier.decision_date or request.today
    grounds = [ground.rstrip(";") + ";" for ground in regime.grounds]
    if dossier.appraised_at:
        appraiser = dossier.appraiser_authority or regime.authority(level, "appraiser")
        grounds.append(f"Căn cứ ý kiến thẩm định của {appraiser} ngày {vn_date(dossier.appraised_at)};")
    grounds.append(f"Theo đề nghị của {_sender(dossier).name}.")
    review = regimes.add_months(day, regime.review_months(level))
    operator = system.operator.name if system.operator else system.owner.name
    articles = [
        f"Điều 1. Phê duyệt hồ sơ đề xuất cấp độ đối với hệ thống thông tin “{system.name}” (mã {system.code}): "
        f"cấp độ {level}, với các thông tin chung như sau:",
        f"Điều 2. {operator} có trách nhiệm triển khai phương án bảo đảm an toàn hệ thống thông tin theo cấp độ "
        f"{level} đã được phê duyệt; kiểm tra, đánh giá định kỳ và rà soát, xác định lại cấp độ trước ngày "
        f"{vn_date(review)}, hoặc khi hệ thống có thay đổi.",
        "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Thủ trưởng " + ", ".join(dict.fromkeys(
            [system.owner.name, operator])) + " và các cơ quan, đơn vị có liên quan chịu trách nhiệm thi hành "
        "Quyết định này./.",
    ]
    return Report(
        kind="security_decision", request=request, title="Quyết định",
        summary=f"Phê duyệt hồ sơ đề xuất cấp độ {level} đối với {system.name}",
        sections=[Section(key="security.dossier.system", title="Thông tin chung về hệ thống thông tin",
                          tables=[system_facts(dossier)], figures=_figures(dossier))],
        issuer=_decision_issuer(dossier), date=day, grounds=grounds, articles=articles,
        issuer_committee=dossier.proposed_level >= 3)  # a province owning the system approves as its Committee


DOCUMENTS = {"security_proposal": proposal_document, "security_decision": decision_document}
