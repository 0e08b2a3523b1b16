"""The format checker: where a DOCX departs from Decree 30/2020/NĐ-CP, Appendix I — page size and margins,
font and sizes of each block, the number-symbol, the place-date line, the signer block, the recipients and the
page numbering — each finding with its place in the document ("đoạn 12", "bảng 1, hàng 2, cột 1, đoạn 3",
"đầu trang") and the text it is about. Any DOCX, whether or not tinhso made it."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from docx import Document as open_docx

from tinhso.core.errors import FieldError, ValidationFailed
from tinhso.documents import docxread
from tinhso.documents.docxread import Para, Reader, Tab
from tinhso.documents.layout import BlockStyle, number_problems, place_date_problems, rules

MAX_FONT_FINDINGS = 20
AUTHORITY = re.compile(r"^(TM|KT|Q|TL|TUQ)\.\s*\S")
MALFORMED_AUTHORITY = re.compile(r"^(T/M|K/T|T\.M|K\.T|TM|KT|TL|TUQ)\s+[A-ZĐÂÊÔƠƯ]")
HEAD_TITLES = re.compile(r"^(PHÓ\s+)?(CHỦ TỊCH|GIÁM ĐỐC|CHÁNH VĂN PHÒNG|CHÁNH THANH TRA|TRƯỞNG BAN|BỘ TRƯỞNG|"
                         r"THỦ TRƯỞNG|HIỆU TRƯỞNG|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VỤ TRƯỞNG)\b")
PLACE_DATE_HINT = re.compile(r",\s*ngày\s.*tháng\s.*năm\s")
TYPE_NAMES = {"BÁO CÁO", "KẾ HOẠCH", "QUYẾT ĐỊNH", "THÔNG BÁO", "TỜ TRÌNH", "CHƯƠNG TRÌNH", "HƯỚNG DẪN",
              "NGHỊ QUYẾT", "CHỈ THỊ", "QUY CHẾ", "QUY ĐỊNH", "ĐỀ ÁN", "PHƯƠNG ÁN", "BIÊN BẢN", "GIẤY MỜI",
              "CÔNG ĐIỆN", "THÔNG CÁO", "DỰ ÁN", "GIẤY GIỚI THIỆU", "GIẤY ỦY QUYỀN", "BẢN GHI NHỚ"}


@dataclass
class Finding:
    code: str
    where: str
    vi: str
    en: str
    text: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "where": self.where, "message": {"vi": self.vi, "en": self.en},
                "text": self.text}


def _norm(text: str) -> str:
    return " ".join(text.replace("HOÀ", "HÒA").replace("Hoà", "Hòa").split())


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "…"


class _Checker:
    def __init__(self, docx):
        self.docx = docx
        self.reader = Reader(docx)
        self.findings: list[Finding] = []
        self.font_findings = 0

    def add(self, code: str, where: str, vi: str, en: str, text: str = "") -> None:
        self.findings.append(Finding(code, where, vi, en, _snippet(text)))

    # ---------------------------------------------------------------- page
    def page(self) -> None:
        r = rules()
        page = self.reader.page()
        width, height = sorted((page.width_mm, page.height_mm))
        if abs(width - r.page_mm[0]) > 1.5 or abs(height - r.page_mm[1]) > 1.5:
            self.add("page_size", "trang / page",
                     f"khổ giấy {page.width_mm:.0f} × {page.height_mm:.0f} mm, phải là A4 (210 × 297 mm)",
                     f"paper {page.width_mm:.0f} × {page.height_mm:.0f} mm, must be A4 (210 × 297 mm)")
        names = {"top": ("lề trên", "top margin"), "bottom": ("lề dưới", "bottom margin"),
                 "left": ("lề trái", "left margin"), "right": ("lề phải", "right margin")}
        for side, allowed in r.margins.items():
            value = page.margins_mm[side]
            if not allowed.accepts(round(value, 1)):
                vi, en = names[side]
                self.add(f"margin_{side}", "trang / page",
                         f"{vi} {value:.1f} mm, phải từ {allowed.text} mm".replace(".", ","),
                         f"{en} {value:.1f} mm, must be {allowed.text} mm")

    # ---------------------------------------------------------------- page numbers
    def page_numbers(self) -> None:
        section = self.docx.sections[0]
        size = rules().page_number
        header = section.header.paragraphs if not section.header.is_linked_to_previous else []
        numbered = [p for p in header if docxread.paragraph_has_page_field(p)]
        footer = section.footer.paragraphs if not section.footer.is_linked_to_previous else []
        if not numbered:
            if any(docxread.paragraph_has_page_field(p) for p in footer):
                self.add("page_number_position", "chân trang / footer",
                         "số trang đặt ở chân trang; phải canh giữa trong lề trên",
                         "page numbers are in the footer; they belong centred in the top margin")
            else:
                self.add("page_number_missing", "đầu trang / header", "văn bản không đánh số trang (trường PAGE ở "
                         "đầu trang)", "the document has no page numbers (a PAGE field in the header)")
            return
        para = self.reader.paragraph(numbered[0], "đầu trang / header")
        if para.align != "C":
            self.add("page_number_align", para.where, "số trang phải canh giữa", "page numbers must be centred")
        if not size.accepts(para.size):
            self.add("page_number_size", para.where, f"số trang cỡ {para.size:g}, phải {size.text}",
                     f"page numbers in {para.size:g} pt, must be {size.text} pt")
        first = section.first_page_header.paragraphs if section.different_first_page_header_footer else None
        if first is None or any(docxread.paragraph_has_page_field(p) for p in first):
            self.add("page_number_first", "trang 1 / page 1", "trang thứ nhất không được hiển thị số trang",
                     "the first page must not show its number")

    # ---------------------------------------------------------------- fonts
    def fonts(self, para: Para) -> None:
        wanted = rules().font.lower()
        for run in para.visible_runs:
            name = (run.font or "").lower()
            if name != wanted:
                self.font_findings += 1
                if self.font_findings <= MAX_FONT_FINDINGS:
                    shown = run.font or "theo chủ đề / theme font"
                    self.add("font", para.where, f"phông chữ “{shown}”, phải là Times New Roman",
                             f"font “{shown}”, must be Times New Roman", run.text)
                return

    def style(self, para: Para, style: BlockStyle, label_vi: str, label_en: str) -> None:
        runs = para.visible_runs
        if not runs:
            return
        sizes = {r.size for r in runs}
        bad = [s for s in sizes if not style.size.accepts(s)]
        if bad:
            self.add(f"size_{style.key}", para.where,
                     f"{label_vi}: cỡ chữ {', '.join(f'{s:g}' for s in sorted(bad))}, phải {style.size.text}",
                     f"{label_en}: size {', '.join(f'{s:g}' for s in sorted(bad))} pt, must be {style.size.text} pt",
                     para.text)
        if style.bold is not None and any(r.bold != style.bold for r in runs):
            self.add(f"bold_{style.key}", para.where,
                     f"{label_vi}: {'phải in đậm' if style.bold else 'không in đậm'}",
                     f"{label_en}: {'must be bold' if style.bold else 'must not be bold'}", para.text)
        if style.italic is not None and any(r.italic != style.italic for r in runs):
            self.add(f"italic_{style.key}", para.where,
                     f"{label_vi}: {'phải in nghiêng' if style.italic else 'phải là chữ đứng'}",
                     f"{label_en}: {'must be italic' if style.italic else 'must be upright'}", para.text)
        if style.upper and para.text != para.text.upper():
            self.add(f"case_{style.key}", para.where, f"{label_vi}: phải viết chữ in hoa",
                     f"{label_en}: must be in capitals", para.text)

    # ---------------------------------------------------------------- blocks
    def blocks(self) -> None:
        r = rules()
        items = self.reader.body()
        flat: list[Para] = []
        for item in items:
            if isinstance(item, Tab):
                flat += [p for row in item.rows for cell in row for p in cell.paragraphs]
            else:
                flat.append(item)
        for para in flat:
            self.fonts(para)
        texts = [(p, _norm(p.text.strip())) for p in flat]
        head = texts[:25]

        national = next((p for p, t in head if t.upper() == _norm(r.block("national_name").text)), None)
        if national is None:
            self.add("national_name_missing", "đầu văn bản / top", "thiếu Quốc hiệu “CỘNG HÒA XÃ HỘI CHỦ NGHĨA "
                     "VIỆT NAM”", "the national name “CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM” is missing")
        else:
            self.style(national, r.block("national_name"), "Quốc hiệu", "National name")
        motto_text = _norm(r.block("motto").text)
        motto = next((p for p, t in head if t == motto_text), None)
        if motto is None:
            near = next((p for p, t in head if "độc lập" in t.lower() and "hạnh phúc" in t.lower()), None)
            if near is not None:
                self.add("motto_form", near.where, "Tiêu ngữ phải viết “Độc lập - Tự do - Hạnh phúc”",
                         "the motto must read “Độc lập - Tự do - Hạnh phúc”", near.text)
                motto = near
            else:
                self.add("motto_missing", "đầu văn bản / top", "thiếu Tiêu ngữ “Độc lập - Tự do - Hạnh phúc”",
                         "the motto “Độc lập - Tự do - Hạnh phúc” is missing")
        if motto is not None:
            self.style(motto, r.block("motto"), "Tiêu ngữ", "Motto")

        number = next((p for p, t in head if re.match(r"^Số\s*:", t)), None)
        if number is None:
            self.add("number_missing", "đầu văn bản / top", "thiếu số, ký hiệu văn bản (“Số: 125/BC-UBND”)",
                     "the number-symbol (“Số: 125/BC-UBND”) is missing")
        else:
            for vi, en in number_problems(number.text):
                self.add("number_form", number.where, vi, en, number.text)
            self.style(number, r.block("number"), "Số, ký hiệu", "Number-symbol")

        place = next((p for p, t in head if PLACE_DATE_HINT.search(t)), None)
        if place is None:
            self.add("place_date_missing", "đầu văn bản / top", "thiếu địa danh và ngày, tháng, năm ban hành",
                     "the place and date line is missing")
        else:
            for vi, en in place_date_problems(place.text):
                self.add("place_date_form", place.where, vi, en, place.text)
            self.style(place, r.block("place_date"), "Địa danh, ngày tháng", "Place-date line")

        type_para = next((p for p, t in head if t.upper() in TYPE_NAMES and t == t.upper()), None)
        if type_para is not None:
            self.style(type_para, r.block("type_name"), "Tên loại văn bản", "Document type")

        recipients_at = next((i for i, (p, t) in enumerate(texts) if t.rstrip(":").lower() == "nơi nhận"), None)
        if recipients_at is None:
            self.add("recipients_missing", "cuối văn bản / end", "thiếu “Nơi nhận:”", "“Nơi nhận:” is missing")
        else:
            label = texts[recipients_at][0]
            if not label.text.strip().endswith(":"):
                self.add("recipients_form", label.where, "phải viết “Nơi nhận:” (có dấu hai chấm)",
                         "must read “Nơi nhận:” (with the colon)", label.text)
            self.style(label, r.block("recipients_label"), "“Nơi nhận:”", "“Nơi nhận:”")
            listed = []
            for para, text in texts[recipients_at + 1:]:
                if not text.startswith(("-", "–", "+")):
                    break
                listed.append(para)
                self.style(para, r.block("recipients"), "Danh sách nơi nhận", "Recipient list")
            if listed and not _norm(listed[-1].text).lstrip("-– ").startswith("Lưu"):
                self.add("recipients_archive", listed[-1].where, "dòng cuối của nơi nhận phải là “- Lưu: VT, …”",
                         "the last recipient line must be “- Lưu: VT, …”", listed[-1].text)

        body_end = recipients_at if recipients_at is not None else len(texts)
        authority = [(p, t) for p, t in texts[max(0, body_end - 12):] if AUTHORITY.match(t) or HEAD_TITLES.match(t)]
        malformed = [(p, t) for p, t in texts if MALFORMED_AUTHORITY.match(t) and not AUTHORITY.match(t)]
        for para, text in malformed:
            self.add("signer_authority_form", para.where, "quyền hạn người ký viết tắt sai; dùng “TM.”, “KT.”, "
                     "“Q.”, “TL.”, “TUQ.”", "malformed signing authority; use “TM.”, “KT.”, “Q.”, “TL.”, “TUQ.”",
                     text)
        if not authority and not malformed:
            self.add("signer_missing", "cuối văn bản / end", "thiếu quyền hạn, chức vụ người ký",
                     "the signer's authority and title are missing")
        for para, _ in authority:
            self.style(para, r.block("signer_authority"), "Quyền hạn, chức vụ người ký", "Signer's authority")

        start = next((i for i, (p, _) in enumerate(texts) if p is place), 0) + 1
        body_size = r.block("body").size
        reported = 0
        for para, text in texts[start:body_end]:
            if para.where.startswith("bảng") or len(text) < 60 or para.top_rule:
                continue
            bad = sorted({run.size for run in para.visible_runs if not body_size.accepts(run.size)})
            if bad and reported < MAX_FONT_FINDINGS:
                reported += 1
                self.add("size_body", para.where,
                         f"nội dung: cỡ chữ {', '.join(f'{s:g}' for s in bad)}, phải {body_size.text}",
                         f"body text: size {', '.join(f'{s:g}' for s in bad)} pt, must be {body_size.text} pt", text)
            if para.align not in ("J",) and para.align != "C" and reported < MAX_FONT_FINDINGS:
                reported += 1
                self.add("body_align", para.where, "nội dung phải canh đều hai lề", "body text must be justified",
                         text)

    def run(self) -> list[Finding]:
        self.page()
        self.page_numbers()
        self.blocks()
        if self.font_findings > MAX_FONT_FINDINGS:
            extra = self.font_findings - MAX_FONT_FINDINGS
            self.add("font", "toàn văn bản / whole document", f"và {extra} đoạn khác không dùng Times New Roman",
                     f"and {extra} more paragraphs not in Times New Roman")
        return self.findings


def check(content: bytes, field_name: str = "file") -> list[Finding]:
    """Every departure of the DOCX `content` from Decree 30's layout; [] when it follows it."""
    if not zipfile.is_zipfile(io.BytesIO(content)):
        raise ValidationFailed(FieldError(field_name, "tệp không phải DOCX", "the file is not a DOCX"))
    try:
        docx = open_docx(io.BytesIO(content))
    except Exception as exc:  # noqa: BLE001 - any parse failure of an uploaded file is the file's fault
        raise ValidationFailed(FieldError(field_name, f"không đọc được tệp DOCX ({exc.__class__.__name__})",
                                          f"cannot read the DOCX file ({exc.__class__.__name__})")) from exc
    return _Checker(docx).run()
