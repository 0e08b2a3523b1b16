"""The document model: what an administrative document says, independent of its file format.

A `Document` is rendered to DOCX (render_docx) and the PDF is drawn from that DOCX (render_pdf), so both
files always carry the same text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: "I. KẾT QUẢ …" (bold caps), 2: "1. …" (bold), 3: "a) …" (bold italic)


@dataclass
class Paragraph:
    text: str
    bold: bool = False
    italic: bool = False
    indent: bool = True  # first-line indent of the body
    align: str = "J"  # "J" (the body), "C" ("Kính gửi:", "QUYẾT ĐỊNH:"), "L", "R"


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None  # relative widths
    align: list[str] | None = None  # "L", "C", "R" per column
    caption: str = ""
    total: bool = False  # the last row is a total, printed bold


@dataclass
class Appendix:
    """"Phụ lục I" on a new page: its title, the line saying which document it belongs to, and its content."""

    title: str
    blocks: list = field(default_factory=list)


Block = Heading | Paragraph | Table


@dataclass
class Signer:
    authority: str = ""  # "", "TM.", "KT.", "Q.", "TL.", "TUQ."
    collective_or_head: str = ""  # after the authority: "ỦY BAN NHÂN DÂN" (TM.) or "GIÁM ĐỐC" (KT.)
    title: str = ""  # the signer's own title: "CHỦ TỊCH", "PHÓ GIÁM ĐỐC"
    name: str = ""

    @property
    def lines(self) -> list[str]:
        """The authority block as printed: "KT. GIÁM ĐỐC" / "PHÓ GIÁM ĐỐC", or "GIÁM ĐỐC" alone."""
        lines = [f"{self.authority} {self.collective_or_head}".strip()] if self.authority else []
        lines += (self.title or ("" if self.authority else self.collective_or_head)).split("\n")
        return [line for line in lines if line]


@dataclass
class Document:
    kind: str  # documents.kinds key
    type_code: str  # "BC", "KH", "QĐ", "" for a công văn
    type_name: str  # "BÁO CÁO"; empty for a công văn
    summary: str  # trích yếu
    parent_agency: str  # "UBND TỈNH THÁI NGUYÊN" (may be empty for a People's Committee itself)
    agency: str  # "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
    agency_abbr: str  # "SKHCN" in the symbol
    agency_full: str  # the agency's name as written in running text: "Sở Khoa học và Công nghệ Thái Nguyên"
    place: str
    date: dt.date
    number: int | None = None
    body: list = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    signer: Signer = field(default_factory=Signer)
    appendices: list[Appendix] = field(default_factory=list)
    unit_id: int | None = None
    facts: dict = field(default_factory=dict)  # figures used, by key, for tests and the API
    plain: bool = False  # a news item: text only, without the administrative blocks

    @property
    def symbol(self) -> str:
        return f"{self.type_code}-{self.agency_abbr}" if self.type_code else self.agency_abbr

    def file_stem(self) -> str:
        from tinhso.core.text import fold

        number = f"{self.number}-" if self.number else "du-thao-"
        return f"{number}{fold(self.symbol).replace(' ', '')}-{self.date:%Y%m%d}".lower()
