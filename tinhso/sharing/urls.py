from django.urls import path

from tinhso.sharing import views

app_name = "sharing"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("services/<int:service_id>/", views.service_detail, name="service"),
    path("access/", views.access_list, name="access"),
    path("access/<int:access_id>/", views.access_detail, name="access_detail"),
    path("traffic/", views.traffic, name="traffic"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("imports/", views.imports_page, name="imports"),
    path("open-data.csv", views.open_data_csv, name="open_data"),
    path("gw/<slug:service_code>/<path:path>", views.gateway, name="gateway"),
    path("gw/<slug:service_code>/", views.gateway, {"path": ""}, name="gateway_root"),
]
