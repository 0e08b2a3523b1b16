"""OpenID Connect endpoints at the site's root, so the issuer is the site itself
(`https://host` → discovery at `https://host/.well-known/openid-configuration`)."""

from django.urls import path, re_path
from oauth2_provider import views

app_name = "oauth2_provider"
urlpatterns = [
    re_path(r"^\.well-known/openid-configuration/?$", views.ConnectDiscoveryInfoView.as_view(),
            name="oidc-connect-discovery-info"),
    path(".well-known/jwks.json", views.JwksInfoView.as_view(), name="jwks-info"),
    path("o/authorize/", views.AuthorizationView.as_view(), name="authorize"),
    path("o/token/", views.TokenView.as_view(), name="token"),
    path("o/revoke_token/", views.RevokeTokenView.as_view(), name="revoke-token"),
    path("o/introspect/", views.IntrospectTokenView.as_view(), name="introspect"),
    path("o/userinfo/", views.UserInfoView.as_view(), name="user-info"),
    path("o/logout/", views.RPInitiatedLogoutView.as_view(), name="rp-initiated-logout"),
]
