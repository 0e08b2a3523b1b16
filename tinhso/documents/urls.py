from django.urls import path

from tinhso.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.home, name="home"),
    path("draft/", views.draft, name="draft"),
    path("draft/file/<str:fmt>/", views.draft_file, name="draft_file"),
    path("issue/", views.issue, name="issue"),
    path("check/", views.check, name="check"),
    path("register/", views.register, name="register"),
    path("issued/<int:pk>/<str:fmt>/", views.issued_file, name="issued_file"),
    path("templates/", views.templates_page, name="templates"),
    path("templates/<str:kind>/starter.docx", views.template_file, name="template_file"),
    path("templates/<int:pk>/preview/", views.template_preview, name="template_preview"),
]
