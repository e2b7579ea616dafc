"""Factories for programmes: national programmes, activities with sessions, registrations.

Other areas add theirs in ``factories_<area>.py``. Activities are published with one
session a week ahead of :data:`NOW` unless told otherwise; tests that exercise the
services pass ``now=NOW`` to them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import zoneinfo

import factory

from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Programme,
    Registration,
    RegistrationStatus,
    RegistrationVia,
    Session,
    Theme,
)
from tests.factories import BranchFactory, OrganisationFactory

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
# A Monday morning some weeks ahead of the real clock: the services take ``now``, but the
# notice jobs read the real time to see whether a session is still to come.
_TODAY = dt.datetime.now(AMSTERDAM).date() + dt.timedelta(weeks=4)
NOW = dt.datetime.combine(
    _TODAY - dt.timedelta(days=_TODAY.weekday()), dt.time(10), tzinfo=AMSTERDAM
)


def at(days: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """``days`` after :data:`NOW`'s date, at ``hour``:``minute`` in Amsterdam."""
    day = NOW.date() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM)


def theme(code: str = "basic_skills") -> Theme:
    return Theme.objects.get(code=code)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    publisher = factory.SubFactory(OrganisationFactory, kind="national")
    code = factory.Sequence(lambda n: f"programma-{n}")
    name = factory.Sequence(lambda n: f"Digisterker {n}")
    description = "Leer zaken regelen met de overheid op internet."
    kind = ActivityKind.COURSE
    sessions = 4
    session_minutes = 120

    @factory.post_generation
    def themes(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.themes.set(extracted or [theme("digital_government")])


class ActivityFactory(factory.django.DjangoModelFactory):
    """A published event at a branch with ``capacity`` places and one session a week
    ahead of NOW (``sessions=[(start, end), …]`` for others, ``sessions=[]`` for none)."""

    class Meta:
        model = Activity
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    branch = factory.SubFactory(BranchFactory, organisation=factory.SelfAttribute("..organisation"))
    kind = ActivityKind.EVENT
    title = factory.Sequence(lambda n: f"Workshop veilig internetten {n}")
    capacity = 8
    status = ActivityStatus.PUBLISHED

    @factory.post_generation
    def themes(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.themes.set(extracted or [theme("digital_safety")])

    @factory.post_generation
    def sessions(self, create: bool, extracted: object, **kwargs: object) -> None:
        if not create:
            return
        spans = [(at(7, 14), at(7, 16))] if extracted is None else extracted
        for start, end in spans:  # type: ignore[attr-defined]
            Session.objects.create(activity=self, starts_at=start, ends_at=end)


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A confirmed registration of someone without an account."""

    class Meta:
        model = Registration

    activity = factory.SubFactory(ActivityFactory)
    name = "Fatima"
    phone = factory.Sequence(lambda n: f"+316{n:08d}")
    status = RegistrationStatus.CONFIRMED
    via = RegistrationVia.DESK
    created_at = NOW
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
