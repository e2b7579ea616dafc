"""Online access to digital resources: the access link behind a login, QR codes for
posters, and returning a digital loan early.

Thin doors over :mod:`samenbieb.digital`. The provider's address is only ever sent as the
redirect that grants access, to a logged-in member with a valid membership.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.catalog.models import DigitalResource
from samenbieb.digital import qr, queries, services
from samenbieb.digital.errors import (
    AllCopiesInUse,
    LoanNotActive,
    LoanNotConfirmed,
    MembershipRequired,
    ResourceUnavailable,
)
from samenbieb.interfaces.portal.account_views import NEXT
from samenbieb.members import auth
from samenbieb.members.models import Person

# A QR code depends only on the token (and the site's address): posters may cache it.
QR_MAX_AGE = 365 * 24 * 3600
# Marks the access link at the end of a form's redirect chain (the login, "borrow").
# The content security policy allows forms to lead only to this site (form-action 'self')
# and browsers hold every redirect of a form submission to that, so there a 302 to the
# provider would be blocked: instead a page opens the provider by an instant refresh
# (WCAG technique H76) with a link as fallback. Everywhere else the answer is a 302.
CONTINUE = "doorgaan"


def _member(request: HttpRequest) -> Person:
    person = auth.current_member(request)
    if person is None:  # member_required sent everyone else to the login page
        raise PermissionDenied
    return person


def _unavailable(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/digital/unavailable.html", status=404)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def access(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    """The link in QR codes and on the record page: log in, then straight to the resource.

    GET opens what the member may open without taking a copy (a simultaneous-use licence,
    or their running loan): a 302 to the provider, or the opening page at the end of a
    form chain (see CONTINUE). Starting a loan asks first and takes a POST, so a preview
    or another site that opens the link cannot use up a copy.
    """
    resource = queries.resource_by_token(token)
    if resource is None:
        return _unavailable(request)
    person = auth.current_member(request)
    if person is None:
        # As member_required does, but the way back is marked as the end of a form chain.
        back = f"{request.path}?{urlencode({CONTINUE: '1'})}"
        return HttpResponseRedirect(f"{reverse('portal:login')}?{urlencode({NEXT: back})}")
    borrow = request.method == "POST"
    try:
        granted = services.digital_access_grant(
            actor=None, person=person, resource=resource, borrow=borrow, member=person
        )
    except ResourceUnavailable:
        return _unavailable(request)
    except MembershipRequired as refusal:
        return render(
            request,
            "portal/digital/refused.html",
            {"resource": resource, "refusal": refusal},
            status=403,
        )
    except AllCopiesInUse as refusal:
        return render(
            request,
            "portal/digital/in_use.html",
            {"resource": resource, "refusal": refusal},
            status=409,
        )
    except LoanNotConfirmed as question:
        return render(
            request,
            "portal/digital/borrow.html",
            {"resource": resource, "ends": question.ends},
        )
    if borrow or request.GET.get(CONTINUE):
        return render(
            request,
            "portal/digital/open.html",
            {"resource": resource, "access_url": granted.access_url, "loan": granted.loan},
        )
    return HttpResponseRedirect(granted.access_url)


def _qr_response(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    patch_cache_control(response, public=True, max_age=QR_MAX_AGE, immutable=True)
    # Public content without personal data: a library's own website may show it too.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _resource_for_qr(token: uuid.UUID) -> DigitalResource:
    # Switched-off resources too: a poster can be made before the title goes online.
    resource = queries.resource_by_token(token, active_only=False)
    if resource is None:
        raise Http404
    return resource


@require_safe
def qr_svg(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    resource = _resource_for_qr(token)
    link = qr.access_link(resource.token, request)
    return _qr_response(
        qr.qr_svg(link, title=str(resource.record)),
        "image/svg+xml",
        f"samenbieb-{resource.token}.svg",
    )


@require_safe
def qr_png(request: HttpRequest, token: uuid.UUID) -> HttpResponse:
    resource = _resource_for_qr(token)
    link = qr.access_link(resource.token, request)
    return _qr_response(qr.qr_png(link), "image/png", f"samenbieb-{resource.token}.png")


@require_POST
@auth.member_required
def loan_return(request: HttpRequest, pk: int) -> HttpResponse:
    person = _member(request)
    try:
        loan = services.digital_loan_return(actor=None, person=person, loan_id=pk, member=person)
    except LoanNotActive as refusal:
        messages.error(request, str(refusal.message))
    else:
        messages.success(
            request,
            _("You returned “%(title)s”. Thank you: someone else can use it now.")
            % {"title": loan.resource.record},
        )
    return HttpResponseRedirect(reverse("portal:account") + "#digitaal")
