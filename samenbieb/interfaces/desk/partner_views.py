"""Pages for partner organisations (/balie/partner/): their referrals, a new referral, and
the status of each. Every page goes through :func:`partner_required` and reads through
:mod:`samenbieb.programmes.partner_access`; a referral of another partner is "not found".
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.core.errors import DomainError, NotPermitted
from samenbieb.interfaces.desk.partner_forms import PartnerReferralForm, ReferralStatusForm
from samenbieb.network.models import StaffUser
from samenbieb.programmes import partner_access
from samenbieb.programmes.models import Partner, Referral
from samenbieb.programmes.services import partners as services


def _actor(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _referral_or_404(request: HttpRequest, pk: int) -> Referral:
    referral = partner_access.referral_for_partner(request.user, pk)
    if referral is None:
        raise Http404
    return referral


@require_safe
@partner_access.partner_required
def home(request: HttpRequest, partner: Partner) -> HttpResponse:
    referrals = list(partner_access.referrals_visible_to_partner(request.user))
    return render(
        request,
        "desk/programmes/partners/partner_home.html",
        {
            "partner": partner,
            "incoming": [r for r in referrals if r.direction == "incoming"],
            "outgoing": [r for r in referrals if r.direction == "outgoing"],
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@partner_access.partner_required
def referral_new(request: HttpRequest, partner: Partner) -> HttpResponse:
    activities = partner_access.activities_open_to_partner(request.user)
    if request.method == "POST":
        form = PartnerReferralForm(request.POST, activities=activities)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create_incoming(
                    actor=_actor(request),
                    activity=data["activity"],
                    name=data["name"],
                    phone=data["phone"],
                    card=data["card"],
                    topic=data["topic"],
                    note=data["note"],
                    consent_given=data["consent_given"],
                    consent_text_version=services.REFERRAL_CONSENT_TEXT_VERSION,
                )
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("Thank you. The library has your referral to %(activity)s.")
                    % {"activity": data["activity"].title},
                )
                return redirect("desk:partner_referral", pk=referral.pk)
    else:
        initial = {}
        if request.GET.get("activity", "").isdigit():
            initial["activity"] = int(request.GET["activity"])
        form = PartnerReferralForm(initial=initial, activities=activities)
    return render(
        request,
        "desk/programmes/partners/partner_referral_form.html",
        {"partner": partner, "form": form, "has_activities": activities.exists()},
    )


@require_safe
@partner_access.partner_required
def referral_detail(request: HttpRequest, pk: int, partner: Partner) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    return render(
        request,
        "desk/programmes/partners/partner_referral.html",
        {
            "partner": partner,
            "referral": referral,
            "next_statuses": services.referral_next_statuses(referral, services.PARTNER),
        },
    )


@require_POST
@partner_access.partner_required
def referral_status(request: HttpRequest, pk: int, partner: Partner) -> HttpResponse:
    referral = _referral_or_404(request, pk)
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            services.referral_status_set(
                actor=_actor(request), referral=referral, status=form.cleaned_data["status"]
            )
        except NotPermitted:
            raise Http404 from None
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The status is changed."))
    return redirect("desk:partner_referral", pk=referral.pk)
