"""Rows Arrow skipped while parsing a CSV (wrong number of fields) are found in the file by their text, in
about one pass whatever their number: searched near the previous one first, since Arrow reports them block
by block. Identical broken lines are told apart, and any order of report gives the same row numbers."""

import random

import pytest

from tinhso.transport import parsing


@pytest.fixture
def broken_file(tmp_path):
    lines = ["bien_so,thoi_gian,vi_do"] + [f"20B-012.34,2025-03-03T08:{i % 60:02d}:00,21.{i:06d}"
                                           for i in range(60_000)]
    planted = {12: "20B-012.34,cut", 13: "20B-012.34,cut", 30_000: "x,y,z,extra", 59_999: "20B-012.34,cut",
               45_123: "tail,only"}
    for row, text in planted.items():
        lines[row] = text
    path = tmp_path / "gps.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    return path, planted


@pytest.mark.parametrize("order", ["file", "reversed", "shuffled"])
def test_broken_rows_are_located_whatever_the_order_they_are_reported_in(broken_file, order, monkeypatch):
    path, planted = broken_file
    texts = [planted[row] for row in sorted(planted)]
    if order == "reversed":
        texts.reverse()
    elif order == "shuffled":
        random.Random(4).shuffle(texts)
    monkeypatch.setattr(parsing, "LOCATE_WINDOW", 64 << 10)  # smaller than the file: the far finds are exercised
    assert parsing._locate(path, texts) == sorted(planted.items())


def test_a_text_not_in_the_file_is_reported_at_row_zero(broken_file):
    path, planted = broken_file
    assert parsing._locate(path, ["20B-012.34,cut", "never,there"]) == [(0, "never,there"), (12, "20B-012.34,cut")]
