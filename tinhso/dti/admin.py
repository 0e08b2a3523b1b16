"""Read-mostly admin pages; frameworks and rounds are changed through the services (pages, API, CLI)."""

from django.contrib import admin

from tinhso.dti.models import Framework, Result, Round


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("code", "edition", "name", "max_points", "status")
    readonly_fields = ("code", "edition", "max_points", "groups")


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "framework", "status", "published_at")
    list_filter = ("status", "year")
    readonly_fields = ("framework", "scope", "status", "published_at", "computed_at")


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ("round", "unit", "points", "rank", "peers")
    list_filter = ("round",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False
