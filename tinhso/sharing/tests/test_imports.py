import io
import json

import openpyxl
import pytest

from tinhso.core.errors import Forbidden
from tinhso.sharing import imports, ledger

pytestmark = pytest.mark.django_db

LGSP_HEADER = ("Mã giao dịch,Thời gian yêu cầu,Mã định danh đơn vị khai thác,Hệ thống khai thác,Mã dịch vụ,"
               "Phương thức,Đường dẫn,Mã trạng thái HTTP,Kết quả,Thời gian xử lý (ms),Dung lượng phản hồi (byte)\n")


def lgsp(rows: list[str]) -> bytes:
    return (LGSP_HEADER + "\n".join(rows) + "\n").encode()


def count(side: str) -> int:
    return ledger.query("SELECT count(*) FROM {ledger} WHERE side = ?", [side])[0][0]


GOOD = [f"tx-{i},01/10/2025 08:{i:02d}:00,000.00.13.H56,HIS,ho-tich,GET,/records?id=1,200,Thành công,35,1200"
        for i in range(5)]


def test_lgsp_csv_keeps_good_rows_reports_bad_ones_and_is_idempotent(dx_office, service):
    content = lgsp([GOOD[0], "tx-x,01/10/2025,000.00.13.H56", GOOD[1], "tx-y,hôm qua,000.00.13.H56,HIS,ho-tich,GET,/a,"
                    "200,Thành công,1,1", GOOD[2]])
    report = imports.import_file(dx_office, content, "lgsp.csv", "lgsp-csv")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (5, 3, 2)
    assert [(s["line"], s["field"]) for s in report.samples] == [(3, "row"), (5, "request_at")]
    rows = ledger.query("SELECT message_id, provider_unit, provider_system, path, succeeded, side FROM {ledger} "
                        "ORDER BY message_id")
    # the provider comes from the catalogue; the query string is dropped
    assert rows[0] == ("tx-0", "000.00.12.H56", "Hệ thống hộ tịch", "/records", True, "provider")
    again = imports.import_file(dx_office, content, "lgsp.csv", "lgsp-csv")
    assert again.already_imported and count("provider") == 3
    # an overlapping export adds only the rows not seen before
    overlap = imports.import_file(dx_office, lgsp(GOOD[1:5]), "lgsp-2.csv", "lgsp-csv")
    assert (overlap.rows_stored, overlap.duplicates) == (2, 2) and count("provider") == 5


def test_rows_without_message_id_are_deduplicated_by_content(dx_office, service):
    rows = [",01/10/2025 09:00:00,000.00.13.H56,HIS,ho-tich,GET,/a,200,Thành công,10,5",
            ",01/10/2025 09:00:01,000.00.13.H56,HIS,ho-tich,GET,/a,200,Thành công,10,5"]
    imports.import_file(dx_office, lgsp(rows), "a.csv", "lgsp-csv")
    report = imports.import_file(dx_office, lgsp(rows) + b"\n", "b.csv", "lgsp-csv")
    assert (report.rows_stored, report.duplicates) == (0, 2) and count("provider") == 2


def test_ndxp_xlsx_client_side_in_seconds(dx_office, service):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã yêu cầu", "Thời điểm gửi", "Đơn vị yêu cầu (mã)", "Hệ thống yêu cầu", "Dịch vụ", "Mã phản hồi",
                  "Trạng thái", "Thời gian phản hồi (giây)"])
    sheet.append(["n-1", "02/10/2025 10:00:00", "000.00.13.H56", "HIS", "ho-tich", 200, "Thành công", 0.25])
    sheet.append(["n-2", "02/10/2025 10:05:00", "000.00.13.H56", "HIS", "ho-tich", "abc", "Lỗi", 0.5])
    sheet.append(["n-3", "02/10/2025 10:06:00", "000.00.13.H56", "HIS", "ho-tich", 504, "Lỗi", 30])
    buffer = io.BytesIO()
    book.save(buffer)
    report = imports.import_file(dx_office, buffer.getvalue(), "ndxp.xlsx", "ndxp-xlsx")
    assert (report.rows_stored, report.rows_rejected) == (2, 1) and report.samples[0]["line"] == 3
    rows = ledger.query("SELECT message_id, duration_ms, succeeded, side FROM {ledger} ORDER BY message_id")
    assert rows == [("n-1", 250.0, True, "client"), ("n-3", 30_000.0, False, "client")]
    assert imports.import_file(dx_office, buffer.getvalue(), "ndxp.xlsx", "ndxp-xlsx").already_imported


def _kong(i: int, **extra) -> str:
    entry = {"started_at": 1759309200000 + i * 1000, "consumer": {"username": "000.00.13.H56/HIS"},
             "service": {"name": "ho-tich"}, "request": {"method": "GET", "uri": f"/ho-tich/{i}?cccd=1", "size": 80,
                                                         "headers": {"x-message-id": f"k-{i}"}},
             "response": {"status": 200, "size": 900}, "latencies": {"request": 12}}
    entry.update(extra)
    return json.dumps(entry)


def test_kong_and_apisix_json_logs(dx_office, service):
    content = "\n".join([_kong(0), "{not json", _kong(1), _kong(2)]).encode()
    report = imports.import_file(dx_office, content, "kong.log", "kong-json")
    assert (report.rows_stored, report.rows_rejected) == (3, 1) and report.samples[0]["line"] == 2
    row = ledger.query("SELECT client_unit, client_system, path, request_at FROM {ledger} WHERE message_id = 'k-0'")
    assert row[0][:3] == ("000.00.13.H56", "HIS", "/ho-tich/0")
    assert row[0][3].isoformat().startswith("2025-10-01T16:00:00")  # 09:00 UTC shown in Vietnam time
    assert imports.import_file(dx_office, content, "kong.log", "kong-json").already_imported
    apisix = "\n".join(json.dumps({"start_time": 1759309200000 + i, "latency": 8.5, "service_id": "ho-tich",
                                   "consumer": {"username": "000.00.13.H56/HIS"},
                                   "request": {"method": "POST", "uri": "/x", "size": 10,
                                               "headers": {"x-request-id": f"a-{i}"}},
                                   "response": {"status": 201, "size": 20}}) for i in range(4)).encode()
    report = imports.import_file(dx_office, apisix, "apisix.log", "apisix-json")
    assert report.rows_stored == 4 and count("provider") == 4
    assert imports.import_file(dx_office, apisix, "apisix.log", "apisix-json").rows_stored == 0


def test_only_the_dx_office_imports(consumer_focal, service):
    with pytest.raises(Forbidden):
        imports.import_file(consumer_focal, lgsp(GOOD), "x.csv", "lgsp-csv")


def test_typing_trims_spaces_reads_decimal_commas_and_names_bad_rows_by_line(dx_office, service):
    """The typing pass trims only values that need it (ASCII spaces, and Unicode spaces such as the no-break
    space of spreadsheet exports), reads a decimal comma, and names each bad row by its file line."""
    content = lgsp([
        " tx-a ,01/10/2025 08:00:00, 000.00.13.H56 ,\u00a0HIS\u00a0,ho-tich,get,/a,200,Thành công,\"35,5\",1200",
        "tx-b,01/10/2025 08:01:00,000.00.13.H56,HIS,ho-tich,GET,/a,abc,Lỗi,1,1",
        "tx-c,01/10/2025 08:02:00,000.00.13.H56,HIS,ho-tich,GET,/a,200,Thành công,x1,1",
        "tx-d,01/10/2025 08:03:00,,HIS,ho-tich,GET,/a,200,Thành công,1,1",
        "tx-e,01/10/2025 08:04:00,000.00.13.H56,HIS, ,GET,/a,200,Thành công,1,1",
    ])
    report = imports.import_file(dx_office, content, "trim.csv", "lgsp-csv")
    assert (report.rows_total, report.rows_stored, report.rows_rejected) == (5, 1, 4)
    assert [(s["line"], s["field"]) for s in report.samples] == [
        (3, "status"), (4, "duration_ms"), (5, "client_unit"), (6, "service_code")]
    assert ledger.query("SELECT message_id, client_unit, client_system, method, duration_ms FROM {ledger}") == [
        ("tx-a", "000.00.13.H56", "HIS", "GET", 35.5)]


def test_result_words_are_judged_like_the_mapping_says_whatever_their_case_or_accents(dx_office, service):
    words = ["Thành công", "THÀNH CÔNG", "thanh cong", "Lỗi", "OK", "Thất bại", "thành  công", "", "Đã xử lý"]
    content = lgsp([f"w-{i},01/10/2025 09:{i:02d}:00,000.00.13.H56,HIS,ho-tich,GET,/a,{503 if i == 7 else 200},"
                    f"{word},1,1" for i, word in enumerate(words)])
    assert imports.import_file(dx_office, content, "words.csv", "lgsp-csv").rows_stored == len(words)
    judged = dict(ledger.query("SELECT message_id, succeeded FROM {ledger}"))
    # an empty result falls back to the status (503: failed); an unknown word is not a success
    assert [judged[f"w-{i}"] for i in range(len(words))] == [True, True, True, False, True, False, False, False,
                                                             False]


def test_the_time_format_most_rows_use_is_the_reading_of_an_ambiguous_date(dx_office, service, monkeypatch):
    """A mapping listing day/month before month/day: a file whose rows show month/day (13th and later days)
    is read month/day throughout, including its ambiguous dates; a row in another listed format still
    parses."""
    mapping = {**imports.mappings()["lgsp-csv"], "code": "us-dates",
               "time_formats": ["%d/%m/%Y %H:%M:%S", "%m/%d/%Y %H:%M:%S", "%Y-%m-%d %H:%M:%S"]}
    monkeypatch.setattr(imports, "mappings", lambda: {"us-dates": mapping})
    stamps = ["10/14/2025 08:00:00", "10/15/2025 08:00:00", "10/16/2025 08:00:00", "10/02/2025 08:00:00",
              "2025-10-20 08:00:00"]
    content = lgsp([f"d-{i},{stamp},000.00.13.H56,HIS,ho-tich,GET,/a,200,OK,1,1" for i, stamp in enumerate(stamps)])
    report = imports.import_file(dx_office, content, "us.csv", "us-dates")
    assert (report.rows_stored, report.rows_rejected) == (5, 0)
    read = dict(ledger.query("SELECT message_id, strftime(request_at, '%Y-%m-%d') FROM {ledger}"))
    assert read["d-3"] == "2025-10-02" and read["d-4"] == "2025-10-20"


def test_a_failed_write_leaves_nothing_and_the_file_can_be_imported_again(dx_office, service, monkeypatch):
    from tinhso.sharing.models import ImportBatch

    real_copy = ledger._copy

    def failing_copy(con, select_sql, params, path):
        if "count(*)" in select_sql:  # the daily counts, written after the rows file was staged
            raise OSError("disk full")
        return real_copy(con, select_sql, params, path)

    monkeypatch.setattr(ledger, "_copy", failing_copy)
    with pytest.raises(OSError):
        imports.import_file(dx_office, lgsp(GOOD), "fail.csv", "lgsp-csv")
    monkeypatch.setattr(ledger, "_copy", real_copy)
    assert count("provider") == 0 and not ImportBatch.objects.exists()
    assert not list(ledger.root().rglob("*.parquet"))
    report = imports.import_file(dx_office, lgsp(GOOD), "fail.csv", "lgsp-csv")
    assert report.rows_stored == 5 and count("provider") == 5
