from django.urls import path

from tinhso.units import views

app_name = "units"
urlpatterns = [
    path("", views.unit_tree, name="tree"),
    path("children/", views.unit_children, name="children"),
    path("new/", views.unit_create, name="create"),
    path("import/", views.unit_import, name="import"),
    path("export/", views.unit_export, name="export"),
    path("<int:unit_id>/", views.unit_detail, name="detail"),
    path("<int:unit_id>/edit/", views.unit_edit, name="edit"),
    path("<int:unit_id>/history/", views.unit_history, name="history"),
]
