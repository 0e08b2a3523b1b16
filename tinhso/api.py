"""The project's REST API: one NinjaAPI at /api/v1/ mounting each domain app's router."""

from django.conf import settings

from tinhso import __version__
from tinhso.accounts.auth import API_AUTH
from tinhso.core.api import TinhsoAPI, install_error_handlers

api = TinhsoAPI(
    title="tinhso API",
    version=f"v1 ({__version__})",
    description=(
        "API của nền tảng Tỉnh số: đơn vị, chương trình chuyển đổi số, chỉ tiêu, DTI, giám sát hành trình.\n\n"
        "Xác thực bằng phiên đăng nhập (kèm CSRF) hoặc `Authorization: Bearer <mã truy cập>`. "
        "Lỗi luôn có dạng `{error, message{vi,en}, errors[{field, message{vi,en}}]}`.\n\n"
        "API of the tinhso digital-province platform. Authenticate with the login session (with CSRF) or a "
        "bearer token."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
install_error_handlers(api)

for app_label in ("units", "accounts", *getattr(settings, "TINHSO_DOMAIN_APPS", ())):
    module = __import__(f"tinhso.{app_label}.api", fromlist=["router"])
    api.add_router("/", module.router)
