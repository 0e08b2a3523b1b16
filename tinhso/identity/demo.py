"""Demo: one school application of Thái Nguyên signing its users in through tinhso."""

from tinhso.accounts.models import User
from tinhso.identity.models import ClientApplication
from tinhso.identity.services import ClientData, register_client
from tinhso.units.models import Unit, UnitKind

DEMO_APP = "Cổng học trực tuyến các trường Thái Nguyên (mẫu)"


def load(stdout=None) -> None:
    if ClientApplication.objects.filter(application__name=DEMO_APP).exists():
        return
    admin = User.objects.filter(username="admin").first()
    owner = Unit.objects.live().filter(kind=UnitKind.DEPARTMENT, name__startswith="Sở Giáo dục").filter(
        name__endswith="Thái Nguyên").first() or Unit.objects.live().filter(
        kind=UnitKind.PROVINCE, name="Tỉnh Thái Nguyên").first()
    if admin is None or owner is None:
        return
    client, secret = register_client(admin, ClientData(
        name=DEMO_APP, owner_unit=owner, description="Ứng dụng mẫu: đăng ký một lần, dùng mọi ứng dụng trường học.",
        redirect_uris=["http://127.0.0.1:8500/callback"], post_logout_redirect_uris=["http://127.0.0.1:8500/"],
        scopes=["openid", "profile", "tinhso"]))
    if stdout:
        stdout.write(f"  OIDC demo client: client_id={client.application.client_id} secret={secret}\n")
