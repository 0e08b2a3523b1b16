"""Benchmark: rank 63 provinces and 3.321 communes from imported published results (main-indicator values).

Builds a temporary database with 63 provinces and 3.321 communes (300 with `--small`), loads the provincial
framework of Decision 922, writes a results sheet (XLSX) for each round — one row per unit with its 8 scored
main-indicator values 0–1 — and times, for the provinces and for the communes:
  1. `national.import_results`: read the sheet, match every unit by name or code (diacritics-insensitive),
     check every value, write them all or nothing, and compute the ranking (scores, pillar values, ranks);
  2. reading the ranking (`services.ranking`) and one unit's place (`national.standing`: gaps to the leaders,
     pillar values, which main indicator would raise the rank most).

    /work/venv/bin/python bench/bench_dti_national.py [--small]
"""

import argparse
import io
import json
import sys
import time

import _harness

TARGET_SECONDS = 10.0  # a DX office waits for the 3.321-commune import at most this long


def level(i: int, j: int) -> float:
    return round(((i * 7919 + j * 104729) % 1000) / 1000, 4)


def workbook(head: list[str], rows: list[list]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="300 communes instead of 3.321")
    args = parser.parse_args()
    communes = 300 if args.small else 3321

    _harness.start_django("dti_national")
    from tinhso.accounts.models import Role, User
    from tinhso.dti import frameworks, national, services
    from tinhso.units.models import Unit, UnitKind

    admin = User.objects.create_user("bench-admin", password="x", role=Role.ADMIN, is_superuser=True)
    framework = frameworks.load_file(admin, frameworks.DATA / "dti-tinh-922-2022.json")
    # the same structure applied to communes (a province's commune index published at main-indicator level)
    doc = json.loads((frameworks.DATA / "dti-tinh-922-2022.json").read_text(encoding="utf-8"))
    doc.update(code="BENCH-XA", applies_to=["commune"])
    commune_framework = frameworks.import_framework(admin, doc)
    head = national.sheet_head  # the column heads the import page shows

    provinces = Unit.objects.bulk_create([
        Unit(name=f"Tỉnh Thử Nghiệm {i}", short_name=f"Thử Nghiệm {i}", kind=UnitKind.PROVINCE, stats_code=f"{i:02d}",
             depth=0, search_text=f"tinh thu nghiem {i}") for i in range(1, 64)])
    for unit in provinces:
        unit.path = f"/{unit.pk}/"
    Unit.objects.bulk_update(provinces, ["path"])
    host = provinces[0]
    created = Unit.objects.bulk_create([
        Unit(name=f"Xã Số {i}", kind=UnitKind.COMMUNE, parent=host, stats_code=f"{i:05d}", depth=1,
             search_text=f"xa so {i}") for i in range(1, communes + 1)], batch_size=1000)
    for unit in created:
        unit.path = f"{host.path}{unit.pk}/"
    Unit.objects.bulk_update(created, ["path"], batch_size=1000)

    timings = []
    for label, units, by in (("63 tỉnh / provinces", provinces, "name"),
                             (f"{_harness.fmt(communes)} xã / communes", created, "code")):
        national_round = by == "name"
        chosen = framework if national_round else commune_framework
        round_ = services.create_round(admin, f"Bench {label}", 2024, chosen, None if national_round else host,
                                       [] if national_round else units, national=national_round)
        columns = head(round_)
        rows = [[(u.short_name if i % 2 else u.name.upper()) if by == "name" else u.stats_code, 2024]
                + [level(i, j) for j in range(len(columns) - 2)] for i, u in enumerate(units)]
        content = workbook(columns, rows)
        started = time.perf_counter()
        outcome = national.import_results(admin, round_.pk, content, "ket-qua.xlsx")
        imported = time.perf_counter() - started
        assert outcome.units == len(units)
        started = time.perf_counter()
        table = services.ranking(admin, round_.pk)
        place = national.standing(admin, round_.pk, units[len(units) // 2].pk)
        reading = time.perf_counter() - started
        assert len(table.rows) == len(units) and place.result.peers == len(units) and table.rows[0].result.rank == 1
        timings.append((label, len(content), imported, reading))

    print("DTI national results: import a results sheet (match, check, write, compute the ranking), then read")
    for label, size, imported, reading in timings:
        print(f"  {label}: import + ranking {imported:.3f} s (sheet {_harness.fmt(size / 1024)} KiB); "
              f"ranking page data + one unit's place {reading:.3f} s")
    slowest = max(t[2] for t in timings)
    print(f"  target: import of {_harness.fmt(communes)} communes < {TARGET_SECONDS:.0f} s "
          f"{'OK' if slowest < TARGET_SECONDS else 'SLOWER THAN TARGET'}")
    print(f"  {_harness.load_line()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
