"""Desk pages for partners and referrals: the social map (partners and their contact
persons, what they do per activity), referrals in and out with their status, and referring
a person to a partner.

Thin: each view parses a form, calls one query or service, and renders. Reads go through
:mod:`samenbieb.programmes.queries_partners` (the tenant gate): another library's partner
or referral is "not found", the same as one that does not exist.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.core.errors import DomainError, NotPermitted
from samenbieb.interfaces.desk.partner_forms import ReferralStatusForm
from samenbieb.interfaces.desk.programmes_partners_forms import (
    ActivityPartnerForm,
    ContactForm,
    OutgoingReferralForm,
    PartnerForm,
    ReferralFilterForm,
)
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.programmes import queries_partners as queries
from samenbieb.programmes.models import Activity, Partner
from samenbieb.programmes.services import partners as services

MANAGE = Capability.PROGRAMMES_MANAGE
REFER = Capability.PROGRAMMES_REGISTER


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _may(user: Any, capability: str, organisation_id: int | None = None) -> bool:
    scope = tenancy.staff_scope(user, capability)
    return not scope.is_empty if organisation_id is None else scope.allows(organisation_id)


def _need(user: Any, capability: str) -> None:
    if not _may(user, capability):
        raise PermissionDenied


def _partner_or_404(user: Any, pk: int) -> Partner:
    partner = queries.partner_for_staff(user, pk)
    if partner is None:
        raise Http404
    return partner


# --- the social map ----------------------------------------------------------------------


@require_safe
@login_required
def partners(request: HttpRequest) -> HttpResponse:
    _need(request.user, REFER)
    return render(
        request,
        "desk/programmes/partners/partners.html",
        {
            "partners": list(queries.partners_for_staff(request.user)),
            "may_manage": _may(request.user, MANAGE),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def partner_add(request: HttpRequest) -> HttpResponse:
    _need(request.user, MANAGE)
    organisations = tenancy.visible(Organisation, request.user, MANAGE).order_by("name")
    form = PartnerForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            partner = services.partner_create(
                actor=_staff(request),
                organisation=data["organisation"],
                name=data["name"],
                kind=data["kind"],
                themes=data["themes"],
                phone=data["phone"],
                email=data["email"],
                website=data["website"],
            )
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("%(name)s is on the social map.") % {"name": partner.name})
            return redirect("desk:partner", pk=partner.pk)
    return render(request, "desk/programmes/partners/partner_form.html", {"form": form})


def _render_partner(
    request: HttpRequest,
    partner: Partner,
    contact_form: ContactForm | None = None,
    role_form: ActivityPartnerForm | None = None,
    status: int = 200,
) -> HttpResponse:
    may_manage = _may(request.user, MANAGE, partner.organisation_id)
    activities = Activity.objects.none()
    if may_manage:
        activities = (
            tenancy.visible(Activity, request.user, MANAGE)
            .filter(organisation_id=partner.organisation_id)
            .exclude(status="cancelled")
            .order_by("title")
        )
    return render(
        request,
        "desk/programmes/partners/partner.html",
        {
            "partner": partner,
            "roles": list(queries.partner_activities(partner)),
            "may_manage": may_manage,
            "contact_form": contact_form or ContactForm(),
            "role_form": role_form or ActivityPartnerForm(activities=activities),
        },
        status=status,
    )


@require_safe
@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_partner(request, _partner_or_404(request.user, pk))


@require_POST
@login_required
def partner_contact_add(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner_or_404(request.user, pk)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.partner_contact_add(
                actor=_staff(request), partner=partner, **form.cleaned_data
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Contact person added."))
            return redirect("desk:partner", pk=partner.pk)
    return _render_partner(request, partner, contact_form=form, status=400)


@require_POST
@login_required
def partner_activity_set(request: HttpRequest, pk: int) -> HttpResponse:
    partner = _partner_or_404(request.user, pk)
    activities = tenancy.visible(Activity, request.user, MANAGE).filter(
        organisation_id=partner.organisation_id
    )
    form = ActivityPartnerForm(request.POST, activities=activities)
    if form.is_valid():
        try:
            services.activity_partner_set(
                actor=_staff(request),
                activity=form.cleaned_data["activity"],
                partner=partner,
                roles=form.cleaned_data["roles"],
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(request, _("Saved what this partner does for the activity."))
            return redirect("desk:partner", pk=partner.pk)
    return _render_partner(request, partner, role_form=form, status=400)


# --- referrals ------------------------------------------------------------------------------


@require_safe
@login_required
def referrals(request: HttpRequest) -> HttpResponse:
    _need(request.user, MANAGE)
    form = ReferralFilterForm(request.GET or None)
    direction, open_only = "", False
    if form.is_valid():
        direction = form.cleaned_data["direction"]
        open_only = form.cleaned_data["open_only"]
    rows = queries.referrals_for_staff(request.user, direction=direction, open_only=open_only)
    return render(
        request,
        "desk/programmes/partners/referrals.html",
        {"form": form, "referrals": list(rows[:200])},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def referral_outgoing_new(request: HttpRequest) -> HttpResponse:
    _need(request.user, REFER)
    partners = queries.partners_for_staff(request.user, active_only=True)
    if request.method == "POST":
        form = OutgoingReferralForm(request.POST, partners=partners)
        if form.is_valid():
            data = form.cleaned_data
            try:
                referral = services.referral_create_outgoing(
                    actor=_staff(request),
                    partner=data["partner"],
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
                    _("The referral to %(partner)s is sent.") % {"partner": referral.partner.name},
                )
                if _may(request.user, MANAGE, referral.organisation_id):
                    return redirect("desk:referral", pk=referral.pk)
                return redirect("desk:partners")
    else:
        initial = {}
        if request.GET.get("partner", "").isdigit():
            initial["partner"] = int(request.GET["partner"])
        form = OutgoingReferralForm(initial=initial, partners=partners)
    return render(request, "desk/programmes/partners/referral_form.html", {"form": form})


@require_safe
@login_required
def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    referral = queries.referral_for_staff(request.user, pk)
    if referral is None:
        raise Http404
    return render(
        request,
        "desk/programmes/partners/referral.html",
        {
            "referral": referral,
            "next_statuses": services.referral_next_statuses(referral, services.LIBRARY),
            # Accepting a referral to an activity can register the person at once.
            "may_register": referral.direction == "incoming" and referral.registration is None,
        },
    )


@require_POST
@login_required
def referral_status(request: HttpRequest, pk: int) -> HttpResponse:
    referral = queries.referral_for_staff(request.user, pk)
    if referral is None:
        raise Http404
    form = ReferralStatusForm(request.POST)
    if form.is_valid():
        try:
            referral = services.referral_status_set(
                actor=_staff(request),
                referral=referral,
                status=form.cleaned_data["status"],
                register=form.cleaned_data["register"],
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            if referral.registration is not None:
                messages.success(
                    request,
                    _("Accepted. %(name)s is registered: %(status)s.")
                    % {
                        "name": referral.name,
                        "status": referral.registration.get_status_display(),
                    },
                )
            else:
                messages.success(request, _("The status is changed."))
    return redirect("desk:referral", pk=pk)
