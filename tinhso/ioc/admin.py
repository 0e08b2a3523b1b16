from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.ioc.models import Dashboard, KioskLink


@admin.register(Dashboard)
class DashboardAdmin(SimpleHistoryAdmin):
    list_display = ("name", "owner", "default_for", "version", "updated_at")
    readonly_fields = ("version",)


@admin.register(KioskLink)
class KioskLinkAdmin(SimpleHistoryAdmin):
    list_display = ("label", "dashboard", "issued_by", "expires_at", "revoked_at", "last_seen_at")
    readonly_fields = ("nonce", "last_seen_at")
