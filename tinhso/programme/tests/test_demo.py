"""The demo loads the seed reports' programme: the sentence of seed 000, the carry-over chains into today's
Thái Nguyên, and tasks for the demo focal points; loading twice changes nothing. (One test: loading the
demo registry is the slow part.)"""

from tinhso.accounts import demo as accounts_demo
from tinhso.accounts.models import User
from tinhso.programme import demo, services
from tinhso.programme.models import Plan, Task
from tinhso.units import demo as units_demo


def test_demo_tells_the_seed_story_and_gives_focal_points_work(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    units_demo.load()
    accounts_demo.load()
    demo.load()

    leader = User.objects.get(username="lanhdao")
    plan_2024 = Plan.objects.get(code="KH-CDS-BK-2024")
    sentences = services.overview(leader, plan_2024).sentences
    assert sentences[0] == "Năm 2024 có 9 nhiệm vụ mới, trong đó 6 nhiệm vụ chưa có trong Đề án."
    assert sentences[1] == "Có 5 nhiệm vụ chuyển tiếp từ năm 2023."
    three_years = Task.objects.get(plan__code="KH-CDS-TN-2025-2026", code="2023.11")
    assert [t.plan.year for t in services.chain(three_years)] == [2023, 2024, 2025]
    assert three_years.lead_unit.name == "Sở Khoa học và Công nghệ Thái Nguyên"  # successor of Sở TTTT Bắc Kạn
    # a province's leader reads its own plans and those of the province merged into it, not other provinces'
    # (docs/read-policy.md); a system administrator reads them all
    admin = User.objects.get(username="admin")
    for code in ("KH-CDS-LC-2023", "KH-CDS-BG-2023"):
        assert services.overview(admin, Plan.objects.get(code=code)).total >= 5
        assert not services.visible_plans(leader).filter(code=code).exists()

    for username, unit in (("daumoi.sokhcn", "Sở Khoa học và Công nghệ Thái Nguyên"),
                           ("daumoi.backan", "Phường Bắc Kạn")):
        focal = User.objects.get(username=username)
        led = [t for t in services.search_tasks(focal) if t.lead_unit.name == unit]
        assert led and all(services.can_report(focal, t) for t in led)
    assert not services.search_tasks(User.objects.get(username="daumoi.backan"), plan_2024).exists()

    count = Task.objects.count()
    demo.load()
    assert Task.objects.count() == count
