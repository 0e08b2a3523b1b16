"""Report periods: keys, dates, Vietnamese labels, the next period, and bad keys refused by field."""

import datetime as dt

import pytest

from tinhso.core.errors import ValidationFailed
from tinhso.core.reporting import Table, format_cell, number_format, parse_period, percent_format, signed_format


@pytest.mark.parametrize(("key", "start", "end", "label", "canonical"), [
    ("2026-09", dt.date(2026, 9, 1), dt.date(2026, 9, 30), "Tháng 9 năm 2026", "2026-09"),
    ("2026-9", dt.date(2026, 9, 1), dt.date(2026, 9, 30), "Tháng 9 năm 2026", "2026-09"),
    ("2026-Q3", dt.date(2026, 7, 1), dt.date(2026, 9, 30), "Quý III năm 2026", "2026-Q3"),
    ("2026-q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý I năm 2026", "2026-Q1"),
    ("2026-H1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), "6 tháng đầu năm 2026", "2026-H1"),
    ("2026-H2", dt.date(2026, 7, 1), dt.date(2026, 12, 31), "6 tháng cuối năm 2026", "2026-H2"),
    ("2026-9M", dt.date(2026, 1, 1), dt.date(2026, 9, 30), "9 tháng đầu năm 2026", "2026-9M"),
    ("2026", dt.date(2026, 1, 1), dt.date(2026, 12, 31), "Năm 2026", "2026"),
    ("2024-02", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Tháng 2 năm 2024", "2024-02"),
])
def test_keys_dates_and_labels(key, start, end, label, canonical):
    period = parse_period(key)
    assert (period.start, period.end, period.label, period.key) == (start, end, label, canonical)
    assert period.phrase == label[0].lower() + label[1:]


def test_next_period_is_what_the_next_tasks_are_for():
    assert parse_period("2026-Q4").next().key == "2027-Q1"
    assert parse_period("2026-H1").next().label == "6 tháng cuối năm 2026"
    assert parse_period("2026-9M").next().label == "Quý IV năm 2026"
    assert parse_period("2026-12").next().key == "2027-01"
    assert parse_period("2026").next().key == "2027"


def test_nine_months_has_no_single_period_of_the_modules():
    assert parse_period("2026-9M").single_key is None
    assert parse_period("2026-H1").single_key == "2026-H1"


@pytest.mark.parametrize("key", ["2026-13", "2026-Q5", "2026-H3", "26-Q1", "2026Q1", "", "1989", "2026-8M"])
def test_bad_keys_name_the_field(key):
    with pytest.raises(ValidationFailed) as caught:
        parse_period(key, "period")
    error = caught.value.errors[0]
    assert error.field == "period" and error.vi and error.en


def test_table_cells_print_in_vietnamese_format():
    table = Table("t", ["a", "b", "c", "d"], [[1562, 97.4, 77.8, -0.42]],
                  formats=["int", percent_format(1), number_format(2), signed_format(2)],
                  total=[None, None, None, 4.07])
    assert table.text_rows() == [["1.562", "97,4%", "77,80", "\u22120,42"], ["", "", "", "+4,07"]]
    assert format_cell(dt.date(2026, 1, 5), "date") == "05/01/2026"
    assert format_cell("Sở Y tế", "int") == "Sở Y tế"
