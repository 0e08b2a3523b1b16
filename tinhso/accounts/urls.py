from django.urls import path

from tinhso.accounts import views

app_name = "accounts"
urlpatterns = [
    path("me/", views.profile, name="profile"),
    path("2fa/setup/", views.second_factor_setup, name="2fa_setup"),
    path("2fa/verify/", views.second_factor_verify, name="2fa_verify"),
]
