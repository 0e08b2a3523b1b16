import datetime as dt
from decimal import Decimal

from tinhso.programme import services
from tinhso.programme.models import Origin, Status


def test_the_seed_000_sentence_is_generated_from_the_tasks(db, plan_2023, plan_2024, departments, department,
                                                            make_task, root_admin):
    for index in range(3):
        make_task(plan_2023, f"2023.{index}", department, status=Status.IN_PROGRESS, progress=50)
    services.carry_over(root_admin, plan_2023, plan_2024)
    for index in range(9):
        make_task(plan_2024, f"2024.{index}", department,
                  origin=Origin.OUTSIDE_SCHEME if index < 6 else Origin.IN_SCHEME)
    view = services.overview(root_admin, plan_2024, dt.date(2024, 3, 1))
    assert view.sentences[0] == "Năm 2024 có 9 nhiệm vụ mới, trong đó 6 nhiệm vụ chưa có trong Đề án."
    assert view.sentences[1] == "Có 3 nhiệm vụ chuyển tiếp từ năm 2023."
    assert view.sentences[2] == ("Tổng số 12 nhiệm vụ, dự án: 0 đã hoàn thành (0%), 3 đang thực hiện, "
                                 "9 chưa triển khai.")


def test_numbers_are_written_the_vietnamese_way(db, plan_2024, department, make_task, root_admin):
    make_task(plan_2024, "A", department, status=Status.DONE, progress=100,
              budget=[("provincial", Decimal("12500"), Decimal("12000"), Decimal("4300.5"))])
    make_task(plan_2024, "B", department, status=Status.IN_PROGRESS, due=dt.date(2024, 2, 1),
              budget=[("central", Decimal("1000"), 0, 0)])
    make_task(plan_2024, "C", department, origin=Origin.OUTSIDE_SCHEME)
    view = services.overview(root_admin, plan_2024, dt.date(2024, 6, 1))
    assert view.sentences[0] == "Năm 2024 có 3 nhiệm vụ mới, trong đó 1 nhiệm vụ chưa có trong Đề án."
    assert ("Tổng số 3 nhiệm vụ, dự án: 1 đã hoàn thành (33,3%), 1 quá hạn, 1 chưa triển khai."
            in view.sentences)
    assert f"Đơn vị có nhiều nhiệm vụ quá hạn nhất: {department.name} (1)." in view.sentences
    assert view.sentences[-1] == ("Tổng kinh phí kế hoạch 13.500 triệu đồng, đã giải ngân 4.301 triệu đồng "
                                  "(31,9%).")


def test_wording_adapts_to_the_figures(db, plan_2024, department, make_task, root_admin, province):
    view = services.overview(root_admin, plan_2024)
    assert view.sentences == ["Năm 2024 không có nhiệm vụ mới."]
    make_task(plan_2024, "A", department)
    first = services.overview(root_admin, plan_2024).sentences[0]
    assert first == "Năm 2024 có 1 nhiệm vụ mới, tất cả đều thuộc Đề án."
    standalone = services.create_plan(None, {"code": "KH-25-26", "name": "Kế hoạch 2025–2026", "province": province,
                                             "year": 2025, "end_year": 2026})
    make_task(standalone, "X", department, origin=Origin.OUTSIDE_SCHEME)
    assert services.overview(root_admin, standalone).sentences[0] == "Giai đoạn 2025–2026 có 1 nhiệm vụ mới."


def test_a_thousand_tasks_are_counted_with_a_thousands_dot(db, plan_2024, department, root_admin):
    from tinhso.programme.models import Task
    Task.objects.bulk_create([Task(plan=plan_2024, code=f"T{i}", title="x", pillar="data", lead_unit=department,
                                   origin=Origin.OUTSIDE_SCHEME if i % 2 else Origin.IN_SCHEME)
                              for i in range(1200)])
    view = services.overview(root_admin, plan_2024)
    assert view.sentences[0] == "Năm 2024 có 1.200 nhiệm vụ mới, trong đó 600 nhiệm vụ chưa có trong Đề án."
