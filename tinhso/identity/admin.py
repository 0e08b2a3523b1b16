from django.contrib import admin

from tinhso.identity.models import ClientApplication, SignIn


@admin.register(ClientApplication)
class ClientApplicationAdmin(admin.ModelAdmin):
    list_display = ("application", "owner_unit", "allowed_scopes", "enabled")
    list_filter = ("enabled",)
    readonly_fields = ("application", "version", "created_at")


@admin.register(SignIn)
class SignInAdmin(admin.ModelAdmin):
    list_display = ("at", "client", "user", "grant_type", "scopes")
    readonly_fields = ("at", "client", "user", "grant_type", "scopes")
