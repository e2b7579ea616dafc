"""The OpenID Connect provider's addresses, under DOT's URL namespace (its views reverse
``oauth2_provider:<name>``). The issuer is the site itself, so discovery lives at the
site's ``/.well-known/openid-configuration``; the endpoints live under ``/oidc/``.

Only token, revocation and userinfo are exempt from CSRF (DOT's views are, being
called by services with credentials, never by a browser session); authorize and
logout are ordinary, CSRF-protected pages.
"""

from django.urls import path
from oauth2_provider import views as dot

from samenbieb.identity import views
from samenbieb.security.ratelimit import rate_limited

app_name = "oauth2_provider"
urlpatterns = [
    path(
        ".well-known/openid-configuration",
        views.DiscoveryView.as_view(),
        name="oidc-connect-discovery-info",
    ),
    path("oidc/authorize/", views.AuthorizeView.as_view(), name="authorize"),
    path(
        "oidc/token/",
        rate_limited("oidc_token", as_json=True)(dot.TokenView.as_view()),
        name="token",
    ),
    path("oidc/revoke/", dot.RevokeTokenView.as_view(), name="revoke-token"),
    path("oidc/userinfo/", dot.UserInfoView.as_view(), name="user-info"),
    path("oidc/jwks/", dot.JwksInfoView.as_view(), name="jwks-info"),
    path("oidc/logout/", views.MemberLogoutView.as_view(), name="rp-initiated-logout"),
]
