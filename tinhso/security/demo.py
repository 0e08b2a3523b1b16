"""Demo inventory from the seed reports: Lào Cai's 50 information systems (seed 003: level dossiers for
50 systems, 80% to be approved by the end of 2023), Thái Nguyên's (with Bắc Kạn's former systems and the
move of the environment department's systems into the provincial data centre, seed 000), and the
video-conference points that reached Bắc Kạn's 108 communes (seed 004)."""

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction

from tinhso.accounts.models import Role, User
from tinhso.security import dossiers, feeds, regimes, services
from tinhso.security.models import AssetKind, Category, Hosting, InformationSystem, MigrationStatus
from tinhso.units.models import Unit, UnitKind

# (code suffix, name, department short code of the owner, category, users, data subjects, hosting)
SHARED = [
    ("01", "Cổng thông tin điện tử tỉnh", "01", Category.PORTAL, 120, 0, Hosting.PROVINCIAL_DC),
    ("02", "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh", "01", Category.ADMIN_PROCEDURE, 4200,
     650_000, Hosting.PROVINCIAL_DC),
    ("03", "Hệ thống quản lý văn bản và điều hành", "01", Category.INTERNAL, 9800, 0, Hosting.PROVINCIAL_DC),
    ("04", "Nền tảng tích hợp, chia sẻ dữ liệu tỉnh (LGSP)", "14", Category.SHARED_PLATFORM, 60, 0,
     Hosting.PROVINCIAL_DC),
    ("05", "Hệ thống thư điện tử công vụ", "14", Category.INTERNAL, 11000, 11000, Hosting.PROVINCIAL_DC),
    ("06", "Hệ thống thông tin báo cáo kinh tế - xã hội", "01", Category.SHARED_PLATFORM, 1500, 0,
     Hosting.PROVINCIAL_DC),
    ("07", "Trung tâm giám sát, điều hành đô thị thông minh (IOC)", "14", Category.SHARED_PLATFORM, 300, 0,
     Hosting.PROVINCIAL_DC),
    ("08", "Hệ thống hội nghị truyền hình trực tuyến", "01", Category.INFRASTRUCTURE, 400, 0, Hosting.PROVINCIAL_DC),
    ("09", "Mạng truyền số liệu chuyên dùng cấp II", "14", Category.INFRASTRUCTURE, 0, 0, Hosting.PROVINCIAL_DC),
    ("10", "Cơ sở dữ liệu đất đai", "07", Category.DATABASE, 150, 420_000, Hosting.OTHER_DC),
    ("11", "Cơ sở dữ liệu cán bộ, công chức, viên chức", "02", Category.DATABASE, 350, 28_000, Hosting.PROVINCIAL_DC),
    ("12", "Hệ thống quản lý hồ sơ sức khỏe điện tử", "16", Category.DATABASE, 2600, 510_000, Hosting.CLOUD),
    ("13", "Cơ sở dữ liệu ngành giáo dục", "15", Category.DATABASE, 9000, 180_000, Hosting.CLOUD),
    ("14", "Hệ thống quản lý hộ tịch", "03", Category.ADMIN_PROCEDURE, 700, 600_000, Hosting.OTHER_DC),
    ("15", "Hệ thống quản lý tài chính, ngân sách", "05", Category.INTERNAL, 500, 0, Hosting.ON_PREMISES),
    ("16", "Sàn thương mại điện tử tỉnh", "06", Category.PORTAL, 3000, 15_000, Hosting.CLOUD),
    ("17", "Hệ thống camera giám sát giao thông", "09", Category.INFRASTRUCTURE, 40, 0, Hosting.PROVINCIAL_DC),
    ("18", "Cơ sở dữ liệu văn hóa, du lịch", "13", Category.DATABASE, 80, 0, Hosting.ON_PREMISES),
]
PORTAL_DEPARTMENTS = ["02", "03", "05", "06", "07", "09", "13", "14", "15", "16", "17", "18"]
SECTOR = [
    ("Phần mềm quản lý chuyên ngành", Category.INTERNAL, Hosting.ON_PREMISES),
    ("Cơ sở dữ liệu chuyên ngành", Category.DATABASE, Hosting.OTHER_DC),
]


def _plan(index: int, hosting: str) -> tuple[str, dt.date | None]:
    if hosting == Hosting.PROVINCIAL_DC:
        return MigrationStatus.NOT_NEEDED, None
    if hosting == Hosting.CLOUD:
        return MigrationStatus.NOT_PLANNED, None
    return ((MigrationStatus.PLANNED, dt.date(2026, 12, 31)) if index % 3 else
            (MigrationStatus.IN_PROGRESS, dt.date(2026, 9, 30)))


def _province_systems(province: Unit, prefix: str, count: int, first_octet: int, domain: str) -> list[dict]:
    departments = {u.code.split(".")[2]: u
                   for u in Unit.objects.live().filter(parent=province, kind=UnitKind.DEPARTMENT)}
    rows = []
    for _suffix, name, dep, category, users, subjects, hosting in SHARED:
        rows.append((name, departments[dep], category, users, subjects, hosting))
    for dep in PORTAL_DEPARTMENTS:
        rows.append((f"Trang thông tin điện tử {departments[dep].short_name or departments[dep].name}",
                     departments[dep], Category.PORTAL, 20, 0, Hosting.PROVINCIAL_DC))
    index = 0
    while len(rows) < count:
        dep = PORTAL_DEPARTMENTS[index % len(PORTAL_DEPARTMENTS)]
        label, category, hosting = SECTOR[index % len(SECTOR)]
        rows.append((f"{label} của {departments[dep].name}", departments[dep], category, 60 + index * 7, 0, hosting))
        index += 1
    systems = []
    for number, (name, owner, category, users, subjects, hosting) in enumerate(rows[:count], start=1):
        status, when = _plan(number, hosting)
        addresses = [f"{first_octet}.{number // 250}.{number % 250}.10", f"he-thong-{number:02d}.{domain}"]
        if number == 1:
            addresses.append(domain)
        if hosting == Hosting.PROVINCIAL_DC:
            addresses.append(f"10.{first_octet}.{number}.0/28")
        systems.append({
            "code": f"{prefix}-{number:03d}", "name": name, "owner": owner, "operator": departments["14"],
            "category": category, "users_count": users or None, "data_subjects": subjects or None,
            "sensitive_subjects": 12_000 if "sức khỏe" in name else None, "hosting": hosting,
            "migration_status": status, "migration_date": when, "connects_lgsp": number % 4 != 0,
            "national_connections": "Nền tảng tích hợp, chia sẻ dữ liệu quốc gia (NDXP)" if number % 3 == 0 else "",
            "addresses": "\n".join(addresses), "in_service_since": dt.date(2018 + number % 6, 1 + number % 12, 1),
            "purpose": f"{name}: phục vụ hoạt động của {owner.name}",
        })
    return systems


@transaction.atomic
def load(stdout=None) -> None:
    if InformationSystem.objects.exists():
        return
    admin = User.objects.filter(username="admin").first()
    lao_cai = Unit.objects.live().filter(kind=UnitKind.PROVINCE, name="Tỉnh Lào Cai").first()
    thai_nguyen = Unit.objects.live().filter(kind=UnitKind.PROVINCE, name="Tỉnh Thái Nguyên").first()
    if admin is None or lao_cai is None or thai_nguyen is None:
        return
    made = 0
    for data in _province_systems(lao_cai, "LCI", 50, 172, "laocai.gov.vn"):
        services.create_system(admin, data, "Dữ liệu mẫu / Demo data")
        made += 1
    thai_nguyen_rows = _province_systems(thai_nguyen, "TNG", 24, 171, "thainguyen.gov.vn")
    environment = next(r for r in thai_nguyen_rows if r["name"] == "Cơ sở dữ liệu đất đai")
    environment.update(name="Hệ thống thông tin và cơ sở dữ liệu tài nguyên môi trường (Bắc Kạn cũ)",
                       migration_status=MigrationStatus.IN_PROGRESS, migration_date=dt.date(2026, 6, 30),
                       note="Nhiệm vụ 2024 của Bắc Kạn: chuyển sang Trung tâm Tích hợp dữ liệu tỉnh")
    for data in thai_nguyen_rows:
        services.create_system(admin, data, "Dữ liệu mẫu / Demo data")
        made += 1
    conference = InformationSystem.objects.get(code="TNG-008")
    old_bac_kan = Unit.objects.filter(kind=UnitKind.PROVINCE, short_name="Bắc Kạn").first()
    assets = 0
    if old_bac_kan is not None:
        communes = Unit.objects.filter(kind=UnitKind.COMMUNE, path__startswith=old_bac_kan.path).order_by("path")
        for number, commune in enumerate(communes[:108], start=1):
            services.create_asset(admin, {
                "code": f"BKN-VC-{number:03d}", "kind": AssetKind.VC_POINT, "subtype": "commune",
                "name": f"Điểm cầu {commune.name}", "unit": commune, "system": conference,
                "location": f"Trụ sở {commune.name}", "commissioned_on": dt.date(2022, 6, 1)},
                "Dữ liệu mẫu / Demo data")
            assets += 1
    camera_system = InformationSystem.objects.get(code="TNG-017")
    for number in range(1, 41):
        services.create_asset(admin, {
            "code": f"TNG-CAM-{number:03d}", "kind": AssetKind.CAMERA, "subtype": "traffic" if number % 4 else "ioc",
            "name": f"Camera nút giao {number}", "unit": camera_system.owner, "system": camera_system,
            "latitude": round(21.59 + (number % 8) * 0.004, 6), "longitude": round(105.82 + (number // 8) * 0.005, 6),
            "location": "Phường Phan Đình Phùng", "commissioned_on": dt.date(2024, 3, 1)}, "Dữ liệu mẫu / Demo data")
        assets += 1
    communes_today = Unit.objects.live().filter(kind=UnitKind.COMMUNE, parent=thai_nguyen).order_by("path")
    for number, commune in enumerate(communes_today, start=1):
        services.create_asset(admin, {
            "code": f"TNG-NET-{number:03d}", "kind": AssetKind.NETWORK_POINT, "subtype": "level2",
            "name": f"Điểm kết nối mạng TSLCD {commune.name}", "unit": commune,
            "commissioned_on": dt.date(2025, 7, 1)}, "Dữ liệu mẫu / Demo data")
        assets += 1
    for number in range(1, 13):
        services.create_asset(admin, {
            "code": f"TNG-SRV-{number:03d}", "kind": AssetKind.SERVER,
            "subtype": "virtual" if number > 4 else "physical",
            "name": f"Máy chủ TTDL tỉnh {number:02d}", "unit": thai_nguyen,
            "address": f"10.171.{number}.5", "location": "Trung tâm dữ liệu tỉnh"}, "Dữ liệu mẫu / Demo data")
        assets += 1
    approved = _dossiers(admin, lao_cai, thai_nguyen)
    events, raised = _events()
    if stdout:
        stdout.write(f"  Hệ thống thông tin / systems: {made}, tài sản hạ tầng / assets: {assets}, "
                     f"hồ sơ cấp độ đã phê duyệt / approved level dossiers: {approved}, "
                     f"sự kiện / events: {events}, sự cố / incidents: {raised}\n")


def _approver(username: str, full_name: str, unit: Unit) -> User:
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group

    from tinhso.accounts.demo import DEMO_PASSWORD

    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create(username=username, full_name=full_name, role=Role.VIEWER, unit=unit,
                                   password=make_password(DEMO_PASSWORD))
        user.groups.add(Group.objects.get(name=dossiers.APPROVER_GROUP))
    return user


def _note_file(name: str, text: str) -> ContentFile:
    return ContentFile(text.encode("utf-8"), name=name)


def _dossiers(admin: User, lao_cai: Unit, thai_nguyen: Unit) -> int:
    """Seed 003: Lào Cai classified its 50 systems in 2023 to approve 80%; here 42 are approved under
    Decree 85 (84%), 5 are with the appraiser and 3 still drafts. Thái Nguyên has a few approved and one
    draft under today's regime."""
    approvers = {lao_cai.pk: _approver("pheduyet.laocai", "Lãnh đạo UBND tỉnh Lào Cai", lao_cai),
                 thai_nguyen.pk: _approver("pheduyet.thainguyen", "Lãnh đạo UBND tỉnh Thái Nguyên", thai_nguyen)}
    approved = 0
    plans = [(s, "LCI") for s in InformationSystem.objects.filter(code__startswith="LCI-").order_by("code")]
    plans += [(s, "TNG") for s in InformationSystem.objects.filter(code__startswith="TNG-").order_by("code")[:8]]
    for index, (system, prefix) in enumerate(plans):
        if prefix == "LCI":
            dated = dt.date(2023, 3, 1) + dt.timedelta(days=3 * index)
            stage = ("approved" if index < 42 else "appraised" if index < 45 else "submitted" if index < 47
                     else "draft")
        else:
            dated = dt.date(2025, 9, 1) + dt.timedelta(days=5 * index) if index % 8 < 6 else dt.date(2026, 8, 20)
            stage = "approved" if index % 8 < 6 else "draft"
        answers = regimes.prefill(system)
        dossier = dossiers.start_dossier(admin, system.pk, answers, dated=dated,
                                         justification="Hồ sơ lập theo danh mục hệ thống thông tin của tỉnh")
        if stage == "draft":
            continue
        for document in dossiers.required_documents(dossier):
            dossiers.attach_document(admin, dossier.pk, document["code"],
                                     _note_file(f"{document['code']}.txt", f"{document['vi']} — {system.name}"))
        dossier.refresh_from_db()
        dossier = dossiers.submit(admin, dossier.pk, dossier.version)
        if stage == "submitted":
            continue
        dossier = dossiers.appraise(admin, dossier.pk, dossier.version, "Hồ sơ đầy đủ, cấp độ đề xuất phù hợp")
        for document in dossiers.missing_documents(dossier, "approval"):
            dossiers.attach_document(admin, dossier.pk, document["code"],
                                     _note_file(f"{document['code']}.txt", document["vi"]))
        dossier.refresh_from_db()
        if stage == "appraised":
            continue
        province = lao_cai if prefix == "LCI" else thai_nguyen
        decided = min(dossier.dated + dt.timedelta(days=20), dt.date.today())
        dossiers.approve(approvers[province.pk], dossier.pk, dossier.version,
                         f"{100 + index}/QĐ-{'UBND' if dossier.proposed_level >= 3 else 'STTTT'}", decided,
                         "Phó Chủ tịch UBND tỉnh" if dossier.proposed_level >= 3 else "Giám đốc Sở", feed=False)
        approved += 1
    today = dt.date.today()
    for year in (today.year - 1, today.year):
        feeds.feed_indicators(year)
    return approved


def _events() -> tuple[int, int]:
    """Today's events from four of Thái Nguyên's systems with the planted attacks (seed 000: the province
    collects and analyses security events), then the rules: incidents for the operations view."""
    from tinhso.security import incidents
    from tinhso.security.events import generator, store

    hosts = [f"he-thong-{n:02d}.thainguyen.gov.vn" for n in (1, 2, 3, 5)]
    today = dt.date.today()
    stream = generator.generate(hosts, today, 6000, seed=2024, silent_host=hosts[3])
    now = dt.datetime.now(dt.UTC)
    local_now = now.astimezone(dt.timezone(dt.timedelta(hours=7)))
    # only what has "happened" by now today, so the demo looks live
    lines = [line for line in stream.lines if _before(line, local_now)]
    result = store.ingest_lines(lines, "auto", today.year)
    evaluation = incidents.evaluate_day(today)
    return result.stored, evaluation.created


def _before(line: str, now: dt.datetime) -> bool:
    from tinhso.security.events import parsers

    clock = parsers._Clock(now.year)
    record = parsers.PARSERS[parsers.sniff(line)](line, clock)
    return record is not None and record["ts"] <= int(now.timestamp() * 1_000_000)
