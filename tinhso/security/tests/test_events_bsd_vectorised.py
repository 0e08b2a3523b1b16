"""The column-wise BSD syslog parser (Arrow kernels, fixed byte positions) reads every line exactly as the
line-by-line reference parser (parsers.parse_syslog) does: same fields, same time, the same lines refused;
a file read in blocks keeps its line numbers across block ends."""

import datetime as dt
import re

import pytest

from tinhso.security.events import generator, parsers, store

YEAR = 2024
EDGE_LINES = [
    "<38>May  2 10:00:01 db01 sshd[99]: Accepted password for ops from 10.0.0.5 port 51000 ssh2",
    "<37>May 12 23:59:59 MOTCUA.babe.backan.gov.vn sshd[7]: Failed password for invalid user admin from 203.0.113.5",
    "<86>Dec 31 00:00:00 web sshd: Invalid user  from 198.51.100.3 port 22",
    "<4>Feb 29 12:00:60 leap kernel: leap day and a leap second",
    "<191>Jan 1 01:02:03 h prog:no space after the colon",
    "<0>Jan  1 01:02:03 h prog:  two spaces kept as one",
    "Mar  3 03:03:03 nopri nginx[1]: 10.1.2.3 - alice [03/Mar/2024:03:03:03 +0700] \"POST /login?x=1 HTTP/1.1\" 401 9",
    "<30>Apr  4 04:04:04 fe80::1 nginx: 10.1.2.3 - - [04/Apr/2024:04:04:04 +0700] \"GET / HTTP/1.1\" 200 9",
    "<30>Apr  4 04:04:04 h nginx: 10.1.2.3 - - [x] \"BREW\" 418",
    "<30>Apr  4 04:04:04 h app: Failed to start; Accepted nothing",
    # refused by both
    "<192>May  2 10:00:01 db01 sshd[99]: priority above 191",
    "<38>Feb 30 10:00:01 db01 sshd: no such day",
    "<38>Feb 29 24:00:00 db01 sshd: no such hour",
    "<38>May  2 10:60:00 db01 sshd: no such minute",
    "<38>Foo  2 10:00:00 db01 sshd: no such month",
    "<38>May  0 10:00:00 db01 sshd: day zero",
    "<38>May  2 10:00:00 db01 sshd no colon",
    "<1234>May  2 10:00:00 db01 sshd: long priority",
    "this is not a log line",
    "<38>May  2 10:00:00 db01 [sshd]: program with a bracket",
]


def _reference(lines: list[str]) -> list[dict | None]:
    clock = parsers._Clock(YEAR)
    return [parsers.parse_syslog(line, clock) for line in lines]


def _vectorised(lines: list[str]) -> list[dict | None]:
    table, result = store.parse_lines(lines, "syslog", YEAR)
    rows = iter(table.to_pylist())
    refused = {sample["line"] for sample in result.samples}
    assert result.malformed == len(refused)  # fewer than MAX_SAMPLES here: every refused line is sampled
    out = []
    for number in range(1, len(lines) + 1):
        if number in refused:
            out.append(None)
            continue
        row = next(rows)
        row["ts"] = int((row["ts"] - dt.datetime(1970, 1, 1, tzinfo=dt.UTC)) / dt.timedelta(microseconds=1))
        out.append(row)
    return out


HOSTS = ["web01.tinh.gov.vn", "db01", "mail.tinh.gov.vn"]


@pytest.mark.parametrize("lines", [
    EDGE_LINES, generator.syslog_lines(HOSTS, dt.date(2024, 5, 2), 3_000, seed=3),
    [line for line in generator.generate(HOSTS, dt.date(2024, 5, 2), 3_000, seed=4).lines
     if not line.startswith("{") and not re.match(store.RFC5424_START, line)],  # its BSD lines, attacks included
], ids=["edge-cases", "syslog", "with-attacks"])
def test_the_column_wise_parser_agrees_with_the_line_parser(lines):
    expected, got = _reference(lines), _vectorised(lines)
    assert [row is None for row in got] == [row is None for row in expected]
    for line, want, have in zip(lines, expected, got, strict=True):
        if want is not None:
            assert have == want, line


def test_the_edge_cases_cover_both_outcomes():
    refused = [line for line, row in zip(EDGE_LINES, _reference(EDGE_LINES), strict=True) if row is None]
    assert len(refused) == 10  # so the agreement above is tested on refusals as well as on readings


def test_a_file_read_in_small_blocks_keeps_its_line_numbers(db, event_store, tmp_path):
    path = tmp_path / "mixed.log"
    lines = [EDGE_LINES[0], "", "garbage one", EDGE_LINES[6], "garbage two", EDGE_LINES[1]]
    path.write_text("\r\n".join(lines), encoding="utf-8")  # CRLF, and no line end after the last line
    result = store.ingest_file(path, "syslog", YEAR, block_bytes=64)
    assert (result.lines, result.stored, result.malformed) == (5, 3, 2)
    assert sorted(s["line"] for s in result.samples) == [3, 5]
    assert [s["text"] for s in sorted(result.samples, key=lambda s: s["line"])] == ["garbage one", "garbage two"]


def test_blank_lines_of_any_spaces_are_skipped_and_line_ends_trimmed_only_where_present():
    """Blank means only whitespace, Unicode spaces included; a line end left on some lines (lines read from a
    file object, CRLF) is trimmed, and lines without one are read as they are."""
    lines = [EDGE_LINES[0] + "\n", "\u00a0\u3000 \t", "", EDGE_LINES[1] + "\r\n", "garbage\n", EDGE_LINES[4]]
    table, result = store.parse_lines(lines, "syslog", YEAR)
    assert (result.lines, result.malformed) == (4, 1)
    assert [s["line"] for s in result.samples] == [5] and result.samples[0]["text"] == "garbage"
    assert table.column("message").to_pylist()[-1] == "no space after the colon"
    plain, _ = store.parse_lines([EDGE_LINES[0], EDGE_LINES[1]], "syslog", YEAR)
    assert plain.column("host").to_pylist() == ["db01", "motcua.babe.backan.gov.vn"]
