"""Reads of the consultation hours: free slots, appointments of a day, schedules, and the
anonymous counts of walk-in contacts (for the desk now, the cockpit later)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth

from samenbieb.network import tenancy
from samenbieb.network.models import Branch
from samenbieb.network.roles import Capability
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Appointment,
    AppointmentStatus,
    ConsultationSchedule,
    Slot,
    WalkInContact,
)


def _taken() -> Exists:
    return Exists(
        Appointment.objects.filter(slot=OuterRef("pk")).exclude(status=AppointmentStatus.CANCELLED)
    )


def slots_free(
    *,
    start: dt.datetime,
    end: dt.datetime,
    activity: Activity | None = None,
    branch: Branch | None = None,
    branch_ids: Iterable[int] | None = None,
    published_only: bool = True,
) -> QuerySet[Slot]:
    """Slots starting in [start, end) that nobody has booked, earliest first."""
    slots = Slot.objects.filter(starts_at__gte=start, starts_at__lt=end).exclude(_taken())
    if activity is not None:
        slots = slots.filter(activity=activity)
    if branch is not None:
        slots = slots.filter(branch=branch)
    if branch_ids is not None:
        slots = slots.filter(branch_id__in=list(branch_ids))
    if published_only:
        slots = slots.filter(activity__status=ActivityStatus.PUBLISHED)
    return slots.select_related("activity", "branch").order_by("starts_at", "branch_id", "pk")


def slot_public(pk: int) -> Slot | None:
    """A slot of a published consultation hour, as anyone may see it (booked or not)."""
    return (
        Slot.objects.filter(
            pk=pk,
            activity__status=ActivityStatus.PUBLISHED,
            activity__kind=ActivityKind.CONSULTATION,
        )
        .select_related("activity", "branch", "activity__organisation")
        .first()
    )


def slot_is_free(slot: Slot) -> bool:
    return (
        not Appointment.objects.filter(slot=slot)
        .exclude(status=AppointmentStatus.CANCELLED)
        .exists()
    )


def consultation_public(pk: int) -> Activity | None:
    return (
        Activity.objects.filter(
            pk=pk, kind=ActivityKind.CONSULTATION, status=ActivityStatus.PUBLISHED
        )
        .select_related("organisation")
        .first()
    )


def appointment_by_token(token: str) -> Appointment | None:
    """The appointment a confirmation link names (the link is its only key)."""
    if not token or len(token) > 64:
        return None
    return (
        Appointment.objects.filter(token=token)
        .select_related("slot__activity", "slot__branch", "topic")
        .first()
    )


# --- Staff ---------------------------------------------------------------------------


def consultations_for_staff(user: Any, capability: str = Capability.PROGRAMMES_REGISTER) -> Any:
    """The consultation hours (not cancelled) of the libraries where ``user`` may act."""
    return (
        tenancy.visible(Activity, user, capability)
        .filter(kind=ActivityKind.CONSULTATION)
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related("organisation")
        .order_by("organisation__name", "title", "pk")
    )


def consultation_for_staff(user: Any, pk: int, capability: str) -> Activity | None:
    return consultations_for_staff(user, capability).filter(pk=pk).first()


def schedules_of(activity: Activity) -> QuerySet[ConsultationSchedule]:
    return activity.schedules.select_related("branch").order_by(
        "branch__name", "weekday", "starts", "pk"
    )


def branches_for_staff(user: Any, capability: str = Capability.PROGRAMMES_REGISTER) -> Any:
    return (
        tenancy.visible(Branch, user, capability)
        .filter(is_active=True)
        .exclude(kind="office")
        .select_related("organisation")
        .order_by("organisation__name", "name", "pk")
    )


def appointments_of_day(*, branch: Branch, start: dt.datetime, end: dt.datetime) -> Any:
    """Every appointment (cancelled too) at ``branch`` with its slot in [start, end)."""
    return (
        Appointment.objects.filter(
            slot__branch=branch, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
        .select_related("slot__activity", "topic", "person")
        .order_by("slot__starts_at", "pk")
    )


def appointment_for_staff(user: Any, pk: int) -> Appointment | None:
    return (
        tenancy.visible(Appointment, user, Capability.PROGRAMMES_REGISTER)
        .filter(pk=pk)
        .select_related("slot__activity", "slot__branch")
        .first()
    )


def contact_counts(
    *,
    first: dt.date,
    last: dt.date,
    branches: Iterable[int] | None = None,
    organisation_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Walk-in contacts per branch, month, topic and outcome between ``first`` and ``last``
    (inclusive): rows of ``branch_id``, ``branch``, ``month`` (its first day), ``topic``
    (code), ``topic_name``, ``outcome`` and ``count``; one query."""
    contacts = WalkInContact.objects.filter(occurred_on__gte=first, occurred_on__lte=last)
    if branches is not None:
        contacts = contacts.filter(branch_id__in=list(branches))
    if organisation_ids is not None:
        contacts = contacts.filter(activity__organisation_id__in=list(organisation_ids))
    rows = (
        contacts.annotate(month=TruncMonth("occurred_on"))
        .values("branch_id", "branch__name", "month", "topic__code", "topic__name", "outcome")
        .annotate(count=Count("pk"))
        .order_by("branch__name", "branch_id", "month", "topic__name", "outcome")
    )
    return [
        {
            "branch_id": row["branch_id"],
            "branch": row["branch__name"],
            "month": row["month"],
            "topic": row["topic__code"],
            "topic_name": row["topic__name"],
            "outcome": row["outcome"],
            "count": row["count"],
        }
        for row in rows
    ]


def contact_totals_today(*, branch: Branch, day: dt.date) -> dict[str, int]:
    """How many walk-in contacts ``branch`` counted on ``day``, per outcome and in all."""
    totals = WalkInContact.objects.filter(branch=branch, occurred_on=day).aggregate(
        all=Count("pk"),
        helped=Count("pk", filter=Q(outcome="helped")),
        referred=Count("pk", filter=Q(outcome="referred")),
        follow_up=Count("pk", filter=Q(outcome="follow_up")),
    )
    return {key: int(value or 0) for key, value in totals.items()}


def partners_for_referral(organisation_id: int) -> Any:
    """The active partners of a library, to name when a walk-in is referred."""
    from samenbieb.programmes.models import Partner

    return Partner.objects.filter(organisation_id=organisation_id, is_active=True).order_by(
        "name", "pk"
    )


def schedule_for_staff(user: Any, pk: int) -> ConsultationSchedule | None:
    return (
        tenancy.visible(ConsultationSchedule, user, Capability.PROGRAMMES_MANAGE)
        .filter(pk=pk)
        .select_related("activity", "branch")
        .first()
    )
