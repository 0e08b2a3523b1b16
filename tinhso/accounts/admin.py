from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from tinhso.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ("username", "full_name", "role", "unit", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "email")
    autocomplete_fields = ("unit",)
    fieldsets = DjangoUserAdmin.fieldsets + (("Tỉnh số", {"fields": ("full_name", "role", "unit")}),)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "hint", "created_at", "last_used_at", "revoked")
    readonly_fields = ("digest", "hint", "created_at", "last_used_at")
