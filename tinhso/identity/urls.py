from django.urls import path

from tinhso.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.clients, name="clients"),
    path("new/", views.client_new, name="client_new"),
    path("<int:pk>/", views.client_detail, name="client_detail"),
    path("<int:pk>/edit/", views.client_edit, name="client_edit"),
    path("<int:pk>/enabled/", views.client_enabled, name="client_enabled"),
    path("<int:pk>/secret/", views.client_secret, name="client_secret"),
    path("my-apps/", views.my_apps, name="my_apps"),
    path("my-apps/<int:pk>/revoke/", views.revoke, name="revoke"),
]
