import datetime as dt

from tinhso.documents.layout import number_problems, number_symbol, place_date, place_date_problems, rules


def test_place_date_pads_days_below_ten_and_months_one_and_two():
    assert place_date("Thái Nguyên", dt.date(2026, 1, 5)) == "Thái Nguyên, ngày 05 tháng 01 năm 2026"
    assert place_date("Lào Cai", dt.date(2023, 7, 5)) == "Lào Cai, ngày 05 tháng 7 năm 2023"
    assert place_date("Bắc Kạn", dt.date(2024, 2, 29)) == "Bắc Kạn, ngày 29 tháng 02 năm 2024"
    assert place_date("Bắc Kạn", dt.date(2024, 12, 20)) == "Bắc Kạn, ngày 20 tháng 12 năm 2024"


def test_place_date_problems_name_each_departure():
    assert place_date_problems("Thái Nguyên, ngày 05 tháng 01 năm 2026") == []
    problems = place_date_problems("Thái Nguyên, ngày 5 tháng 1 năm 2026")
    assert len(problems) == 2 and "“5” → “05”" in problems[0][0]
    assert "“07”" in place_date_problems("Lào Cai, ngày 15 tháng 07 năm 2023")[0][0]
    assert place_date_problems("Thái Nguyên, 05/01/2026")
    assert place_date_problems("Thái Nguyên, ngày 31 tháng 02 năm 2026")[0][1] == "the date does not exist"


def test_number_symbol_and_its_check():
    assert number_symbol(125, "BC", "UBND") == "Số: 125/BC-UBND"
    assert number_symbol(None, "KH", "SKHCN") == "Số:      /KH-SKHCN"
    assert number_symbol(7, "", "UBND") == "Số: 7/UBND"  # a công văn has no type abbreviation
    assert number_problems("Số: 125/BC-UBND") == []
    assert number_problems("So 125 BC UBND")
    assert number_problems("Số: 125/bc-UBND")


def test_rules_are_the_decree_figures_and_say_what_is_unconfirmed():
    r = rules()
    assert r.font == "Times New Roman" and r.page_mm == (210, 297)
    assert (r.margins["top"].min, r.margins["top"].max) == (20, 25)
    assert (r.margins["left"].min, r.margins["left"].max) == (30, 35)
    assert (r.margins["right"].min, r.margins["right"].max) == (15, 20)
    assert r.block("national_name").size.text == "12–13" and r.block("national_name").bold
    assert r.block("place_date").italic and r.page_number.text == "13–14"
    assert set(r.authorities.values()) == {"TM.", "KT.", "Q.", "TL.", "TUQ."}
    assert r.document_types["BC"] == "Báo cáo" and r.document_types["KH"] == "Kế hoạch"
    assert any(line.startswith("QĐ:") for line in r.unconfirmed)
    assert any(line.startswith("recipients:") for line in r.unconfirmed)
