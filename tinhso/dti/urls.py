from django.urls import path

from tinhso.dti import views

app_name = "dti"
urlpatterns = [
    path("", views.home, name="home"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("frameworks/import/", views.framework_import, name="framework_import"),
    path("frameworks/<int:framework_id>/", views.framework_detail, name="framework"),
    path("frameworks/<int:framework_id>/download/", views.framework_download, name="framework_download"),
    path("rounds/<int:round_id>/", views.round_detail, name="round"),
    path("rounds/<int:round_id>/do/<str:action>/", views.round_action, name="round_action"),
    path("rounds/<int:round_id>/import-results/", views.results_import, name="results_import"),
    path("rounds/<int:round_id>/derive/", views.round_derive, name="round_derive"),
    path("rounds/<int:round_id>/units/<int:unit_id>/mains/<str:code>/", views.main_value_save, name="main_value_save"),
    path("rounds/<int:round_id>/export.<str:fmt>", views.export, name="export"),
    path("rounds/<int:round_id>/units/<int:unit_id>/", views.scorecard, name="scorecard"),
    path("rounds/<int:round_id>/units/<int:unit_id>/values/<str:code>/", views.value_save, name="value_save"),
    path("rounds/<int:round_id>/units/<int:unit_id>/values/<str:code>/history/", views.value_history,
         name="value_history"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
