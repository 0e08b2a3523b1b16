"""Level dossiers: screening, the draft → submitted → appraised → approved workflow with its
returned-with-comments path, documents, and the approved-share indicator.

Who does what (the same in pages and API):
- drafting, editing, attaching documents, submitting: whoever may edit the owner unit (its focal point, the
  provincial DX office) — `accounts.services.can_edit_unit`;
- appraising (or recording the ministry's appraisal for levels 4–5) and returning: the DX office, an
  administrator whose scope covers the owner;
- approving: only an approver — a user holding the `security.approve_level` permission (the group
  "Phê duyệt cấp độ an toàn") whose unit covers the owner (the owner's head for level 3–4, the IT-security
  unit for level 1–2 under the regimes' Art. 12/18). The approver may also return the dossier.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import PurePath

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from tinhso.accounts.models import Role, User
from tinhso.accounts.services import can_edit_unit, is_system_admin, require_edit_unit
from tinhso.core.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from tinhso.core.labels import vietnamese
from tinhso.security import regimes
from tinhso.security.models import (
    DossierDocument,
    DossierStatus,
    InformationSystem,
    LevelDossier,
    SystemStatus,
)
from tinhso.units.models import Unit

APPROVER_GROUP = "Phê duyệt cấp độ an toàn"
OPEN = (DossierStatus.DRAFT, DossierStatus.SUBMITTED, DossierStatus.APPRAISED, DossierStatus.RETURNED)
EDITABLE = (DossierStatus.DRAFT, DossierStatus.RETURNED)
MAX_DOCUMENT_BYTES = 25 * 1024 * 1024
DOCUMENT_TYPES = {".pdf", ".doc", ".docx", ".odt", ".xls", ".xlsx", ".ods", ".zip", ".png", ".jpg", ".jpeg", ".txt"}


# ---------------------------------------------------------------- permissions

def is_dx_office(user: User, unit: Unit) -> bool:
    return user.is_authenticated and user.is_active and (
        is_system_admin(user) or (user.role == Role.ADMIN and can_edit_unit(user, unit)))


def is_approver(user: User, unit: Unit) -> bool:
    if not user.is_authenticated or not user.is_active or user.role == Role.API_CLIENT:
        return False
    if not user.has_perm("security.approve_level"):
        return False
    return user.unit is None or unit.path.startswith(user.unit.path)


def _require(ok: bool, vi: str, en: str) -> None:
    if not ok:
        raise Forbidden(vi, en)


# ---------------------------------------------------------------- reading

def get_dossier(dossier_id: int) -> LevelDossier:
    dossier = LevelDossier.objects.select_related("system", "system__owner").filter(pk=dossier_id).first()
    if dossier is None:
        raise NotFound("Hồ sơ cấp độ", "Level dossier")
    return dossier


def dossiers_of(system: InformationSystem) -> list[LevelDossier]:
    return list(system.dossiers.select_related("appraised_by", "approved_by").order_by("-dated", "-id"))


def state_of(dossier: LevelDossier, today: dt.date | None = None) -> tuple[str, str]:
    """(code, label in the reader's language): the stored status, or "due for review" once an approval's review
    date has come."""
    today = today or dt.date.today()
    if dossier.status == DossierStatus.APPROVED and dossier.review_due and dossier.review_due <= today:
        return "due_for_review", gettext("Đến hạn rà soát, xác định lại")
    return dossier.status, dossier.get_status_display()


def current_approval(system: InformationSystem, day: dt.date | None = None) -> LevelDossier | None:
    """The latest approved dossier decided on or before `day`."""
    day = day or dt.date.today()
    return (system.dossiers.filter(status=DossierStatus.APPROVED, decision_date__lte=day)
            .order_by("-decision_date", "-id").first())


def required_documents(dossier: LevelDossier, stage: str = "submission") -> list[dict]:
    return regimes.get_regime(dossier.regime).documents(dossier.proposed_level, stage)


def missing_documents(dossier: LevelDossier, stage: str = "submission") -> list[dict]:
    present = set(dossier.documents.values_list("kind", flat=True))
    return [d for d in required_documents(dossier, stage) if d["code"] not in present]


# ---------------------------------------------------------------- writing

def _save(user: User, dossier: LevelDossier, reason: str) -> LevelDossier:
    dossier._history_user = user
    dossier._change_reason = reason[:100]  # history_change_reason is varchar(100)
    dossier.save()
    return dossier


def _locked(dossier_id: int, expected_version: int | None) -> LevelDossier:
    dossier = (LevelDossier.objects.select_for_update().select_related("system", "system__owner")
               .filter(pk=dossier_id).first())
    if dossier is None:
        raise NotFound("Hồ sơ cấp độ", "Level dossier")
    if expected_version is not None and dossier.version != expected_version:
        raise Conflict(dossier.version)
    return dossier


def _wrong_state(dossier: LevelDossier, action_vi: str, action_en: str) -> ValidationFailed:
    return ValidationFailed(FieldError(
        "status", f"không thể {action_vi} hồ sơ đang ở trạng thái '{vietnamese(DossierStatus(dossier.status).label)}'",
        f"cannot {action_en} a dossier that is '{dossier.status}'"))


def _screen(dossier_date: dt.date, answers: dict) -> regimes.Screening:
    cleaned, errors = regimes.clean_answers(answers)
    if errors:
        raise ValidationFailed(errors)
    return regimes.screen(regimes.regime_on(dossier_date), cleaned)


def start_dossier(user: User, system_id: int, answers: dict, dated: dt.date | None = None,
                  justification: str = "") -> LevelDossier:
    """A new draft dossier for a system, with the level the screening proposes. One open dossier per system."""
    with transaction.atomic():
        system = InformationSystem.objects.select_for_update().select_related("owner").filter(pk=system_id).first()
        if system is None:
            raise NotFound("Hệ thống thông tin", "Information system")
        require_edit_unit(user, system.owner)
        if system.status == SystemStatus.RETIRED:
            raise ValidationFailed(FieldError("system", "hệ thống đã dừng hoạt động", "the system is retired"))
        if system.dossiers.filter(status__in=OPEN).exists():
            raise ValidationFailed(FieldError("system", "hệ thống đang có một hồ sơ chưa phê duyệt",
                                              "the system already has a dossier in progress"))
        dated = dated or dt.date.today()
        screening = _screen(dated, answers)
        dossier = LevelDossier(system=system, dated=dated, regime=screening.regime.code,
                               proposed_level=screening.level, screening=screening.as_dict(),
                               justification=justification[:10000], created_by=user)
        return _save(user, dossier, "Lập hồ sơ / Dossier drafted")


def update_draft(user: User, dossier_id: int, expected_version: int, answers: dict | None = None,
                 dated: dt.date | None = None, justification: str | None = None) -> LevelDossier:
    """Change a draft (or a returned dossier): new answers or date re-run the screening under the regime
    in force on the dossier's date."""
    with transaction.atomic():
        dossier = _locked(dossier_id, expected_version)
        require_edit_unit(user, dossier.system.owner)
        if dossier.status not in EDITABLE:
            raise _wrong_state(dossier, "sửa", "edit")
        if dated is not None:
            dossier.dated = dated
        if answers is not None or dated is not None:
            screening = _screen(dossier.dated, answers if answers is not None else dossier.screening.get("answers", {}))
            dossier.regime, dossier.proposed_level, dossier.screening = (
                screening.regime.code, screening.level, screening.as_dict())
        if justification is not None:
            dossier.justification = justification[:10000]
        dossier.version += 1
        return _save(user, dossier, "Sửa hồ sơ / Dossier edited")


def attach_document(user: User, dossier_id: int, kind: str, upload) -> DossierDocument:
    """Attach one document of the regime's list. The owner's side attaches while drafting; the DX office
    and the approver may add the approval-stage ones (appraisal opinion, issued regulation) later."""
    with transaction.atomic():
        dossier = _locked(dossier_id, None)
        owner = dossier.system.owner
        editor = can_edit_unit(user, owner) and dossier.status in EDITABLE
        reviewer = (is_dx_office(user, owner) or is_approver(user, owner)) and dossier.status in OPEN
        _require(editor or reviewer, "Bạn không được bổ sung tài liệu cho hồ sơ này ở trạng thái hiện tại",
                 "You may not add documents to this dossier in its current state")
        known = {d["code"]: d for d in regimes.get_regime(dossier.regime).all_documents()}
        if kind not in known:
            raise ValidationFailed(FieldError("kind", f"'{kind}' không phải thành phần hồ sơ của chế độ này",
                                              f"'{kind}' is not a document of this regime"))
        name = PurePath(getattr(upload, "name", "") or "tai-lieu").name[:200]
        if PurePath(name).suffix.lower() not in DOCUMENT_TYPES:
            raise ValidationFailed(FieldError("file", "chỉ nhận PDF, Word, Excel, ODF, ZIP, ảnh hoặc văn bản",
                                              "only PDF, Word, Excel, ODF, ZIP, images or text"))
        if (getattr(upload, "size", 0) or 0) > MAX_DOCUMENT_BYTES:
            raise ValidationFailed(FieldError("file", "tệp lớn hơn 25 MB", "the file is larger than 25 MB"))
        document = DossierDocument(dossier=dossier, kind=kind, name=name, uploaded_by=user)
        document.file.save(name, upload, save=False)
        document._history_user = user
        document.save()
        dossier.version += 1
        _save(user, dossier, f"Bổ sung tài liệu / Document added: {known[kind]['vi']}")
        return document


def submit(user: User, dossier_id: int, expected_version: int) -> LevelDossier:
    with transaction.atomic():
        dossier = _locked(dossier_id, expected_version)
        require_edit_unit(user, dossier.system.owner)
        if dossier.status not in EDITABLE:
            raise _wrong_state(dossier, "trình", "submit")
        missing = missing_documents(dossier)
        if missing:
            raise ValidationFailed([FieldError("documents", f"thiếu: {d['vi']} ({d['article']})",
                                               f"missing: {d['en']} ({d['article']})") for d in missing],
                                   vi="Hồ sơ chưa đủ thành phần", en="The dossier is incomplete")
        dossier.status, dossier.submitted_at, dossier.comments = DossierStatus.SUBMITTED, timezone.now(), ""
        dossier.version += 1
        return _save(user, dossier, "Trình thẩm định / Submitted")


def appraise(user: User, dossier_id: int, expected_version: int, opinion: str, authority: str = "") -> LevelDossier:
    """The DX office records the appraisal (its own for levels 1–3, the ministry's for levels 4–5)."""
    with transaction.atomic():
        dossier = _locked(dossier_id, expected_version)
        _require(is_dx_office(user, dossier.system.owner),
                 "Chỉ cơ quan chuyên trách chuyển đổi số, an toàn thông tin của tỉnh được thẩm định",
                 "Only the provincial DX / security office may appraise")
        if dossier.status != DossierStatus.SUBMITTED:
            raise _wrong_state(dossier, "thẩm định", "appraise")
        if not opinion.strip():
            raise ValidationFailed(FieldError("opinion", "cần ghi ý kiến thẩm định",
                                              "the appraisal opinion is required"))
        regime = regimes.get_regime(dossier.regime)
        dossier.status, dossier.appraised_by, dossier.appraised_at = DossierStatus.APPRAISED, user, timezone.now()
        dossier.appraisal_note = opinion.strip()[:10000]
        dossier.appraiser_authority = (authority.strip() or regime.authority(dossier.proposed_level, "appraiser"))[:255]
        dossier.version += 1
        return _save(user, dossier, "Thẩm định / Appraised")


def approve(user: User, dossier_id: int, expected_version: int, decision_number: str, decision_date: dt.date,
            signer: str, feed: bool = True) -> LevelDossier:
    """Appraised → approved by an approver. With `feed`, the indicators' approved figures of the owners
    are refreshed right away (bulk loads pass False and feed once at the end)."""
    with transaction.atomic():
        dossier = _locked(dossier_id, expected_version)
        regime = regimes.get_regime(dossier.regime)
        authority = regime.authority(dossier.proposed_level, "approver")
        _require(is_approver(user, dossier.system.owner),
                 f"Chỉ người có thẩm quyền phê duyệt được phê duyệt ({authority})",
                 "Only an approver may approve")
        if dossier.status != DossierStatus.APPRAISED:
            raise _wrong_state(dossier, "phê duyệt", "approve")
        errors = []
        if not decision_number.strip():
            errors.append(FieldError("decision_number", "cần số quyết định", "the decision number is required"))
        if not signer.strip():
            errors.append(FieldError("signer", "cần người ký", "the signer is required"))
        if decision_date is None or decision_date < dossier.dated or decision_date > dt.date.today():
            errors.append(FieldError("decision_date", "ngày quyết định phải từ ngày hồ sơ đến hôm nay",
                                     "the decision date must be between the dossier date and today"))
        errors += [FieldError("documents", f"thiếu: {d['vi']} ({d['article']})", f"missing: {d['en']} ({d['article']})")
                   for d in missing_documents(dossier, "approval")]
        if errors:
            raise ValidationFailed(errors)
        dossier.status, dossier.approved_by = DossierStatus.APPROVED, user
        dossier.decision_number, dossier.decision_date = decision_number.strip()[:60], decision_date
        dossier.signer, dossier.approved_level = signer.strip()[:255], dossier.proposed_level
        dossier.review_due = regimes.add_months(decision_date, regime.review_months(dossier.proposed_level))
        dossier.version += 1
        _save(user, dossier, f"Phê duyệt / Approved: {dossier.decision_number}")
    if feed:
        from tinhso.security import feeds  # after the commit: the indicators see the approval

        feeds.feed_after_change(decision_date)
    return dossier


def return_dossier(user: User, dossier_id: int, expected_version: int, comments: str) -> LevelDossier:
    with transaction.atomic():
        dossier = _locked(dossier_id, expected_version)
        owner = dossier.system.owner
        _require(is_dx_office(user, owner) or is_approver(user, owner),
                 "Chỉ đơn vị thẩm định hoặc người phê duyệt được trả lại hồ sơ",
                 "Only the appraiser or the approver may return a dossier")
        if dossier.status not in (DossierStatus.SUBMITTED, DossierStatus.APPRAISED):
            raise _wrong_state(dossier, "trả lại", "return")
        if not comments.strip():
            raise ValidationFailed(FieldError("comments", "cần ghi ý kiến khi trả lại", "comments are required"))
        dossier.status, dossier.comments = DossierStatus.RETURNED, comments.strip()[:10000]
        dossier.version += 1
        return _save(user, dossier, "Trả lại / Returned")


# ---------------------------------------------------------------- the approved-share indicator

@dataclass
class ShareRow:
    unit: Unit
    systems: int
    approved: int
    by_level: dict[int, int] = field(default_factory=dict)

    @property
    def share(self) -> float | None:
        return 100.0 * self.approved / self.systems if self.systems else None


def approved_share(under: Unit | None = None, day: dt.date | None = None, group_by: str = "owner"
                   ) -> tuple[ShareRow, list[ShareRow]]:
    """Systems in operation (or being built) on `day` with a level approved by then, per owner unit
    (`group_by="owner"`) — and the total. Seed 003's target is 80%."""
    day = day or dt.date.today()
    systems = InformationSystem.objects.exclude(status=SystemStatus.RETIRED).filter(
        Q(in_service_since__isnull=True) | Q(in_service_since__lte=day) | Q(status=SystemStatus.BUILDING))
    if under is not None:
        systems = systems.filter(owner__path__startswith=under.path)
    systems = list(systems.select_related("owner"))
    levels: dict[int, int] = {}
    for row in (LevelDossier.objects.filter(system__in=systems, status=DossierStatus.APPROVED, decision_date__lte=day)
                .order_by("system_id", "decision_date", "id").values("system_id", "approved_level")):
        levels[row["system_id"]] = row["approved_level"]  # the latest decision wins
    total = ShareRow(under, 0, 0, {})
    rows: dict[int, ShareRow] = {}
    for system in systems:
        row = rows.setdefault(system.owner_id, ShareRow(system.owner, 0, 0, {}))
        for target in (row, total):
            target.systems += 1
            level = levels.get(system.pk)
            if level:
                target.approved += 1
                target.by_level[level] = target.by_level.get(level, 0) + 1
    return total, sorted(rows.values(), key=lambda r: r.unit.path)


def approved_by_level(under: Unit | None = None, day: dt.date | None = None) -> dict[int, int]:
    return approved_share(under, day)[0].by_level
