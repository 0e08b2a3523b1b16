"""The violation rules and device requirements as dated data: the regime before 01/01/2025 (Road Traffic
Law 2008, Decree 10/2020, QCVN 31:2014/BGTVT, Circular 09/2015) and the one from 01/01/2025 (Road Traffic
Order and Safety Law 36/2024/QH15, Decree 158/2024/NĐ-CP, the Ministry of Public Security's device
regulation). What was checked against a text, and where, is written in each row; what was not, says so."""

import datetime as dt

from django.db import migrations

NEW = dt.date(2025, 1, 1)
OLD_END = dt.date(2024, 12, 31)

LAW_2024_READ = ("Đã đọc Điều 64 khoản 1 và Điều 35 khoản 2, Điều 71 khoản 2 Luật 36/2024/QH15 (hiệu lực 01/01/2025, "
                 "Điều 89) trên bản sao văn bản của kho công khai lethang7794/gtdb (data/luat-TTATGTDT-2024.yaml), "
                 "02/12/2026; chưa đối chiếu với Công báo. / Art. 64(1), 35(2), 71(2) of Law 36/2024/QH15 read in "
                 "a public third-party copy; not yet checked against the Official Gazette.")
DECREE_158_UNREAD = ("Nghị định 158/2024/NĐ-CP (18/12/2024, thay Nghị định 10/2020/NĐ-CP từ 01/01/2025) và QCVN "
                     "06:2024/BCA về thiết bị giám sát hành trình: chỉ thấy trong nguồn thứ cấp (nhiều kho công khai "
                     "thống nhất), CHƯA đọc nguyên văn; tham số giữ như chế độ trước cho đến khi đối chiếu. / Decree "
                     "158/2024 and QCVN 06:2024/BCA are known from secondary sources only: NOT read; parameters kept "
                     "as before until checked.")
LAW_2008_READ = ("Điều 65 Luật Giao thông đường bộ 23/2008/QH12 (không quá 10 giờ/ngày, không lái liên tục quá 4 giờ; "
                 "không có giới hạn theo tuần) đọc trên bản trích dẫn công khai (htx9.vn), 02/12/2026. / Art. 65 of "
                 "Law 23/2008/QH12 read in a public quotation: 10 h a day, 4 h continuous, no weekly limit.")
CIRCULAR_09_UNREAD = ("Tần suất 30 giây/15 phút theo QCVN 31:2014/BGTVT và Thông tư 09/2015/TT-BGTVT như mô tả "
                      "của dự án; chưa đọc nguyên văn. / The 30 s / 15 min intervals are as the project brief "
                      "states; the texts were not read.")

LAW_2024 = "Luật Trật tự, an toàn giao thông đường bộ 36/2024/QH15, Điều 64 khoản 1"
LAW_2008 = "Luật Giao thông đường bộ 23/2008/QH12, Điều 65; Nghị định 10/2020/NĐ-CP"

# code: (valid_from, valid_to, legal reference, verified, note) for the rules migration 0002 created
CURRENT = {
    "continuous-driving-4h": (f"{LAW_2024}: không lái xe liên tục quá 04 giờ. Nghị định 158/2024/NĐ-CP.", True,
                              LAW_2024_READ),
    "daily-driving-10h": (f"{LAW_2024}: không quá 10 giờ trong một ngày. Nghị định 158/2024/NĐ-CP.", True,
                          LAW_2024_READ),
    "weekly-driving-48h": (f"{LAW_2024}: không quá 48 giờ trong một tuần (mới từ 01/01/2025).", True, LAW_2024_READ),
    "speeding": ("Tốc độ tối đa ngoài khu dân cư theo loại xe, Thông tư 38/2024/TT-BGTVT, Điều 8 (từ 01/01/2025); "
                 "xử phạt theo Nghị định 168/2024/NĐ-CP.", False,
                 "Thông tư 38/2024/TT-BGTVT chưa đọc nguyên văn; giới hạn theo loại xe như tham số. / Circular "
                 "38/2024 not read; limits as in the parameters."),
    "data-gap": ("Tần suất ghi, truyền dữ liệu của thiết bị giám sát hành trình theo QCVN 06:2024/BCA (Bộ Công an) và "
                 "Nghị định 158/2024/NĐ-CP; thiết bị bắt buộc theo Điều 35 khoản 2 Luật 36/2024/QH15.", False,
                 DECREE_158_UNREAD),
    "no-driver": ("Lái xe đăng nhập trên thiết bị giám sát hành trình trước khi lái (Nghị định 158/2024/NĐ-CP; QCVN "
                  "06:2024/BCA).", False, DECREE_158_UNREAD),
}

# the rules of the regime before 2025: (code, kind, name, params, legal reference, verified, note)
PREVIOUS = [
    ("continuous-driving-4h-2008", "continuous_driving",
     "Lái xe liên tục quá 4 giờ (trước 2025) / Continuous driving over 4 h (before 2025)",
     {"max_hours": 4, "rest_min_minutes": 15}, f"{LAW_2008}: không được lái xe liên tục quá 4 giờ.", True,
     LAW_2008_READ),
    ("daily-driving-10h-2008", "daily_driving",
     "Lái xe quá 10 giờ trong ngày (trước 2025) / Driving over 10 h a day (before 2025)",
     {"max_hours": 10}, f"{LAW_2008}: thời gian làm việc không quá 10 giờ trong một ngày.", True, LAW_2008_READ),
    ("speeding-2019", "speeding", "Quá tốc độ giới hạn (trước 2025) / Speeding (before 2025)",
     {"limit_kmh": 80, "limits_by_kind": {"taxi": 90, "contract": 80, "tourist": 80, "fixed_route": 80,
                                          "bus": 70, "freight": 80, "container": 70}, "min_duration_s": 20},
     "Tốc độ tối đa theo Thông tư 31/2019/TT-BGTVT; dữ liệu theo Thông tư 09/2015/TT-BGTVT.", False,
     "Thông tư 31/2019/TT-BGTVT chưa đọc nguyên văn; giới hạn giữ như chế độ hiện hành. / Circular 31/2019 not "
     "read; limits kept as today's."),
    ("data-gap-2015", "data_gap", "Gián đoạn dữ liệu (trước 2025) / Data gap (before 2025)",
     {"moving_max_s": 30, "parked_max_s": 900, "tolerance_s": 0},
     "QCVN 31:2014/BGTVT (sửa đổi 2015); Thông tư 09/2015/TT-BGTVT (hợp nhất 2023); Nghị định 10/2020/NĐ-CP.", False,
     CIRCULAR_09_UNREAD),
    ("no-driver-2015", "no_driver", "Không đăng nhập lái xe (trước 2025) / No logged-in driver (before 2025)",
     {"min_duration_s": 30}, "Thông tư 09/2015/TT-BGTVT (hợp nhất 2023); Nghị định 10/2020/NĐ-CP.", False,
     CIRCULAR_09_UNREAD),
]

REGIMES = [
    ("gsht-2015", "Giám sát hành trình theo Nghị định 10/2020 và QCVN 31:2014/BGTVT", None, OLD_END, 30, 900,
     ["plate", "time", "lat", "lon", "speed", "driver"],
     "Máy chủ của Tổng cục Đường bộ Việt Nam (Cục Đường bộ Việt Nam) — nơi Bắc Kạn trích xuất dữ liệu năm 2024.",
     "Nghị định 10/2020/NĐ-CP; QCVN 31:2014/BGTVT; Thông tư 09/2015/TT-BGTVT (hợp nhất 2023).", False,
     CIRCULAR_09_UNREAD),
    ("gsht-2025", "Giám sát hành trình theo Luật 36/2024/QH15 và Nghị định 158/2024/NĐ-CP", NEW, None, 30, 900,
     ["plate", "time", "lat", "lon", "speed", "driver"],
     "Hệ thống quản lý dữ liệu thiết bị giám sát hành trình do lực lượng Cảnh sát giao thông (Bộ Công an) quản lý, "
     "vận hành; kết nối, chia sẻ với cơ quan quản lý đường bộ (Điều 71 khoản 2 Luật 36/2024/QH15).",
     "Luật 36/2024/QH15, Điều 35 khoản 2 (xe kinh doanh vận tải phải lắp thiết bị giám sát hành trình; xe từ 8 chỗ, "
     "xe đầu kéo thêm thiết bị ghi hình người lái) và Điều 71 khoản 2; Nghị định 158/2024/NĐ-CP; QCVN 06:2024/BCA.",
     False, LAW_2024_READ + " " + DECREE_158_UNREAD + " Tần suất 30 giây/15 phút giữ như trước: chưa xác nhận."),
]


def forwards(apps, schema_editor):
    Rule = apps.get_model("transport", "Rule")
    for code, (legal, verified, note) in CURRENT.items():
        Rule.objects.filter(code=code).update(valid_from=NEW, legal_reference=legal, verified=verified,
                                              verification_note=note)
    for code, kind, name, params, legal, verified, note in PREVIOUS:
        Rule.objects.get_or_create(code=code, defaults={
            "kind": kind, "name": name, "params": params, "legal_reference": legal, "valid_to": OLD_END,
            "verified": verified, "verification_note": note})
    Regime = apps.get_model("transport", "MonitoringRegime")
    for code, name, start, end, moving, parked, fields, destination, legal, verified, note in REGIMES:
        Regime.objects.get_or_create(code=code, defaults={
            "name": name, "valid_from": start, "valid_to": end, "moving_interval_s": moving,
            "parked_interval_s": parked, "required_fields": fields, "destination": destination,
            "legal_reference": legal, "verified": verified, "verification_note": note})


def backwards(apps, schema_editor):
    apps.get_model("transport", "Rule").objects.filter(code__in=[r[0] for r in PREVIOUS]).delete()
    apps.get_model("transport", "Rule").objects.filter(code__in=list(CURRENT)).update(valid_from=None)
    apps.get_model("transport", "MonitoringRegime").objects.filter(code__in=[r[0] for r in REGIMES]).delete()


class Migration(migrations.Migration):
    dependencies = [("transport", "0005_rules_by_date")]
    operations = [migrations.RunPython(forwards, backwards)]
