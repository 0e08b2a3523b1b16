from django.urls import path

from tinhso.ioc import views

app_name = "ioc"
urlpatterns = [
    path("", views.index, name="index"),
    path("d/<int:dashboard_id>/", views.dashboard, name="dashboard"),
    path("d/<int:dashboard_id>/edit/", views.edit, name="edit"),
    path("d/<int:dashboard_id>/export.json", views.export, name="export"),
    path("new/", views.edit, name="new"),
    path("import/", views.import_view, name="import"),
    path("pin/", views.pin, name="pin"),
    path("tile/", views.tile, name="tile"),
    path("kiosk/issue/", views.kiosk_issue, name="kiosk_issue"),
    path("kiosk/<int:link_id>/revoke/", views.kiosk_revoke, name="kiosk_revoke"),
    path("wall/<str:token>/", views.wall, name="wall"),
    path("wall/<str:token>/data.json", views.wall_data, name="wall_data"),
]
