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
