"""When a branch is open: weekly opening hours minus organisation and branch closures."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.network.calendar import next_open_day, week_ahead
from samenbieb.network.errors import NoOpenDay
from samenbieb.network.models import Weekday
from tests.factories import BranchFactory, ClosureFactory, OpeningHoursFactory

T = dt.time
CHRISTMAS_EVE = dt.date(2026, 12, 24)
CHRISTMAS = dt.date(2026, 12, 25)
BOXING_DAY = dt.date(2026, 12, 26)
SUNDAY_AFTER = dt.date(2026, 12, 27)
MONDAY_AFTER = dt.date(2026, 12, 28)

pytestmark = pytest.mark.django_db


def test_the_fixed_dates_fall_on_the_weekdays_these_tests_assume():
    assert CHRISTMAS_EVE.weekday() == Weekday.THURSDAY
    assert CHRISTMAS.weekday() == Weekday.FRIDAY
    assert BOXING_DAY.weekday() == Weekday.SATURDAY
    assert SUNDAY_AFTER.weekday() == Weekday.SUNDAY
    assert MONDAY_AFTER.weekday() == Weekday.MONDAY


def open_on(branch, *weekdays):
    """Open ``branch`` from 10:00 to 17:00 on each of ``weekdays``."""
    for weekday in weekdays:
        OpeningHoursFactory(branch=branch, weekday=weekday, opens=T(10), closes=T(17))
    return branch


def open_every_day(branch=None):
    return open_on(branch or BranchFactory(), *range(7))


def test_next_open_day_is_the_same_day_when_the_branch_is_open_that_day():
    branch = open_on(BranchFactory(), Weekday.THURSDAY)

    assert next_open_day(branch, CHRISTMAS_EVE) == CHRISTMAS_EVE


def test_next_open_day_skips_weekdays_without_opening_hours():
    branch = open_on(BranchFactory(), Weekday.MONDAY)

    assert next_open_day(branch, CHRISTMAS_EVE) == MONDAY_AFTER


def test_an_organisation_wide_closure_closes_every_branch_of_that_organisation():
    branch = open_every_day()
    ClosureFactory(
        organisation=branch.organisation, branch=None, start_date=CHRISTMAS, end_date=BOXING_DAY
    )

    assert next_open_day(branch, CHRISTMAS) == SUNDAY_AFTER


def test_a_branch_closure_closes_that_branch():
    branch = open_every_day()
    ClosureFactory(
        organisation=branch.organisation, branch=branch, start_date=CHRISTMAS, end_date=CHRISTMAS
    )

    assert next_open_day(branch, CHRISTMAS) == BOXING_DAY


def test_a_closure_of_another_branch_of_the_same_organisation_leaves_this_branch_open():
    branch = open_every_day()
    sister = open_every_day(BranchFactory(organisation=branch.organisation))
    ClosureFactory(
        organisation=branch.organisation, branch=sister, start_date=CHRISTMAS, end_date=BOXING_DAY
    )

    assert next_open_day(branch, CHRISTMAS) == CHRISTMAS
    assert next_open_day(sister, CHRISTMAS) == SUNDAY_AFTER


def test_a_closure_of_another_organisation_leaves_this_branch_open():
    branch = open_every_day()
    ClosureFactory(branch=None, start_date=CHRISTMAS, end_date=BOXING_DAY)

    assert next_open_day(branch, CHRISTMAS) == CHRISTMAS


def test_a_closure_spanning_several_weeks_is_skipped_as_a_whole():
    branch = open_every_day()
    ClosureFactory(
        organisation=branch.organisation,
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2027, 1, 3),
        reason="Verbouwing",
    )

    assert next_open_day(branch, CHRISTMAS_EVE) == dt.date(2027, 1, 4)


def test_a_day_closed_by_both_the_organisation_and_the_branch_is_closed_once():
    branch = open_every_day()
    ClosureFactory(organisation=branch.organisation, start_date=CHRISTMAS, end_date=CHRISTMAS)
    ClosureFactory(
        organisation=branch.organisation, branch=branch, start_date=CHRISTMAS, end_date=BOXING_DAY
    )

    assert next_open_day(branch, CHRISTMAS) == SUNDAY_AFTER


def test_next_open_day_raises_no_open_day_for_a_branch_without_opening_hours():
    branch = BranchFactory()

    with pytest.raises(NoOpenDay) as refused:
        next_open_day(branch, CHRISTMAS_EVE)

    assert refused.value.code == "no_open_day"


def test_next_open_day_raises_no_open_day_when_closed_for_the_whole_horizon(settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "CALENDAR_HORIZON_DAYS": 30}
    branch = open_every_day()
    ClosureFactory(
        organisation=branch.organisation,
        start_date=CHRISTMAS_EVE,
        end_date=CHRISTMAS_EVE + dt.timedelta(days=30),
    )

    with pytest.raises(NoOpenDay):
        next_open_day(branch, CHRISTMAS_EVE)


def test_an_open_day_just_inside_the_horizon_is_found(settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "CALENDAR_HORIZON_DAYS": 30}
    branch = open_every_day()
    last_closed = CHRISTMAS_EVE + dt.timedelta(days=28)
    ClosureFactory(organisation=branch.organisation, start_date=CHRISTMAS_EVE, end_date=last_closed)

    assert next_open_day(branch, CHRISTMAS_EVE) == last_closed + dt.timedelta(days=1)


def test_the_horizon_comes_from_the_settings(settings):
    branch = open_every_day()
    reopens = CHRISTMAS_EVE + dt.timedelta(days=40)
    ClosureFactory(
        organisation=branch.organisation,
        start_date=CHRISTMAS_EVE,
        end_date=reopens - dt.timedelta(days=1),
    )
    assert next_open_day(branch, CHRISTMAS_EVE) == reopens

    settings.SAMENBIEB = {**settings.SAMENBIEB, "CALENDAR_HORIZON_DAYS": 30}

    with pytest.raises(NoOpenDay):
        next_open_day(branch, CHRISTMAS_EVE)


@pytest.mark.parametrize("closed_days", [0, 1, 300])
def test_next_open_day_takes_two_queries_however_many_days_it_scans(
    closed_days, django_assert_num_queries
):
    branch = open_every_day()
    if closed_days:
        ClosureFactory(
            organisation=branch.organisation,
            start_date=CHRISTMAS_EVE,
            end_date=CHRISTMAS_EVE + dt.timedelta(days=closed_days - 1),
        )

    with django_assert_num_queries(2):
        found = next_open_day(branch, CHRISTMAS_EVE)

    assert found == CHRISTMAS_EVE + dt.timedelta(days=closed_days)


def test_week_ahead_lists_seven_days_and_marks_closed_days_with_the_reason():
    branch = open_on(BranchFactory(), *range(6))  # closed on Sundays
    ClosureFactory(
        organisation=branch.organisation,
        start_date=CHRISTMAS,
        end_date=BOXING_DAY,
        reason="Kerstdagen",
    )

    days = {day.date: day for day in week_ahead(branch, CHRISTMAS_EVE)}

    assert sorted(days) == [CHRISTMAS_EVE + dt.timedelta(days=n) for n in range(7)]
    assert days[CHRISTMAS_EVE].is_open
    assert days[CHRISTMAS_EVE].closure_reason == ""
    assert not days[CHRISTMAS].is_open
    assert days[CHRISTMAS].closure_reason == "Kerstdagen"
    assert days[BOXING_DAY].closure_reason == "Kerstdagen"
    assert not days[SUNDAY_AFTER].is_open
    assert days[SUNDAY_AFTER].closure_reason == ""
    assert days[SUNDAY_AFTER].periods == ()
    assert days[MONDAY_AFTER].is_open


def test_a_closed_day_still_shows_its_usual_hours_beside_the_reason():
    branch = open_on(BranchFactory(), Weekday.FRIDAY)
    ClosureFactory(organisation=branch.organisation, start_date=CHRISTMAS, end_date=CHRISTMAS)

    christmas = next(day for day in week_ahead(branch, CHRISTMAS_EVE) if day.date == CHRISTMAS)

    assert christmas.periods == ((T(10), T(17)),)
    assert not christmas.is_open


def test_a_day_with_two_periods_lists_both_in_order():
    branch = BranchFactory()
    OpeningHoursFactory(branch=branch, weekday=Weekday.THURSDAY, opens=T(13, 30), closes=T(17, 30))
    OpeningHoursFactory(branch=branch, weekday=Weekday.THURSDAY, opens=T(10), closes=T(12, 30))

    thursday = week_ahead(branch, CHRISTMAS_EVE)[0]

    assert thursday.date == CHRISTMAS_EVE
    assert thursday.is_open
    assert thursday.periods == ((T(10), T(12, 30)), (T(13, 30), T(17, 30)))
    assert next_open_day(branch, CHRISTMAS_EVE) == CHRISTMAS_EVE
