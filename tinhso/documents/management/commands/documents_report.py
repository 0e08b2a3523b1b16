"""tinhso documents report --unit CODE --period 2026-Q3 -o file.docx|file.pdf"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tinhso.accounts.models import User
from tinhso.core.errors import DomainError
from tinhso.core.formatting import vn_number


def reader(username: str | None) -> User:
    """Whose view the document is drafted with: --user, else a system administrator (the command line runs with
    the server's authority)."""
    rows = User.objects.select_related("unit").filter(is_active=True)
    user = rows.filter(username=username).first() if username else (
        rows.filter(is_superuser=True).order_by("pk").first() or rows.filter(role="admin", unit__isnull=True).first())
    if user is None:
        raise CommandError(f"Không có người dùng '{username}' / no active user '{username}'" if username else
                           "Chưa có quản trị hệ thống; dùng --user / no system administrator; pass --user")
    return user


class Command(BaseCommand):
    help = "Soạn văn bản (báo cáo định kỳ, kế hoạch, kết quả DTI, tin bài) ra DOCX hoặc PDF / draft a document"

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="mã định danh, mã thống kê hoặc tên đơn vị / unit code")
        parser.add_argument("--period", required=True, help="2026-Q3, 2026-H1, 2026-07, 2026-9M, 2026")
        parser.add_argument("-o", "--output", required=True, help="tệp .docx hoặc .pdf / output file")
        parser.add_argument("--kind", default="report", help="report, plan, dti_results, dti_decision, news")
        parser.add_argument("--date", help="ngày văn bản YYYY-MM-DD / the document's date")
        parser.add_argument("--reference", default="", help="kế hoạch hoặc đợt DTI / plan or DTI round")
        parser.add_argument("--user", help="người soạn (phạm vi xem) / whose view")
        parser.add_argument("--issue", action="store_true", help="cấp số và vào sổ / issue with a register number")

    def handle(self, *args, **options):
        import datetime as dt

        from tinhso.documents import services
        from tinhso.documents.compose import Options

        output = Path(options["output"])
        if output.suffix.lower() not in (".docx", ".pdf"):
            raise CommandError("Tệp ra phải là .docx hoặc .pdf / the output must be .docx or .pdf")
        try:
            date = dt.date.fromisoformat(options["date"]) if options["date"] else None
        except ValueError as exc:
            raise CommandError("--date phải có dạng YYYY-MM-DD / --date must read YYYY-MM-DD") from exc
        user = reader(options["user"])
        try:
            unit = services.unit_by_code(options["unit"], "--unit")
            settings = Options(date=date, reference=options["reference"])
            if options["issue"]:
                issued = services.issue_draft(user, options["kind"], unit.pk, options["period"], settings)
                content = bytes(issued.pdf if output.suffix.lower() == ".pdf" else issued.docx)
                label = f"Số: {issued.number}/{issued.symbol}"
            else:
                doc, docx, pdf = services.draft_files(user, options["kind"], unit.pk, options["period"], settings)
                content = pdf if output.suffix.lower() == ".pdf" else docx
                label = "dự thảo / draft"
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        output.write_bytes(content)
        self.stdout.write(f"{output} ({label}, {vn_number(len(content))} byte)")
