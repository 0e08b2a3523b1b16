"""Demo data sharing: the seed provinces' departments providing services, departments and communes
consuming them, and a month of generated gateway traffic (deterministic, a second or two)."""

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from tinhso.accounts.models import User
from tinhso.core.formatting import vn_number
from tinhso.sharing import ledger, services
from tinhso.sharing.models import Access, AccessStatus, Service, ServiceStatus
from tinhso.units.models import Unit, UnitKind

DEMO_MONTH = (2025, 10)
DEMO_SEED = 47
BATCH = "demo-2025-10"

# code, name, provider (department, province), system, category, personal data, calls per day (mean)
SERVICES = [
    ("ho-tich", "Tra cứu dữ liệu hộ tịch điện tử", ("Sở Tư pháp", "Thái Nguyên"), "Phần mềm hộ tịch",
     "population", True, 180),
    ("thua-dat", "Tra cứu thông tin thửa đất", ("Sở Nông nghiệp và Môi trường", "Thái Nguyên"),
     "Cơ sở dữ liệu đất đai", "land", True, 120),
    ("dang-ky-kinh-doanh", "Thông tin đăng ký hộ kinh doanh", ("Sở Tài chính", "Bắc Ninh"),
     "Hệ thống đăng ký kinh doanh", "business", False, 90),
    ("tiem-chung", "Lịch sử tiêm chủng", ("Sở Y tế", "Lào Cai"), "Hệ thống tiêm chủng", "health", True, 60),
    ("hoc-sinh", "Hồ sơ học sinh (đăng ký một lần, dùng nhiều nơi)", ("Sở Giáo dục và Đào tạo", "Lào Cai"),
     "Cơ sở dữ liệu ngành giáo dục", "education", True, 150),
    ("danh-muc-dung-chung", "Danh mục dùng chung của tỉnh", ("Sở Khoa học và Công nghệ", "Thái Nguyên"),
     "Nền tảng tích hợp, chia sẻ dữ liệu (LGSP)", "catalogue", False, 240),
]
# service code → consumers (department or commune name, province), system
ACCESSES = {
    "ho-tich": [(("Sở Y tế", "Thái Nguyên"), "Phần mềm cấp giấy chứng sinh"),
                (("Phường Bắc Kạn", "Thái Nguyên"), "Hệ thống thông tin giải quyết TTHC")],
    "thua-dat": [(("Sở Tài chính", "Thái Nguyên"), "Hệ thống quản lý thuế đất"),
                 (("Sở Xây dựng", "Thái Nguyên"), "Phần mềm cấp phép xây dựng")],
    "dang-ky-kinh-doanh": [(("Sở Công Thương", "Bắc Ninh"), "Hệ thống quản lý thương mại điện tử")],
    "tiem-chung": [(("Sở Giáo dục và Đào tạo", "Lào Cai"), "Cơ sở dữ liệu ngành giáo dục"),
                   (("Phường Sa Pa", "Lào Cai"), "Hệ thống thông tin giải quyết TTHC")],
    "hoc-sinh": [(("Sở Y tế", "Lào Cai"), "Hệ thống tiêm chủng"),
                 (("Phường Sa Pa", "Lào Cai"), "Ứng dụng Công dân số")],
    "danh-muc-dung-chung": [(("Sở Tư pháp", "Thái Nguyên"), "Phần mềm hộ tịch"),
                            (("Sở Y tế", "Thái Nguyên"), "Phần mềm cấp giấy chứng sinh")],
}
PENDING = ("danh-muc-dung-chung", ("Phường Bắc Kạn", "Thái Nguyên"), "Cổng thông tin điện tử phường",
           "Hiển thị danh mục thủ tục và đơn vị hành chính trên cổng của phường")


def _unit(name: str, province: str) -> Unit | None:
    live = Unit.objects.live().exclude(code__isnull=True)
    if name.startswith("Phường") or name.startswith("Xã"):
        return live.filter(kind=UnitKind.COMMUNE, name=name, parent__name=f"Tỉnh {province}").first()
    return live.filter(kind=UnitKind.DEPARTMENT, name=f"{name} {province}").first()


def load(stdout=None) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None or Service.objects.filter(code="ho-tich").exists():
        return
    created = {}
    for code, name, (dep, province), system, category, personal, _ in SERVICES:
        unit = _unit(dep, province)
        if unit is None:
            continue
        created[code] = services.save_service(admin, {
            "provider_unit": unit, "provider_system": system, "code": code, "name": name, "kind": "rest",
            "data_category": category, "personal_data": personal, "legal_basis": "ND278-2025",
            "status": ServiceStatus.ACTIVE, "documentation": f"Dịch vụ {name.lower()} qua nền tảng LGSP của tỉnh.",
            "legal_basis_text": "Quy chế quản lý, khai thác Nền tảng tích hợp, chia sẻ dữ liệu của tỉnh"},
            reason="Dữ liệu mẫu / Demo data")
    approved = []
    for code, consumers in ACCESSES.items():
        if code not in created:
            continue
        for (name, province), system in consumers:
            unit = _unit(name, province)
            if unit is None:
                continue
            access = services.request_access(admin, created[code].pk, unit, system,
                                             f"Khai thác {created[code].name.lower()} phục vụ giải quyết thủ tục")
            approved.append(services.decide_access(admin, access.pk, True, "Đồng ý theo quy chế"))
    code, (name, province), system, purpose = PENDING
    unit = _unit(name, province)
    if code in created and unit is not None:
        services.request_access(admin, created[code].pk, unit, system, purpose)
    rows = generate_traffic(approved, *DEMO_MONTH, seed=DEMO_SEED)
    through_lgsp = pc.equal(rows.column("service_code"), "thua-dat")
    ledger.write(rows.filter(pc.invert(through_lgsp)), batch=BATCH)
    _both_sides(rows.filter(through_lgsp))
    services.feed_indicators(None, *DEMO_MONTH)
    if stdout:
        stdout.write(f"  {len(created)} dịch vụ chia sẻ / data services, {len(approved)} quyền khai thác / "
                     f"access rights, {vn_number(rows.num_rows)} giao dịch / transactions "
                     f"{DEMO_MONTH[1]:02d}/{DEMO_MONTH[0]}\n")


def _both_sides(land: pa.Table) -> None:
    """The land-parcel service runs through the province's LGSP, not the built-in gateway: its calls as
    both sides' platforms exported them, the provider's export missing three calls of 15/10 — what the
    reconciliation page flags."""
    side = ledger.COLUMNS.index("side")
    client = land.set_column(side, "side", pa.array(["client"] * land.num_rows))
    day = pc.cast(pc.add(land.column("request_at"), pa.scalar(ledger.LOCAL_OFFSET)), pa.date32())
    on_15th = pc.equal(day, pa.scalar(dt.date(2025, 10, 15)))
    missing = set(land.filter(on_15th).column("message_id").to_pylist()[:3])
    kept = pc.invert(pc.is_in(land.column("message_id"), pa.array(sorted(missing))))
    provider = land.filter(kept)
    provider = provider.set_column(side, "side", pa.array(["provider"] * provider.num_rows))
    ledger.write(client, batch=f"{BATCH}-client")
    ledger.write(provider, batch=f"{BATCH}-provider")


def generate_traffic(accesses: list[Access], year: int, month: int, seed: int = 1,
                     per_day: dict[str, int] | None = None) -> pa.Table:
    """Gateway rows for a month: office-hour peaks, weekends quieter, ~2% failures, log-normal durations."""
    rng = np.random.default_rng(seed)
    means = per_day or {code: mean for code, *_, mean in SERVICES}
    start, end = services.month_bounds(year, month)
    days = (end - start).days + 1
    columns: dict[str, list] = {name: [] for name in ledger.COLUMNS}
    base = dt.datetime(year, month, 1, tzinfo=dt.UTC) - ledger.LOCAL_OFFSET
    for access in accesses:
        if access.status != AccessStatus.APPROVED:
            continue
        service = access.service
        mean = means.get(service.code, 50) / max(1, len(ACCESSES.get(service.code, [1])))
        counts = rng.poisson(mean, days)
        for day in range(days):
            if (start + dt.timedelta(days=day)).weekday() >= 5:
                counts[day] //= 4
        n = int(counts.sum())
        day_index = np.repeat(np.arange(days), counts)
        hours = np.clip(rng.normal(10.5, 2.5, n), 0, 23.99)
        offsets = day_index * 86400 + hours * 3600
        request_at = [base + dt.timedelta(seconds=float(s)) for s in np.sort(offsets)]
        duration = rng.lognormal(4.0, 0.6, n)
        failed = rng.random(n) < 0.02
        status = np.where(failed, rng.choice([500, 502, 504], n), 200)
        columns["message_id"] += [f"demo-{access.pk}-{i}" for i in range(n)]
        columns["request_at"] += request_at
        columns["response_at"] += [t + dt.timedelta(milliseconds=float(d)) for t, d in zip(request_at, duration,
                                                                                          strict=True)]
        columns["client_unit"] += [access.consumer_unit.code] * n
        columns["client_system"] += [access.consumer_system] * n
        columns["provider_unit"] += [service.provider_unit.code] * n
        columns["provider_system"] += [service.provider_system] * n
        columns["service_code"] += [service.code] * n
        columns["service_version"] += [service.service_version] * n
        columns["method"] += ["GET"] * n
        columns["path"] += ["/records"] * n
        columns["status"] += status.tolist()
        columns["succeeded"] += (~failed).tolist()
        columns["duration_ms"] += np.round(duration, 3).tolist()
        columns["request_bytes"] += [0] * n
        columns["response_bytes"] += rng.integers(400, 9000, n).tolist()
        columns["side"] += ["gateway"] * n
        columns["source"] += [BATCH] * n
        columns["error"] += [("upstream_timeout" if s == 504 else None) for s in status.tolist()]
    return pa.Table.from_pydict(columns, schema=ledger.SCHEMA)
