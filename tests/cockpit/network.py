"""A small network built by hand, with the figures of October 2026 worked out by hand.

Library A (Utrecht, municipality of 50,000 inhabitants) has branches A1 and A2; library B
(Gelderland, 20,000) has branch B1.

Members at A on 31 October: p1 (adult, volwassen), p2 (child, jeugd, joined 5 October:
new), p4 (adult, volwassen; their membership ends 31 October and is renewed from
1 November). p3 (adult) left A on 15 October (lapsed). At B: p5 (senior, basis).

Loans in October: p1 three at A1 (two of A's copies, one returned and anonymous; one of
B's copies for a network hold); p2 one at A2; p5, a member of B, one of A's copies at A1
(a guest loan). One more loan in September does not count.

Also in October: a hold with pickup at A2; a digital loan for p4; a course at A (theme
digital government, a national programme) with one session, attended by p4 and by
someone without an account, and a walk-in contact about DigiD, helped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils import timezone

from samenbieb.circulation.models import Hold, Loan
from samenbieb.members.models import Person
from samenbieb.network.models import Branch, Municipality, Organisation
from samenbieb.programmes.models import (
    ActivityKind,
    Attendance,
    Session,
    Theme,
    Topic,
    WalkInContact,
)
from tests.factories import (
    BranchFactory,
    DigitalLoanFactory,
    ItemFactory,
    MembershipFactory,
    MembershipPlanFactory,
    OrganisationFactory,
    PersonFactory,
)
from tests.programmes.factories import ActivityFactory, ProgrammeFactory, RegistrationFactory

ZONE = ZoneInfo("Europe/Amsterdam")
OCTOBER = dt.date(2026, 10, 1)


def moment(day: dt.date, hour: int = 11) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=ZONE)


@dataclass
class HandNetwork:
    a: Organisation
    b: Organisation
    a1: Branch
    a2: Branch
    b1: Branch
    p1: Person
    p2: Person
    p3: Person
    p4: Person
    p5: Person


def _loan(*, item, person, branch, home, when, returned=False):
    return Loan.objects.create(
        item=item,
        person=None if returned else person,
        branch=branch,
        organisation=branch.organisation,
        owner_organisation=item.organisation,
        home_organisation=home,
        item_type=item.item_type,
        age_band={"1980": "adult", "2018": "child", "1950": "senior"}[str(person.birth_date.year)],
        plan=None,
        checked_out_at=when,
        due_on=when.date() + dt.timedelta(days=21),
        renewals_allowed=2,
        fine_per_day=0,
        returned_at=when + dt.timedelta(days=3) if returned else None,
    )


def hand_network() -> HandNetwork:
    utrecht = Municipality.objects.create(
        cbs_code="GM9901", name="Hand-Utrecht", province="UT", population=50_000,
        population_year=2025, source="CBS StatLine 03759ned",
    )  # fmt: skip
    gelder = Municipality.objects.create(
        cbs_code="GM9902", name="Hand-Gelder", province="GE", population=20_000,
        population_year=2025, source="CBS StatLine 03759ned",
    )  # fmt: skip
    a = OrganisationFactory(name="Bibliotheek A", short_name="A", province="UT", isil="NL-HandA")
    b = OrganisationFactory(name="Bibliotheek B", short_name="B", province="GE", isil="NL-HandB")
    a.municipalities.add(utrecht)
    b.municipalities.add(gelder)
    a1 = BranchFactory(organisation=a, name="A1", code="a1")
    a2 = BranchFactory(organisation=a, name="A2", code="a2")
    b1 = BranchFactory(organisation=b, name="B1", code="b1")
    volwassen = MembershipPlanFactory(organisation=a, code="volwassen", min_age=18)
    jeugd = MembershipPlanFactory(organisation=a, code="jeugd", min_age=0, max_age=17)
    basis = MembershipPlanFactory(organisation=b, code="basis", min_age=18)
    adult, child, senior = dt.date(1980, 5, 17), dt.date(2018, 3, 1), dt.date(1950, 2, 2)
    p1 = PersonFactory(home_organisation=a, birth_date=adult)
    p2 = PersonFactory(home_organisation=a, birth_date=child)
    p3 = PersonFactory(home_organisation=a, birth_date=adult)
    p4 = PersonFactory(home_organisation=a, birth_date=adult)
    p5 = PersonFactory(home_organisation=b, birth_date=senior)
    MembershipFactory(
        person=p1, plan=volwassen, starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 31)
    )
    MembershipFactory(
        person=p2, plan=jeugd, starts_on=dt.date(2026, 10, 5), ends_on=dt.date(2027, 10, 4)
    )
    MembershipFactory(
        person=p3, plan=volwassen, starts_on=dt.date(2025, 10, 1), ends_on=dt.date(2026, 10, 15)
    )
    MembershipFactory(
        person=p4, plan=volwassen, starts_on=dt.date(2025, 11, 1), ends_on=dt.date(2026, 10, 31)
    )
    MembershipFactory(
        person=p4, plan=volwassen, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2027, 10, 31)
    )
    MembershipFactory(
        person=p5, plan=basis, starts_on=dt.date(2026, 3, 1), ends_on=dt.date(2027, 2, 28)
    )

    def item(owner: Organisation, branch: Branch):
        return ItemFactory(organisation=owner, home_branch=branch)

    _loan(item=item(a, a1), person=p1, branch=a1, home=a, when=moment(dt.date(2026, 10, 3)))
    _loan(
        item=item(a, a1),
        person=p1,
        branch=a1,
        home=a,
        when=moment(dt.date(2026, 10, 9)),
        returned=True,
    )
    _loan(item=item(b, b1), person=p1, branch=a1, home=a, when=moment(dt.date(2026, 10, 20)))
    _loan(item=item(a, a2), person=p2, branch=a2, home=a, when=moment(dt.date(2026, 10, 31), 16))
    _loan(item=item(a, a1), person=p5, branch=a1, home=b, when=moment(dt.date(2026, 10, 1), 0))
    _loan(item=item(a, a1), person=p1, branch=a1, home=a, when=moment(dt.date(2026, 9, 30), 23))

    held = item(a, a2)
    Hold.objects.create(
        record=held.record, person=p1, pickup_branch=a2, organisation=a, home_organisation=a,
        placed_at=moment(dt.date(2026, 10, 12)),
    )  # fmt: skip
    DigitalLoanFactory(
        person=p4, organisation=a, started=moment(dt.date(2026, 10, 14)),
        ends=moment(dt.date(2026, 11, 4)),
    )  # fmt: skip

    theme = Theme.objects.get_or_create(code="digital_government", defaults={"name": "Overheid"})[0]
    course = ActivityFactory(
        organisation=a, branch=a1, kind=ActivityKind.COURSE,
        programme=ProgrammeFactory(code="digisterker"),
    )  # fmt: skip
    course.themes.set([theme])
    session = Session.objects.create(
        activity=course,
        starts_at=moment(dt.date(2026, 10, 8)),
        ends_at=moment(dt.date(2026, 10, 8), 13),
    )
    for registration in (
        RegistrationFactory(activity=course, person=p4, name=""),
        RegistrationFactory(activity=course),
    ):
        Attendance.objects.create(
            registration=registration, session=session, present=True, recorded_at=timezone.now()
        )
    topic = Topic.objects.get_or_create(code="digid", defaults={"name": "DigiD", "theme": theme})[0]
    hours = ActivityFactory(organisation=a, branch=a1, kind=ActivityKind.CONSULTATION)
    WalkInContact.objects.create(
        activity=hours, branch=a1, topic=topic, outcome="helped",
        occurred_on=dt.date(2026, 10, 22), recorded_at=timezone.now(),
    )  # fmt: skip
    return HandNetwork(a, b, a1, a2, b1, p1, p2, p3, p4, p5)
