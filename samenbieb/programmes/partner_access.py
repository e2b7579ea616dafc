"""The partner boundary: the one place that decides what a partner's login sees.

A partner organisation's staff log in at the desk (a :class:`StaffUser` with a
:class:`PartnerAccount`, TOTP like library staff) but hold no library role, so the tenant
gate (:mod:`samenbieb.network.tenancy`) gives them nothing on any desk or admin page.
What they *do* see, their own organisation's referrals and the activities they may refer
people to, is decided here and nowhere else; partner pages go through
:func:`partner_required` and these reads. Library staff reach partners and referrals
through the tenant gate (:mod:`samenbieb.programmes.queries_partners`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse

from samenbieb.network import second_factor
from samenbieb.programmes.models import (
    Activity,
    ActivityStatus,
    Partner,
    PartnerAccount,
    PartnerRole,
    Referral,
)

# Set on the user object (like the tenant scopes): one lookup per request.
_CACHE = "_partner_of"


def partner_of(user: Any) -> Partner | None:
    """The active partner whose account ``user`` is, or None (library staff, anonymous)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if _CACHE not in user.__dict__:
        account = (
            PartnerAccount.objects.select_related("partner__organisation")
            .filter(user_id=user.pk, partner__is_active=True)
            .first()
        )
        user.__dict__[_CACHE] = account.partner if account is not None else None
    partner: Partner | None = user.__dict__[_CACHE]
    return partner


def is_partner_account(user: Any) -> bool:
    """Is ``user`` a partner's login (active or not)? Such accounts never act as library staff."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return PartnerAccount.objects.filter(user_id=user.pk).exists()


def referrals_visible_to_partner(user: Any) -> QuerySet[Referral]:
    """The referrals of the user's own partner organisation, both ways; none for anyone else."""
    partner = partner_of(user)
    if partner is None:
        return Referral.objects.none()
    return Referral.objects.filter(partner_id=partner.pk).select_related(
        "activity", "topic", "organisation"
    )


def referral_for_partner(user: Any, pk: int) -> Referral | None:
    """One referral of the user's partner; None when it is another's or does not exist."""
    return referrals_visible_to_partner(user).filter(pk=pk).first()


def activities_open_to_partner(user: Any) -> QuerySet[Activity]:
    """Activities the user's partner may refer people to: the published ones of its library,
    those it was asked to refer people to first."""
    partner = partner_of(user)
    if partner is None:
        return Activity.objects.none()
    refers = Activity.objects.filter(
        partners__partner_id=partner.pk, partners__role=PartnerRole.REFERS
    ).values("pk")
    return (
        Activity.objects.filter(
            organisation_id=partner.organisation_id, status=ActivityStatus.PUBLISHED
        )
        .annotate(
            asked=Case(
                When(pk__in=refers, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
        .select_related("branch")
        .order_by("asked", "title", "pk")
    )


def partner_required(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """For partner pages: a logged-in partner account, passed to the view as ``partner``.

    Library staff (and anyone else) get 403: these pages are not theirs, and the library's
    own pages for referrals live elsewhere behind the tenant gate.
    """

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The middleware already makes a session without its second factor anonymous;
        # asked again here so these pages stay closed even without that middleware.
        if not second_factor.session_verified(request.user):
            raise PermissionDenied
        partner = partner_of(request.user)
        if partner is None:
            raise PermissionDenied
        return view(request, *args, partner=partner, **kwargs)

    return login_required(wrapped)
