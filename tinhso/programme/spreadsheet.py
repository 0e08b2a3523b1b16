"""The plan spreadsheet provinces circulate: one row per task (extra rows with the same code add budget
sources), read all-or-nothing with every row's errors, and written back in the same shape.

The shipped example (`samples/ke-hoach-mau.xlsx`) is built by `build_sample()`; regenerate it with
`tinhso programme sample`.
"""

import csv
import datetime as dt
import difflib
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import openpyxl
from django.db import transaction
from django.db.models import Q
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from tinhso.accounts.models import User
from tinhso.core.errors import DomainError, FieldError, ValidationFailed, required
from tinhso.core.labels import vietnamese
from tinhso.core.tabular import append_row, decode_text, numbered, parse_date, read_table
from tinhso.core.text import fold, vi_sort_key
from tinhso.programme import services
from tinhso.programme.deadlines import parse_deadline
from tinhso.programme.models import FundingSource, Origin, Pillar, Plan, Status, Task, TaskKind
from tinhso.units.models import Unit, UnitKind
from tinhso.units.names import GROUP_LABELS, group_of, name_key, unit_keys

SAMPLE_PATH = Path(__file__).parent / "samples" / "ke-hoach-mau.xlsx"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# key → (column title, what it holds, required)
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "code": ("Mã nhiệm vụ (code)", "Mã duy nhất trong kế hoạch, ví dụ 2024.07. Dòng lặp lại mã chỉ để thêm nguồn vốn.",
             True),
    "parent_code": ("Mã nhiệm vụ cha (parent_code)", "Để trống với nhiệm vụ chính; mã nhiệm vụ cha với nhiệm vụ con "
                    "(nhiệm vụ cha đứng trước hoặc đã có trong kế hoạch).", False),
    "title": ("Tên nhiệm vụ, dự án (title)", "Tên đầy đủ.", True),
    "description": ("Mô tả (description)", "Nội dung, mục tiêu, sản phẩm.", False),
    "pillar": ("Trụ cột, lĩnh vực (pillar)", "Một trong: " + "; ".join(
        vietnamese(label) for _, label in Pillar.choices) + ".", True),
    "kind": ("Loại (kind)", "Một trong: " + "; ".join(vietnamese(label) for _, label in TaskKind.choices)
             + ". Trống = Nhiệm vụ.", False),
    "origin": ("Nguồn gốc (origin)", "Trong Đề án; Ngoài Đề án; Chuyển tiếp. Trống = Trong Đề án (Ngoài Đề án nếu "
               "kế hoạch không thuộc Đề án), hoặc Chuyển tiếp khi có mã nhiệm vụ năm trước.", False),
    "carried_from": ("Mã nhiệm vụ năm trước (carried_from)", "Với nhiệm vụ chuyển tiếp: mã nhiệm vụ ở kế hoạch năm "
                     "trước của cùng Đề án, hoặc 'MÃ-KẾ-HOẠCH/MÃ-NHIỆM-VỤ'.", False),
    "lead_unit": ("Đơn vị chủ trì (lead_unit)", "Đơn vị của tỉnh: tên đầy đủ, tên viết tắt quen dùng (Sở TT&TT, VP "
                  "UBND tỉnh, UBND huyện…), tên gọi khác của đơn vị, mã định danh; hoặc cụm chỉ nhóm 'Các sở, ban, "
                  "ngành', 'UBND các huyện, thị xã, thành phố' (mỗi đơn vị của nhóm nhận một nhiệm vụ con).", True),
    "coordinating_units": ("Đơn vị phối hợp (coordinating_units)", "Tên, tên viết tắt, mã định danh hoặc cụm chỉ nhóm, "
                           "cách nhau bằng dấu ;", False),
    "start_date": ("Bắt đầu (start_date)", "dd/mm/yyyy", False),
    "due_date": ("Hạn hoàn thành (due_date)", "Ngày dd/mm/yyyy, hoặc kỳ như văn bản ghi: Quý IV/2023; Tháng 6/2023; "
                 "6 tháng đầu năm 2023; Năm 2023; 2023–2025 (tính đến ngày cuối kỳ); Thường xuyên (báo cáo theo "
                 "quý, không tính quá hạn cả nhiệm vụ).", False),
    "status": ("Trạng thái (status)", "Chưa triển khai; Đang thực hiện; Hoàn thành; Dừng, hủy. Không nhập 'Quá hạn': "
               "hệ thống tự tính. Trống = Chưa triển khai.", False),
    "progress": ("Tiến độ % (progress)", "0–100. Hoàn thành = 100.", False),
    "source": ("Nguồn vốn (source)", "Một trong: " + "; ".join(
        vietnamese(label) for _, label in FundingSource.choices) + ".", False),
    "planned": ("Kinh phí kế hoạch, triệu đồng (planned)", "Số, triệu đồng; 1.250,5 hoặc 1250.5", False),
    "allocated": ("Kinh phí được giao, triệu đồng (allocated)", "Số, triệu đồng", False),
    "disbursed": ("Đã giải ngân, triệu đồng (disbursed)", "Số, triệu đồng; không vượt số được giao", False),
    "note": ("Ghi chú (note)", "", False),
    "output": ("Sản phẩm đầu ra (output)", "Kết quả, sản phẩm phải có khi hoàn thành (văn bản, hệ thống, số liệu…).",
               False),
    # the codes beside the names: a reader reads names, a re-import matches the codes (they win when given)
    "lead_unit_code": ("Mã định danh đơn vị chủ trì (lead_unit_code)", "Mã định danh điện tử của đơn vị chủ trì "
                       "(QCVN 102:2016/BTTTT); nếu có, được dùng thay cho tên.", False),
    "coordinating_unit_codes": ("Mã định danh đơn vị phối hợp (coordinating_unit_codes)", "Các mã định danh, cách "
                                "nhau bằng dấu ; theo đúng thứ tự tên; nếu có, được dùng thay cho tên.", False),
}
EXPORT_EXTRA = ("Tình trạng hiện tại (tính toán)", "Cập nhật tiến độ gần nhất")
BUDGET_KEYS = ("source", "planned", "allocated", "disbursed")


# headings provinces' own plan tables use for the same columns
CUSTOMARY_HEADINGS = {
    "code": ["Mã", "Mã số"],
    "title": ["Nội dung nhiệm vụ", "Nội dung", "Tên nhiệm vụ", "Nhiệm vụ", "Nhiệm vụ, dự án", "Tên dự án"],
    "pillar": ["Lĩnh vực", "Trụ cột"],
    "lead_unit": ["Cơ quan chủ trì", "Chủ trì", "Đơn vị thực hiện", "Cơ quan thực hiện"],
    "coordinating_units": ["Cơ quan phối hợp", "Phối hợp", "Đơn vị phối hợp thực hiện"],
    "due_date": ["Thời gian hoàn thành", "Thời hạn hoàn thành", "Thời hạn", "Hạn", "Thời gian thực hiện"],
    "start_date": ["Ngày bắt đầu", "Thời gian bắt đầu"],
    "output": ["Sản phẩm", "Kết quả, sản phẩm", "Sản phẩm đầu ra", "Kết quả đầu ra", "Sản phẩm dự kiến"],
    "note": ["Ghi chú"],
}


def _aliases() -> dict[str, str]:
    aliases = {}
    for key, (title, _, _) in COLUMNS.items():
        for text in (key, title, title.split(" (")[0], *CUSTOMARY_HEADINGS.get(key, ())):
            aliases[fold(text)] = key
            aliases[fold(text).replace(" ", "_")] = key
    return aliases


HEADER_ALIASES = _aliases()


@dataclass
class ImportResult:
    created: int = 0
    errors: list[FieldError] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)


class _UnitFinder:
    """Resolves a unit reference as plans write it, among the units valid during the plan: an electronic
    code, a full name, or a customary form ("Sở TT&TT", "VP UBND tỉnh", "UBND huyện Gia Lộc", "Công an
    tỉnh", a unit's own aliases), diacritics ignored (`tinhso.units.names`). Units of the plan's province (and
    of the provinces merged into it) win over same-named others; among several, the one in office at the end
    of the plan. When nothing matches, the closest names of the province are suggested."""

    def __init__(self, plan: Plan):
        start, end = dt.date(plan.year, 1, 1), dt.date(plan.end_year, 12, 31)
        self.plan = plan
        self.last_day = services.plan_end(plan)
        units = Unit.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        self.provinces = services.plan_provinces(plan)
        self.province_names = [services.province_short_name(p) for p in self.provinces]
        names_by_path = {p.path: [services.province_short_name(p)] for p in self.provinces}
        self.by_code: dict[str, Unit] = {}
        self.by_name: dict[str, list[Unit]] = {}
        self.by_key: dict[str, list[Unit]] = {}
        self.in_scope: list[Unit] = []
        for unit in units.only("pk", "name", "short_name", "aliases", "code", "path", "valid_from", "valid_to",
                               "kind", "parent_id"):
            if unit.code:
                self.by_code[unit.code.upper()] = unit
            self.by_name.setdefault(fold(unit.name), []).append(unit)
            root = next((path for path in names_by_path if unit.path.startswith(path)), None)
            if root is not None:
                self.in_scope.append(unit)
                for key in unit_keys(unit.name, unit.short_name, unit.aliases, unit.kind, names_by_path[root]):
                    self.by_key.setdefault(key, []).append(unit)

    def _in_scope(self, unit: Unit) -> bool:
        return any(unit.path.startswith(p.path) for p in self.provinces)

    def _best(self, matches: list[Unit]) -> list[Unit]:
        if len(matches) > 1:
            matches = [u for u in matches if self._in_scope(u)] or matches
        if len(matches) > 1:
            matches = [u for u in matches if u.is_valid_on(self.last_day)] or matches
        return matches

    def suggestions(self, text: str, limit: int = 3) -> list[str]:
        names = {fold(u.name): u.name for u in self.in_scope}
        keys = {}
        for key, units in self.by_key.items():
            for unit in units:
                keys.setdefault(key, unit.name)
        found = [names[n] for n in difflib.get_close_matches(fold(text), list(names), n=limit, cutoff=0.55)]
        found += [keys[k] for k in difflib.get_close_matches(name_key(text, self.province_names), list(keys),
                                                              n=limit, cutoff=0.6)]
        return list(dict.fromkeys(found))[:limit]

    def find(self, reference: str, field_name: str, row: int) -> Unit:
        text = " ".join(reference.split())
        if text.upper() in self.by_code:
            return self.by_code[text.upper()]
        matches = self._best(self.by_name.get(fold(text), []))
        if not matches:
            matches = self._best(self.by_key.get(name_key(text, self.province_names), []))
        if len(matches) == 1:
            return matches[0]
        if not matches:
            hints = self.suggestions(text)
            vi = f"không tìm thấy đơn vị '{text}' còn hiệu lực trong thời gian kế hoạch"
            en = f"no unit '{text}' valid during the plan period"
            if hints:
                vi += "; có phải: " + "; ".join(hints) + "?"
                en += "; did you mean: " + "; ".join(hints) + "?"
            raise ValidationFailed(FieldError(field_name, vi, en, row))
        names = "; ".join(sorted({u.name for u in matches}))
        raise ValidationFailed(FieldError(field_name, f"'{text}' khớp nhiều đơn vị ({names}); hãy ghi tên đầy đủ hoặc "
                                          "mã định danh", f"'{text}' matches several units ({names}); write the full "
                                          "name or the electronic code", row))

    def group(self, kind: str) -> list[Unit]:
        """The units a group phrase stands for: the departments, districts or communes of the plan's province
        in office at the end of the plan."""
        province = self.provinces[0]
        found = [u for u in self.in_scope if u.kind == kind and u.is_valid_on(self.last_day)
                 and u.path.startswith(province.path) and (kind != UnitKind.DEPARTMENT or u.parent_id == province.pk)]
        return sorted(found, key=lambda u: vi_sort_key(u.name))


def _progress(value, row: int) -> int:
    if value is None or str(value).strip() == "":
        return 0
    text = str(value).strip().rstrip("%").replace(",", ".")
    try:
        number = float(text)
    except ValueError as exc:
        raise ValidationFailed(FieldError("progress", f"'{value}' không phải số phần trăm",
                                          f"'{value}' is not a percentage", row)) from exc
    if isinstance(value, float) and 0 < number <= 1 and "%" not in str(value):
        number *= 100  # Excel percentage cell (0,45 shown as 45%)
    if not 0 <= number <= 100 or number != int(number):
        raise ValidationFailed(FieldError("progress", "tiến độ phải là số nguyên từ 0 đến 100",
                                          "progress must be a whole number from 0 to 100", row))
    return int(number)


def _budget_of(row: dict, number: int) -> services.BudgetData | None:
    if all(row.get(k) in (None, "") for k in BUDGET_KEYS):
        return None
    source = services.parse_choice(row.get("source") or FundingSource.PROVINCIAL, services.SOURCE_LOOKUP, "source",
                                   FundingSource, number)
    return services.BudgetData(source, *(services.parse_money(row.get(k), k, number)
                                         for k in ("planned", "allocated", "disbursed")))


def _cell(row: dict, key: str) -> str:
    value = row.get(key)
    return "" if value is None else str(value).strip()


def _carried_from(reference: str, plan: Plan, number: int) -> Task:
    if "/" in reference:
        plan_code, task_code = (part.strip() for part in reference.split("/", 1))
        found = Task.objects.select_related("plan").filter(plan__code=plan_code, code=task_code).first()
    else:
        earlier = services.previous_plan(plan)
        found = Task.objects.select_related("plan").filter(plan=earlier, code=reference).first() if earlier else None
    if found is None:
        raise ValidationFailed(FieldError("carried_from", f"không tìm thấy nhiệm vụ năm trước '{reference}'",
                                          f"earlier task '{reference}' not found", number))
    return found


class PlanRows(list):
    """Rows read from a plan file, remembering where each column stands: key → "C — Đơn vị chủ trì"."""

    columns: dict[str, str]


def _heading(text: str, key: str) -> str:
    """A column's heading as the reader knows it: the file's text without the "(key)" the template adds."""
    text = " ".join(str(text).split())
    return text.removesuffix(f" ({key})") if text.endswith(f"({key})") else text


def _template_columns() -> dict[str, str]:
    return {key: f"{get_column_letter(i)} — {_heading(title, key)}"
            for i, (key, (title, _, _)) in enumerate(COLUMNS.items(), start=1)}


# an error's field → the column that holds what it is about
FIELD_COLUMNS = {"parent": "parent_code", "completed_on": "status", "plan": "code"}


def _column_of(error: FieldError, columns: dict[str, str], used: dict[str, str]) -> str | None:
    name = error.field
    if name.startswith("budget["):
        name = "disbursed" if ("giải ngân" in error.vi or "số tiền" in error.vi) else "source"
    name = used.get(name, FIELD_COLUMNS.get(name, name))
    if name in columns:
        return columns[name]
    if name in COLUMNS:  # the file has no such column: name it as the template does
        return f"{_heading(COLUMNS[name][0], name)} (thiếu cột / column missing)"
    return None


def import_plan(user: User | None, plan: Plan, rows: list[dict]) -> ImportResult:
    """Create the plan's tasks from spreadsheet rows, all or nothing: every row is checked and every error
    reported, each naming its row and its column by letter and heading ("C — Đơn vị chủ trì"). Row numbers
    are as Excel shows them (the header is row 1). `user=None` is trusted code (demo loader)."""
    if user is not None:
        services.require_manage_plan(user, plan)
    result = ImportResult()
    finder = _UnitFinder(plan)
    created: dict[str, Task] = {}
    first_row_of: dict[str, int] = {}  # every code met so far, its row, even when that row was refused
    columns = getattr(rows, "columns", None) or _template_columns()
    with transaction.atomic():
        for number, row in numbered(rows):
            code = _cell(row, "code")
            used = {"lead_unit": "lead_unit_code" if _cell(row, "lead_unit_code") else "lead_unit",
                    "coordinating_units": ("coordinating_unit_codes" if _cell(row, "coordinating_unit_codes")
                                           else "coordinating_units")}
            errors: list[FieldError] = []
            try:
                budget = _budget_of(row, number)
                if code and code in first_row_of and not _cell(row, "title"):
                    # a continuation row: one more funding source of the task above
                    if budget is None:
                        raise ValidationFailed(FieldError("source", "dòng lặp mã phải có nguồn vốn và kinh phí",
                                                          "a repeated code row must carry a budget", number))
                    task = created.get(code)
                    if task is None:  # the task's own row was refused: check this row's figures alone
                        errors += services.validate_task(plan, services.TaskData(
                            code=code, title="-", pillar=Pillar.DIGITAL_GOVERNMENT, budget=[budget]), row=number)
                        errors = [e for e in errors if e.field.startswith("budget[")]
                        if errors:
                            raise ValidationFailed(errors)
                        continue
                    data = services.TaskData.of(task)
                    lines = data.budget = data.budget + [budget]
                    errors = services.validate_task(plan, data, task, number)
                    if errors:
                        raise ValidationFailed(errors)
                    services._write_budget(user, task, lines, "Nhập kế hoạch / Plan import")
                    continue
                if code and code in first_row_of:
                    raise ValidationFailed(FieldError(
                        "code", f"mã '{code}' đã dùng ở dòng {first_row_of[code]}",
                        f"code '{code}' is already used on row {first_row_of[code]}", number))
                if code:
                    first_row_of[code] = number
                result.tasks.append(_import_row(user, plan, row, number, code, budget, finder, created))
            except DomainError as exc:
                found = [FieldError(e.field, e.vi, e.en, number) for e in exc.errors] or [
                    FieldError("row", exc.vi, exc.en, number)]
                result.errors += [FieldError(e.field, e.vi, e.en, e.row, _column_of(e, columns, used))
                                  for e in found]
        if result.errors:
            transaction.set_rollback(True)
            result.tasks = []
        else:
            result.created = len(result.tasks)
    return result


def _import_row(user: User | None, plan: Plan, row: dict, number: int, code: str,
                budget: services.BudgetData | None, finder: _UnitFinder, created: dict[str, Task]) -> Task:
    errors: list[FieldError] = []

    def attempt(func, *args):
        try:
            return func(*args)
        except ValidationFailed as exc:
            errors.extend(exc.errors)
            return None

    data = services.TaskData(code=code, title=_cell(row, "title"), description=_cell(row, "description"),
                             note=_cell(row, "note"), output=_cell(row, "output"))
    if _cell(row, "pillar"):
        data.pillar = attempt(services.parse_choice, row["pillar"], services.PILLAR_LOOKUP, "pillar", Pillar,
                              number) or ""
    else:
        errors.append(required("pillar", number))
    if _cell(row, "kind"):
        data.kind = attempt(services.parse_choice, row["kind"], services.KIND_LOOKUP, "kind", TaskKind,
                            number) or ""
    carried = _cell(row, "carried_from")
    if carried:
        data.carried_from = attempt(_carried_from, carried, plan, number)
    if _cell(row, "origin"):
        data.origin = attempt(services.parse_choice, row["origin"], services.ORIGIN_LOOKUP, "origin", Origin,
                              number) or ""
    else:
        data.origin = Origin.CARRIED_OVER if carried else (Origin.IN_SCHEME if plan.scheme_id else
                                                           Origin.OUTSIDE_SCHEME)
    if _cell(row, "status"):
        if fold(_cell(row, "status")) in (fold("Quá hạn"), "overdue"):
            errors.append(FieldError("status", "'Quá hạn' được tính tự động từ hạn hoàn thành, không nhập tay",
                                     "'overdue' is derived from the deadline, it cannot be typed", number))
        else:
            data.status = attempt(services.parse_choice, row["status"], services.STATUS_LOOKUP, "status", Status,
                                  number) or ""
    data.progress = attempt(_progress, row.get("progress"), number) or 0
    if data.status == Status.DONE and not _cell(row, "progress"):
        data.progress = 100
    data.start_date = attempt(parse_date, row.get("start_date"), "start_date", number)
    deadline = attempt(parse_deadline, row.get("due_date"), "due_date", number)
    if deadline is not None:
        data.due_date, data.due_text, data.recurring = deadline.due_date, deadline.text, deadline.recurring
    lead = _cell(row, "lead_unit_code") or _cell(row, "lead_unit")
    members: list[Unit] = []
    group = None if _cell(row, "lead_unit_code") else group_of(lead)
    if group:
        # "Các sở, ban, ngành" as lead: the province's People's Committee holds the task, and each unit of the
        # group leads its own sub-task of it (see docs/programme.md, "Group phrases")
        members = finder.group(group)
        data.lead_unit = finder.provinces[0]
        if _cell(row, "parent_code"):
            errors.append(FieldError("lead_unit", f"'{lead}' chỉ dùng cho nhiệm vụ chính (mỗi đơn vị của nhóm nhận một "
                                     "nhiệm vụ con)", f"'{lead}' may lead only a main task (each unit of the group "
                                     "gets a sub-task)", number))
        elif not members:
            vi, en = GROUP_LABELS[group]
            errors.append(FieldError("lead_unit", f"tỉnh không có {vi} còn hiệu lực cuối kế hoạch",
                                     f"the province has none of {en} in office at the end of the plan", number))
    elif lead:
        data.lead_unit = attempt(finder.find, lead, "lead_unit", number)
    coordinating = _cell(row, "coordinating_unit_codes") or _cell(row, "coordinating_units")
    for reference in coordinating.replace("\n", ";").split(";"):
        if not reference.strip():
            continue
        kind = None if _cell(row, "coordinating_unit_codes") else group_of(reference)
        if kind:  # a group phrase coordinates as every unit of the group
            data.coordinating_units += [u for u in finder.group(kind) if u not in data.coordinating_units
                                        and u != data.lead_unit and u not in members]
            continue
        unit = attempt(finder.find, reference, "coordinating_units", number)
        if unit is not None and unit not in data.coordinating_units:
            data.coordinating_units.append(unit)
    parent_code = _cell(row, "parent_code")
    if parent_code:
        data.parent = created.get(parent_code) or Task.objects.filter(plan=plan, code=parent_code).first()
        if data.parent is None:
            errors.append(FieldError("parent_code", f"không có nhiệm vụ cha mã '{parent_code}' ở các dòng trên hoặc "
                                     "trong kế hoạch", f"no parent task '{parent_code}' above or in the plan", number))
    if budget is not None:
        data.budget = [budget]
    seen = {e.field for e in errors}
    errors += [e for e in services.validate_task(plan, data, row=number, pending_codes=None) if e.field not in seen
               and not (e.field == "lead_unit" and "lead_unit" in seen)]
    if errors:
        raise ValidationFailed(errors)
    task = services._write_task(user, plan, data, None, "Nhập kế hoạch / Plan import")
    created[code] = task
    for index, member in enumerate(members, start=1):
        part = services.TaskData(
            code=f"{code}.{index:02d}", title=f"{data.title} — {member.name}"[:500], pillar=data.pillar, kind=data.kind,
            origin=data.origin if data.origin != Origin.CARRIED_OVER else Origin.IN_SCHEME, lead_unit=member,
            parent=task, start_date=data.start_date, due_date=data.due_date, due_text=data.due_text,
            recurring=data.recurring, output=data.output, status=data.status, progress=data.progress,
            coordinating_units=[u for u in data.coordinating_units if u != member])
        problems = services.validate_task(plan, part, row=number)
        if problems:
            raise ValidationFailed(problems)
        created[part.code] = services._write_task(user, plan, part, None, "Nhập kế hoạch / Plan import")
    return task


def _header_row(content: bytes, filename: str) -> list:
    if filename.lower().endswith(".xlsx"):
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        for values in workbook.worksheets[0].iter_rows(max_row=1, values_only=True):
            return list(values)
        return []
    text = decode_text(content)
    first = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=first.count)
    return next(csv.reader(io.StringIO(first), delimiter=delimiter), [])


def read_plan_file(content: bytes, filename: str) -> PlanRows:
    """The rows of a plan file, with where each known column stands (for errors named as the reader sees
    the sheet: "C — Đơn vị chủ trì")."""
    rows = PlanRows(read_table(content, filename, HEADER_ALIASES))
    rows.columns = {}
    for index, heading in enumerate(_header_row(content, filename), start=1):
        text = str(heading or "")
        key = HEADER_ALIASES.get(fold(text).replace(" ", "_"), HEADER_ALIASES.get(fold(text)))
        if key and key not in rows.columns:
            rows.columns[key] = f"{get_column_letter(index)} — {_heading(text, key)}"
    return rows


# ---------------------------------------------------------------- writing

def _label(choices: type, value: str) -> str:
    return vietnamese(choices(value).label) if value in choices.values else value


def _number(value: Decimal):
    return float(value) if value is not None else None


def plan_rows(tasks: list[Task], day: dt.date | None = None) -> list[list]:
    """Rows in template order; a task with several funding sources takes one extra row per source."""
    day = day or services.today()
    rows = []
    for task in tasks:
        lines = list(task.budget_lines.all())
        first = lines[0] if lines else None
        coordinating = list(task.coordinating_units.all())
        carried = ""
        if task.carried_from_id:
            carried = f"{task.carried_from.plan.code}/{task.carried_from.code}"
        rows.append([
            task.code, task.parent.code if task.parent_id else "", task.title, task.description,
            _label(Pillar, task.pillar), _label(TaskKind, task.kind), _label(Origin, task.origin), carried,
            task.lead_unit.name,
            "; ".join(u.name for u in coordinating),
            task.start_date, (task.due_text or task.due_date) if (task.due_text or task.recurring) else task.due_date,
            _label(Status, task.status), task.progress,
            _label(FundingSource, first.source) if first else "",
            _number(first.planned) if first else None, _number(first.allocated) if first else None,
            _number(first.disbursed) if first else None, task.note, task.output,
            # a unit without an electronic code keeps its name here, so the lists stay aligned
            task.lead_unit.code, "; ".join(u.code or u.name for u in coordinating),
            vietnamese(services.state_label(services.state_of(task, day))), task.last_update_on,
        ])
        for line in lines[1:]:
            rows.append([task.code] + [""] * 13 + [_label(FundingSource, line.source), _number(line.planned),
                                                    _number(line.allocated), _number(line.disbursed), "", "", "",
                                                    "", "", None])
    return rows


def _workbook(title: str, rows: list[list], extra_headers: tuple[str, ...] = ()) -> openpyxl.Workbook:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    headers = [c[0] for c in COLUMNS.values()] + list(extra_headers)
    sheet.append(headers)
    for index, cell in enumerate(sheet[1], start=1):
        cell.font = Font(bold=True, color="FFFFFF")
        required_column = index <= len(COLUMNS) and list(COLUMNS.values())[index - 1][2]
        cell.fill = PatternFill("solid", fgColor="7F1D1D" if required_column else "9B1C1C")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        append_row(sheet, row)
    widths = {"title": 48, "description": 40, "lead_unit": 40, "coordinating_units": 48, "note": 30, "output": 40,
              "lead_unit_code": 18, "coordinating_unit_codes": 24}
    for index, key in enumerate(list(COLUMNS) + ["x"] * len(extra_headers), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(key, 16)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "C2"
    guide = workbook.create_sheet("Hướng dẫn")
    guide.append(["Cột / Column", "Bắt buộc / Required", "Nội dung / Content"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for title_text, help_text, is_required in COLUMNS.values():
        guide.append([title_text, "x" if is_required else "", help_text])
    guide.append([])
    guide.append(["Nhập theo nguyên tắc tất cả hoặc không: một dòng lỗi thì cả tệp bị từ chối, kèm danh sách lỗi "
                  "theo dòng. / All or nothing: one bad row rejects the whole file, with every row's errors."])
    guide.column_dimensions["A"].width = 42
    guide.column_dimensions["C"].width = 110
    return workbook


def _bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_plan(user: User, plan: Plan, flt: services.TaskFilter | None = None) -> tuple[bytes, str, str]:
    """The plan and its current status as XLSX in the import template (plus the derived state and the
    last report date), limited to what the user may see. Returns (content, filename, mime type)."""
    tasks = (services.search_tasks(user, plan, flt).select_related("carried_from__plan", "lead_unit", "parent")
             .prefetch_related("budget_lines", "coordinating_units"))
    return (_bytes(_workbook(f"KH {plan.period}", plan_rows(list(tasks)), EXPORT_EXTRA)),
            f"ke-hoach-{plan.code}.xlsx", XLSX_MIME)


# The example shipped with the app: the nine new tasks of Bắc Kạn's 2024 DX plan (seed 000), six of
# them outside the scheme, with realistic lead units of the old province (valid until 2025).
SAMPLE_TASKS = [
    # code, title, pillar, kind, origin, lead, coordinating, start, due, status, progress, source, planned,
    # allocated, disbursed, description
    ("2024.01", "Dịch vụ thu thập, phân tích và quản trị đảm bảo an toàn thông tin", "An toàn thông tin mạng",
     "Thuê dịch vụ CNTT", "Ngoài Đề án", "Sở Thông tin và Truyền thông Bắc Kạn", "Văn phòng UBND tỉnh Bắc Kạn",
     "01/03/2024", "31/12/2024", "Đang thực hiện", 60, "Ngân sách tỉnh", 1850, 1850, 920,
     "Thuê dịch vụ giám sát (SOC): thu thập và phân tích sự kiện an toàn thông tin các hệ thống của tỉnh."),
    ("2024.02", "Chuyển đổi hệ thống thông tin và cơ sở dữ liệu của Sở Tài nguyên và Môi trường sang Trung tâm "
     "Tích hợp dữ liệu tỉnh", "Hạ tầng số", "Nhiệm vụ", "Ngoài Đề án", "Sở Tài nguyên và Môi trường Bắc Kạn",
     "Sở Thông tin và Truyền thông Bắc Kạn", "01/04/2024", "30/09/2024", "Hoàn thành", 100, "Ngân sách tỉnh",
     650, 650, 612, "Di chuyển máy chủ, cơ sở dữ liệu đất đai và môi trường về Trung tâm Tích hợp dữ liệu."),
    ("2024.03", "Cập nhật dữ liệu, chỉnh lý giấy chứng nhận quyền sử dụng đất cho người dân do thay đổi thông tin "
     "về giấy chứng minh nhân dân trên địa bàn tỉnh", "Dữ liệu số", "Nhiệm vụ", "Ngoài Đề án",
     "Sở Tài nguyên và Môi trường Bắc Kạn", "", "01/03/2024", "30/11/2024", "Đang thực hiện", 45,
     "Ngân sách tỉnh", 2400, 1600, 700, "Đồng bộ số định danh cá nhân vào hồ sơ địa chính."),
    ("2024.04", "Nâng cao năng lực về ứng dụng công nghệ thông tin và chuyển đổi số trong hoạt động xúc tiến "
     "thương mại", "Kinh tế số", "Đào tạo, tập huấn", "Ngoài Đề án", "Sở Công Thương Bắc Kạn", "",
     "01/05/2024", "31/10/2024", "Đang thực hiện", 70, "Ngân sách trung ương", 300, 300, 180,
     "Tập huấn doanh nghiệp, hợp tác xã đưa sản phẩm OCOP lên sàn thương mại điện tử."),
    ("2024.05", "Số hóa tài liệu lưu trữ tại Trung tâm Lưu trữ lịch sử tỉnh Bắc Kạn", "Dữ liệu số", "Thuê dịch vụ CNTT",
     "Ngoài Đề án", "Sở Nội vụ Bắc Kạn", "", "01/02/2024", "31/12/2024", "Đang thực hiện", 30, "Ngân sách tỉnh",
     1200, 1200, 260, "Số hóa hồ sơ, tài liệu lưu trữ lịch sử, xây dựng cơ sở dữ liệu lưu trữ."),
    ("2024.06", "Hệ thống quản lý vốn đầu tư xây dựng cơ bản", "Chính quyền số", "Dự án đầu tư", "Ngoài Đề án",
     "Sở Kế hoạch và Đầu tư Bắc Kạn", "Sở Tài chính Bắc Kạn", "01/06/2024", "31/12/2024", "Chưa triển khai", 0,
     "Ngân sách tỉnh", 950, 0, 0, "Phần mềm theo dõi kế hoạch, giải ngân vốn đầu tư công của tỉnh."),
    ("2024.07", "Mua sắm máy tính, máy in, máy scan phục vụ triển khai Đề án 06", "Hạ tầng số", "Mua sắm",
     "Trong Đề án", "Văn phòng UBND tỉnh Bắc Kạn", "Sở Tài chính Bắc Kạn", "01/03/2024", "30/06/2024",
     "Đang thực hiện", 80, "Ngân sách tỉnh", 1500, 1500, 1150,
     "Trang bị thiết bị cho bộ phận một cửa các cấp phục vụ Đề án 06."),
    ("2024.08", "Đào tạo phục vụ triển khai thực hiện các nhiệm vụ của Đề án 06", "Nhân lực số", "Đào tạo, tập huấn",
     "Trong Đề án", "Sở Thông tin và Truyền thông Bắc Kạn", "Sở Nội vụ Bắc Kạn", "01/04/2024", "31/08/2024",
     "Hoàn thành", 100, "Ngân sách tỉnh", 250, 250, 243, "Tập huấn cán bộ một cửa, công chức cấp xã."),
    ("2024.09", "Triển khai ứng dụng Công dân số Bắc Kạn", "Xã hội số", "Nhiệm vụ", "Trong Đề án",
     "Sở Thông tin và Truyền thông Bắc Kạn", "Văn phòng UBND tỉnh Bắc Kạn", "01/01/2024", "31/12/2024",
     "Đang thực hiện", 65, "Ngân sách tỉnh", 800, 800, 410,
     "Ứng dụng Công dân số: đăng ký một lần, dùng nhiều dịch vụ (trường học, y tế, dịch vụ công)."),
]
SAMPLE_SUBTASKS = [
    ("2024.09.1", "2024.09", "Tích hợp các ứng dụng thu phí trường học vào Công dân số (đăng ký một lần, dùng "
     "nhiều dịch vụ)", "Xã hội số", "Nhiệm vụ", "Trong Đề án", "Sở Giáo dục và Đào tạo Bắc Kạn",
     "Sở Thông tin và Truyền thông Bắc Kạn", "01/04/2024", "31/12/2024", "Đang thực hiện", 40),
]
SAMPLE_EXTRA_BUDGET = [("2024.01", "Doanh nghiệp, xã hội hóa", 200, 200, 120)]
# the expected result of each task (sản phẩm đầu ra), as plans state it
SAMPLE_OUTPUTS = {
    "2024.01": "Báo cáo giám sát an toàn thông tin hằng tháng; hệ thống SOC kết nối với NCSC",
    "2024.02": "Hệ thống, cơ sở dữ liệu của Sở vận hành tại Trung tâm Tích hợp dữ liệu",
    "2024.03": "Cơ sở dữ liệu đất đai cập nhật số định danh cá nhân",
    "2024.04": "Ít nhất 100 doanh nghiệp, hợp tác xã được tập huấn",
    "2024.05": "Cơ sở dữ liệu tài liệu lưu trữ lịch sử số hóa",
    "2024.06": "Phần mềm quản lý vốn đầu tư xây dựng cơ bản đưa vào sử dụng",
    "2024.07": "Thiết bị bàn giao cho bộ phận một cửa các cấp",
    "2024.08": "Cán bộ một cửa, công chức cấp xã được tập huấn",
    "2024.09": "Ứng dụng Công dân số Bắc Kạn trên kho ứng dụng",
}


def sample_rows() -> list[list]:
    def date(text: str) -> dt.date:
        return dt.datetime.strptime(text, "%d/%m/%Y").date()

    rows = []
    for (code, title, pillar, kind, origin, lead, coord, start, due, status, progress, source, planned, allocated,
         disbursed, description) in SAMPLE_TASKS:
        rows.append([code, "", title, description, pillar, kind, origin, "", lead, coord, date(start), date(due),
                     status, progress, source, planned, allocated, disbursed, "", SAMPLE_OUTPUTS.get(code, "")])
        for extra_code, *budget in SAMPLE_EXTRA_BUDGET:
            if extra_code == code:
                rows.append([code] + [""] * 13 + budget + ["", ""])
    for code, parent, title, pillar, kind, origin, lead, coord, start, due, status, progress in SAMPLE_SUBTASKS:
        rows.append([code, parent, title, "", pillar, kind, origin, "", lead, coord, date(start), date(due), status,
                     progress, "", None, None, None, ""])
    return rows


def build_sample() -> bytes:
    """The filled example: Bắc Kạn's nine new 2024 tasks."""
    return _bytes(_workbook("Kế hoạch", sample_rows()))


def build_template() -> bytes:
    """The empty template to fill in: the header row and the guide sheet, no tasks."""
    return _bytes(_workbook("Kế hoạch", []))


def write_sample(path: Path = SAMPLE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build_sample())
    return path
