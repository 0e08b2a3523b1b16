"""Security-level regimes as dated data (data/regimes.yaml): which regime governs a dossier of a given
date, its criteria and the level-screening wizard, who appraises and approves each level, the documents a
dossier needs, the periodic review and the incident reporting clock."""

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.security.models import Category, InformationSystem

DATA = Path(__file__).parent / "data" / "regimes.yaml"


@dataclass(frozen=True)
class Criterion:
    code: str
    level: int
    article: str
    vi: str
    verified: bool
    when: dict


@dataclass(frozen=True)
class Regime:
    code: str
    name_vi: str
    name_en: str
    valid_from: dt.date
    valid_to: dt.date | None
    raw: dict = field(hash=False, compare=False)
    criteria: tuple[Criterion, ...] = ()

    def level(self, level: int) -> dict:
        return self.raw["levels"][level]

    def authority(self, level: int, role: str) -> str:
        """Vietnamese name of who appraises (`role="appraiser"`) or approves a level."""
        key = self.level(level)[role]
        return self.raw["authorities"][key][0]

    def review_months(self, level: int) -> int:
        return int(self.level(level)["review_months"])

    def documents(self, level: int, stage: str = "submission") -> list[dict]:
        """Documents a dossier of `level` must carry when submitted (or, with stage="approval", also
        those added before approval)."""
        stages = {"submission"} if stage == "submission" else {"submission", "approval"}
        return [d for d in self.raw["documents"] if level in d["levels"] and d.get("stage", "submission") in stages]

    def all_documents(self) -> list[dict]:
        return list(self.raw["documents"])

    @property
    def grounds(self) -> list[str]:
        """The "Căn cứ …;" lines of the documents drafted for a dossier under this regime."""
        return list(self.raw.get("grounds_vi", []))

    @property
    def incident(self) -> dict:
        return self.raw["incident"]

    @property
    def verified(self) -> bool:
        return bool(self.raw["validity"]["verified"]) and bool(self.raw["levels_source"]["verified"])

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@lru_cache(maxsize=1)
def _load() -> tuple[list[dict], tuple[Regime, ...]]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    regimes = []
    for raw in data["regimes"]:
        criteria = tuple(Criterion(c["code"], int(c["level"]), c["article"], c["vi"], bool(c["verified"]), c["when"])
                         for c in raw["criteria"])
        regimes.append(Regime(raw["code"], raw["name_vi"], raw["name_en"], raw["valid_from"], raw["valid_to"],
                              raw, criteria))
    regimes.sort(key=lambda r: r.valid_from)
    for earlier, later in zip(regimes, regimes[1:], strict=False):
        # the file itself must not leave a day without a regime nor overlap two
        assert earlier.valid_to is not None and earlier.valid_to + dt.timedelta(days=1) == later.valid_from, DATA
    return data["questions"], tuple(regimes)


def questions() -> list[dict]:
    return _load()[0]


def all_regimes() -> tuple[Regime, ...]:
    return _load()[1]


def regime_on(day: dt.date) -> Regime:
    """The regime in force on `day`; a date before the first regime is refused."""
    for regime in all_regimes():
        if regime.covers(day):
            return regime
    first = all_regimes()[0].valid_from
    raise ValidationFailed(FieldError(
        "date", f"trước ngày {first:%d/%m/%Y} chưa có quy định về cấp độ an toàn hệ thống thông tin",
        f"no security-level regime before {first:%d/%m/%Y}"))


def get_regime(code: str) -> Regime:
    for regime in all_regimes():
        if regime.code == code:
            return regime
    raise ValidationFailed(FieldError("regime", f"không có chế độ '{code}'", f"no regime '{code}'"))


# ---------------------------------------------------------------- the screening wizard

def clean_answers(raw: dict) -> tuple[dict, list[FieldError]]:
    """Answers typed by people (strings from a form or JSON) → typed values, with a field error per bad one."""
    answers, errors = {}, []
    for question in questions():
        qid, value = question["id"], raw.get(question["id"])
        if value in (None, ""):
            continue
        if question["kind"] == "yesno":
            if isinstance(value, bool):
                answers[qid] = value
            elif str(value).lower() in ("1", "true", "yes", "co", "có", "on"):
                answers[qid] = True
            elif str(value).lower() in ("0", "false", "no", "khong", "không", "off"):
                answers[qid] = False
            else:
                errors.append(FieldError(qid, "phải là có/không", "must be yes or no"))
        elif question["kind"] == "number":
            try:
                number = int(str(value).replace(".", "").replace(" ", ""))
                if number < 0:
                    raise ValueError
                answers[qid] = number
            except ValueError:
                errors.append(FieldError(qid, "phải là số nguyên không âm", "must be a whole number ≥ 0"))
        else:
            if str(value) not in question["choices"]:
                errors.append(FieldError(qid, "không thuộc danh sách lựa chọn", "is not one of the choices"))
            else:
                answers[qid] = str(value)
    return answers, errors


def _holds(condition: dict, answers: dict) -> bool:
    if "all" in condition:
        return all(_holds(c, answers) for c in condition["all"])
    if "any" in condition:
        return any(_holds(c, answers) for c in condition["any"])
    value = answers.get(condition["q"])
    if value is None:
        return False
    if "eq" in condition:
        return value == condition["eq"]
    if "in" in condition:
        return value in condition["in"]
    if "gte" in condition:
        return isinstance(value, int) and not isinstance(value, bool) and value >= condition["gte"]
    raise ValueError(f"unknown condition {condition}")


@dataclass
class Screening:
    regime: Regime
    answers: dict
    level: int
    reasons: list[dict]
    warnings: list[str]

    def as_dict(self) -> dict:
        return {"regime": self.regime.code, "answers": self.answers, "level": self.level, "reasons": self.reasons,
                "warnings": self.warnings}


def screen(regime: Regime, answers: dict) -> Screening:
    """The proposed level: the highest level among the criteria the answers meet, each met criterion
    recorded as a reason (code, article, text, whether it is verified)."""
    met = [c for c in regime.criteria if _holds(c.when, answers)]
    level = max((c.level for c in met), default=1)
    reasons = [{"code": c.code, "level": c.level, "article": c.article, "text": c.vi, "verified": c.verified,
                "decisive": c.level == level} for c in sorted(met, key=lambda c: (-c.level, c.code))]
    warnings = []
    if not met:
        warnings.append("Không khớp tiêu chí nào: đề xuất cấp độ 1, cần đơn vị thẩm định xem xét / "
                        "no criterion matched: level 1 proposed, to be reviewed by the appraiser")
    if len({c.level for c in met}) > 1:
        warnings.append("Đáp ứng tiêu chí của nhiều cấp độ: áp dụng cấp độ cao nhất / criteria of several levels "
                        "are met: the highest applies")
    if not regime.verified or any(not c.verified for c in met):
        warnings.append("Có căn cứ chưa được đối chiếu với văn bản gốc / some grounds are not verified against "
                        "the official text")
    return Screening(regime, answers, level, reasons, warnings)


def prefill(system: InformationSystem) -> dict:
    """Answers the inventory already knows, for the wizard to start from."""
    function = {Category.ADMIN_PROCEDURE: "citizen_services", Category.PORTAL: "citizen_services",
                Category.INTERNAL: "internal", Category.DATABASE: "internal",
                Category.SHARED_PLATFORM: "infrastructure", Category.INFRASTRUCTURE: "infrastructure",
                Category.INDUSTRIAL: "industrial_control"}.get(system.category, "other")
    answers = {"function": function, "admin_procedure": system.category == Category.ADMIN_PROCEDURE,
               "information": "private_personal" if (system.data_subjects or system.sensitive_subjects) else "public"}
    if system.data_subjects is not None:
        answers["personal_subjects"] = system.data_subjects
    if system.sensitive_subjects is not None:
        answers["sensitive_subjects"] = system.sensitive_subjects
    if function == "infrastructure":
        answers["infra_scope"] = "sector_province"
    if function == "citizen_services":
        # public bodies' online services are not conditional business lines; a portal publishes information
        # and basic services (Decree 85's level 2), an administrative-procedure system full online services
        answers["conditional_business"] = False
        answers["public_service_level"] = "from3" if system.category == Category.ADMIN_PROCEDURE else "upto2"
    return answers


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30,
            31, 30, 31][month - 1]
    return dt.date(year, month, min(day.day, last))
