from django.core.management.base import BaseCommand, CommandError

from tinhso.core.errors import DomainError
from tinhso.programme import services
from tinhso.programme.management.commands._common import plan_by_code, user_by_name


class Command(BaseCommand):
    help = ("Chuyển tiếp nhiệm vụ chưa hoàn thành sang kế hoạch sau, tất cả hoặc không / "
            "Carry unfinished tasks into a later plan, all or nothing")

    def add_arguments(self, parser):
        parser.add_argument("source", help="mã kế hoạch nguồn / source plan code")
        parser.add_argument("target", help="mã kế hoạch nhận / target plan code")
        parser.add_argument("--user", required=True, help="người thực hiện / acting user")

    def handle(self, *args, **options):
        source, target = plan_by_code(options["source"]), plan_by_code(options["target"])
        try:
            result = services.carry_over(user_by_name(options["user"]), source, target)
        except DomainError as exc:
            raise CommandError("; ".join(str(e) for e in exc.errors) or f"{exc.vi} / {exc.en}") from exc
        for task in result.created:
            self.stdout.write(f"  {task.code}. {task.title} → {task.lead_unit.name}")
        self.stdout.write(f"Đã chuyển tiếp {len(result.created)} nhiệm vụ / carried over {len(result.created)} tasks")
