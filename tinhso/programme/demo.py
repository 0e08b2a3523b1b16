"""Demo programme built from the seed reports:

- Bắc Kạn's scheme 2022–2025 (seeds 000, 001, 004) with its 2023 plan, the 2023 → 2024 carry-over and
  the nine new 2024 tasks of seed 000 (imported from the shipped sample spreadsheet), six outside the scheme;
- a 2023 plan of Lào Cai (seed 003) and of Bắc Giang (seed 002), led by the old provinces' departments;
- a 2025–2026 plan of today's Tỉnh Thái Nguyên (which absorbed Bắc Kạn): unfinished Bắc Kạn tasks carried
  over to the successor departments, and new tasks led by today's departments and communes, so that the
  demo focal points (Sở Khoa học và Công nghệ Thái Nguyên, Phường Bắc Kạn) have tasks to update.
"""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q

from tinhso.accounts.models import User
from tinhso.programme import services, spreadsheet
from tinhso.programme.models import Origin, Pillar, Plan, Status, Task, TaskKind
from tinhso.units.models import Unit, UnitKind

D = dt.date


def _past(day: dt.date) -> dt.date:
    """Report dates of the running plan, never in the future whatever day the demo is loaded."""
    return min(day, dt.date.today() - dt.timedelta(days=1))


def _old(name: str, on: dt.date = dt.date(2024, 6, 30)) -> Unit:
    """A unit of the old provinces as it stood on `on` (names repeat across the 2025 reorganisation)."""
    return Unit.objects.as_of(on).get(name=name, valid_to__isnull=False)


def _new(name: str) -> Unit:
    return Unit.objects.get(name=name, valid_to__isnull=True)


def _task(plan: Plan, code: str, title: str, pillar: str, lead: Unit, *, kind: str = TaskKind.TASK,
          origin: str = Origin.IN_SCHEME, coordinating: tuple[Unit, ...] = (), start: dt.date | None = None,
          due: dt.date | None = None, status: str = Status.NOT_STARTED, progress: int = 0,
          budget: tuple[tuple, ...] = (), parent: Task | None = None, description: str = "") -> Task:
    data = services.TaskData(
        code=code, title=title, pillar=pillar, lead_unit=lead, kind=kind, origin=origin,
        coordinating_units=list(coordinating), start_date=start, due_date=due, status=status, progress=progress,
        parent=parent, description=description,
        budget=[services.BudgetData(source, Decimal(p), Decimal(a), Decimal(d)) for source, p, a, d in budget])
    return services.create_task(None, plan, data, "Dữ liệu mẫu / Demo data")


def _report(task: Task, day: dt.date, text: str, progress: int, status: str = Status.IN_PROGRESS,
            user: User | None = None, evidence: tuple[str, bytes] | None = None) -> None:
    files = [SimpleUploadedFile(evidence[0], evidence[1])] if evidence else []
    services.post_progress(user, task.pk, text, progress, status, day, files)


def _bac_kan() -> tuple[Plan, Plan]:
    province = _old("Tỉnh Bắc Kạn")
    tttt = _old("Sở Thông tin và Truyền thông Bắc Kạn")
    vp = _old("Văn phòng UBND tỉnh Bắc Kạn")
    tu_phap = _old("Sở Tư pháp Bắc Kạn")
    noi_vu = _old("Sở Nội vụ Bắc Kạn")
    scheme = services.create_scheme(None, {
        "code": "DA-CDS-BK-2022", "province": province, "start_year": 2022, "end_year": 2025, "vision_year": 2030,
        "name": "Đề án chuyển đổi số tỉnh Bắc Kạn giai đoạn 2022–2025, định hướng đến năm 2030",
        "description": "Đề án tổng thể chuyển đổi số của tỉnh; Ban Chỉ đạo chuyển đổi số tỉnh do Chủ tịch UBND tỉnh "
                       "làm Trưởng ban. Năm 2022: 21 cơ quan, địa phương đã ban hành kế hoạch thực hiện Đề án."})
    plan_2023 = services.create_plan(None, {
        "code": "KH-CDS-BK-2023", "scheme": scheme, "year": 2023,
        "name": "Kế hoạch chuyển đổi số tỉnh Bắc Kạn năm 2023"})
    t = {}
    t[1] = _task(plan_2023, "2023.01", "Ban hành mã định danh điện tử của các cơ quan, đơn vị thuộc, trực thuộc UBND "
                 "tỉnh phục vụ kết nối, chia sẻ dữ liệu", Pillar.DATA, tttt, kind=TaskKind.POLICY,
                 start=D(2023, 1, 15), due=D(2023, 5, 31), status=Status.IN_PROGRESS)
    t[2] = _task(plan_2023, "2023.02", "Xây dựng Trung tâm Tích hợp dữ liệu tỉnh và các phòng chức năng của Trung "
                 "tâm CNTT&TT", Pillar.INFRASTRUCTURE, tttt, kind=TaskKind.INVESTMENT, coordinating=(vp,),
                 start=D(2023, 3, 1), due=D(2023, 12, 31), status=Status.IN_PROGRESS,
                 budget=(("provincial", 6500, 3000, 1200), ("central", 2000, 0, 0)))
    t[3] = _task(plan_2023, "2023.03", "Mở rộng cụm loa truyền thanh ứng dụng CNTT-VT tại các xã, phường, thị trấn",
                 Pillar.INFRASTRUCTURE, tttt, kind=TaskKind.PROCUREMENT, start=D(2023, 6, 1), due=D(2023, 12, 31),
                 status=Status.IN_PROGRESS, budget=(("national_programme", 1800, 1800, 650),))
    t[4] = _task(plan_2023, "2023.04", "Đẩy mạnh cung cấp, sử dụng dịch vụ công trực tuyến toàn trình",
                 Pillar.DIGITAL_GOVERNMENT, vp, coordinating=(tttt,), start=D(2023, 1, 1), due=D(2023, 12, 31),
                 status=Status.IN_PROGRESS)
    t[5] = _task(plan_2023, "2023.05", "Triển khai các nền tảng số quốc gia theo đề xuất của 07 huyện, thành phố và "
                 "11 sở, ban, ngành", Pillar.DIGITAL_GOVERNMENT, tttt, start=D(2023, 1, 1), due=D(2023, 10, 31))
    t[6] = _task(plan_2023, "2023.06", "Duy trì hệ thống hội nghị truyền hình trực tuyến đến 108 xã, phường, thị trấn",
                 Pillar.INFRASTRUCTURE, vp, kind=TaskKind.SERVICE, start=D(2023, 1, 1), due=D(2023, 12, 31),
                 budget=(("provincial", 900, 900, 880),))
    t[7] = _task(plan_2023, "2023.07", "Xây dựng bộ tài liệu tuyên truyền về dịch vụ công trực tuyến, chuyển đổi số "
                 "dùng chung cho các đơn vị, địa phương", Pillar.AWARENESS, tttt, kind=TaskKind.COMMUNICATION,
                 start=D(2023, 2, 1), due=D(2023, 6, 30), budget=(("provincial", 150, 150, 148),))
    t[8] = _task(plan_2023, "2023.08", "Từng bước hình thành “Công dân điện tử”: bồi dưỡng kỹ năng số cho người dân, "
                 "doanh nghiệp", Pillar.DIGITAL_SOCIETY, tttt, kind=TaskKind.TRAINING, start=D(2023, 3, 1),
                 due=D(2023, 12, 31), status=Status.IN_PROGRESS, budget=(("provincial", 400, 400, 210),))
    t[9] = _task(plan_2023, "2023.09", "Đôn đốc, hướng dẫn các đơn vị lựa chọn nhà tư vấn, lập phương án chuyển đổi "
                 "số", Pillar.INSTITUTIONS, tttt, coordinating=(noi_vu,), start=D(2023, 6, 7), due=D(2023, 9, 30))
    t[10] = _task(plan_2023, "2023.10", "Triển khai Chiến lược chuyển đổi số báo chí đến năm 2025, định hướng đến năm "
                  "2030 (Quyết định 348/QĐ-TTg)", Pillar.DIGITAL_SOCIETY, tttt, kind=TaskKind.POLICY,
                  origin=Origin.OUTSIDE_SCHEME, start=D(2023, 3, 1), due=D(2023, 6, 30))
    t[11] = _task(plan_2023, "2023.11", "Quy định cơ chế thu thập số liệu đầu vào từ các ngành, doanh nghiệp phục vụ "
                  "xây dựng cơ sở dữ liệu", Pillar.INSTITUTIONS, tttt, kind=TaskKind.POLICY, coordinating=(tu_phap,),
                  start=D(2023, 4, 1), due=D(2023, 11, 30), status=Status.IN_PROGRESS)
    _task(plan_2023, "2023.02.1", "Lắp đặt hệ thống máy chủ, lưu trữ của Trung tâm Tích hợp dữ liệu",
          Pillar.INFRASTRUCTURE, tttt, kind=TaskKind.PROCUREMENT, parent=t[2], start=D(2023, 6, 1),
          due=D(2023, 12, 31), status=Status.IN_PROGRESS)
    _report(t[1], D(2023, 5, 20), "UBND tỉnh đã ban hành mã định danh điện tử của các cơ quan, đơn vị thuộc, trực "
            "thuộc UBND tỉnh theo QCVN 102:2016/BTTTT.", 100, Status.DONE,
            evidence=("qd-ma-dinh-danh.txt", "Quyết định ban hành mã định danh điện tử (bản sao)".encode()))
    _report(t[2], D(2023, 6, 7), "Đã trình UBND tỉnh chủ trương xây dựng Trung tâm Tích hợp dữ liệu; đang lập báo "
            "cáo kinh tế - kỹ thuật.", 25)
    _report(t[2], D(2023, 12, 20), "Hoàn thành thiết kế; lựa chọn nhà thầu chậm, đề nghị chuyển tiếp sang 2024.", 45)
    _report(t[3], D(2023, 11, 15), "Đề nghị HĐND tỉnh cho sử dụng kinh phí còn dư để mở rộng cụm loa; đã lắp 40% "
            "cụm loa.", 40)
    _report(t[4], D(2023, 6, 30), "Rà soát, cấu hình lại dịch vụ công trực tuyến toàn trình trên Cổng dịch vụ "
            "công của tỉnh.", 50)
    _report(t[5], D(2023, 10, 20), "Các đơn vị đã triển khai nền tảng số quốc gia theo danh sách đề xuất.", 100,
            Status.DONE)
    _report(t[6], D(2023, 12, 15), "Hệ thống hoạt động thông suốt từ tỉnh đến 108 xã, phường, thị trấn.", 100,
            Status.DONE)
    _report(t[7], D(2023, 6, 25), "Phát hành bộ tài liệu tuyên truyền dùng chung.", 100, Status.DONE)
    _report(t[8], D(2023, 12, 10), "Tập huấn kỹ năng số tại 60 xã; còn 48 xã chuyển sang 2024.", 55)
    _report(t[9], D(2023, 9, 25), "Đã hướng dẫn các sở, ngành lập phương án chuyển đổi số.", 100, Status.DONE)
    _report(t[10], D(2023, 6, 28), "Ban hành kế hoạch triển khai chiến lược chuyển đổi số báo chí trên địa bàn tỉnh.",
            100, Status.DONE)
    _report(t[11], D(2023, 11, 20), "Dự thảo quy định đang lấy ý kiến Sở Tư pháp.", 30)

    plan_2024 = services.create_plan(None, {
        "code": "KH-CDS-BK-2024", "scheme": scheme, "year": 2024,
        "name": "Kế hoạch chuyển đổi số tỉnh Bắc Kạn năm 2024"})
    services.carry_over(None, plan_2023, plan_2024)
    result = spreadsheet.import_plan(None, plan_2024, spreadsheet.read_plan_file(
        spreadsheet.SAMPLE_PATH.read_bytes(), spreadsheet.SAMPLE_PATH.name))
    if result.errors:
        raise RuntimeError("; ".join(str(e) for e in result.errors))
    by_code = {task.code: task for task in plan_2024.tasks.all()}
    _report(by_code["2023.02"], D(2024, 9, 30), "Trung tâm Tích hợp dữ liệu đã vận hành; tiếp nhận hệ thống của "
            "các sở.", 100, Status.DONE)
    _report(by_code["2023.03"], D(2024, 8, 15), "Hoàn thành lắp đặt cụm loa tại 108 xã, phường, thị trấn.", 100,
            Status.DONE)
    _report(by_code["2023.04"], D(2024, 6, 30), "Tỷ lệ hồ sơ trực tuyến toàn trình tăng; còn một số thủ tục chưa "
            "tích hợp thanh toán trực tuyến.", 75)
    _report(by_code["2023.08"], D(2024, 11, 30), "Tập huấn xong 48 xã còn lại.", 100, Status.DONE)
    _report(by_code["2023.11"], D(2024, 10, 15), "Vướng căn cứ pháp lý thu thập số liệu của doanh nghiệp; chờ "
            "hướng dẫn của Bộ.", 45)
    _report(by_code["2024.01"], D(2024, 4, 15), "Ký hợp đồng thuê dịch vụ giám sát an toàn thông tin (SOC); bắt đầu "
            "thu thập sự kiện từ các hệ thống của tỉnh.", 30,
            evidence=("hop-dong-soc.txt", "Hợp đồng thuê dịch vụ SOC — trích yếu".encode()))
    _report(by_code["2024.01"], D(2024, 10, 1), "Đã kết nối 28 hệ thống thông tin vào nền tảng giám sát.", 60)
    _report(by_code["2024.09"], D(2024, 9, 20), "Ứng dụng Công dân số Bắc Kạn đã phát hành; tích hợp thu phí trường "
            "học đang thử nghiệm (đăng ký một lần, dùng nhiều dịch vụ).", 65)
    return plan_2023, plan_2024


def _lao_cai() -> Plan:
    province = _old("Tỉnh Lào Cai")
    tttt, vp, ct = (_old(f"{n} Lào Cai") for n in ("Sở Thông tin và Truyền thông", "Văn phòng UBND tỉnh",
                                                    "Sở Công Thương"))
    plan = services.create_plan(None, {
        "code": "KH-CDS-LC-2023", "province": province, "year": 2023,
        "name": "Kế hoạch chuyển đổi số tỉnh Lào Cai năm 2023"})
    rows = [
        ("LC.01", "Duy trì 1.562 tổ công nghệ số cộng đồng với 7.363 thành viên", Pillar.DIGITAL_SOCIETY, tttt,
         Status.DONE, 100, D(2023, 12, 31), (("local", 500, 500, 495),)),
        ("LC.02", "Đưa sản phẩm OCOP lên sàn thương mại điện tử (mục tiêu 163 sản phẩm)", Pillar.DIGITAL_ECONOMY, ct,
         Status.IN_PROGRESS, 96, D(2023, 12, 31), (("provincial", 350, 350, 320),)),
        ("LC.03", "Phê duyệt hồ sơ cấp độ an toàn thông tin cho 50 hệ thống thông tin (mục tiêu 80%)",
         Pillar.CYBER_SECURITY, tttt, Status.IN_PROGRESS, 70, D(2023, 12, 31), ()),
        ("LC.04", "Xử lý hồ sơ công việc trên môi trường mạng đạt trên 95%", Pillar.DIGITAL_GOVERNMENT, vp,
         Status.DONE, 100, D(2023, 12, 31), ()),
        ("LC.05", "Kết nối, giao dịch qua Nền tảng tích hợp, chia sẻ dữ liệu quốc gia", Pillar.DATA, tttt, Status.DONE,
         100, D(2023, 9, 30), (("provincial", 800, 800, 790),)),
        ("LC.06", "Phần mềm báo cáo dùng chung của tỉnh", Pillar.DIGITAL_GOVERNMENT, tttt, Status.IN_PROGRESS, 80,
         D(2023, 10, 31), (("provincial", 1200, 1200, 700),)),
    ]
    for code, title, pillar, lead, status, progress, due, budget in rows:
        task = _task(plan, code, title, pillar, lead, start=D(2023, 1, 1), due=due, budget=budget,
                     status=Status.IN_PROGRESS if progress else Status.NOT_STARTED)
        _report(task, min(due, D(2023, 12, 20)), f"Báo cáo kết quả thực hiện: đạt {progress}%.", progress, status)
    return plan


def _bac_giang() -> Plan:
    province = _old("Tỉnh Bắc Giang")
    tttt, ca = _old("Sở Thông tin và Truyền thông Bắc Giang"), _old("Sở Giao thông vận tải Bắc Giang")
    vp = _old("Văn phòng UBND tỉnh Bắc Giang")
    plan = services.create_plan(None, {
        "code": "KH-CDS-BG-2023", "province": province, "year": 2023,
        "name": "Kế hoạch chuyển đổi số tỉnh Bắc Giang năm 2023 — Năm dữ liệu số"})
    rows = [
        ("BG.01", "Vận hành Trung tâm Giám sát, điều hành thông minh (IOC) của tỉnh", Pillar.DIGITAL_GOVERNMENT,
         tttt, Status.DONE, 100, TaskKind.INVESTMENT, (("provincial", 15000, 15000, 14200),)),
        ("BG.02", "Trung tâm giám sát an toàn, an ninh mạng (SOC) của tỉnh", Pillar.CYBER_SECURITY, tttt,
         Status.IN_PROGRESS, 85, TaskKind.SERVICE, (("provincial", 3200, 3200, 2600),)),
        ("BG.03", "Hệ thống camera giám sát giao thông kết nối IOC", Pillar.INFRASTRUCTURE, ca, Status.IN_PROGRESS,
         60, TaskKind.INVESTMENT, (("provincial", 8500, 6000, 3900),)),
        ("BG.04", "Năm dữ liệu số: xây dựng, chuẩn hóa cơ sở dữ liệu chuyên ngành", Pillar.DATA, tttt,
         Status.IN_PROGRESS, 55, TaskKind.TASK, (("provincial", 4000, 3000, 1500),)),
        ("BG.05", "Nâng tỷ lệ hồ sơ trực tuyến và số hóa hồ sơ, kết quả giải quyết TTHC đạt chỉ tiêu",
         Pillar.DIGITAL_GOVERNMENT, vp, Status.IN_PROGRESS, 70, TaskKind.TASK, ()),
    ]
    for code, title, pillar, lead, status, progress, kind, budget in rows:
        task = _task(plan, code, title, pillar, lead, kind=kind, start=D(2023, 1, 1), due=D(2023, 12, 31),
                     budget=budget, status=Status.IN_PROGRESS)
        _report(task, D(2023, 12, 15), f"Kết quả năm 2023: đạt {progress}% khối lượng.", progress, status)
    return plan


def _thai_nguyen(plan_2024: Plan) -> Plan:
    province = _new("Tỉnh Thái Nguyên")
    khcn = _new("Sở Khoa học và Công nghệ Thái Nguyên")
    gd, xd, yt, nv = (_new(f"{n} Thái Nguyên") for n in ("Sở Giáo dục và Đào tạo", "Sở Xây dựng", "Sở Y tế",
                                                          "Sở Nội vụ"))
    vp = _new("Văn phòng UBND tỉnh Thái Nguyên")
    ward = Unit.objects.get(name="Phường Bắc Kạn", kind=UnitKind.COMMUNE, valid_to__isnull=True)
    focal_khcn = User.objects.filter(username="daumoi.sokhcn").first()
    focal_ward = User.objects.filter(username="daumoi.backan").first()
    plan = services.create_plan(None, {
        "code": "KH-CDS-TN-2025-2026", "province": province, "year": 2025, "end_year": 2026,
        "name": "Kế hoạch chuyển đổi số tỉnh Thái Nguyên giai đoạn 2025–2026 (sau hợp nhất)",
        "description": "Kế hoạch của tỉnh Thái Nguyên mới (hợp nhất Bắc Kạn và Thái Nguyên từ 01/07/2025); tiếp nhận "
                       "các nhiệm vụ chưa hoàn thành của kế hoạch chuyển đổi số tỉnh Bắc Kạn năm 2024."})
    unfinished = plan_2024.tasks.filter(code__in=["2024.01", "2024.03", "2024.05", "2024.09", "2023.11"])
    # exactly the ticked tasks are carried: tick the unfinished sub-tasks of these too
    ticked = services.carry_candidates(plan_2024).filter(Q(pk__in=unfinished) | Q(parent__in=unfinished))
    services.carry_over(None, plan_2024, plan, [t.pk for t in ticked])
    carried = {t.code: t for t in plan.tasks.all()}
    t = {}
    t[1] = _task(plan, "TN.01", "Hợp nhất Trung tâm giám sát, điều hành thông minh (IOC) của hai tỉnh",
                 Pillar.DIGITAL_GOVERNMENT, khcn, kind=TaskKind.INVESTMENT, origin=Origin.OUTSIDE_SCHEME,
                 coordinating=(vp,), start=D(2025, 7, 1), due=D(2026, 12, 31), status=Status.IN_PROGRESS,
                 budget=(("provincial", 12000, 8000, 2500),))
    t[2] = _task(plan, "TN.02", "Chuyển đổi mã định danh điện tử của cơ quan, đơn vị theo đơn vị hành chính mới",
                 Pillar.DATA, khcn, kind=TaskKind.POLICY, origin=Origin.OUTSIDE_SCHEME, coordinating=(nv,),
                 start=D(2025, 7, 1), due=D(2025, 9, 30), status=Status.IN_PROGRESS)
    t[3] = _task(plan, "TN.03", "Triển khai nền tảng theo dõi chương trình chuyển đổi số của tỉnh (tinhso)",
                 Pillar.DIGITAL_GOVERNMENT, khcn, kind=TaskKind.SERVICE, origin=Origin.OUTSIDE_SCHEME,
                 start=D(2025, 9, 1), due=D(2026, 12, 31), budget=(("provincial", 900, 900, 300),))
    t[4] = _task(plan, "TN.04", "Hệ sinh thái ứng dụng trường học: đăng ký một lần, sử dụng nhiều dịch vụ",
                 Pillar.DIGITAL_SOCIETY, gd, origin=Origin.OUTSIDE_SCHEME, coordinating=(khcn,),
                 start=D(2025, 9, 1), due=D(2026, 8, 31), status=Status.IN_PROGRESS,
                 budget=(("provincial", 1500, 1000, 400),))
    t[5] = _task(plan, "TN.05", "Khai thác dữ liệu thiết bị giám sát hành trình, quản lý xe hợp đồng trá hình",
                 Pillar.DIGITAL_GOVERNMENT, xd, origin=Origin.OUTSIDE_SCHEME, coordinating=(khcn,),
                 start=D(2025, 7, 1), due=D(2026, 12, 31), status=Status.IN_PROGRESS)
    t[6] = _task(plan, "TN.06", "Triển khai hồ sơ sức khỏe điện tử trên ứng dụng VNeID", Pillar.DIGITAL_SOCIETY, yt,
                 origin=Origin.OUTSIDE_SCHEME, start=D(2025, 7, 1), due=D(2026, 12, 31))
    t[7] = _task(plan, "TN.07", "Số hóa sổ hộ tịch, hồ sơ lưu trữ của phường Bắc Kạn", Pillar.DATA, ward,
                 kind=TaskKind.SERVICE, origin=Origin.OUTSIDE_SCHEME, coordinating=(nv,), start=D(2025, 8, 1),
                 due=D(2026, 6, 30), status=Status.IN_PROGRESS, budget=(("local", 350, 350, 120),))
    t[8] = _task(plan, "TN.08", "Ra mắt Tổ công nghệ số cộng đồng tại các tổ dân phố phường Bắc Kạn",
                 Pillar.DIGITAL_SOCIETY, ward, kind=TaskKind.TRAINING, origin=Origin.OUTSIDE_SCHEME,
                 start=D(2025, 8, 1), due=D(2026, 3, 31))
    t[9] = _task(plan, "TN.09", "Bộ phận một cửa phường Bắc Kạn tiếp nhận, trả kết quả hồ sơ trực tuyến toàn trình",
                 Pillar.DIGITAL_GOVERNMENT, ward, origin=Origin.OUTSIDE_SCHEME, coordinating=(vp,),
                 start=D(2025, 7, 1), due=D(2026, 12, 31), status=Status.IN_PROGRESS)
    t[10] = _task(plan, "TN.10", "Chuẩn hóa dữ liệu dân cư phục vụ Đề án 06 trên địa bàn phường Bắc Kạn",
                  Pillar.DATA, khcn, origin=Origin.OUTSIDE_SCHEME, coordinating=(ward,), start=D(2025, 8, 1),
                  due=D(2026, 12, 31))
    subtask = _task(plan, "TN.01.1", "Chuyển hệ thống camera, dữ liệu của IOC Bắc Kạn về IOC tỉnh",
                    Pillar.INFRASTRUCTURE, khcn, parent=t[1], start=D(2025, 7, 1), due=D(2026, 6, 30),
                    status=Status.IN_PROGRESS)
    _report(t[1], _past(D(2025, 10, 15)), "Hoàn thành khảo sát hạ tầng IOC của hai tỉnh; phê duyệt phương án hợp "
            "nhất.", 20, user=focal_khcn)
    _report(t[1], _past(D(2026, 5, 20)), "Đã chuyển dữ liệu camera của IOC Bắc Kạn về IOC tỉnh.", 45,
            user=focal_khcn)
    _report(subtask, _past(D(2026, 5, 20)), "Hoàn thành chuyển 126 camera và dữ liệu.", 100, Status.DONE,
            user=focal_khcn)
    _report(t[2], _past(D(2025, 9, 25)), "UBND tỉnh đã ban hành mã định danh điện tử của các cơ quan, đơn vị theo đơn "
            "vị hành chính mới.", 100, Status.DONE, user=focal_khcn,
            evidence=("qd-ma-dinh-danh-2025.txt", "Quyết định ban hành mã định danh điện tử (trích yếu)".encode()))
    _report(t[3], _past(D(2026, 3, 10)), "Đã cài đặt nền tảng trên hạ tầng Trung tâm dữ liệu tỉnh; 14 sở đã nhập "
            "kế hoạch.", 40, user=focal_khcn)
    _report(t[4], _past(D(2025, 11, 20)), "Thử nghiệm đăng ký một lần cho ứng dụng thu phí tại 12 trường.", 30)
    _report(t[5], _past(D(2026, 4, 30)), "Trích xuất dữ liệu giám sát hành trình từ Cục Đường bộ còn chậm do quá "
            "tải; đã lập danh sách 37 xe nghi hợp đồng trá hình.", 40)
    _report(t[7], _past(D(2025, 10, 10)), "Đã số hóa 4.200/9.800 sổ hộ tịch.", 45, user=focal_ward,
            evidence=("bao-cao-so-hoa.txt", "Báo cáo tiến độ số hóa sổ hộ tịch tháng 10/2025".encode()))
    _report(t[7], _past(D(2026, 6, 20)), "Hoàn thành số hóa 9.800 sổ hộ tịch; dữ liệu đã đồng bộ lên hệ thống hộ "
            "tịch điện tử.", 100, Status.DONE, user=focal_ward)
    _report(t[9], _past(D(2026, 6, 5)), "Tỷ lệ hồ sơ trực tuyến toàn trình tại bộ phận một cửa đạt 62%.", 60,
            user=focal_ward)
    if "2024.09" in carried:
        _report(carried["2024.09"], _past(D(2026, 2, 1)), "Chuyển ứng dụng Công dân số Bắc Kạn thành ứng dụng của "
                "tỉnh Thái Nguyên mới.", 75, user=focal_khcn)
    return plan


@transaction.atomic
def load(stdout=None) -> None:
    if Plan.objects.filter(code="KH-CDS-BK-2023").exists():
        return
    if not Unit.objects.filter(name="Sở Thông tin và Truyền thông Bắc Kạn").exists():
        if stdout:
            stdout.write("  (bỏ qua: chưa có danh mục đơn vị mẫu / skipped: no demo units)\n")
        return
    _, plan_2024 = _bac_kan()
    _lao_cai()
    _bac_giang()
    _thai_nguyen(plan_2024)
    if stdout:
        stdout.write(f"  Kế hoạch / plans: {Plan.objects.count()}, nhiệm vụ / tasks: {Task.objects.count()}\n")
