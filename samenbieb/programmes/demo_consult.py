"""Demo consultation hours: the Informatiepunt Digitale Overheid (IDO) of Utrecht and of
Arnhem, with weekly hours, generated slots and some counted walk-in contacts.

Called from the ``demo`` command after the network exists; running it again changes
nothing. The activities are created directly (there is no activity service on this
branch yet); schedules, slots and contacts go through the services every door uses.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from samenbieb.network.models import Organisation
from samenbieb.programmes import services
from samenbieb.programmes.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    ContactOutcome,
    Theme,
    Topic,
)

IDO_TITLE = "Informatiepunt Digitale Overheid"
IDO_DESCRIPTION = (
    "Vragen over DigiD, toeslagen, je belastingaangifte of andere zaken met de overheid "
    "online? Wij helpen je gratis. Maak een afspraak of loop binnen tijdens het spreekuur. "
    "Neem je identiteitsbewijs mee, en je telefoon of laptop als je die hebt."
)

# (library ISIL, branch code, weekday, from, until); weekday 0 = Monday.
WEEKLY_HOURS = [
    ("NL-UtBU", "centrale", 1, dt.time(10), dt.time(12)),
    ("NL-UtBU", "ido-stadskantoor", 3, dt.time(13), dt.time(16)),
    ("NL-ArBR", "rozet", 2, dt.time(14), dt.time(16)),
]
# Walk-in contacts counted at Utrecht's central library (topic, outcome, days ago).
CONTACTS = [
    ("digid", ContactOutcome.HELPED, 1),
    ("digid", ContactOutcome.HELPED, 3),
    ("allowances", ContactOutcome.FOLLOW_UP, 3),
    ("tax_return", ContactOutcome.HELPED, 8),
    ("safe_banking", ContactOutcome.HELPED, 10),
]


@transaction.atomic
def demo_consult_load(*, today: dt.date | None = None) -> list[Activity]:
    """Create the demo IDO consultation hours (once); returns them."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.in_bulk(
        {isil for isil, *_rest in WEEKLY_HOURS}, field_name="isil"
    )
    if not organisations:
        return []
    existing = list(
        Activity.objects.filter(
            title=IDO_TITLE, kind=ActivityKind.CONSULTATION, organisation__in=organisations.values()
        )
    )
    if existing:
        return existing
    themes = list(Theme.objects.filter(code__in=["digital_government", "digital_safety"]))
    activities: dict[str, Activity] = {}
    for isil, organisation in sorted(organisations.items()):
        activity = Activity.objects.create(
            organisation=organisation,
            kind=ActivityKind.CONSULTATION,
            title=IDO_TITLE,
            description=IDO_DESCRIPTION,
            walk_in=True,
            status=ActivityStatus.PUBLISHED,
        )
        activity.themes.set(themes)
        activities[isil] = activity
    for isil, code, weekday, starts, ends in WEEKLY_HOURS:
        activity = activities[isil]
        services.schedule_set(
            actor=None,
            activity=activity,
            branch=activity.organisation.branches.get(code=code),
            weekday=weekday,
            starts=starts,
            ends=ends,
            slot_minutes=30,
            valid_from=today,
        )
    utrecht = activities["NL-UtBU"]
    centrale = utrecht.organisation.branches.get(code="centrale")
    topics = Topic.objects.in_bulk([code for code, *_rest in CONTACTS], field_name="code")
    for code, outcome, days_ago in CONTACTS:
        services.walk_in_contact_record(
            actor=None,
            activity=utrecht,
            branch=centrale,
            topic=topics[code],
            outcome=outcome,
            occurred_on=today - dt.timedelta(days=days_ago),
        )
    return list(activities.values())
