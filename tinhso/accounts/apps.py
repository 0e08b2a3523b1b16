from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tinhso.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và phân quyền / Accounts and roles"
    demo_loader = "tinhso.accounts.demo.load"
    demo_order = 20
