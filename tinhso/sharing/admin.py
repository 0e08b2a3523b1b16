from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.sharing.models import Access, ApiKey, ImportBatch, LegalBasis, Service


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ("code", "service_version", "name", "provider_unit", "status")
    list_filter = ("status", "kind", "data_category")
    search_fields = ("code", "name", "provider_system")
    readonly_fields = ("version",)


@admin.register(Access)
class AccessAdmin(SimpleHistoryAdmin):
    list_display = ("service", "consumer_unit", "consumer_system", "status", "requested_at")
    list_filter = ("status",)


@admin.register(ApiKey)
class ApiKeyAdmin(SimpleHistoryAdmin):
    list_display = ("hint", "access", "created_at", "expires_at", "revoked_at")
    readonly_fields = ("digest", "hint")


@admin.register(LegalBasis)
class LegalBasisAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "title", "valid_from", "valid_to", "verified")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "mapping", "side", "rows_stored", "rows_rejected", "duplicates", "created_at")
