from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _

from samenbieb.interfaces.api.api import api
from samenbieb.interfaces.api.problems import problem


def unknown_address(request: HttpRequest, rest: str) -> HttpResponse:
    """Anything under /api/v1/ that is no operation: a problem, not the portal's HTML page."""
    return problem(request, 404, "not_found", _("The API has no such address. See /api/v1/docs."))


urlpatterns = [
    path("api/v1/", api.urls),
    path("api/v1/<path:rest>", unknown_address),
]
