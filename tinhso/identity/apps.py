from django.apps import AppConfig


def _nav_visible(user) -> bool:
    from tinhso.identity.services import can_manage

    return can_manage(user)


class IdentityConfig(AppConfig):
    name = "tinhso.identity"
    label = "identity"
    verbose_name = "Đăng nhập một lần"
    nav_entry = {
        "url_name": "identity:clients",
        "title": "Đăng nhập một lần",
        "description": "Các ứng dụng của tỉnh đăng nhập bằng tài khoản Tỉnh số (OpenID Connect)",
        "order": 80,
    }
    nav_visible = staticmethod(_nav_visible)
    # Routes that must sit at the site's root (OpenID Connect discovery is issuer + /.well-known/…).
    root_urlconf = "tinhso.identity.oidc_urls"
    demo_loader = "tinhso.identity.demo.load"
    demo_order = 90

    def ready(self) -> None:
        from oauth2_provider.signals import app_authorized

        from tinhso.identity.services import record_sign_in

        def _log(sender, request, token, **kwargs) -> None:
            record_sign_in(token.application, token.user, request.POST.get("grant_type", ""), token.scope)

        app_authorized.connect(_log, weak=False, dispatch_uid="tinhso.identity.sign_in_log")
