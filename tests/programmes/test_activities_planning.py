"""Planning activities: from a national programme, sessions, publishing, permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from samenbieb.core.errors import NotPermitted
from samenbieb.programmes import services
from samenbieb.programmes.errors import InvalidActivity, SessionReason, SessionRefused
from samenbieb.programmes.models import Activity, ActivityStatus, Session
from tests.factories import BranchFactory, OrganisationFactory, StaffRoleFactory
from tests.programmes.factories import NOW, ActivityFactory, ProgrammeFactory, at, theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def library():
    return OrganisationFactory()


@pytest.fixture
def coordinator(library):
    return StaffRoleFactory(organisation=library, role="programme_coordinator").user


def test_a_library_runs_a_national_programme_with_its_own_dates(library, coordinator):
    programme = ProgrammeFactory(name="Digisterker", sessions=4, session_minutes=120)
    branch = BranchFactory(organisation=library)
    starts = [at(7 * week, 14) for week in range(1, 5)]
    activity = services.activity_create_from_programme(
        actor=coordinator,
        organisation=library,
        programme=programme,
        branch=branch,
        starts=starts,
        capacity=8,
        now=NOW,
    )
    assert activity.programme == programme
    assert activity.title == "Digisterker"
    assert activity.status == ActivityStatus.DRAFT
    assert [theme.code for theme in activity.themes.all()] == ["digital_government"]
    assert [(s.starts_at, s.ends_at - s.starts_at) for s in activity.sessions.all()] == [
        (start, dt.timedelta(hours=2)) for start in starts
    ]


def test_overlapping_sessions_of_one_activity_are_refused():
    activity = ActivityFactory(sessions=[(at(7, 14), at(7, 16))])
    with pytest.raises(SessionRefused) as refused:
        services.session_add(
            actor=None, activity=activity, starts_at=at(7, 15), ends_at=at(7, 17), now=NOW
        )
    assert refused.value.reason == SessionReason.OVERLAPS
    assert activity.sessions.count() == 1


def test_a_session_right_after_another_is_fine():
    activity = ActivityFactory(sessions=[(at(7, 14), at(7, 16))])
    services.session_add(
        actor=None, activity=activity, starts_at=at(7, 16), ends_at=at(7, 18), now=NOW
    )
    assert activity.sessions.count() == 2


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (at(-1, 14), at(-1, 16), SessionReason.IN_THE_PAST),
        (at(7, 16), at(7, 14), SessionReason.ENDS_BEFORE_START),
        (at(7, 8), at(7, 21), SessionReason.TOO_LONG),
        (at(800, 14), at(800, 16), SessionReason.TOO_FAR_AHEAD),
        (at(1, 14), at(1, 16), SessionReason.BEFORE_REGISTRATION_OPENS),
    ],
)
def test_sessions_outside_sensible_times_are_refused(start, end, reason):
    activity = ActivityFactory(sessions=[], registration_opens_at=at(3))
    with pytest.raises(SessionRefused) as refused:
        services.session_add(actor=None, activity=activity, starts_at=start, ends_at=end, now=NOW)
    assert refused.value.reason == reason
    assert not Session.objects.exists()


def test_creating_from_a_programme_with_overlapping_dates_saves_nothing(library, coordinator):
    programme = ProgrammeFactory()
    with pytest.raises(SessionRefused):
        services.activity_create_from_programme(
            actor=coordinator,
            organisation=library,
            programme=programme,
            branch=BranchFactory(organisation=library),
            starts=[at(7, 14), at(7, 15)],
            capacity=8,
            now=NOW,
        )
    assert not Activity.objects.exists()


def test_an_activity_needs_a_theme_and_a_place(library, coordinator):
    data = services.ActivityData(
        kind="event", title="Voorlezen", themes=[], branch=BranchFactory(organisation=library)
    )
    with pytest.raises(InvalidActivity) as refused:
        services.activity_create(actor=coordinator, organisation=library, data=data)
    assert refused.value.field == "themes"
    data = services.ActivityData(kind="event", title="Voorlezen", themes=[theme("reading")])
    with pytest.raises(InvalidActivity) as refused:
        services.activity_create(actor=coordinator, organisation=library, data=data)
    assert refused.value.field == "branch"


def test_an_activity_takes_no_branch_of_another_library(library, coordinator):
    data = services.ActivityData(
        kind="event", title="Voorlezen", themes=[theme("reading")], branch=BranchFactory()
    )
    with pytest.raises(InvalidActivity) as refused:
        services.activity_create(actor=coordinator, organisation=library, data=data)
    assert refused.value.field == "branch"


def test_an_online_activity_has_an_address(library, coordinator):
    data = services.ActivityData(
        kind="event",
        title="Online spreekuur",
        themes=[theme("digital_government")],
        online_url="https://meet.example/abc",
        price=Decimal("2.50"),
    )
    activity = services.activity_create(actor=coordinator, organisation=library, data=data)
    assert activity.branch is None
    assert activity.price == Decimal("2.50")


def test_desk_staff_may_not_plan_activities(library):
    desk = StaffRoleFactory(organisation=library, role="desk").user
    data = services.ActivityData(
        kind="event",
        title="Voorlezen",
        themes=[theme("reading")],
        branch=BranchFactory(organisation=library),
    )
    with pytest.raises(NotPermitted):
        services.activity_create(actor=desk, organisation=library, data=data)


def test_publishing_needs_a_session_in_the_future(library, coordinator):
    activity = ActivityFactory(organisation=library, status=ActivityStatus.DRAFT, sessions=[])
    with pytest.raises(InvalidActivity):
        services.activity_publish(actor=coordinator, activity=activity, now=NOW)
    services.session_add(
        actor=coordinator, activity=activity, starts_at=at(3, 14), ends_at=at(3, 16), now=NOW
    )
    assert (
        services.activity_publish(actor=coordinator, activity=activity, now=NOW).status
        == "published"
    )
