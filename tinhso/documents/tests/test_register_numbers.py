import datetime as dt
import threading

import pytest
from django.db import OperationalError, close_old_connections, connection, transaction

from tinhso.documents import register
from tinhso.documents.models import Immutable, IssuedDocument, NumberCounter


def _issue(unit, year: int) -> IssuedDocument:
    with transaction.atomic():
        number = register.allocate(unit, year)
        return register.record(unit=unit, year=year, number=number, symbol="BC-STTTT", kind="report",
                               type_name="Báo cáo", summary="Thử", date=dt.date(year, 3, 1), docx=b"d", pdf=b"p")


@pytest.mark.django_db
def test_numbers_run_in_order_per_unit_and_year(department, make_unit, province):
    other = make_unit("Văn phòng UBND tỉnh Bắc Kạn", "department", province, short_name="VP UBND",
                      valid_to=dt.date(2025, 6, 30))
    assert [_issue(department, 2024).number for _ in range(3)] == [1, 2, 3]
    assert _issue(other, 2024).number == 1
    assert _issue(department, 2025).number == 1
    assert register.next_number(department, 2024) == 4


@pytest.mark.django_db
def test_a_failed_issue_gives_its_number_back(department):
    _issue(department, 2024)
    with pytest.raises(RuntimeError), transaction.atomic():
        register.allocate(department, 2024)
        raise RuntimeError("rendering failed")
    assert _issue(department, 2024).number == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a plain flush breaks later serialized tests
def test_allocation_outside_a_transaction_is_refused(department):
    with pytest.raises(RuntimeError):
        register.allocate(department, 2024)


@pytest.mark.django_db
def test_issued_documents_cannot_be_changed_or_deleted(department):
    issued = _issue(department, 2024)
    issued.summary = "Sửa"
    with pytest.raises(Immutable):
        issued.save()
    with pytest.raises(Immutable):
        issued.delete()
    assert IssuedDocument.objects.get(pk=issued.pk).summary == "Thử"


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # a plain flush breaks later serialized tests
def test_concurrent_issuers_get_distinct_consecutive_numbers(department):
    """Eight threads issue five documents each at once: 40 numbers, 1–40, none twice. PostgreSQL locks the
    counter row (SELECT … FOR UPDATE); SQLite queues writers at BEGIN IMMEDIATE (its shared-cache test
    database may answer "locked" at once instead of waiting: the thread then tries again)."""
    numbers: list[int] = []
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def work():
        try:
            start.wait()
            for _ in range(5):
                for _attempt in range(200):
                    try:
                        numbers.append(_issue(department, 2026).number)
                        break
                    except OperationalError as exc:
                        if "locked" not in str(exc):
                            raise
                        threading.Event().wait(0.01)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, 41))
    assert NumberCounter.objects.get(unit=department, year=2026).last_number == 40
    assert sorted(IssuedDocument.objects.filter(unit=department, year=2026).values_list("number", flat=True)) == \
        list(range(1, 41))
