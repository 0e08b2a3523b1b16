"""Default violation rules (limits kept as data, each with its legal reference) and the group of
transport inspectors that may see the journey-monitoring module."""

from django.db import migrations

DRIVING_TIME_LAW = (
    "Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15, Điều 64 khoản 1 (từ 01/01/2025: không quá "
    "10 giờ/ngày, không lái liên tục quá 4 giờ, không quá 48 giờ/tuần; trước đó Luật Giao thông đường bộ 2008, "
    "Điều 65); Nghị định 10/2020/NĐ-CP, nay là Nghị định 158/2024/NĐ-CP về kinh doanh vận tải; dữ liệu từ thiết "
    "bị giám sát hành trình theo Thông tư 09/2015/TT-BGTVT (văn bản hợp nhất 2023). / Road Traffic Order and "
    "Safety Law 36/2024/QH15 art. 64(1); Decree 10/2020/ND-CP as replaced by Decree 158/2024/ND-CP."
)

RULES = [
    ("speeding", "speeding", "Quá tốc độ giới hạn / Speeding",
     {"limit_kmh": 80, "limits_by_kind": {"taxi": 90, "contract": 80, "tourist": 80, "fixed_route": 80,
                                          "bus": 70, "freight": 80, "container": 70},
      "min_duration_s": 20},
     "Tốc độ khai thác tối đa ngoài khu dân cư theo Thông tư 38/2024/TT-BGTVT, Điều 8 (thiết bị không biết biển "
     "báo từng đoạn đường nên dùng mức tối đa theo loại xe); khai thác dữ liệu vi phạm tốc độ theo Thông tư "
     "09/2015/TT-BGTVT (hợp nhất 2023); xử phạt theo Nghị định 168/2024/NĐ-CP. / Maximum speeds outside "
     "residential areas (Circular 38/2024/TT-BGTVT art. 8); speeding must last at least min_duration_s."),
    ("continuous-driving-4h", "continuous_driving", "Lái xe liên tục quá 4 giờ / Continuous driving over 4 h",
     {"max_hours": 4, "rest_min_minutes": 15}, DRIVING_TIME_LAW),
    ("daily-driving-10h", "daily_driving", "Lái xe quá 10 giờ trong ngày / Driving over 10 h a day",
     {"max_hours": 10}, DRIVING_TIME_LAW),
    ("weekly-driving-48h", "weekly_driving", "Lái xe quá 48 giờ trong tuần / Driving over 48 h a week",
     {"max_hours": 48}, DRIVING_TIME_LAW),
    ("data-gap", "data_gap", "Gián đoạn dữ liệu quá tần suất quy định / Data gap beyond the reporting interval",
     {"moving_max_s": 30, "parked_max_s": 900, "tolerance_s": 0},
     "Tần suất ghi, truyền dữ liệu: tối thiểu 30 giây/lần khi xe chạy, 15 phút/lần khi dừng đỗ (QCVN "
     "31:2014/BGTVT sửa đổi 2015; Thông tư 09/2015/TT-BGTVT, văn bản hợp nhất 2023); Nghị định 10/2020/NĐ-CP, "
     "nay Nghị định 158/2024/NĐ-CP. / Devices must report at least every 30 s moving and every 15 min parked."),
    ("no-driver", "no_driver", "Chạy xe không đăng nhập thông tin lái xe / Driving without a logged-in driver",
     {"min_duration_s": 30},
     "Lái xe phải đăng nhập bằng giấy phép lái xe trên thiết bị giám sát hành trình trước khi điều khiển xe "
     "(Thông tư 09/2015/TT-BGTVT hợp nhất 2023; Nghị định 10/2020/NĐ-CP, nay Nghị định 158/2024/NĐ-CP). / "
     "The driver must log in with their licence before driving."),
]


def forwards(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config("transport")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Rule = apps.get_model("transport", "Rule")
    for code, kind, name, params, legal in RULES:
        Rule.objects.get_or_create(code=code, defaults={"kind": kind, "name": name, "params": params,
                                                        "legal_reference": legal})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Thanh tra giao thông")
    perms = Permission.objects.filter(content_type__app_label="transport",
                                      codename__in=["view_journeys", "ingest_positions"])
    group.permissions.add(*perms)


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Thanh tra giao thông").delete()
    apps.get_model("transport", "Rule").objects.filter(code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("transport", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
