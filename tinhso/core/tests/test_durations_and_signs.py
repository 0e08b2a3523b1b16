"""Durations read as a Vietnamese reader says them, and changes carry their sign."""

from decimal import Decimal

from django.template import Context, Template

from tinhso.core.formatting import vn_duration, vn_hm, vn_number, vn_signed


def test_durations_in_hours_and_minutes_not_seconds():
    assert vn_duration(9660) == "2 giờ 41 phút"
    assert vn_duration(26_000) == "7 giờ 13 phút"  # 7 h 13 min 20 s
    assert vn_duration(900) == "15 phút"
    assert vn_duration(30) == "30 giây"
    assert vn_duration(270) == "4 phút 30 giây"  # short gaps keep their seconds
    assert vn_duration(7200) == "2 giờ"
    assert vn_duration(3599.6) == "1 giờ"  # rounded once, half-up
    assert vn_duration(360_000) == "100 giờ"
    assert vn_duration(None) == "—"


def test_durations_as_h_mm():
    assert vn_hm(26_028) == "7:14"  # 433,8 minutes
    assert vn_hm(300) == "0:05"
    assert vn_hm(29) == "0:00" and vn_hm(30) == "0:01"  # half-up
    assert vn_hm(93_600) == "26:00"
    assert vn_hm(3_600_000) == "1.000:00"
    assert vn_hm(None) == "—"


def test_changes_carry_their_sign_with_a_vietnamese_minus():
    assert vn_signed(Decimal("4.065"), 2) == "+4,07"  # half-up, not half-even
    assert vn_signed(-1.5, 2) == "\u22121,5"
    assert vn_signed(-1.5, 2, fixed=True) == "\u22121,50"
    assert vn_signed(0, 2) == "0" and vn_signed(-0.001, 2) == "0"
    assert vn_signed(None) == "—"


def test_fixed_decimals_keep_trailing_zeros():
    assert vn_number(77.8, 2, fixed=True) == "77,80"
    assert vn_number(77.8, 2) == "77,8"
    assert vn_number(1562, 2, fixed=True) == "1.562,00"


def test_template_filters():
    text = Template("{{ a|vnduration }} | {{ a|vnhm }} | {{ b|vnsigned:2 }} | {{ c|vnfixed:2 }}").render(
        Context({"a": 26_028, "b": Decimal("-0.42"), "c": 77.8}))
    assert text == "7 giờ 14 phút | 7:14 | \u22120,42 | 77,80"
