"""Consultation hours: weekly schedules cut into slots, appointments, walk-in contacts.

A consultation hour (an :class:`Activity` of kind ``consultation``) has weekly schedules
at branches. :func:`slots_generate` turns them into bookable :class:`Slot` rows for the
days ahead, only where the branch is open (its weekly opening hours, minus closures such
as national holidays). Someone books a slot with a topic, as a member or with a name and
a phone number; one booking per slot holds under concurrency (the slot row is locked and
a partial unique index backs it). Walk-in contacts are counted anonymously.

``actor`` is the staff user acting, or None for the system and for people booking or
cancelling for themselves on the portal; a logged-in member who books is passed as
``member`` and is the actor in the audit trail. Staff need ``programmes.manage`` for schedules
and ``programmes.register`` for appointments and walk-in contacts.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.members.models import Person
from samenbieb.network import tenancy
from samenbieb.network.calendar import BranchCalendar, Period
from samenbieb.network.models import Branch, OpeningHours, StaffUser, Weekday
from samenbieb.network.roles import Capability
from samenbieb.programmes import errors_consult as errors
from samenbieb.programmes.errors import InvalidPhone
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Appointment,
    AppointmentStatus,
    ConsultationSchedule,
    ContactOutcome,
    Partner,
    Slot,
    Topic,
    WalkInContact,
)
from samenbieb.programmes.phone import phone_normalise

# How far ahead slots exist: the periodic job keeps this many days bookable.
SLOTS_AHEAD_DAYS = 56
# A topic anyone may choose, whatever the consultation hour's themes.
TOPIC_ANYTHING_ELSE = "other"


def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _require(actor: StaffUser | None, organisation_id: int | None, capability: str) -> None:
    if actor is not None:
        tenancy.require(actor, organisation_id, capability)


def _time(value: dt.time) -> str:
    return formats.time_format(value, "H:i")


def _fits(starts: dt.time, ends: dt.time, periods: Iterable[Period]) -> bool:
    """Whether starts–ends lies within one opening period."""
    return any(opens <= starts and ends <= closes for opens, closes in periods)


# --- Schedules -------------------------------------------------------------------------


def _consultation(activity: Activity) -> None:
    if activity.kind != ActivityKind.CONSULTATION:
        raise errors.NotAConsultation(
            _("“%(title)s” is not a consultation hour.") % {"title": activity.title}
        )


def _opening_hours_check(branch: Branch, weekday: int, starts: dt.time, ends: dt.time) -> None:
    periods = list(
        OpeningHours.objects.filter(branch=branch, weekday=weekday)
        .order_by("opens")
        .values_list("opens", "closes")
    )
    if _fits(starts, ends, periods):
        return
    day = Weekday(weekday).label
    if not periods:
        raise errors.ScheduleOutsideOpeningHours(
            _("%(branch)s is closed on %(day)s. Choose a day when it is open.")
            % {"branch": branch.name, "day": str(day).lower()}
        )
    hours = ", ".join(f"{_time(opens)}–{_time(closes)}" for opens, closes in periods)
    raise errors.ScheduleOutsideOpeningHours(
        _(
            "%(branch)s is open on %(day)s %(hours)s. The consultation hour must fall "
            "within these opening hours."
        )
        % {"branch": branch.name, "day": str(day).lower(), "hours": hours}
    )


@transaction.atomic
def schedule_set(
    *,
    actor: StaffUser | None,
    activity: Activity,
    branch: Branch,
    weekday: int,
    starts: dt.time,
    ends: dt.time,
    slot_minutes: int = 30,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    schedule: ConsultationSchedule | None = None,
    now: dt.datetime | None = None,
) -> ConsultationSchedule:
    """Add (or change) a weekly time of a consultation hour at a branch, within the
    branch's opening hours, and make its slots for the weeks ahead."""
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_MANAGE)
    _consultation(activity)
    if branch.organisation_id != activity.organisation_id or not branch.is_active:
        raise errors.ScheduleInvalid(_("Choose an open branch of the library itself."))
    if not 0 <= weekday <= 6:
        raise errors.ScheduleInvalid(_("Choose a day of the week."))
    if not starts < ends:
        raise errors.ScheduleInvalid(_("The end time must be after the start time."))
    if slot_minutes < 5:
        raise errors.ScheduleInvalid(_("An appointment takes at least 5 minutes."))
    span = dt.datetime.combine(valid_from, ends) - dt.datetime.combine(valid_from, starts)
    if span < dt.timedelta(minutes=slot_minutes):
        raise errors.ScheduleInvalid(
            _("The hours are shorter than one appointment of %(minutes)d minutes.")
            % {"minutes": slot_minutes}
        )
    if valid_until is not None and valid_until < valid_from:
        raise errors.ScheduleInvalid(_("The last day cannot be before the first day."))
    _opening_hours_check(branch, weekday, starts, ends)
    others = ConsultationSchedule.objects.filter(
        activity=activity, branch=branch, weekday=weekday, starts__lt=ends, ends__gt=starts
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    if valid_until is not None:
        others = others.filter(valid_from__lte=valid_until)
    if schedule is not None:
        others = others.exclude(pk=schedule.pk)
    if others.exists():
        raise errors.ScheduleOverlaps(
            _("These hours overlap with other hours of this consultation at %(branch)s.")
            % {"branch": branch.name}
        )
    created = schedule is None
    if schedule is None:
        schedule = ConsultationSchedule(activity=activity)
    elif schedule.activity_id != activity.pk:
        raise errors.ScheduleInvalid(_("These hours belong to another activity."))
    schedule.branch = branch
    schedule.weekday = weekday
    schedule.starts = starts
    schedule.ends = ends
    schedule.slot_minutes = slot_minutes
    schedule.valid_from = valid_from
    schedule.valid_until = valid_until
    schedule.save()
    audit_record(
        actor=actor,
        event_type="programmes.schedule.added" if created else "programmes.schedule.changed",
        organisation_id=activity.organisation_id,
        target=schedule,
        details={
            "branch": branch.pk,
            "weekday": weekday,
            "starts": starts.isoformat(),
            "ends": ends.isoformat(),
            "slot_minutes": slot_minutes,
        },
    )
    now = now or timezone.now()
    slots_generate(
        actor=actor,
        activity=activity,
        until=timezone.localdate(now) + dt.timedelta(days=SLOTS_AHEAD_DAYS),
        now=now,
    )
    return schedule


@transaction.atomic
def schedule_end(
    *,
    actor: StaffUser | None,
    schedule: ConsultationSchedule,
    last_day: dt.date,
    now: dt.datetime | None = None,
) -> SlotsGenerated:
    """Stop a weekly time after ``last_day``: its free slots after that day go; booked
    ones stay (call those people) and are counted in the result."""
    activity = schedule.activity
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_MANAGE)
    if last_day < schedule.valid_from:
        # Never used: it goes entirely.
        last_day = schedule.valid_from - dt.timedelta(days=1)
    schedule.valid_until = last_day
    schedule.save(update_fields=["valid_until"])
    audit_record(
        actor=actor,
        event_type="programmes.schedule.ended",
        organisation_id=activity.organisation_id,
        target=schedule,
        details={"last_day": last_day.isoformat()},
    )
    now = now or timezone.now()
    return slots_generate(
        actor=actor,
        activity=activity,
        until=max(timezone.localdate(now), last_day) + dt.timedelta(days=SLOTS_AHEAD_DAYS),
        now=now,
    )


# --- Slots ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SlotsGenerated:
    created: int
    removed: int
    # Booked appointments whose time no longer fits (a closure added after booking, hours
    # changed): they stay, and the library calls these people.
    stranded: int


def _slots_wanted(
    activity: Activity, first: dt.date, until: dt.date, now: dt.datetime
) -> dict[int, set[tuple[dt.datetime, dt.datetime]]]:
    """Per branch, the (start, end) of every slot the schedules ask for between ``first``
    and ``until``, on open days and within opening periods, after ``now``."""
    zone = _zone()
    schedules = list(activity.schedules.select_related("branch").order_by("branch_id", "pk"))
    by_branch: dict[int, list[ConsultationSchedule]] = defaultdict(list)
    for schedule in schedules:
        by_branch[schedule.branch_id].append(schedule)
    wanted: dict[int, set[tuple[dt.datetime, dt.datetime]]] = defaultdict(set)
    for branch_schedules in by_branch.values():
        branch = branch_schedules[0].branch
        calendar = BranchCalendar(branch, first, until)
        for day in calendar.days():
            if not day.is_open:
                continue
            for schedule in branch_schedules:
                if day.date.weekday() != schedule.weekday or day.date < schedule.valid_from:
                    continue
                if schedule.valid_until is not None and day.date > schedule.valid_until:
                    continue
                step = dt.timedelta(minutes=schedule.slot_minutes)
                start = dt.datetime.combine(day.date, schedule.starts, tzinfo=zone)
                last = dt.datetime.combine(day.date, schedule.ends, tzinfo=zone)
                while start + step <= last:
                    end = start + step
                    # Outside-hours parts are skipped: hours may have changed since.
                    if start > now and _fits(start.time(), end.time(), day.periods):
                        wanted[branch.pk].add((start.astimezone(dt.UTC), end.astimezone(dt.UTC)))
                    start = end
    return wanted


@transaction.atomic
def slots_generate(
    *,
    actor: StaffUser | None,
    activity: Activity,
    until: dt.date,
    now: dt.datetime | None = None,
) -> SlotsGenerated:
    """Make the slots of ``activity`` up to ``until`` match its schedules, the opening hours
    and the closures. Idempotent: slots that exist stay; free future slots that no longer
    fit go."""
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_MANAGE)
    _consultation(activity)
    now = now or timezone.now()
    first = timezone.localdate(now)
    if until < first or activity.status == ActivityStatus.CANCELLED:
        return SlotsGenerated(0, 0, 0)
    wanted = _slots_wanted(activity, first, until, now)
    horizon_end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=_zone())
    existing = list(
        Slot.objects.filter(activity=activity, starts_at__gt=now, starts_at__lt=horizon_end)
    )
    have = {(slot.branch_id, slot.starts_at.astimezone(dt.UTC)) for slot in existing}
    new = [
        Slot(activity=activity, branch_id=branch_id, starts_at=start, ends_at=end)
        for branch_id, times in wanted.items()
        for start, end in sorted(times)
        if (branch_id, start) not in have
    ]
    # A second generator at the same moment makes the same rows: the unique constraint
    # on (activity, branch, starts_at) keeps one.
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    unwanted_ids = [
        slot.pk
        for slot in existing
        if (slot.starts_at.astimezone(dt.UTC), slot.ends_at.astimezone(dt.UTC))
        not in wanted.get(slot.branch_id, set())
    ]
    # Locked as a booking locks them, so a booking cannot slip in before they go.
    unwanted = list(
        Slot.objects.select_for_update().filter(pk__in=unwanted_ids).values_list("pk", flat=True)
    )
    booked = set(
        Appointment.objects.filter(slot_id__in=unwanted)
        .exclude(status=AppointmentStatus.CANCELLED)
        .values_list("slot_id", flat=True)
    )
    removable = [pk for pk in unwanted if pk not in booked]
    if removable:
        # Cancelled bookings of a time that no longer exists; the audit trail keeps them.
        Appointment.objects.filter(slot_id__in=removable).delete()
        Slot.objects.filter(pk__in=removable).delete()
    result = SlotsGenerated(created=len(new), removed=len(removable), stranded=len(booked))
    if result.created or result.removed or result.stranded:
        audit_record(
            actor=actor,
            event_type="programmes.slots.generated",
            organisation_id=activity.organisation_id,
            target=activity,
            details={
                "until": until.isoformat(),
                "created": result.created,
                "removed": result.removed,
                "stranded": result.stranded,
            },
        )
    return result


def slots_generate_ahead(*, now: dt.datetime | None = None, days: int = SLOTS_AHEAD_DAYS) -> int:
    """The periodic job: every published consultation hour has slots ``days`` ahead, in
    line with today's opening hours and closures; returns how many slots were made."""
    now = now or timezone.now()
    until = timezone.localdate(now) + dt.timedelta(days=days)
    activities = Activity.objects.filter(
        kind=ActivityKind.CONSULTATION,
        status=ActivityStatus.PUBLISHED,
        schedules__isnull=False,
    ).distinct()
    created = 0
    for activity in activities.order_by("pk"):
        created += slots_generate(actor=None, activity=activity, until=until, now=now).created
    return created


# --- Appointments --------------------------------------------------------------------


def topics_for(activity: Activity) -> list[Topic]:
    """The topics someone can choose at ``activity``: those of its themes, and "something
    else"; every topic when the activity names no theme."""
    topics = Topic.objects.select_related("theme").order_by("name")
    theme_ids = list(activity.themes.values_list("pk", flat=True))
    if theme_ids:
        topics = topics.filter(Q(theme_id__in=theme_ids) | Q(code=TOPIC_ANYTHING_ELSE))
    return list(topics)


def _booker(person: Person | None, name: str, phone: str) -> tuple[str, str]:
    name = " ".join((name or "").split())
    phone = (phone or "").strip()
    if person is None and (not name or not phone):
        raise errors.BookerMissing(
            _("Give your name and a phone number, so the library can reach you.")
        )
    if len(name) > 150:
        raise errors.BookerMissing(_("The name is too long (150 characters at most)."))
    if not phone:
        return name, ""
    try:
        return name, phone_normalise(phone)
    except InvalidPhone as invalid:
        raise errors.PhoneInvalid(invalid.message) from None


def _slot_locked(slot: Slot) -> Slot:
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("activity", "branch")
        .get(pk=slot.pk)
    )


@transaction.atomic
def appointment_book(
    *,
    actor: StaffUser | None,
    slot: Slot,
    topic: Topic,
    person: Person | None = None,
    name: str = "",
    phone: str = "",
    member: Person | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book ``slot`` for a member, or for someone without an account by name and Dutch
    phone number, with what they come for; one booking per slot. ``member``: the member
    who books for themselves (the portal), audited as the actor."""
    now = now or timezone.now()
    name, phone = _booker(person, name, phone)
    if person is not None:
        name = ""  # the member's own record has the name; nothing to keep twice
    slot = _slot_locked(slot)
    activity = slot.activity
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_REGISTER)
    if activity.kind != ActivityKind.CONSULTATION or activity.status != ActivityStatus.PUBLISHED:
        raise errors.SlotNotBookable(
            _("“%(title)s” cannot be booked at the moment.") % {"title": activity.title}
        )
    if slot.starts_at <= now:
        raise errors.SlotInPast(_("This time has passed. Choose a later time."))
    day = timezone.localtime(slot.starts_at).date()
    opening = BranchCalendar(slot.branch, day, day).day(day)
    local_start = timezone.localtime(slot.starts_at).time()
    local_end = timezone.localtime(slot.ends_at).time()
    if not opening.is_open or not _fits(local_start, local_end, opening.periods):
        raise errors.SlotOutsideOpeningHours(
            _("%(branch)s is closed at this time. Choose another time.")
            % {"branch": slot.branch.name}
        )
    if topic not in topics_for(activity):
        raise errors.TopicNotOffered(
            _("“%(topic)s” is not a topic of this consultation hour. Choose another topic.")
            % {"topic": topic.name}
        )
    if Appointment.objects.filter(slot=slot).exclude(status=AppointmentStatus.CANCELLED).exists():
        raise errors.SlotTaken(_("Someone else has just booked this time. Choose another time."))
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                slot=slot,
                topic=topic,
                person=person,
                name=name,
                phone=phone,
                booked_by=actor,
                created_at=now,
                token=secrets.token_urlsafe(32),
            )
    except IntegrityError:
        # The partial unique index: the last line of defence if the lock was bypassed.
        raise errors.SlotTaken(
            _("Someone else has just booked this time. Choose another time.")
        ) from None
    audit_record(
        actor=actor,
        event_type="programmes.appointment.booked",
        organisation_id=activity.organisation_id,
        target=appointment,
        details={
            "slot": slot.pk,
            "topic": topic.code,
            "member": person is not None,
        },
        member=member if actor is None else None,
    )
    return appointment


def _appointment_locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("slot__activity", "slot__branch", "topic")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def appointment_cancel(
    *,
    actor: StaffUser | None,
    appointment: Appointment,
    token: str = "",
    person: Person | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Cancel a booked appointment: by staff, by the member who booked it, or by whoever
    holds the link with its token; the slot is free again."""
    now = now or timezone.now()
    appointment = _appointment_locked(appointment)
    activity = appointment.slot.activity
    if actor is not None:
        _require(actor, activity.organisation_id, Capability.PROGRAMMES_REGISTER)
    elif not (
        (token and secrets.compare_digest(token, appointment.token))
        or (person is not None and appointment.person_id == person.pk)
    ):
        raise errors.AppointmentNotActive(_("This appointment cannot be found."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise errors.AppointmentNotActive(_("This appointment is already cancelled or over."))
    if appointment.slot.starts_at <= now:
        raise errors.AppointmentNotActive(
            _("This appointment has started or is over; it can no longer be cancelled.")
        )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.save(update_fields=["status", "cancelled_at"])
    audit_record(
        actor=actor,
        event_type="programmes.appointment.cancelled",
        organisation_id=activity.organisation_id,
        target=appointment,
        details={"slot": appointment.slot_id, "by": "staff" if actor else "booker"},
    )
    return appointment


@transaction.atomic
def appointment_mark(
    *,
    actor: StaffUser | None,
    appointment: Appointment,
    attended: bool,
    now: dt.datetime | None = None,
) -> Appointment:
    """Record at the desk whether the person came (counted, as walk-ins are)."""
    now = now or timezone.now()
    appointment = _appointment_locked(appointment)
    activity = appointment.slot.activity
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_REGISTER)
    if appointment.status == AppointmentStatus.CANCELLED:
        raise errors.AppointmentNotActive(_("This appointment was cancelled."))
    if appointment.slot.starts_at > now:
        raise errors.AppointmentNotActive(_("This appointment has not started yet."))
    appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status"])
    audit_record(
        actor=actor,
        event_type="programmes.appointment.marked",
        organisation_id=activity.organisation_id,
        target=appointment,
        details={"status": appointment.status},
    )
    return appointment


def appointments_anonymise_past(*, now: dt.datetime | None = None) -> int:
    """The nightly job: appointments of days gone by lose the name, phone number and the
    link to the member (a topic such as allowances says something about a person); the
    anonymous count stays. Returns how many were anonymised."""
    now = now or timezone.now()
    start_of_today = dt.datetime.combine(timezone.localdate(now), dt.time(), tzinfo=_zone())
    due = Appointment.objects.filter(anonymised_at__isnull=True, slot__ends_at__lte=start_of_today)
    per_organisation: dict[int, int] = defaultdict(int)
    for organisation_id in due.values_list("slot__activity__organisation_id", flat=True):
        per_organisation[organisation_id] += 1
    with transaction.atomic():
        count = Appointment.objects.filter(pk__in=list(due.values_list("pk", flat=True))).update(
            name="", phone="", person=None, anonymised_at=now
        )
        for organisation_id, number in sorted(per_organisation.items()):
            audit_record(
                actor=None,
                event_type="programmes.appointment.anonymised",
                organisation_id=organisation_id,
                details={"count": number},
            )
    return count


# --- Walk-in contacts ----------------------------------------------------------------


@transaction.atomic
def walk_in_contact_record(
    *,
    actor: StaffUser | None,
    activity: Activity,
    branch: Branch,
    topic: Topic,
    outcome: str,
    partner: Partner | None = None,
    occurred_on: dt.date | None = None,
    now: dt.datetime | None = None,
) -> WalkInContact:
    """Count one walk-in contact: where, about what, how it ended (and to which partner
    when referred). Nothing about the person is recorded."""
    now = now or timezone.now()
    _require(actor, activity.organisation_id, Capability.PROGRAMMES_REGISTER)
    today = timezone.localdate(now)
    occurred_on = occurred_on or today
    if branch.organisation_id != activity.organisation_id:
        raise errors.ContactInvalid(_("Choose a branch of the library itself."))
    if outcome not in ContactOutcome.values:
        raise errors.ContactInvalid(_("Choose how the contact ended."))
    if outcome == ContactOutcome.REFERRED:
        if partner is None:
            raise errors.ContactInvalid(_("Choose the partner you referred the person to."))
        if partner.organisation_id != activity.organisation_id or not partner.is_active:
            raise errors.ContactInvalid(_("Choose a partner of your library."))
    elif partner is not None:
        raise errors.ContactInvalid(_("Only a referral names a partner."))
    if occurred_on > today:
        raise errors.ContactInvalid(_("The date cannot be in the future."))
    contact = WalkInContact.objects.create(
        activity=activity,
        branch=branch,
        topic=topic,
        outcome=outcome,
        partner=partner,
        occurred_on=occurred_on,
        recorded_by=actor,
        recorded_at=now,
    )
    audit_record(
        actor=actor,
        event_type="programmes.contact.recorded",
        organisation_id=activity.organisation_id,
        target=contact,
        details={"topic": topic.code, "outcome": outcome},
    )
    return contact
