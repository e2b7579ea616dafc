from django.conf import settings
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from samenbieb.network.admin_site import admin_site
from samenbieb.security.views import security_txt

urlpatterns = [
    path(".well-known/security.txt", security_txt, name="security-txt"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("beheer/", admin_site.urls),
    path("balie/", include("samenbieb.interfaces.desk.urls")),
    path("", include("samenbieb.interfaces.api.urls")),
    # OAI-PMH and SRU for harvesters and search clients (docs/oai-sru.md): /oai, /sru
    path("", include("samenbieb.interfaces.oai.urls")),
    path("", include("samenbieb.interfaces.sru.urls")),
    path("cockpit/", include("samenbieb.interfaces.cockpit.urls")),
    # OpenID Connect for members: /.well-known/openid-configuration and /oidc/…
    path("", include("samenbieb.identity.urls")),
    path("", include("samenbieb.interfaces.portal.urls")),
]

if settings.DEBUG:  # pragma: no cover - development convenience only
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
