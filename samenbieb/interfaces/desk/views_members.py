"""Desk pages for members: find by card scan or name, register, the member page.

Thin: each view parses a form, calls one query or service, and renders. Access goes
through :mod:`samenbieb.members.queries` (the tenant gate); a member of another library
is "not found", the same as one who does not exist.
"""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from samenbieb.circulation import queries as circulation_queries
from samenbieb.core.errors import DomainError, NotPermitted
from samenbieb.interfaces.desk.forms_members import (
    CardReplaceForm,
    MemberRegisterForm,
    MemberSearchForm,
)
from samenbieb.interfaces.desk.forms_privacy import ReasonForm
from samenbieb.members import cards, queries, services
from samenbieb.members.errors import PossibleDuplicate
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.privacy import services as privacy_services


def _staff(request: HttpRequest) -> StaffUser:
    return cast(StaffUser, request.user)


def _may_manage(user: Any, organisation_id: int | None = None) -> bool:
    scope = tenancy.staff_scope(user, Capability.MEMBERS_MANAGE)
    return not scope.is_empty if organisation_id is None else scope.allows(organisation_id)


def _person_or_404(user: Any, pk: int) -> Person:
    person = queries.person_for_staff(user, pk)
    if person is None:
        raise Http404
    return person


@require_safe
@login_required
def members(request: HttpRequest) -> HttpResponse:
    """Scan a card (straight to the member) or type the start of a name."""
    if tenancy.staff_scope(request.user, Capability.MEMBERS_VIEW).is_empty:
        raise PermissionDenied
    form = MemberSearchForm(request.GET if "q" in request.GET else None)
    results: list[Person] | None = None
    card = None
    if form.is_valid():
        text = form.cleaned_data["q"]
        card = queries.card_for_desk(request.user, text)
        if card is not None and card.status == "active":
            return redirect("desk:member", pk=card.person_id)
        results = queries.persons_for_desk(request.user, text)
    return render(
        request,
        "desk/members.html",
        {"form": form, "results": results, "card": card, "may_add": _may_manage(request.user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def member_register(request: HttpRequest) -> HttpResponse:
    if not _may_manage(request.user):
        raise PermissionDenied
    organisations = tenancy.visible(Organisation, request.user, Capability.MEMBERS_MANAGE)
    plans = queries.plans_for_staff(request.user)
    duplicate: Person | None = None
    duplicate_elsewhere = False
    if request.method == "POST":
        form = MemberRegisterForm(request.POST, organisations=organisations, plans=plans)
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = services.person_register(
                    actor=_staff(request),
                    organisation=form.registering_for,
                    given_name=data["given_name"],
                    name_prefix=data["name_prefix"],
                    family_name=data["family_name"],
                    birth_date=data["birth_date"],
                    street=data["street"],
                    house_number=data["house_number"],
                    postcode=data["postcode"],
                    city=data["city"],
                    email=data["email"],
                    phone=data["phone"],
                    card_barcode=data["card_barcode"],
                    plan=data["plan"],
                    consents=form.consents(),
                    via="desk",
                    guardian=data["guardian_card"],
                    allow_duplicate=data["different_person"],
                )
            except PossibleDuplicate as error:
                duplicate = queries.person_for_staff(request.user, error.person_id)
                duplicate_elsewhere = duplicate is None
                form.add_error(None, str(error.message))
            except DomainError as error:
                form.add_domain_error(error)
            else:
                messages.success(
                    request,
                    _("%(name)s is registered, with card %(card)s.")
                    % {"name": person.full_name, "card": data["card_barcode"]},
                )
                return redirect("desk:member", pk=person.pk)
    else:
        form = MemberRegisterForm(organisations=organisations, plans=plans)
    show_different_person = bool(
        duplicate or duplicate_elsewhere or form["different_person"].value()
    )
    return render(
        request,
        "desk/member_form.html",
        {
            "form": form,
            "duplicate": duplicate,
            "duplicate_elsewhere": duplicate_elsewhere,
            "show_different_person": show_different_person,
        },
    )


@require_safe
@login_required
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The member's page without date of birth, address and contact details: those need a
    reason first (views_privacy.member_details). Every opening is in the audit trail."""
    person = _person_or_404(request.user, pk)
    privacy_services.person_read_record(actor=_staff(request), person=person, view="summary")
    return _render_member(request, person, CardReplaceForm())


def _render_member(
    request: HttpRequest,
    person: Person,
    replace_form: CardReplaceForm,
    status: int = 200,
    *,
    show_details: bool = False,
    reason_form: ReasonForm | None = None,
    export_form: ReasonForm | None = None,
) -> HttpResponse:
    today = timezone.localdate()
    memberships = list(queries.memberships_of(person))
    # Newest first, so the first uncancelled one per library is the one to renew.
    latest_per_library: dict[int, int] = {}
    for membership in memberships:
        if membership.cancelled_at is None:
            latest_per_library.setdefault(membership.organisation_id, membership.pk)
    consents = queries.current_consents(person)
    return render(
        request,
        "desk/member.html",
        {
            "person": person,
            "cards": list(person.cards.select_related("issued_by")),
            "memberships": memberships,
            "renewable": set(latest_per_library.values()),
            "valid": queries.membership_valid(person, today),
            "charges": list(circulation_queries.charges_open(person)),
            "consents": [consents[kind] for kind in sorted(consents)],
            "guardians": [
                link.guardian for link in person.guardian_links.select_related("guardian")
            ],
            "wards": [link.child for link in person.ward_links.select_related("child")],
            "replace_form": replace_form,
            "may_manage": _may_manage(request.user, person.home_organisation_id),
            "today": today,
            "show_details": show_details,
            "reason_form": reason_form or ReasonForm(),
            "export_form": export_form or ReasonForm(prefix="export"),
            "may_export": tenancy.staff_scope(request.user, Capability.PRIVACY_REQUESTS).allows(
                person.home_organisation_id
            ),
        },
        status=status,
    )


@require_POST
@login_required
def member_card_replace(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request.user, pk)
    form = CardReplaceForm(request.POST)
    if form.is_valid():
        try:
            card = cards.card_replace(
                actor=_staff(request),
                person=person,
                new_barcode=form.cleaned_data["new_barcode"],
                organisation=person.home_organisation,
            )
        except NotPermitted:
            raise PermissionDenied from None
        except DomainError as error:
            form.add_domain_error(error)
        else:
            messages.success(
                request,
                _("The old card no longer works. The new card is %(card)s.")
                % {"card": card.barcode},
            )
            return redirect("desk:member", pk=person.pk)
    return _render_member(request, person, form, status=400)


@require_POST
@login_required
def member_membership_renew(request: HttpRequest, pk: int, membership_pk: int) -> HttpResponse:
    person = _person_or_404(request.user, pk)
    membership = queries.memberships_of(person).filter(pk=membership_pk).first()
    if membership is None:
        raise Http404
    try:
        renewed = services.membership_renew(
            actor=_staff(request), membership=membership, today=timezone.localdate()
        )
    except NotPermitted:
        raise PermissionDenied from None
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("Membership renewed until %(date)s.") % {"date": f"{renewed.ends_on:%d-%m-%Y}"},
        )
    return redirect("desk:member", pk=person.pk)
