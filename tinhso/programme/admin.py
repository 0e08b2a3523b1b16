"""Read-mostly admin: changes belong to services (validation, permissions, versions, audit)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.programme.models import BudgetLine, Evidence, Plan, ProgressUpdate, Scheme, Task


class ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, SimpleHistoryAdmin):
    pass


@admin.register(Scheme)
class SchemeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "province", "start_year", "end_year")
    search_fields = ("code", "name")


@admin.register(Plan)
class PlanAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "province", "year", "end_year", "scheme")
    list_filter = ("year",)
    search_fields = ("code", "name")


class BudgetInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    can_delete = False
    readonly_fields = ("source", "planned", "allocated", "disbursed")


@admin.register(Task)
class TaskAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "plan", "lead_unit", "status", "progress", "due_date")
    list_filter = ("status", "origin", "pillar", "plan")
    search_fields = ("code", "search_text")
    raw_id_fields = ("plan", "parent", "carried_from", "lead_unit", "coordinating_units")
    inlines = [BudgetInline]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(ReadOnlyAdmin):
    list_display = ("task", "reported_on", "progress", "status", "unit", "author")
    raw_id_fields = ("task", "unit", "author")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnly, admin.ModelAdmin):  # files are not versioned; the report that carries them is
    list_display = ("original_name", "update", "size", "created_at")
    raw_id_fields = ("update",)
