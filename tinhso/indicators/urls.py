from django.urls import path

from tinhso.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.index, name="index"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("catalogue/new/", views.indicator_edit, name="indicator_new"),
    path("catalogue/<str:code>/", views.indicator_detail, name="indicator"),
    path("catalogue/<str:code>/edit/", views.indicator_edit, name="indicator_edit"),
    path("forms/", views.forms_list, name="forms"),
    path("forms/new/", views.form_edit, name="form_new"),
    path("forms/<str:code>/edit/", views.form_edit, name="form_edit"),
    path("rules/new/", views.rule_edit, name="rule_new"),
    path("rules/<str:code>/edit/", views.rule_edit, name="rule_edit"),
    path("report/<str:form_code>/<int:unit_id>/<str:period>/", views.report_entry, name="report"),
    path("report/<str:form_code>/<int:unit_id>/<str:period>/template.xlsx", views.report_template,
         name="report_template"),
    path("completeness/", views.completeness, name="completeness"),
    path("analytics/", views.analytics_page, name="analytics"),
    path("targets/", views.targets, name="targets"),
    path("reminders/", views.reminders, name="reminders"),
]
