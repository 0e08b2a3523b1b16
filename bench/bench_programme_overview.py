"""Benchmark: the plan overview of a province with 5.000 tasks and 50.000 progress updates (target: the
page and its API each answer in under 200 ms).

Builds a throw-away SQLite database with one province (40 departments, 120 communes), one plan of N tasks
(a tenth of them sub-tasks; mixed states, origins, pillars, deadlines, coordinating units and budget lines)
and 10 progress updates per task; then times, as a logged-in leader through Django's test client,
  1. GET /programme/plans/<id>/                       (the overview page: counts, overdue list, budget,
                                                       timeline SVG, latest updates, summary sentences)
  2. GET /api/v1/programme/plans/<id>/overview         (the same figures as JSON)
and, for reference, the task list page filtered by a diacritic-free search.

    /work/venv/bin/python bench/bench_programme_overview.py [--small]
"""

import argparse
import datetime as dt
import statistics
import sys
import time
from decimal import Decimal

import _harness

TARGET_MS = 200.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", action="store_true", help="500 tasks and 5.000 updates instead of 5.000/50.000")
    parser.add_argument("--repeat", type=int, default=None, help="timed requests per URL (default 7, 5 small)")
    args = parser.parse_args()
    args.repeat = args.repeat or (5 if args.small else 7)
    n_tasks = 500 if args.small else 5000
    updates_per_task = 10

    _harness.start_django("programme", settings={
        "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"], "ALLOWED_HOSTS": ["*"]})
    from django.db import transaction
    from django.test import Client

    from tinhso.accounts.models import Role, User
    from tinhso.core.text import fold
    from tinhso.programme.models import BudgetLine, Origin, Pillar, Plan, ProgressUpdate, Status, Task, TaskKind
    from tinhso.units.models import Unit, UnitKind

    started = time.perf_counter()
    with transaction.atomic():
        province = Unit.objects.create(name="Tỉnh Thử nghiệm", kind=UnitKind.PROVINCE, path="", depth=0)
        Unit.objects.filter(pk=province.pk).update(path=f"/{province.pk}/")
        province.refresh_from_db()
        Unit.objects.bulk_create(
            [Unit(name=f"Sở Thử nghiệm {i}", kind=UnitKind.DEPARTMENT, parent=province, depth=1) for i in range(40)]
            + [Unit(name=f"Xã Thử nghiệm {i}", kind=UnitKind.COMMUNE, parent=province, depth=1) for i in range(120)],
            batch_size=1000)
        units = list(Unit.objects.exclude(pk=province.pk))
        for unit in units:
            unit.path = f"{province.path}{unit.pk}/"
        Unit.objects.bulk_update(units, ["path"], batch_size=1000)
        plan = Plan.objects.create(code="KH-BENCH", name="Kế hoạch chuyển đổi số thử nghiệm năm 2025",
                                   province=province, year=2025, end_year=2025)
        pillars, kinds = Pillar.values, TaskKind.values
        statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.IN_PROGRESS, Status.DONE, Status.CANCELLED]
        origins = [Origin.IN_SCHEME, Origin.OUTSIDE_SCHEME, Origin.IN_SCHEME]
        tasks = []
        for i in range(n_tasks):
            status = statuses[i % len(statuses)]
            start = dt.date(2025, 1, 1) + dt.timedelta(days=(i * 7) % 200)
            lead = units[i % len(units)]
            title = f"Nhiệm vụ chuyển đổi số số {i}: số hóa hồ sơ, dữ liệu dùng chung"
            tasks.append(Task(plan=plan, code=f"NV.{i:05d}", title=title, pillar=pillars[i % len(pillars)],
                              kind=kinds[i % len(kinds)], origin=origins[i % len(origins)], lead_unit=lead,
                              start_date=start, due_date=start + dt.timedelta(days=60 + i % 300), status=status,
                              progress=100 if status == Status.DONE else (i * 13) % 100,
                              search_text=fold(f"NV.{i:05d} {title} {lead.name}")))
        Task.objects.bulk_create(tasks, batch_size=1000)
        tasks = list(Task.objects.filter(plan=plan).order_by("pk"))
        for index, task in enumerate(tasks):
            if index % 10 == 9:
                task.parent_id = tasks[index - 9].pk  # every tenth task is a sub-task
        Task.objects.bulk_update([t for t in tasks if t.parent_id], ["parent"], batch_size=1000)
        through = Task.coordinating_units.through
        through.objects.bulk_create([through(task_id=t.pk, unit_id=units[(i * 7 + 3) % len(units)].pk)
                                     for i, t in enumerate(tasks) if i % 3 == 0], batch_size=2000)
        BudgetLine.objects.bulk_create([
            BudgetLine(task=t, source=("provincial", "central", "local")[i % 3], planned=Decimal(100 + i % 900),
                       allocated=Decimal(80 + i % 700), disbursed=Decimal(i % 80)) for i, t in enumerate(tasks)],
            batch_size=2000)
        updates = []
        for i, task in enumerate(tasks):
            for k in range(updates_per_task):
                updates.append(ProgressUpdate(
                    task=task, plan=plan, reported_on=dt.date(2025, 1, 5) + dt.timedelta(days=(i + k * 30) % 330),
                    text=f"Báo cáo tiến độ lần {k + 1}: đã triển khai các nội dung theo kế hoạch.",
                    progress=min(100, k * 10), status=Status.IN_PROGRESS, unit_id=task.lead_unit_id))
        ProgressUpdate.objects.bulk_create(updates, batch_size=5000)
        leader = User.objects.create_user("lanhdao.bench", password="x", role=Role.VIEWER, unit=province)
    building = time.perf_counter() - started
    n_updates = ProgressUpdate.objects.filter(task__plan=plan).count()

    client = Client()
    client.force_login(leader)

    def timed(url: str) -> tuple[float, float, int]:
        """Median wall-clock and CPU milliseconds per request. The CPU figure (this process only, SQLite
        runs in-process) does not grow when other programs compete for the machine; the wall figure does."""
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        walls, cpus = [], []
        for _ in range(args.repeat):
            begin, begin_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            walls.append((time.perf_counter() - begin) * 1000)
            cpus.append((time.process_time() - begin_cpu) * 1000)
            assert response.status_code == 200
        return statistics.median(walls), statistics.median(cpus), len(response.content)

    page = timed(f"/programme/plans/{plan.pk}/")
    api = timed(f"/api/v1/programme/plans/{plan.pk}/overview")
    search = timed(f"/programme/plans/{plan.pk}/tasks/?q=so+hoa+ho+so&state=overdue")
    tasks = Task.objects.filter(plan=plan).count()
    print(f"Plan overview: {_harness.fmt(tasks)} tasks, {_harness.fmt(n_updates)} progress updates, SQLite "
          f"(data built in {building:.1f} s)")
    print(f"  {_harness.load_line()}")
    for label, (wall, cpu, size) in (("overview page  GET /programme/plans/<id>/", page),
                                     ("overview API   GET /api/v1/programme/plans/<id>/overview", api)):
        verdict = "OK" if wall < TARGET_MS else "SLOWER THAN TARGET"
        print(f"  {label}: {wall:.1f} ms wall, {cpu:.1f} ms CPU (median of {args.repeat}, {_harness.fmt(size)} bytes; "
              f"target < {TARGET_MS:.0f} ms at 5.000 tasks) {verdict}")
    print(f"  for reference, task search page (diacritic-free query + overdue filter): {search[0]:.1f} ms wall, "
          f"{search[1]:.1f} ms CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
