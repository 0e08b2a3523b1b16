"""The project's REST API: one NinjaAPI at /api/v1/ mounting each domain app's router."""

import threading

from django.conf import settings
from ninja import NinjaAPI, Swagger

from tinhso import __version__
from tinhso.accounts.auth import API_AUTH
from tinhso.core.api import install_error_handlers


class CachedSchemaAPI(NinjaAPI):
    """The OpenAPI document is built from the routers, which do not change while the process runs:
    build it once (it took about a second) and serve the same document to every request."""

    _schema_lock = threading.Lock()

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        key = (path_prefix, tuple(sorted((path_params or {}).items())))
        cache = self.__dict__.setdefault("_schema_cache", {})
        if key not in cache:
            with self._schema_lock:
                if key not in cache:
                    cache[key] = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return cache[key]


class Docs(Swagger):
    """Swagger UI from the installed package, in a page with a way back to the application."""

    template = "core/api_docs.html"


api = CachedSchemaAPI(
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
    docs=Docs(),
)
install_error_handlers(api)

for app_label in ("units", "accounts", *getattr(settings, "TINHSO_DOMAIN_APPS", ())):
    module = __import__(f"tinhso.{app_label}.api", fromlist=["router"])
    api.add_router("/", module.router)
