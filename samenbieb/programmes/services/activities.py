"""Activities: plan them (from a national programme or on their own), add sessions,
publish and cancel; registrations with capacity and a waiting list; attendance;
reminders and the erasure of what people without an account left behind.

``actor`` is the staff user acting, or ``None`` for the system (a job, the demo loader)
and for a member or visitor acting for themselves in the portal; a logged-in member is
then the actor in the audit trail (``member``, or ``person`` on cancelling). Permissions
are checked for staff only. Every service is atomic and records an audit event.
Registrations lock the activity's row first, so the last place is taken once however many
people click at once.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Min, Q
from django.utils import formats, timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.models import Branch, Organisation, StaffUser
from samenbieb.network.roles import Capability
from samenbieb.programmes import notices_activities as notices
from samenbieb.programmes.errors import (
    ActivityNotChangeable,
    InvalidActivity,
    Reason,
    RegistrationRefused,
    SessionReason,
    SessionRefused,
)
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Attendance,
    Programme,
    Registration,
    RegistrationStatus,
    RegistrationVia,
    Session,
    TargetGroup,
    Theme,
)
from samenbieb.programmes.phone import phone_normalise
from samenbieb.programmes.registration_states import (
    ACTIVE,
    RegistrationTrigger,
    registration_next_status,
)

# A session longer than this is a typing error (a whole day's workshop is 8 hours).
SESSION_MAX = dt.timedelta(hours=12)
# Libraries plan a season or two ahead; a session years away is a typing error too.
SESSION_HORIZON = dt.timedelta(days=2 * 366)


# --- helpers -----------------------------------------------------------------------------


def _require(actor: StaffUser | None, organisation_id: int, capability: str) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, capability)


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y, H:i")


def _locked(activity: Activity) -> Activity:
    """The activity's row, locked: every change to its sessions or places goes through it."""
    locked = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if locked is None:
        raise RegistrationRefused(Reason.ACTIVITY_NOT_OPEN, _("This activity no longer exists."))
    return locked


def anonymous_registration_days() -> int:
    """Days after an activity's last session that the names and phone numbers of people
    without an account are kept (``SAMENBIEB["ANONYMOUS_REGISTRATION_DAYS"]``)."""
    return int(str(settings.SAMENBIEB.get("ANONYMOUS_REGISTRATION_DAYS", 1)))


def registration_closes_at(activity: Activity) -> dt.datetime | None:
    """When registration closes: the set time, else when the first session starts."""
    if activity.registration_closes_at is not None:
        return activity.registration_closes_at
    first: dt.datetime | None = activity.sessions.aggregate(first=Min("starts_at"))["first"]
    return first


# --- activities --------------------------------------------------------------------------


@dataclass
class ActivityData:
    """What staff fill in for an activity; the same for a new one and a change."""

    kind: str
    title: str
    themes: Sequence[Theme]
    description: str = ""
    target_groups: Sequence[TargetGroup] = field(default_factory=list)
    language_level: str = ""
    branch: Branch | None = None
    online_url: str = ""
    capacity: int | None = None
    price: Decimal = Decimal("0")
    registration_opens_at: dt.datetime | None = None
    registration_closes_at: dt.datetime | None = None
    walk_in: bool = False


def _check(organisation_id: int, data: ActivityData) -> None:
    if data.kind not in ActivityKind.values:
        raise InvalidActivity(_("Choose what kind of activity this is."), field="kind")
    if not " ".join(data.title.split()):
        raise InvalidActivity(_("Give the activity a title."), field="title")
    if not data.themes:
        raise InvalidActivity(
            _("Choose at least one theme, so people can find the activity."), field="themes"
        )
    if data.branch is None and not data.online_url:
        raise InvalidActivity(
            _("Choose the branch where it takes place, or give the online address."),
            field="branch",
        )
    if data.branch is not None and data.branch.organisation_id != organisation_id:
        raise InvalidActivity(_("Choose a branch of your own library."), field="branch")
    if data.capacity is not None and data.capacity < 1:
        raise InvalidActivity(
            _("Give at least one place, or leave the number empty for no limit."),
            field="capacity",
        )
    if data.price < 0:
        raise InvalidActivity(_("The price cannot be below zero."), field="price")
    opens, closes = data.registration_opens_at, data.registration_closes_at
    if opens is not None and closes is not None and opens >= closes:
        raise InvalidActivity(
            _("Registration must open before it closes."), field="registration_closes_at"
        )


def _apply(activity: Activity, data: ActivityData) -> None:
    activity.kind = data.kind
    activity.title = " ".join(data.title.split())[:150]
    activity.description = data.description.strip()
    activity.language_level = data.language_level
    activity.branch = data.branch
    activity.online_url = data.online_url
    activity.capacity = data.capacity
    activity.price = data.price
    activity.registration_opens_at = data.registration_opens_at
    activity.registration_closes_at = data.registration_closes_at
    activity.walk_in = data.walk_in


@transaction.atomic
def activity_create(
    *,
    actor: StaffUser | None,
    organisation: Organisation,
    data: ActivityData,
    programme: Programme | None = None,
) -> Activity:
    """Plan a new activity of ``organisation``, as a draft."""
    _require(actor, organisation.pk, Capability.PROGRAMMES_MANAGE)
    _check(organisation.pk, data)
    activity = Activity(organisation=organisation, programme=programme)
    _apply(activity, data)
    activity.save()
    activity.themes.set(data.themes)
    activity.target_groups.set(data.target_groups)
    audit_record(
        actor=actor,
        event_type="programmes.activity.created",
        organisation_id=organisation.pk,
        target=activity,
        details={"programme": programme.pk if programme else None, "kind": activity.kind},
    )
    return activity


@transaction.atomic
def activity_create_from_programme(
    *,
    actor: StaffUser | None,
    organisation: Organisation,
    programme: Programme,
    branch: Branch | None,
    starts: Sequence[dt.datetime],
    capacity: int | None,
    online_url: str = "",
    price: Decimal = Decimal("0"),
    registration_opens_at: dt.datetime | None = None,
    registration_closes_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Activity:
    """Run the national ``programme`` locally: an activity with the programme's content and
    one session of the programme's length at each of ``starts`` (local dates), as a draft."""
    if not programme.is_active:
        raise InvalidActivity(_("This programme is no longer offered."), field="programme")
    if not starts:
        raise SessionRefused(SessionReason.NOT_FOUND, _("Give the date and time of each session."))
    data = ActivityData(
        kind=programme.kind,
        title=programme.name,
        description=programme.description,
        themes=list(programme.themes.all()),
        target_groups=list(programme.target_groups.all()),
        language_level=programme.language_level,
        branch=branch,
        online_url=online_url,
        capacity=capacity,
        price=price,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
    )
    activity = activity_create(
        actor=actor, organisation=organisation, data=data, programme=programme
    )
    length = dt.timedelta(minutes=programme.session_minutes)
    for start in sorted(starts):
        session_add(
            actor=actor, activity=activity, starts_at=start, ends_at=start + length, now=now
        )
    return activity


@transaction.atomic
def activity_update(
    *,
    actor: StaffUser | None,
    activity: Activity,
    data: ActivityData,
    now: dt.datetime | None = None,
) -> Activity:
    """Change an activity. Fewer places than people registered is refused; more places
    move people up from the waiting list."""
    now = now or timezone.now()
    locked = _locked(activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_MANAGE)
    if locked.status == ActivityStatus.CANCELLED:
        raise ActivityNotChangeable(_("A cancelled activity cannot be changed."))
    _check(locked.organisation_id, data)
    confirmed = locked.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    if data.capacity is not None and data.capacity < confirmed:
        raise InvalidActivity(
            _("%(count)d people are registered already. Give at least that many places.")
            % {"count": confirmed},
            field="capacity",
        )
    first: dt.datetime | None = locked.sessions.aggregate(first=Min("starts_at"))["first"]
    if data.registration_opens_at and first and data.registration_opens_at >= first:
        raise InvalidActivity(
            _("Registration must open before the first session."),
            field="registration_opens_at",
        )
    _apply(locked, data)
    locked.save()
    locked.themes.set(data.themes)
    locked.target_groups.set(data.target_groups)
    promoted = _promote(locked, now)
    audit_record(
        actor=actor,
        event_type="programmes.activity.changed",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"capacity": locked.capacity, "promoted": promoted},
    )
    return locked


@transaction.atomic
def activity_publish(
    *, actor: StaffUser | None, activity: Activity, now: dt.datetime | None = None
) -> Activity:
    """Show a draft in the portal, so people can register."""
    now = now or timezone.now()
    locked = _locked(activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_MANAGE)
    if locked.status != ActivityStatus.DRAFT:
        raise ActivityNotChangeable(_("Only a draft can be published."))
    if not locked.walk_in and not locked.sessions.filter(starts_at__gt=now).exists():
        raise InvalidActivity(
            _("Add at least one session in the future before you publish."), field="sessions"
        )
    locked.status = ActivityStatus.PUBLISHED
    locked.save(update_fields=["status"])
    audit_record(
        actor=actor,
        event_type="programmes.activity.published",
        organisation_id=locked.organisation_id,
        target=locked,
    )
    return locked


@transaction.atomic
def activity_cancel(
    *, actor: StaffUser | None, activity: Activity, reason: str = "", now: dt.datetime | None = None
) -> Activity:
    """Call the activity off: every registration is cancelled and its person told."""
    now = now or timezone.now()
    locked = _locked(activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_MANAGE)
    if locked.status == ActivityStatus.CANCELLED:
        raise ActivityNotChangeable(_("This activity is already cancelled."))
    locked.status = ActivityStatus.CANCELLED
    locked.save(update_fields=["status"])
    told = 0
    for registration in locked.registrations.select_for_update().filter(status__in=ACTIVE):
        _move(registration, RegistrationTrigger.CANCEL, cancelled_at=now)
        notices.notice_after_commit(notices.NoticeKind.ACTIVITY_CANCELLED, registration.pk)
        told += 1
    audit_record(
        actor=actor,
        event_type="programmes.activity.cancelled",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"registrations_cancelled": told},
        reason=" ".join(reason.split()),
    )
    return locked


# --- sessions ----------------------------------------------------------------------------


@transaction.atomic
def session_add(
    *,
    actor: StaffUser | None,
    activity: Activity,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    now: dt.datetime | None = None,
) -> Session:
    """Add a meeting to an activity; refused when it overlaps another session of the same
    activity, lies in the past, lasts implausibly long or starts before registration opens."""
    now = now or timezone.now()
    locked = _locked(activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_MANAGE)
    if locked.status == ActivityStatus.CANCELLED:
        raise ActivityNotChangeable(_("A cancelled activity cannot get new sessions."))
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("session times must be aware")
    if ends_at <= starts_at:
        raise SessionRefused(
            SessionReason.ENDS_BEFORE_START, _("A session must end after it starts.")
        )
    if ends_at - starts_at > SESSION_MAX:
        raise SessionRefused(
            SessionReason.TOO_LONG,
            _("A session can last %(hours)d hours at most. Check the times.")
            % {"hours": SESSION_MAX.total_seconds() // 3600},
        )
    if starts_at < now:
        raise SessionRefused(
            SessionReason.IN_THE_PAST, _("This time has passed. Choose a time in the future.")
        )
    if starts_at > now + SESSION_HORIZON:
        raise SessionRefused(
            SessionReason.TOO_FAR_AHEAD,
            _("This is more than two years ahead. Check the year."),
        )
    opens = locked.registration_opens_at
    if opens is not None and starts_at <= opens:
        raise SessionRefused(
            SessionReason.BEFORE_REGISTRATION_OPENS,
            _("The session starts before registration opens (%(opens)s). Change one of them.")
            % {"opens": _when(opens)},
        )
    clash = (
        locked.sessions.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
        .order_by("starts_at")
        .first()
    )
    if clash is not None:
        raise SessionRefused(
            SessionReason.OVERLAPS,
            _("This overlaps the session of %(start)s to %(end)s. Choose another time.")
            % {
                "start": _when(clash.starts_at),
                "end": formats.time_format(timezone.localtime(clash.ends_at), "H:i"),
            },
        )
    session = Session.objects.create(activity=locked, starts_at=starts_at, ends_at=ends_at)
    audit_record(
        actor=actor,
        event_type="programmes.session.added",
        organisation_id=locked.organisation_id,
        target=session,
        details={"activity": locked.pk, "starts_at": starts_at.isoformat()},
    )
    return session


@transaction.atomic
def session_remove(
    *, actor: StaffUser | None, session: Session, now: dt.datetime | None = None
) -> None:
    """Take a session out of the plan; one that has attendance recorded stays."""
    now = now or timezone.now()
    locked = _locked(session.activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_MANAGE)
    if session.attendances.exists() or session.starts_at < now:
        raise SessionRefused(
            SessionReason.IN_THE_PAST,
            _("This session has taken place; it stays in the records."),
        )
    if locked.status == ActivityStatus.PUBLISHED and locked.sessions.count() == 1:
        raise SessionRefused(
            SessionReason.NOT_FOUND,
            _("A published activity needs a session. Add the new one first, or cancel."),
        )
    audit_record(
        actor=actor,
        event_type="programmes.session.removed",
        organisation_id=locked.organisation_id,
        target=session,
        details={"activity": locked.pk, "starts_at": session.starts_at.isoformat()},
    )
    session.delete()


# --- registrations -----------------------------------------------------------------------


def _move(registration: Registration, trigger: RegistrationTrigger, **fields: Any) -> None:
    registration.status = registration_next_status(registration.status, trigger)
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save(update_fields=["status", *fields])


def _promote(activity: Activity, now: dt.datetime) -> int:
    """Fill free places of a locked activity from the waiting list, first come first
    served; each person moved up is told. Returns how many moved up."""
    if activity.status != ActivityStatus.PUBLISHED:
        return 0
    if not activity.sessions.filter(starts_at__gt=now).exists():
        return 0  # over: a place that comes free helps nobody any more
    waiting = activity.registrations.filter(status=RegistrationStatus.WAITING).order_by(
        "created_at", "id"
    )
    if activity.capacity is None:
        free = waiting.count()
    else:
        confirmed = activity.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
        free = max(activity.capacity - confirmed, 0)
    moved = 0
    for registration in list(waiting.select_for_update()[:free]):
        _move(registration, RegistrationTrigger.PROMOTE, promoted_at=now)
        notices.notice_after_commit(notices.NoticeKind.PROMOTED, registration.pk)
        audit_record(
            actor=None,
            event_type="programmes.registration.promoted",
            organisation_id=activity.organisation_id,
            target=registration,
            details={"activity": activity.pk},
        )
        moved += 1
    return moved


def _refuse_closed(activity: Activity, now: dt.datetime) -> None:
    if activity.status == ActivityStatus.CANCELLED:
        raise RegistrationRefused(
            Reason.ACTIVITY_CANCELLED, _("This activity is cancelled. You cannot register.")
        )
    if activity.status != ActivityStatus.PUBLISHED:
        raise RegistrationRefused(
            Reason.ACTIVITY_NOT_OPEN, _("You cannot register for this activity yet.")
        )
    if activity.walk_in:
        raise RegistrationRefused(
            Reason.WALK_IN, _("You do not need to register: just walk in during the hours.")
        )
    opens = activity.registration_opens_at
    if opens is not None and now < opens:
        raise RegistrationRefused(
            Reason.NOT_OPEN_YET,
            _("Registration opens on %(when)s. Come back then.") % {"when": _when(opens)},
        )
    if not activity.sessions.filter(starts_at__gt=now).exists():
        raise RegistrationRefused(Reason.ACTIVITY_OVER, _("This activity has already taken place."))
    closes = registration_closes_at(activity)
    if closes is not None and now >= closes:
        raise RegistrationRefused(
            Reason.CLOSED,
            _("Registration closed on %(when)s. Ask the library if there is still room.")
            % {"when": _when(closes)},
        )


@transaction.atomic
def registration_create(
    *,
    actor: StaffUser | None,
    activity: Activity,
    person: Person | None = None,
    name: str = "",
    phone: str = "",
    via: str = RegistrationVia.PORTAL,
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Register a member (``person``), or someone without an account (``name`` and
    ``phone`` only), for ``activity``: a place while there is one, else the waiting list.

    Staff register on someone's behalf (``actor``, via the desk); ``member`` is the member
    who registers themselves (the portal), audited as the actor. The activity's row is
    locked before places are counted, so concurrent registrations queue up behind it.
    """
    now = now or timezone.now()
    if person is None:
        name = " ".join(name.split())[:150]
        if not name:
            raise RegistrationRefused(
                Reason.NAME_REQUIRED, _("Fill in a name, so we know who is coming."), field="name"
            )
        phone = phone_normalise(phone)
    else:
        name, phone = "", ""
    locked = _locked(activity)
    _require(actor, locked.organisation_id, Capability.PROGRAMMES_REGISTER)
    _refuse_closed(locked, now)
    active = locked.registrations.filter(status__in=ACTIVE)
    if person is not None and active.filter(person=person).exists():
        raise RegistrationRefused(
            Reason.ALREADY_REGISTERED, _("You are already registered for this activity.")
        )
    if person is None and active.filter(person__isnull=True, phone=phone).exists():
        raise RegistrationRefused(
            Reason.ALREADY_REGISTERED,
            _("Someone with this phone number is already registered for this activity."),
            field="phone",
        )
    confirmed = active.filter(status=RegistrationStatus.CONFIRMED).count()
    has_place = locked.capacity is None or confirmed < locked.capacity
    try:
        with transaction.atomic():
            registration = Registration.objects.create(
                activity=locked,
                person=person,
                name=name,
                phone=phone,
                status=RegistrationStatus.CONFIRMED if has_place else RegistrationStatus.WAITING,
                via=via,
                registered_by=actor,
                created_at=now,
                token=secrets.token_urlsafe(32),
            )
    except IntegrityError:
        # The unique constraint behind the check above (one active registration per member).
        raise RegistrationRefused(
            Reason.ALREADY_REGISTERED, _("You are already registered for this activity.")
        ) from None
    audit_record(
        actor=actor,
        event_type="programmes.registration.created",
        organisation_id=locked.organisation_id,
        target=registration,
        # Who, for members; never the name or phone number of someone without an account.
        details={
            "activity": locked.pk,
            "person": person.pk if person else None,
            "status": registration.status,
            "via": via,
        },
        member=member if actor is None else None,
    )
    return registration


@transaction.atomic
def registration_cancel(
    *,
    actor: StaffUser | None,
    registration: Registration,
    person: Person | None = None,
    token: str | None = None,
    now: dt.datetime | None = None,
) -> Registration:
    """Cancel a place or a place in line: by the member (``person``), by anyone holding
    the registration's link (``token``), or by staff (``actor``). A place that comes free
    goes to the first on the waiting list, who is told."""
    now = now or timezone.now()
    if actor is None and person is None and token is None:
        raise ValueError("a cancellation needs staff, the member or the registration's token")
    locked_activity = _locked(registration.activity)
    locked = Registration.objects.select_for_update().filter(pk=registration.pk).first()
    not_active = RegistrationRefused(
        Reason.NOT_ACTIVE, _("This registration is already cancelled.")
    )
    if locked is None:
        raise not_active
    if person is not None and locked.person_id != person.pk:
        raise not_active
    if token is not None and not constant_time_compare(token, locked.token):
        raise not_active
    _require(actor, locked_activity.organisation_id, Capability.PROGRAMMES_REGISTER)
    if locked.status not in ACTIVE:
        raise not_active
    last_end: dt.datetime | None = locked_activity.sessions.aggregate(last=Max("ends_at"))["last"]
    if last_end is not None and last_end < now:
        raise RegistrationRefused(Reason.ACTIVITY_OVER, _("This activity has already taken place."))
    was = locked.status
    _move(locked, RegistrationTrigger.CANCEL, cancelled_at=now)
    promoted = _promote(locked_activity, now) if was == RegistrationStatus.CONFIRMED else 0
    audit_record(
        actor=actor,
        event_type="programmes.registration.cancelled",
        organisation_id=locked_activity.organisation_id,
        target=locked,
        details={
            "activity": locked_activity.pk,
            "was": was,
            "by": "staff" if actor else ("member" if person else "link"),
            "promoted": promoted,
        },
        # ``person`` is given only by the member's own door; whoever holds the link is
        # not known, so a cancellation by link stays the system's.
        member=person if actor is None else None,
    )
    return locked


# --- attendance --------------------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: StaffUser | None,
    session: Session,
    present: Iterable[int],
    now: dt.datetime | None = None,
) -> int:
    """Record who came to ``session``: the registrations in ``present`` came, every other
    confirmed registration did not. Recording again replaces the list. Returns how many
    came."""
    now = now or timezone.now()
    activity = _locked(session.activity)
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_MANAGE)
    if session.activity_id != activity.pk:
        raise RegistrationRefused(Reason.WRONG_SESSION, _("This session is of another activity."))
    if timezone.localdate(session.starts_at) > timezone.localdate(now):
        raise RegistrationRefused(
            Reason.SESSION_NOT_STARTED,
            _("This session is on %(when)s. Record who came on the day itself.")
            % {"when": _when(session.starts_at)},
        )
    present_ids = set(present)
    # Attendance is kept for everyone who had a place, also someone who cancelled after
    # coming to earlier sessions.
    registrations = {
        registration.pk: registration
        for registration in activity.registrations.filter(
            Q(status=RegistrationStatus.CONFIRMED) | Q(attendances__session=session)
        ).distinct()
    }
    unknown = present_ids - set(registrations)
    if unknown:
        raise RegistrationRefused(
            Reason.NOT_CONFIRMED,
            _("Only people with a place can be marked as present. Reload the list and try again."),
        )
    came = 0
    for registration_id in registrations:
        is_present = registration_id in present_ids
        Attendance.objects.update_or_create(
            registration_id=registration_id,
            session=session,
            defaults={"present": is_present, "recorded_by": actor, "recorded_at": now},
        )
        came += is_present
    audit_record(
        actor=actor,
        event_type="programmes.attendance.recorded",
        organisation_id=activity.organisation_id,
        target=session,
        details={"present": came, "absent": len(registrations) - came},
    )
    return came


# --- periodic jobs -----------------------------------------------------------------------


@transaction.atomic
def registrations_remind(*, actor: StaffUser | None = None, now: dt.datetime | None = None) -> int:
    """Queue a reminder for each place in an activity whose next session is tomorrow and
    is its first one still to come; each registration is reminded once. A daily job."""
    now = now or timezone.now()
    zone = timezone.get_current_timezone()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=zone)
    end = start + dt.timedelta(days=1)
    upcoming = (
        Session.objects.filter(starts_at__gt=now)
        .values("activity_id")
        .annotate(first=Min("starts_at"))
        .filter(first__gte=start, first__lt=end)
    )
    activity_ids = [row["activity_id"] for row in upcoming]
    due = list(
        Registration.objects.select_for_update(skip_locked=True)
        .filter(
            activity_id__in=activity_ids,
            activity__status=ActivityStatus.PUBLISHED,
            status=RegistrationStatus.CONFIRMED,
            reminded_at__isnull=True,
        )
        .select_related("activity")
        .order_by("id")
    )
    Registration.objects.filter(pk__in=[registration.pk for registration in due]).update(
        reminded_at=now
    )
    for registration in due:
        notices.notice_after_commit(notices.NoticeKind.REMINDER, registration.pk)
        audit_record(
            actor=actor,
            event_type="programmes.registration.reminded",
            organisation_id=registration.activity.organisation_id,
            target=registration,
            details={"activity": registration.activity_id},
        )
    return len(due)


@transaction.atomic
def registrations_anonymise_past(
    *, actor: StaffUser | None = None, now: dt.datetime | None = None
) -> int:
    """Erase the name and phone number of people without an account once the activity's
    last session ended ``ANONYMOUS_REGISTRATION_DAYS`` days ago; the count, the status and
    the attendance stay for the statistics. A daily job; returns how many were erased."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=anonymous_registration_days())
    finished = (
        Activity.objects.annotate(last_end=Max("sessions__ends_at"))
        .filter(last_end__lt=cutoff)
        .values("pk")
    )
    erased = 0
    by_activity = (
        Registration.objects.filter(
            activity__in=finished, person__isnull=True, anonymised_at__isnull=True
        )
        .values("activity_id", "activity__organisation_id")
        .distinct()
    )
    for row in list(by_activity):
        count = Registration.objects.filter(
            activity_id=row["activity_id"], person__isnull=True, anonymised_at__isnull=True
        ).update(name="", phone="", anonymised_at=now)
        erased += count
        audit_record(
            actor=actor,
            event_type="programmes.registration.anonymised",
            organisation_id=row["activity__organisation_id"],
            details={"activity": row["activity_id"], "registrations": count},
        )
    return erased


@transaction.atomic
def registrations_anonymise(
    *, actor: StaffUser | None, person: Person, now: dt.datetime | None = None
) -> int:
    """Unlink ``person`` from all their registrations (an erasure request, checked by the
    privacy service that calls this); places still to come are cancelled first, so they go
    to the waiting list. Counts and attendance stay. Returns how many were unlinked."""
    now = now or timezone.now()
    mine = Registration.objects.filter(person=person)
    for activity in Activity.objects.filter(registrations__in=mine.filter(status__in=ACTIVE)):
        locked = _locked(activity)
        for registration in mine.select_for_update().filter(activity=locked, status__in=ACTIVE):
            _move(registration, RegistrationTrigger.CANCEL, cancelled_at=now)
        _promote(locked, now)
    count = mine.update(person=None, anonymised_at=now)
    audit_record(
        actor=actor,
        event_type="programmes.registration.unlinked",
        organisation_id=person.home_organisation_id,
        details={"person": person.pk, "registrations": count},
    )
    return count
