from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.security.models import Asset, InformationSystem


@admin.register(InformationSystem)
class InformationSystemAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "owner", "category", "hosting", "migration_status", "status")
    list_filter = ("category", "hosting", "migration_status", "status")
    search_fields = ("code", "name", "search_text")
    raw_id_fields = ("owner", "operator")


@admin.register(Asset)
class AssetAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "kind", "subtype", "unit", "status")
    list_filter = ("kind", "status")
    search_fields = ("code", "name", "search_text")
    raw_id_fields = ("unit", "system")
