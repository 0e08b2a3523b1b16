from django.urls import path

from tinhso.transport import views

app_name = "transport"
urlpatterns = [
    path("", views.vehicles, name="vehicles"),
    path("vehicles/<int:vehicle_id>/", views.vehicle_detail, name="vehicle"),
    path("vehicles/<int:vehicle_id>/positions/", views.positions_download, name="positions"),
    path("violations/", views.violations, name="violations"),
    path("analyse/", views.analyse, name="analyse"),
    path("coaches/", views.coaches, name="coaches"),
    path("coaches/<int:vehicle_id>/", views.coach_detail, name="coach"),
    path("reports/", views.reports, name="reports"),
    path("reports/export/", views.report_export, name="report_export"),
    path("rules/", views.rules, name="rules"),
    path("fleet/", views.fleet_page, name="fleet"),
    path("fleet/export/", views.fleet_export, name="fleet_export"),
    path("vehicles/<int:vehicle_id>/edit/", views.vehicle_edit, name="vehicle_edit"),
    path("fleet/businesses/<int:business_id>/edit/", views.business_edit, name="business_edit"),
    path("fleet/drivers/<int:driver_id>/edit/", views.driver_edit, name="driver_edit"),
    path("fleet/devices/<int:device_id>/edit/", views.device_edit, name="device_edit"),
    path("basemap.geojson", views.basemap, name="basemap"),
]
