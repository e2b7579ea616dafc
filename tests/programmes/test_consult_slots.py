"""Weekly consultation hours become slots only where and when the branch is open."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest
from django.utils import timezone

from samenbieb.core.models import AuditEvent
from samenbieb.network import services as network_services
from samenbieb.programmes import services
from samenbieb.programmes.errors_consult import (
    NotAConsultation,
    ScheduleInvalid,
    ScheduleOutsideOpeningHours,
    ScheduleOverlaps,
)
from samenbieb.programmes.models import (
    ActivityKind,
    ActivityStatus,
    Appointment,
    ConsultationSchedule,
    Slot,
)
from samenbieb.programmes.services.consultations import SLOTS_AHEAD_DAYS
from tests.factories import ClosureFactory
from tests.programmes.factories_consult import (
    NEXT_TUESDAY,
    NOW,
    TODAY,
    ConsultationFactory,
    at,
    consult_world,
    topic,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return consult_world()


def tuesday_schedule(world, **fields):
    values = {
        "actor": None,
        "activity": world.ido,
        "branch": world.centrum,
        "weekday": 1,
        "starts": dt.time(10),
        "ends": dt.time(12),
        "slot_minutes": 30,
        "valid_from": TODAY,
        "now": NOW,
    }
    values.update(fields)
    return services.schedule_set(**values)


def local_starts(**filters) -> list[dt.datetime]:
    return [
        timezone.localtime(start)
        for start in Slot.objects.filter(**filters)
        .order_by("starts_at")
        .values_list("starts_at", flat=True)
    ]


def test_a_schedule_is_cut_into_slots_of_its_length_on_its_weekday(world):
    tuesday_schedule(world)
    starts = local_starts(starts_at__date__lte=NEXT_TUESDAY + dt.timedelta(days=7))
    assert starts == [
        at(NEXT_TUESDAY, 10),
        at(NEXT_TUESDAY, 10, 30),
        at(NEXT_TUESDAY, 11),
        at(NEXT_TUESDAY, 11, 30),
        at(NEXT_TUESDAY + dt.timedelta(days=7), 10),
        at(NEXT_TUESDAY + dt.timedelta(days=7), 10, 30),
        at(NEXT_TUESDAY + dt.timedelta(days=7), 11),
        at(NEXT_TUESDAY + dt.timedelta(days=7), 11, 30),
    ]
    slot = Slot.objects.order_by("starts_at").first()
    assert slot.ends_at - slot.starts_at == dt.timedelta(minutes=30)
    assert slot.branch == world.centrum


def test_slots_are_made_for_the_weeks_ahead_and_never_in_the_past(world):
    tuesday_schedule(world)
    starts = local_starts()
    assert min(starts) > NOW
    assert max(starts).date() <= TODAY + dt.timedelta(days=SLOTS_AHEAD_DAYS)
    assert len(starts) == 4 * 8  # eight Tuesdays in 56 days


def test_slots_keep_their_local_time_across_the_change_to_winter_time(world):
    # Summer time ends on Sunday 25 October 2026; the Tuesdays around it both start at 10:00.
    early = dt.datetime(2026, 10, 14, 9, tzinfo=NOW.tzinfo)
    tuesday_schedule(world, valid_from=early.date(), now=early)
    before = timezone.localtime(Slot.objects.filter(starts_at__date="2026-10-20").first().starts_at)
    after = timezone.localtime(Slot.objects.filter(starts_at__date="2026-10-27").first().starts_at)
    assert (before.hour, after.hour) == (10, 10)
    assert before.utcoffset() == dt.timedelta(hours=2)
    assert after.utcoffset() == dt.timedelta(hours=1)


def test_generating_again_makes_no_second_slot_at_the_same_time(world):
    tuesday_schedule(world)
    count = Slot.objects.count()
    again = services.slots_generate(
        actor=None, activity=world.ido, until=TODAY + dt.timedelta(days=SLOTS_AHEAD_DAYS), now=NOW
    )
    assert (again.created, again.removed) == (0, 0)
    assert Slot.objects.count() == count


def test_no_slots_on_a_closure_of_the_branch(world):
    ClosureFactory(
        organisation=world.utrecht,
        branch=world.centrum,
        start_date=NEXT_TUESDAY,
        end_date=NEXT_TUESDAY,
        reason="Verbouwing",
    )
    tuesday_schedule(world)
    assert not Slot.objects.filter(starts_at__date=NEXT_TUESDAY).exists()
    assert Slot.objects.filter(starts_at__date=NEXT_TUESDAY + dt.timedelta(days=7)).count() == 4


def test_no_slots_when_the_whole_library_is_closed(world):
    ClosureFactory(
        organisation=world.utrecht,
        start_date=NEXT_TUESDAY,
        end_date=NEXT_TUESDAY + dt.timedelta(days=7),
        reason="Inventarisatie",
    )
    tuesday_schedule(world)
    first = timezone.localtime(Slot.objects.order_by("starts_at").first().starts_at)
    assert first.date() == NEXT_TUESDAY + dt.timedelta(days=14)


def test_no_slots_on_national_holidays_the_library_closes_on(world):
    # King's Day 2027 falls on a Tuesday; closures as the demo loads them.
    for day, name in holidays.country_holidays("NL", years=[2027], language="nl").items():
        network_services.closure_add(
            actor=None, organisation=world.utrecht, start_date=day, end_date=day, reason=name
        )
    april = dt.datetime(2027, 4, 14, 9, tzinfo=NOW.tzinfo)
    tuesday_schedule(world, valid_from=april.date(), now=april)
    assert not Slot.objects.filter(starts_at__date=dt.date(2027, 4, 27)).exists()
    assert Slot.objects.filter(starts_at__date=dt.date(2027, 4, 20)).count() == 4
    assert Slot.objects.filter(starts_at__date=dt.date(2027, 5, 4)).count() == 4


def test_parts_outside_changed_opening_hours_are_skipped_and_free_slots_there_go(world):
    tuesday_schedule(world)
    # The branch now opens at 11 on Tuesdays.
    network_services.opening_hours_set(
        actor=None,
        branch=world.centrum,
        weekly={day: [(dt.time(11 if day == 1 else 10), dt.time(17))] for day in range(6)},
    )
    result = services.slots_generate(
        actor=None, activity=world.ido, until=TODAY + dt.timedelta(days=SLOTS_AHEAD_DAYS), now=NOW
    )
    assert result.removed == 2 * 8
    assert [start.time() for start in local_starts(starts_at__date=NEXT_TUESDAY)] == [
        dt.time(11),
        dt.time(11, 30),
    ]


def test_a_closure_added_later_removes_free_slots_and_keeps_booked_ones(world):
    tuesday_schedule(world)
    booked = Slot.objects.filter(starts_at=at(NEXT_TUESDAY, 10)).get()
    services.appointment_book(
        actor=None, slot=booked, topic=topic("digid"), name="Ans", phone="0612345678", now=NOW
    )
    ClosureFactory(
        organisation=world.utrecht, start_date=NEXT_TUESDAY, end_date=NEXT_TUESDAY, reason="Storm"
    )
    result = services.slots_generate(
        actor=None, activity=world.ido, until=TODAY + dt.timedelta(days=SLOTS_AHEAD_DAYS), now=NOW
    )
    assert (result.removed, result.stranded) == (3, 1)
    assert list(Slot.objects.filter(starts_at__date=NEXT_TUESDAY)) == [booked]
    assert Appointment.objects.get().slot == booked


def test_a_schedule_outside_the_opening_hours_is_refused_and_nothing_is_saved(world):
    with pytest.raises(ScheduleOutsideOpeningHours) as refused:
        tuesday_schedule(world, branch=world.oost)  # Oost opens at 13:00 on Tuesdays
    assert refused.value.code == "schedule_outside_opening_hours"
    assert "13:00–17:00" in str(refused.value.message)
    with pytest.raises(ScheduleOutsideOpeningHours, match="gesloten"):
        tuesday_schedule(world, branch=world.oost, weekday=0)
    with pytest.raises(ScheduleOutsideOpeningHours):
        tuesday_schedule(world, starts=dt.time(16), ends=dt.time(18))
    assert not ConsultationSchedule.objects.exists()
    assert not Slot.objects.exists()


def test_a_schedule_within_one_of_several_opening_periods_is_accepted(world):
    network_services.opening_hours_set(
        actor=None,
        branch=world.oost,
        weekly={1: [(dt.time(10), dt.time(12, 30)), (dt.time(13, 30), dt.time(17))]},
    )
    tuesday_schedule(world, branch=world.oost, starts=dt.time(13, 30), ends=dt.time(15))
    with pytest.raises(ScheduleOutsideOpeningHours):
        tuesday_schedule(world, branch=world.oost, starts=dt.time(12), ends=dt.time(14))
    assert ConsultationSchedule.objects.count() == 1


def test_overlapping_hours_of_the_same_consultation_are_refused(world):
    tuesday_schedule(world)
    with pytest.raises(ScheduleOverlaps):
        tuesday_schedule(world, starts=dt.time(11), ends=dt.time(13))
    tuesday_schedule(world, starts=dt.time(12), ends=dt.time(13))
    assert ConsultationSchedule.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"starts": dt.time(12), "ends": dt.time(10)}, "schedule_invalid"),
        ({"slot_minutes": 3}, "schedule_invalid"),
        ({"starts": dt.time(10), "ends": dt.time(10, 20)}, "schedule_invalid"),
        ({"valid_until": TODAY - dt.timedelta(days=1)}, "schedule_invalid"),
    ],
)
def test_impossible_schedules_are_refused(world, fields, code):
    with pytest.raises(ScheduleInvalid) as refused:
        tuesday_schedule(world, **fields)
    assert refused.value.code == code


def test_a_branch_of_another_library_is_refused(world):
    with pytest.raises(ScheduleInvalid):
        tuesday_schedule(world, branch=world.arnhem_centrum)


def test_only_consultation_hours_have_schedules(world):
    course = ConsultationFactory(organisation=world.utrecht, kind=ActivityKind.COURSE)
    with pytest.raises(NotAConsultation):
        tuesday_schedule(world, activity=course)


def test_a_schedule_ends_after_its_last_day(world):
    tuesday_schedule(world, valid_until=NEXT_TUESDAY + dt.timedelta(days=7))
    assert {start.date() for start in local_starts()} == {
        NEXT_TUESDAY,
        NEXT_TUESDAY + dt.timedelta(days=7),
    }


def test_ending_a_schedule_removes_its_later_free_slots(world):
    schedule = tuesday_schedule(world)
    result = services.schedule_end(actor=None, schedule=schedule, last_day=NEXT_TUESDAY, now=NOW)
    assert result.removed == 4 * 7
    assert {start.date() for start in local_starts()} == {NEXT_TUESDAY}


def test_the_job_keeps_published_consultation_hours_bookable_ahead(world):
    tuesday_schedule(world)
    draft = ConsultationFactory(organisation=world.utrecht, status=ActivityStatus.DRAFT)
    tuesday_schedule(world, activity=draft)
    Slot.objects.all().delete()
    later = NOW + dt.timedelta(days=7)
    created = services.slots_generate_ahead(now=later)
    assert created == 4 * 8
    assert not Slot.objects.filter(activity=draft).exists()
    assert max(local_starts()).date() <= later.date() + dt.timedelta(days=SLOTS_AHEAD_DAYS)


def test_setting_a_schedule_is_audited(world):
    tuesday_schedule(world)
    assert AuditEvent.objects.filter(event_type="programmes.schedule.added").count() == 1
    assert AuditEvent.objects.filter(event_type="programmes.slots.generated").count() == 1


def test_staff_need_the_programmes_capability_for_schedules(world, staff_with_role):
    from samenbieb.core.errors import NotPermitted

    desk = staff_with_role(world.utrecht, "desk")
    with pytest.raises(NotPermitted):
        tuesday_schedule(world, actor=desk)
    coordinator = staff_with_role(world.utrecht, "programme_coordinator")
    tuesday_schedule(world, actor=coordinator)
    elsewhere = staff_with_role(world.arnhem, "programme_coordinator")
    with pytest.raises(NotPermitted):
        tuesday_schedule(world, actor=elsewhere, starts=dt.time(14), ends=dt.time(15))
