import datetime as dt

import pytest

from tinhso.sharing import imports, services

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 10, 1)
HEADER = ("Mã giao dịch,Thời gian yêu cầu,Mã định danh đơn vị khai thác,Hệ thống khai thác,Mã dịch vụ,"
          "Mã trạng thái HTTP\n")


def export(ids: list[int], minute: int = 0) -> bytes:
    return (HEADER + "".join(f"m-{i},01/10/2025 09:{(i + minute) % 60:02d}:00,000.00.13.H56,HIS,ho-tich,200\n"
                             for i in ids)).encode()


def test_a_planted_gap_is_flagged_with_the_calls_behind_it(dx_office, consumer_focal, service):
    imports.import_file(dx_office, export(list(range(20))), "client.csv", "lgsp-csv", side="client")
    imports.import_file(dx_office, export([i for i in range(20) if i not in (7, 13)]), "provider.csv", "lgsp-csv",
                        side="provider")
    rows = services.reconcile(dx_office, DAY, DAY)
    assert rows == [{"service_code": "ho-tich", "day": DAY, "client_calls": 20, "provider_calls": 18, "gap": 2,
                     "only_client": 2, "only_provider": 0, "flagged": True}]
    behind = services.gap_calls(dx_office, "ho-tich", DAY)
    assert [(c["message_id"], c["recorded_by"]) for c in behind] == [("m-7", "client"), ("m-13", "client")]
    # the consumer sees its own reconciliation too
    assert services.reconcile(consumer_focal, DAY, DAY)[0]["flagged"]


def test_matching_sides_are_not_flagged(dx_office, service):
    imports.import_file(dx_office, export(list(range(5))), "c.csv", "lgsp-csv", side="client")
    imports.import_file(dx_office, export(list(range(5))) + b"\n", "p.csv", "lgsp-csv", side="provider")
    assert [r["flagged"] for r in services.reconcile(dx_office, DAY, DAY)] == [False]
