from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.units.models import Succession, Unit, UnitEvent


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "parent", "stats_code", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("search_text", "code", "stats_code")
    readonly_fields = ("path", "version")
    autocomplete_fields = ("parent",)


class SuccessionInline(admin.TabularInline):
    model = Succession
    autocomplete_fields = ("predecessor", "successor")
    extra = 0


@admin.register(UnitEvent)
class UnitEventAdmin(SimpleHistoryAdmin):
    list_display = ("kind", "date", "legal_basis")
    inlines = [SuccessionInline]
