from django.urls import path

from tinhso.programme import views

app_name = "programme"
urlpatterns = [
    path("", views.index, name="index"),
    path("tasks/", views.my_tasks, name="my_tasks"),
    path("sample.xlsx", views.sample_file, name="sample"),
    path("template.xlsx", views.template_file, name="template"),
    path("schemes/new/", views.scheme_edit, name="scheme_create"),
    path("schemes/<int:scheme_id>/edit/", views.scheme_edit, name="scheme_edit"),
    path("plans/new/", views.plan_edit, name="plan_create"),
    path("plans/<int:plan_id>/", views.plan_overview, name="plan"),
    path("plans/<int:plan_id>/edit/", views.plan_edit, name="plan_edit"),
    path("plans/<int:plan_id>/tasks/", views.plan_tasks, name="tasks"),
    path("plans/<int:plan_id>/tasks/new/", views.task_edit, name="task_create"),
    path("plans/<int:plan_id>/timeline/", views.plan_timeline, name="timeline"),
    path("plans/<int:plan_id>/export/", views.plan_export, name="export"),
    path("plans/<int:plan_id>/import/", views.plan_import, name="import"),
    path("plans/<int:plan_id>/carry-over/", views.plan_carry_over, name="carry_over"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/history/", views.task_history, name="task_history"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
]
