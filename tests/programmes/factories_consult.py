"""Factories and a small world for the consultation hours.

The clock stands at Wednesday 18 November 2026, 10:00 in Amsterdam. Library "Utrecht"
has two branches: Centrum (open Monday–Saturday 10:00–17:00, near Utrecht's 3511) and
Oost (Tuesday 13:00–17:00 only, near 3581); library "Arnhem" has Arnhem Centrum (open
Tuesday 10:00–17:00). The IDO consultation hour of Utrecht helps with digital government.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import factory

from samenbieb.network.models import Branch, Organisation
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ConsultationSchedule,
    Slot,
    Theme,
    Topic,
)
from tests.factories import BranchFactory, OpeningHoursFactory, OrganisationFactory
from tests.programmes.factories_partners import PartnerFactory  # noqa: F401 - re-exported

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = dt.datetime(2026, 11, 18, 10, 0, tzinfo=AMSTERDAM)  # a Wednesday
TODAY = NOW.date()
NEXT_TUESDAY = dt.date(2026, 11, 24)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


class ConsultationFactory(factory.django.DjangoModelFactory):
    """A published consultation hour about digital government."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    kind = ActivityKind.CONSULTATION
    title = "Informatiepunt Digitale Overheid"
    status = ActivityStatus.PUBLISHED
    walk_in = True

    @factory.post_generation
    def themes(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if create:
            codes = extracted if extracted is not None else ["digital_government"]
            self.themes.set(Theme.objects.filter(code__in=codes))


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsultationSchedule

    activity = factory.SubFactory(ConsultationFactory)
    branch = factory.SubFactory(
        BranchFactory, organisation=factory.SelfAttribute("..activity.organisation")
    )
    weekday = 1
    starts = dt.time(10)
    ends = dt.time(12)
    slot_minutes = 30
    valid_from = TODAY


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Slot

    activity = factory.SubFactory(ConsultationFactory)
    branch = factory.SubFactory(
        BranchFactory, organisation=factory.SelfAttribute("..activity.organisation")
    )
    starts_at = factory.LazyFunction(lambda: at(NEXT_TUESDAY, 10))
    ends_at = factory.LazyAttribute(lambda slot: slot.starts_at + dt.timedelta(minutes=30))


def topic(code: str) -> Topic:
    return Topic.objects.get(code=code)


def open_hours(branch: Branch, weekdays: range | list[int], opens: int, closes: int) -> None:
    for weekday in weekdays:
        OpeningHoursFactory(
            branch=branch, weekday=weekday, opens=dt.time(opens), closes=dt.time(closes)
        )


@dataclass
class ConsultWorld:
    utrecht: Organisation
    arnhem: Organisation
    centrum: Branch
    oost: Branch
    arnhem_centrum: Branch
    ido: Activity


def consult_world() -> ConsultWorld:
    utrecht = OrganisationFactory(name="Bibliotheek Utrecht", short_name="Utrecht")
    arnhem = OrganisationFactory(name="Bibliotheek Arnhem", short_name="Arnhem", province="GE")
    centrum = BranchFactory(
        organisation=utrecht,
        name="Bibliotheek Centrum",
        latitude="52.088329",
        longitude="5.115990",
    )
    oost = BranchFactory(
        organisation=utrecht,
        name="Bibliotheek Oost",
        postcode="3581 AA",
        latitude="52.087000",
        longitude="5.140000",
    )
    arnhem_centrum = BranchFactory(
        organisation=arnhem,
        name="Bibliotheek Arnhem Centrum",
        postcode="6811 AA",
        city="Arnhem",
        latitude="51.981700",
        longitude="5.910800",
    )
    open_hours(centrum, range(6), 10, 17)
    open_hours(oost, [1], 13, 17)
    open_hours(arnhem_centrum, [1], 10, 17)
    ido = ConsultationFactory(organisation=utrecht)
    return ConsultWorld(utrecht, arnhem, centrum, oost, arnhem_centrum, ido)
