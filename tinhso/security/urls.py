from django.urls import path

from tinhso.security import views

app_name = "security"
urlpatterns = [
    path("", views.systems, name="systems"),
    path("systems/new/", views.system_create, name="system_create"),
    path("systems/<int:system_id>/", views.system_detail, name="system"),
    path("systems/<int:system_id>/edit/", views.system_edit, name="system_edit"),
    path("systems/<int:system_id>/history/", views.system_history, name="system_history"),
    path("assets/", views.assets, name="assets"),
    path("assets/new/", views.asset_create, name="asset_create"),
    path("assets/<int:asset_id>/edit/", views.asset_edit, name="asset_edit"),
    path("assets/<int:asset_id>/history/", views.asset_history, name="asset_history"),
    path("<str:what>/import/", views.import_file, name="import"),
    path("<str:what>/export/", views.export_file, name="export"),
]
urlpatterns += [
    path("systems/<int:system_id>/screen/", views.screen, name="screen"),
    path("dossiers/<int:dossier_id>/", views.dossier_detail, name="dossier"),
    path("dossiers/<int:dossier_id>/<str:action>/", views.dossier_action, name="dossier_action"),
    path("documents/<int:document_id>/", views.dossier_document, name="document"),
    path("levels/", views.levels, name="levels"),
]
urlpatterns += [
    path("operations/", views.operations, name="operations"),
    path("incidents/<int:incident_id>/", views.incident_detail, name="incident"),
    path("incidents/<int:incident_id>/report/", views.incident_report, name="incident_report"),
]

from tinhso.security import views_drafting  # noqa: E402 — the dossier's drafted documents (issue #12)

urlpatterns += [
    path("dossiers/<int:dossier_id>/drafts/<str:which>.<str:fmt>", views_drafting.dossier_draft,
         name="dossier_draft"),
]
