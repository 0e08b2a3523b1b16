"""The kinds of document tinhso drafts, and how each is laid out from the content the domain apps give
(``tinhso.core.reporting``): the periodic DX report, the yearly DX plan, the DTI results (as a report or as
a decision with the ranking appendix), a news item draft for the portal, and a security-level dossier's
submission and approval decision."""

from __future__ import annotations

from dataclasses import dataclass

_ROMAN = [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while number >= value:
            out += letters
            number -= value
    return out


@dataclass(frozen=True)
class Kind:
    key: str
    label_vi: str
    label_en: str
    type_code: str
    type_name: str
    issuable: bool = True


KINDS: dict[str, Kind] = {k.key: k for k in (
    Kind("report", "Báo cáo định kỳ chuyển đổi số (tháng, quý, 6 tháng, năm)",
         "Periodic DX report (month, quarter, half-year, year)", "BC", "Báo cáo"),
    Kind("plan", "Kế hoạch chuyển đổi số năm, kèm phụ lục nhiệm vụ", "Yearly DX plan with its task appendix",
         "KH", "Kế hoạch"),
    Kind("dti_results", "Báo cáo kết quả đánh giá DTI, kèm phụ lục xếp hạng", "DTI results report with the ranking "
         "appendix", "BC", "Báo cáo"),
    Kind("dti_decision", "Quyết định công bố kết quả DTI, kèm phụ lục xếp hạng", "Decision publishing the DTI "
         "results with the ranking appendix", "QĐ", "Quyết định"),
    Kind("security_proposal", "Tờ trình đề nghị thẩm định, phê duyệt hồ sơ đề xuất cấp độ (kèm thuyết minh)",
         "Submission of a security-level dossier for appraisal and approval", "TTr", "Tờ trình"),
    Kind("security_decision", "Quyết định phê duyệt hồ sơ đề xuất cấp độ (dự thảo)",
         "Draft decision approving a security-level dossier", "QĐ", "Quyết định"),
    Kind("news", "Tin bài cho cổng thông tin (bản nháp)", "News item draft for the portal", "", "", issuable=False),
)}
