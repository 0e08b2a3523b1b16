"""Demo: the seed provinces' periodic DX reports drafted from the demo data and entered in the register —
Lào Cai's first half of 2023 (issued by its Department of Information and Communications, as it stood then),
Bắc Kạn's year 2024 and today's Thái Nguyên's third quarter of 2025 (by its Department of Science and
Technology)."""

from tinhso.accounts.models import User
from tinhso.documents import services
from tinhso.documents.compose import Options
from tinhso.documents.models import IssuedDocument
from tinhso.units.models import Unit, UnitKind

REPORTS = [  # province (as named then), period, signer
    ("Tỉnh Lào Cai", "2023-H1", "KT.", "Nguyễn Văn Bình"),
    ("Tỉnh Bắc Kạn", "2024", "", "Trần Thị Hoa"),
    ("Tỉnh Thái Nguyên", "2025-Q3", "KT.", "Lê Minh Đức"),
]


def _province(name: str, period: str) -> Unit | None:
    from tinhso.core.reporting import parse_period

    day = parse_period(period).end
    return Unit.objects.as_of(day).filter(kind=UnitKind.PROVINCE, name=name).first()


def load(stdout=None) -> None:
    admin = User.objects.filter(username="admin").first()
    if admin is None or IssuedDocument.objects.exists():
        return
    issued = []
    for name, period, authority, signer in REPORTS:
        province = _province(name, period)
        if province is None:
            continue
        row = services.issue_draft(admin, "report", province.pk, period, Options(authority=authority,
                                                                                 signer_name=signer))
        issued.append(f"Số {row.number}/{row.symbol} ({name}, {period})")
    if stdout:
        stdout.write(f"  Văn bản đã vào sổ / issued documents: {', '.join(issued)}\n")
