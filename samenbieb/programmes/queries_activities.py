"""Reads of activities that matter: what is on (public), one activity with its free
places, registrations for staff (through the tenant gate), a member's own registrations
and the network's report on a national programme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability
from samenbieb.programmes.models import (
    Activity,
    ActivityStatus,
    Attendance,
    Programme,
    Registration,
    RegistrationStatus,
    Session,
)
from samenbieb.programmes.registration_states import ACTIVE
from samenbieb.programmes.services.activities import registration_closes_at

# How far back the calendar feed of a library reaches.
FEED_PAST = dt.timedelta(days=30)


def _with_counts(activities: QuerySet[Activity], now: dt.datetime) -> QuerySet[Activity]:
    return activities.annotate(
        next_start=Min("sessions__starts_at", filter=Q(sessions__starts_at__gt=now)),
        confirmed=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.CONFIRMED),
            distinct=True,
        ),
        waiting=Count(
            "registrations",
            filter=Q(registrations__status=RegistrationStatus.WAITING),
            distinct=True,
        ),
    )


def free_places(activity: Activity) -> int | None:
    """Places left (None: no limit); uses the ``confirmed`` annotation when present."""
    if activity.capacity is None:
        return None
    confirmed = getattr(activity, "confirmed", None)
    if confirmed is None:
        confirmed = activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    return max(activity.capacity - int(confirmed), 0)


def activities_upcoming(
    *,
    now: dt.datetime | None = None,
    theme: str = "",
    target_group: str = "",
    kind: str = "",
    organisation: Organisation | int | None = None,
    branch: int | None = None,
) -> QuerySet[Activity]:
    """Published activities with a session still to come, soonest first; a fixed number of
    queries with their themes, location and library."""
    now = now or timezone.now()
    activities = Activity.objects.filter(
        status=ActivityStatus.PUBLISHED,
        organisation__is_active=True,
    ).filter(Exists(Session.objects.filter(activity=OuterRef("pk"), starts_at__gt=now)))
    if theme:
        activities = activities.filter(themes__code=theme)
    if target_group:
        activities = activities.filter(target_groups__code=target_group)
    if kind:
        activities = activities.filter(kind=kind)
    if organisation is not None:
        activities = activities.filter(organisation=organisation)
    if branch is not None:
        activities = activities.filter(branch_id=branch)
    return (
        _with_counts(activities, now)
        .select_related("organisation", "branch", "programme")
        .prefetch_related("themes")
        .order_by("next_start", "title", "id")
    )


@dataclass
class ActivityView:
    """One activity as the portal shows it."""

    activity: Activity
    sessions: list[Session]
    free: int | None
    closes_at: dt.datetime | None
    is_open: bool
    over: bool


def activity_for_public(pk: int, *, now: dt.datetime | None = None) -> ActivityView | None:
    """A published (or cancelled, to say so) activity; drafts are not found."""
    now = now or timezone.now()
    activity = (
        _with_counts(
            Activity.objects.filter(
                pk=pk, status__in=[ActivityStatus.PUBLISHED, ActivityStatus.CANCELLED]
            ),
            now,
        )
        .select_related("organisation", "branch", "programme")
        .prefetch_related("themes", "target_groups")
        .first()
    )
    if activity is None:
        return None
    sessions = list(activity.sessions.order_by("starts_at"))
    closes = registration_closes_at(activity)
    over = not any(session.starts_at > now for session in sessions)
    opens = activity.registration_opens_at
    is_open = (
        activity.status == ActivityStatus.PUBLISHED
        and not activity.walk_in
        and not over
        and (opens is None or opens <= now)
        and (closes is None or now < closes)
    )
    return ActivityView(activity, sessions, free_places(activity), closes, is_open, over)


# --- staff -------------------------------------------------------------------------------


def activities_for_staff(
    user: Any, *, now: dt.datetime | None = None, include_past: bool = False
) -> QuerySet[Activity]:
    """The activities of the libraries where ``user`` may register people."""
    now = now or timezone.now()
    activities = tenancy.visible(Activity, user, Capability.PROGRAMMES_REGISTER)
    if not include_past:
        activities = activities.filter(
            Q(status=ActivityStatus.DRAFT)
            | Exists(Session.objects.filter(activity=OuterRef("pk"), ends_at__gt=now))
        )
    return (
        _with_counts(activities, now)
        .select_related("organisation", "branch", "programme")
        .order_by("organisation__name", "next_start", "title", "id")
    )


def activity_for_staff(
    user: Any, pk: int, capability: str = Capability.PROGRAMMES_REGISTER
) -> Activity | None:
    return (
        tenancy.visible(Activity, user, capability)
        .select_related("organisation", "branch", "programme")
        .prefetch_related("themes", "target_groups")
        .filter(pk=pk)
        .first()
    )


def session_for_staff(user: Any, activity: Activity, pk: int) -> Session | None:
    return (
        tenancy.visible(Session, user, Capability.PROGRAMMES_MANAGE)
        .filter(activity=activity, pk=pk)
        .select_related("activity")
        .first()
    )


def registration_for_staff(user: Any, activity: Activity, pk: int) -> Registration | None:
    return (
        tenancy.visible(Registration, user, Capability.PROGRAMMES_REGISTER)
        .filter(activity=activity, pk=pk)
        .select_related("activity", "person")
        .first()
    )


@dataclass
class RegistrationLists:
    confirmed: list[Registration]
    waiting: list[Registration]
    cancelled: list[Registration]


def registrations_of_activity(activity: Activity) -> RegistrationLists:
    """Who has a place, who waits (in order) and who cancelled; three queries."""
    rows = list(
        activity.registrations.select_related("person", "registered_by")
        .prefetch_related(Prefetch("attendances", queryset=Attendance.objects.all()))
        .order_by("created_at", "id")
    )
    return RegistrationLists(
        confirmed=[row for row in rows if row.status == RegistrationStatus.CONFIRMED],
        waiting=[row for row in rows if row.status == RegistrationStatus.WAITING],
        cancelled=[row for row in rows if row.status == RegistrationStatus.CANCELLED],
    )


def attendance_of_session(session: Session) -> dict[int, bool]:
    """Registration id → present, for what was recorded for ``session``."""
    return dict(session.attendances.values_list("registration_id", "present"))


def programmes_offered() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).select_related("publisher").order_by("name")


def programme_get(pk: int) -> Programme | None:
    return Programme.objects.select_related("publisher").filter(pk=pk).first()


@dataclass
class ProgrammeReportRow:
    organisation: Organisation
    activities: int
    sessions: int
    registrations: int
    waiting: int
    attended: int  # people who came at least once
    attendances: int  # times someone came


def programme_report(programme: Programme) -> list[ProgrammeReportRow]:
    """Per library that runs ``programme``: activities, sessions, registrations (places
    taken), the waiting list, people who came and attendances. Counts only, no persons;
    a fixed number of queries however many libraries."""
    activities = Activity.objects.filter(programme=programme).exclude(status=ActivityStatus.DRAFT)
    per_library = (
        activities.values("organisation_id")
        .annotate(
            activity_count=Count("id", distinct=True),
            session_count=Count("sessions", distinct=True),
        )
        .order_by()
    )
    registrations = (
        Registration.objects.filter(activity__in=activities)
        .values("activity__organisation_id")
        .annotate(
            confirmed=Count("id", filter=Q(status=RegistrationStatus.CONFIRMED), distinct=True),
            waiting=Count("id", filter=Q(status=RegistrationStatus.WAITING), distinct=True),
            attended=Count("id", filter=Q(attendances__present=True), distinct=True),
            came=Count("attendances", filter=Q(attendances__present=True)),
        )
        .order_by()
    )
    counts = {row["activity__organisation_id"]: row for row in registrations}
    organisations = Organisation.objects.in_bulk([row["organisation_id"] for row in per_library])
    rows = []
    for row in per_library:
        numbers = counts.get(row["organisation_id"], {})
        rows.append(
            ProgrammeReportRow(
                organisation=organisations[row["organisation_id"]],
                activities=row["activity_count"],
                sessions=row["session_count"],
                registrations=numbers.get("confirmed", 0),
                waiting=numbers.get("waiting", 0),
                attended=numbers.get("attended", 0),
                attendances=numbers.get("came", 0),
            )
        )
    return sorted(rows, key=lambda row: row.organisation.name)


# --- members and links -------------------------------------------------------------------


def registrations_of_member(person: Person, *, now: dt.datetime | None = None) -> list[Any]:
    """The member's active registrations for activities still to come, soonest first."""
    now = now or timezone.now()
    return list(
        Registration.objects.filter(person=person, status__in=ACTIVE)
        .filter(Exists(Session.objects.filter(activity=OuterRef("activity"), ends_at__gt=now)))
        .annotate(
            next_start=Min(
                "activity__sessions__starts_at", filter=Q(activity__sessions__starts_at__gt=now)
            )
        )
        .select_related("activity__branch", "activity__organisation")
        .order_by("next_start", "id")
    )


def registration_of_member(person: Person, pk: int) -> Registration | None:
    return (
        Registration.objects.filter(person=person, pk=pk)
        .select_related("activity__branch", "activity__organisation")
        .first()
    )


def registration_of_member_for(person: Person, activity: Activity) -> Registration | None:
    """The member's active registration for ``activity``, if any."""
    return (
        Registration.objects.filter(person=person, activity=activity, status__in=ACTIVE)
        .order_by("-id")
        .first()
    )


def registration_by_token(token: str) -> Registration | None:
    """The registration a link holds the secret of (calendar file, cancel without account)."""
    if not token or len(token) > 64:
        return None
    return (
        Registration.objects.filter(token=token)
        .select_related("activity__branch", "activity__organisation", "person")
        .first()
    )


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when not waiting."""
    if registration.status != RegistrationStatus.WAITING:
        return None
    return (
        registration.activity.registrations.filter(status=RegistrationStatus.WAITING)
        .filter(
            Q(created_at__lt=registration.created_at)
            | Q(created_at=registration.created_at, id__lt=registration.pk)
        )
        .count()
        + 1
    )


def sessions_for_feed(
    organisation: Organisation, *, now: dt.datetime | None = None
) -> list[Session]:
    """The sessions of a library's published activities, from a month back on."""
    now = now or timezone.now()
    return list(
        Session.objects.filter(
            activity__organisation=organisation,
            activity__status=ActivityStatus.PUBLISHED,
            ends_at__gt=now - FEED_PAST,
        )
        .select_related("activity__branch", "activity__organisation")
        .order_by("starts_at", "id")
    )


def organisation_by_isil(isil: str) -> Organisation | None:
    return Organisation.objects.filter(isil=isil, is_active=True).first()
