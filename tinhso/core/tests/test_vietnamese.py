"""Vietnamese helpers: diacritic-free folding, alphabetical order, number and date formatting."""

import datetime as dt
from decimal import Decimal

from django.template import Context, Template

from tinhso.core.formatting import vn_date, vn_datetime, vn_number, vn_percent
from tinhso.core.text import fold, vi_sort_key


def test_fold_strips_every_diacritic():
    assert fold("Bắc Kạn") == "bac kan"
    assert fold("Đắk Lắk") == "dak lak"
    assert fold("  TỈNH   THÁI NGUYÊN ") == "tinh thai nguyen"
    assert fold("Phường Ô Quý Hồ") == "phuong o quy ho"
    assert fold("Ưu tiên ứng dụng") == "uu tien ung dung"
    assert fold("bac kan") == fold("BẮC KẠN")


def test_sort_follows_the_vietnamese_alphabet():
    words = ["b", "â", "đ", "a", "d", "ă", "e", "ê", "o", "ơ", "ô", "u", "ư"]
    assert sorted(words, key=vi_sort_key) == ["a", "ă", "â", "b", "d", "đ", "e", "ê", "o", "ô", "ơ", "u", "ư"]
    names = ["Xã Đồng Phúc", "Xã Dương Quang", "Xã Ân Tình", "Xã An Thắng", "Xã Bằng Vân", "Xã Ba Bể", "Xã Ba Bể A"]
    assert sorted(names, key=vi_sort_key) == [
        "Xã An Thắng", "Xã Ân Tình", "Xã Ba Bể", "Xã Ba Bể A", "Xã Bằng Vân", "Xã Dương Quang", "Xã Đồng Phúc"]


def test_tones_only_break_ties():
    assert sorted(["Ánh", "Anh"], key=vi_sort_key) == ["Anh", "Ánh"]
    assert sorted(["mạ", "mã", "ma", "mả", "má", "mà"], key=vi_sort_key) == ["ma", "mà", "má", "mả", "mã", "mạ"]
    assert sorted(["Ánh", "Anh", "Ao"], key=vi_sort_key) == ["Anh", "Ánh", "Ao"]  # the letters decide first
    assert vi_sort_key("Đà Nẵng") == vi_sort_key("đà nẵng")  # case-insensitive


def test_foreign_letters_sort_at_their_latin_place():
    assert sorted(["Yên Bái", "Zen", "Fansipan", "Gia Lai"], key=vi_sort_key) == [
        "Fansipan", "Gia Lai", "Yên Bái", "Zen"]


def test_vietnamese_numbers():
    assert vn_number(1562) == "1.562"
    assert vn_number(7363) == "7.363"
    assert vn_number(3321) == "3.321"
    assert vn_number(1234567.891, 2) == "1.234.567,89"
    assert vn_number(999) == "999"
    assert vn_number(0) == "0"
    assert vn_number(-1562) == "-1.562"
    assert vn_number(-0.25, 2) == "-0,25"
    assert vn_number(Decimal("2.50"), 2) == "2,5"  # trailing zeros dropped
    assert vn_number(None) == "—"
    assert vn_number(float("nan")) == "—" and vn_number(float("inf")) == "—"


def test_vietnamese_percentages():
    assert vn_percent(97.4) == "97,4%"
    assert vn_percent(97.45) == "97,5%"  # half up
    assert vn_percent(100) == "100%"
    assert vn_percent(-3.25, 2) == "-3,25%"
    assert vn_percent(None) == "—"


def test_vietnamese_dates():
    assert vn_date(dt.date(2025, 7, 1)) == "01/07/2025"
    assert vn_date(dt.datetime(2023, 6, 30, 23, 59)) == "30/06/2023"
    assert vn_date(None) == ""
    assert vn_datetime(dt.datetime(2025, 7, 1, 8, 5)) == "08:05 01/07/2025"


def test_template_filters():
    html = Template("{{ n|vnnum }} {{ p|vnpct }} {{ d|vndate }} {{ x|vnnum:1 }}").render(
        Context({"n": 1562, "p": 97.4, "d": dt.date(2025, 7, 1), "x": -7363.25}))
    assert html == "1.562 97,4% 01/07/2025 -7.363,3"


def test_audit_values_are_shown_the_vietnamese_way():
    html = Template("{{ a|vnvalue }}|{{ b|vnvalue }}|{{ c|vnvalue }}|{{ d|vnvalue }}").render(
        Context({"a": dt.date(2025, 6, 30), "b": None, "c": "Xã A", "d": 7}))
    assert html == "30/06/2025|∅|Xã A|7"
