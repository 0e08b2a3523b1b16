from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tinhso.api import api
from tinhso.core import views as core_views
from tinhso.ioc import views as ioc_views

handler500 = "tinhso.core.views.server_error"

urlpatterns = [
    path("", ioc_views.home, name="home"),  # the operations centre is the front door
    path("healthz", core_views.healthz, name="healthz"),
    path("jobs/<int:job_id>/", core_views.job_status, name="job"),
    path("assets/leaflet/<path:path>", core_views.leaflet_asset, name="leaflet"),
    path("login/", auth_views.LoginView.as_view(
        template_name="core/login.html",
        extra_context={"external_login": settings.TINHSO_OIDC_LOGIN_NAME if settings.TINHSO_OIDC_LOGIN_ENABLED else ""},
    ), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("units/", include("tinhso.units.urls")),
    path("accounts/", include("tinhso.accounts.urls")),
]
if settings.TINHSO_OIDC_LOGIN_ENABLED:  # sign-in through the province's identity provider (identity/external.py)
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))
for app_label in getattr(settings, "TINHSO_DOMAIN_APPS", ()):
    urlpatterns.append(path(f"{app_label}/", include(f"tinhso.{app_label}.urls")))
    # An app may also own routes at the site's root (e.g. /.well-known/…), declared on its AppConfig.
    if root_urlconf := getattr(apps.get_app_config(app_label), "root_urlconf", None):
        urlpatterns.append(path("", include(root_urlconf)))
