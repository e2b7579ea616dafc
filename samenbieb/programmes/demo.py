"""Demo programmes and activities: the national programmes Digisterker and DigiVeiliger
(by the KB) and Klik & Tik (by the support organisation of Utrecht), run locally with
future sessions, plus a local workshop; built through the services, as the system.
Call after the demo network exists; calling it again changes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from samenbieb.network.models import Branch, Organisation
from samenbieb.programmes import services
from samenbieb.programmes.models import ActivityKind, Programme, TargetGroup, Theme

# (code, name, publisher ISIL, kind, sessions, minutes, themes, target groups, level, text)
PROGRAMMES = [
    (
        "digisterker",
        "Digisterker",
        "NL-HaKB",
        ActivityKind.COURSE,
        4,
        120,
        ["digital_government", "basic_skills"],
        ["adults", "seniors"],
        "B1",
        "Leer in vier lessen zaken regelen met de overheid op internet: inloggen met DigiD, "
        "de website van de gemeente, de Belastingdienst en Mijn Overheid.",
    ),
    (
        "digiveiliger",
        "DigiVeiliger",
        "NL-HaKB",
        ActivityKind.EVENT,
        1,
        120,
        ["digital_safety"],
        ["adults", "seniors"],
        "B1",
        "Herken nepberichten en oplichters. Leer veilig bankieren en sterke wachtwoorden maken.",
    ),
    (
        "klik-en-tik",
        "Klik & Tik",
        "NL-UtPOI",
        ActivityKind.COURSE,
        3,
        90,
        ["basic_skills"],
        ["seniors", "low_literacy"],
        "A2",
        "Voor wie net begint met de computer: de muis, het toetsenbord en het internet.",
    ),
]


def _at(today: dt.date, days: int, hour: int, minute: int = 0) -> dt.datetime:
    zone = timezone.get_current_timezone()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour, minute), zone)


def _next(today: dt.date, weekday: int) -> int:
    """Days from ``today`` to the next ``weekday`` at least three days ahead."""
    return 3 + (weekday - (today + dt.timedelta(days=3)).weekday()) % 7


@transaction.atomic
def programmes_demo_load(*, today: dt.date | None = None) -> int:
    """Create the demo programmes and local activities (once); returns how many
    activities were created."""
    today = today or timezone.localdate()
    if Programme.objects.filter(code="digisterker").exists():
        return 0
    organisations = {organisation.isil: organisation for organisation in Organisation.objects.all()}
    if "NL-UtBU" not in organisations:
        return 0
    programmes = {}
    for code, name, isil, kind, sessions, minutes, themes, groups, level, text in PROGRAMMES:
        programme = Programme.objects.create(
            publisher=organisations[isil],
            code=code,
            name=name,
            description=text,
            kind=kind,
            sessions=sessions,
            session_minutes=minutes,
            language_level=level,
        )
        programme.themes.set(Theme.objects.filter(code__in=themes))
        programme.target_groups.set(TargetGroup.objects.filter(code__in=groups))
        programmes[code] = programme

    def branch(isil: str, code: str) -> Branch:
        return Branch.objects.get(organisation__isil=isil, code=code)

    def run(
        code: str, isil: str, branch_code: str, days: list[int], hour: int, places: int
    ) -> None:
        activity = services.activity_create_from_programme(
            actor=None,
            organisation=organisations[isil],
            programme=programmes[code],
            branch=branch(isil, branch_code),
            starts=[_at(today, day, hour) for day in days],
            capacity=places,
        )
        services.activity_publish(actor=None, activity=activity)

    tuesday = _next(today, 1)
    thursday = _next(today, 3)
    created = 0
    run("digisterker", "NL-UtBU", "centrale", [tuesday + 7 * week for week in range(4)], 14, 8)
    run("digiveiliger", "NL-UtBU", "hoograven", [thursday], 10, 12)
    run("klik-en-tik", "NL-UtBU", "wittevrouwen", [thursday + 7 * w for w in range(3)], 10, 6)
    created += 3
    if "NL-ArBR" in organisations:
        run("digisterker", "NL-ArBR", "rozet", [thursday + 7 * week for week in range(4)], 19, 10)
        created += 1
    if "NL-AmfBA" in organisations:
        run("digiveiliger", "NL-AmfBA", "eemhuis", [tuesday + 1], 14, 15)
        created += 1
    # A local workshop of its own, with a small fee, and a full one with a waiting list.
    reading = services.activity_create(
        actor=None,
        organisation=organisations["NL-UtBU"],
        data=services.ActivityData(
            kind=ActivityKind.EVENT,
            title="Taalcafé: samen Nederlands oefenen",
            description=(
                "Praat Nederlands met anderen, in een kleine groep. Koffie en thee staan klaar."
            ),
            themes=list(Theme.objects.filter(code="reading")),
            target_groups=list(TargetGroup.objects.filter(code="newcomers")),
            language_level="A2",
            branch=branch("NL-UtBU", "leidsche-rijn"),
            capacity=2,
            price=Decimal("0"),
        ),
    )
    services.session_add(
        actor=None,
        activity=reading,
        starts_at=_at(today, thursday + 1, 15),
        ends_at=_at(today, thursday + 1, 16, 30),
    )
    services.activity_publish(actor=None, activity=reading)
    services.registration_create(
        actor=None, activity=reading, name="Ahmed", phone="0611111111", via="desk"
    )
    services.registration_create(
        actor=None, activity=reading, name="Olga", phone="0622222222", via="desk"
    )
    return created + 1
