from django.urls import path

from tinhso.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("check/", views.check, name="check"),
    path("register/", views.register, name="register"),
    path("issued/<int:pk>/<str:fmt>/", views.issued_file, name="issued_file"),
]
