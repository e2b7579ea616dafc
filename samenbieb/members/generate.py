"""Synthetic members for benchmarks: step ``persons`` of ``samenbieb generate``.

Persons live in households at real postcodes of the municipalities their library serves
(the postcode table of :mod:`samenbieb.network.generate`), population-weighted, with
common Dutch names (prefixes such as "van der" kept apart, as the desk registers them)
and given names of their generation. About one in five is under 18: children live with
a parent, who is linked as their guardian. Most adults have an e-mail address (at
``.example`` domains, which never receive mail). Everyone has one active card; some also
have a lost or replaced one. Everyone has a membership on a default plan of their home
library (youth free, adults full or basic), chosen by their age on its first day; some
memberships have lapsed, a few were cancelled. A share recorded consents.

Generated persons have no password (the model's "not chosen yet"): hashing a million
Argon2 passwords would take hours, and the benchmarks log in no member. Card numbers are
14 digits starting with ``29`` with a check digit, so they never meet the demo's cards
(``2000…``) or any item barcode (``G…`` generated, 12 digits demo). Membership fees
create no charges here.

Rows go in with :func:`~samenbieb.core.bulk.bulk_insert` (COPY on PostgreSQL). Persons of
the synthetic libraries (ISIL ``NL-Gen…``) are what a new run replaces; nobody else's.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import accumulate
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from samenbieb.core.bulk import bulk_insert
from samenbieb.members.dates import add_months, age_on
from samenbieb.members.identity import identity_key
from samenbieb.members.models import (
    CardStatus,
    Consent,
    ConsentKind,
    GuardianLink,
    LibraryCard,
    Membership,
    MembershipPlan,
    Person,
)
from samenbieb.members.plans import DEFAULT_PLANS
from samenbieb.members.services import CONSENT_TEXT_VERSION
from samenbieb.network.generate import (
    GENERATED_ISIL_PREFIX,
    STREETS,
    areas,
    city_name,
    generated_organisations,
    postcode_random,
)
from samenbieb.network.models import OrganisationKind

Progress = Callable[[str], None]

BATCH = 25_000  # persons per round of inserts (with their cards, memberships, …)
CARD_PREFIX = "29"
CARD_SPACE = 10**11  # 11 digits between the prefix and the check digit
CARD_STRIDE = 71_234_567_891  # coprime with CARD_SPACE: index → number is a bijection
ADULT_AGE = 18
MEMBER_DAYS = 12 * 365  # members joined up to twelve years ago
# A household: a family (one or two parents and one to three children) or one or two
# adults. The family share is tuned so that about 20 % of persons are under 18.
FAMILY_SHARE = 0.19
PARTNER_SHARE = {True: 0.6, False: 0.25}  # a second adult, in families and otherwise
SAME_NAME_PARTNER = 0.4
CHILDREN = ((1, 2, 3), (40, 45, 15))
# Age of the eldest child (0–17) and of adults without children at home.
CHILD_AGE_WEIGHTS = (2, 3, 3, 4, 6, 7, 8, 8, 8, 8, 8, 7, 6, 5, 4, 4, 3, 3)
ADULT_AGE_BANDS = (
    (18, 24, 8), (25, 34, 12), (35, 44, 13), (45, 54, 16), (55, 64, 18), (65, 74, 18),
    (75, 84, 11), (85, 98, 4),
)  # fmt: skip
EMAIL_SHARE = {"adult": 0.88, "teen": 0.3}
VERIFIED_SHARE = 0.8
PHONE_SHARE = 0.6
ENGLISH_SHARE = 0.03
PREVIOUS_CARD_SHARE = 0.05  # of which two fifths lost, the rest replaced (worn, new design)
LOST_SHARE = 0.4
LAPSED_SHARE = 0.1
CANCELLED_SHARE = 0.01
BASIC_PLAN_SHARE = 0.2
CONSENT_SHARE = 0.6
EMAIL_PROVIDERS = (
    ("ziggo", 20), ("kpnmail", 14), ("gmail", 24), ("hotmail", 16), ("outlook", 10),
    ("xs4all", 4), ("planet", 4), ("home", 3), ("live", 5),
)  # fmt: skip

# Common Dutch family names with (roughly) their number of bearers in thousands, after the
# Meertens Instituut's Nederlandse Familienamenbank; prefixes apart, as the desk enters them.
COMMON_FAMILY_NAMES = """
de Jong 86; Jansen 75; de Vries 74; van den Berg 59; van Dijk 56; Bakker 55; Janssen 55;
Visser 50; Smit 43; Meijer 41; de Boer 39; Mulder 38; de Groot 37; Bos 36; Vos 32;
Peters 31; Hendriks 31; van Leeuwen 29; Dekker 28; Brouwer 26; de Wit 26; Dijkstra 25;
Smits 25; de Graaf 24; van der Meer 24; van der Linden 22; Kok 22; Jacobs 21; de Haan 21;
Vermeulen 21; van den Heuvel 21; van der Veen 20; van den Broek 20; de Bruijn 20;
de Bruin 19; van der Heijden 19; Schouten 19; van Beek 19; Willems 19; van Vliet 18;
van de Ven 18; Hoekstra 18; Maas 18; Verhoeven 18; Koster 17; van Dam 17; van der Wal 17;
Prins 17; Blom 17; Huisman 17; Peeters 16; de Jonge 16; Kuipers 16; van Veen 16; Post 16;
Kuiper 16; Veenstra 15; Kramer 15; van den Brink 15; Scholten 15; van Wijk 15; Postma 15;
Martens 15; Vink 15; de Ruiter 14; Timmermans 14; Groen 14; Gerritsen 14; Jonker 14;
van Loon 14; Boer 14; van der Velde 14; Willemsen 13; Smeets 13; de Lange 13; de Vos 13;
Bosch 13; van Dongen 13; Schipper 13; de Koning 13; van der Laan 13; Koning 12;
van der Velden 12; Driessen 12; van Doorn 12; Hermans 12; Evers 12; van den Bosch 12;
van der Meulen 12; Hofman 12; Bosman 12; Wolters 12; Sanders 12; van der Horst 12; Mol 11;
Kuijpers 11; Molenaar 11; van de Pol 11; de Leeuw 11; Verbeek 11; van der Berg 6;
Jansma 6; Jans 3; Janssens 4; Pietersen 5; Pieters 6; van Rijn 8; Bergman 6; Zwart 9;
Wouters 9; Claassen 7; Lammers 8; Verhagen 9; Brinkman 8; de Wilde 7; Kroon 7; Aarts 9;
van 't Hof 3; ter Horst 5; ten Brink 4; op de Beek 2; in 't Veld 3; van Ommen 3;
Yılmaz 9; Kaya 6; Şahin 5; Demir 5; Öztürk 4; Çelik 4; Aydın 4; El Amrani 3; Bouzid 3;
Benali 3; Tahiri 3; El Idrissi 3; Ahmadi 3; Ramdin 3; Ramcharan 2; Soekhoe 2; Tjon 2;
Nguyen 4; Tan 4; Lie 3; Wang 3; Chen 3; Kowalski 3; Nowak 4; Müller 4; Schmidt 3;
Simons 6; Verschuren 5; Coenen 5; Hoogendoorn 6; Schreurs 5; Kooistra 5; Wijnands 3
"""  # noqa: RUF001 - Turkish names have a dotless i
# The long tail: plausible names made of common parts (Hoogeveld, Brinkstra, van Molendijk).
TAIL_FIRST = (
    "Hoog", "Laag", "Groot", "Klein", "Oost", "West", "Noord", "Zuid", "Bos", "Veld", "Dijk",
    "Berg", "Broek", "Brink", "Kamp", "Hof", "Huis", "Meer", "Zand", "Steen", "Wit", "Zwart",
    "Groen", "Hout", "Mol", "Kerk", "Molen", "Linde", "Eik", "Haver", "Koren", "Beek",
    "Water", "Heuvel", "Weide", "Bloem", "Rozen", "Appel", "Vliet", "Ven", "Horst", "Hage",
    "Lange", "Korte", "Nij", "Olde", "Wolf", "Vos", "Haan", "Valk", "Zwaan", "Span", "Bleek",
    "Schep", "Bak", "Koop", "Rut", "Wester", "Ooster", "Hamer",
)  # fmt: skip
TAIL_SECOND = (
    "man", "mans", "stra", "sma", "inga", "ink", "ing", "huis", "huizen", "veld", "dijk",
    "berg", "broek", "kamp", "hof", "horst", "hout", "meijer", "beek", "water", "land",
    "wijk", "dorp", "enga", "ema", "boom", "kate", "schot", "voort", "laar", "rade", "donk",
    "heim", "steeg", "kes",
)  # fmt: skip
PLACE_ENDINGS = frozenset(
    {"dijk", "berg", "broek", "veld", "hof", "horst", "beek", "wijk", "dorp", "voort",
     "laar", "donk", "heim"}
)  # fmt: skip
TAIL_SHARE = 0.85  # of persons with a name from the tail; the common names take the rest

# Given names by generation (born before 1960, 1960–1989, from 1990) and sex, most
# popular first, after the Meertens Instituut's Nederlandse Voornamenbank.
GIVEN_NAMES = """
0 m: Jan Johannes Cornelis Hendrik Willem Gerrit Pieter Jacob Dirk Kees Piet Henk Wim Gerard
     Theo Frans Klaas Hans Joop Ad Bert Ton Harm Leendert Teun Arie Bram Evert Adrianus Jo
0 f: Maria Johanna Cornelia Anna Wilhelmina Elisabeth Hendrika Geertruida Adriana Catharina
     Ria Annie Truus Corrie Riet Joke Tineke Greet Ans Els Marijke Gerda Ineke Wil Betty Willy
     Loes Hennie Jannie Nel
1 m: Peter Marco Erik Jeroen Martijn Richard Michel Mark Robert Patrick Dennis Arjan Bas Frank
     Paul Rob Sander Ronald Edwin Remco Niels Vincent Bart Maarten Wouter Joost Rick Stefan
     Mohamed Jan-Willem
1 f: Linda Marieke Esther Monique Sandra Petra Anja Ingrid Wendy Mirjam Saskia Karin Nicole
     Patricia Ellen Marloes Annemieke Judith Miriam Jolanda Astrid Sanne Femke Ilse Kim
     Marjolein Eva Lotte Fatima Yvonne
2 m: Daan Sem Lucas Noah Levi Finn Bram Jesse Thijs Luuk Milan Ruben Tim Lars Max Sven Stijn
     Jayden Julian Thomas Tom Jens Gijs Mees Liam Adam Mohammed Ryan Siem Jan
2 f: Emma Julia Sophie Tess Anna Zoë Lotte Sara Fleur Eva Lisa Sanne Noor Mila Evi Lieke Isa
     Roos Fenna Yara Nina Saar Liv Lynn Femke Iris Esmee Amber Nora Fatima
"""
PERSON_STREETS = (
    *STREETS,
    "Hoofdweg", "Kerkweg", "Molenstraat", "Sportlaan", "Acacialaan", "Eikenlaan",
    "Beukenlaan", "Berkenlaan", "Populierenlaan", "Wilgenlaan", "Esdoornstraat",
    "Lijsterbeslaan", "Merelstraat", "Meeuwenlaan", "Zwaluwstraat", "Spreeuwenlaan",
    "Rembrandtlaan", "Vermeerstraat", "Van Goghstraat", "Mozartlaan", "Bachstraat",
    "Tulpstraat", "Rozenstraat", "Narcissenstraat", "Irisstraat", "Zonnebloemstraat",
    "Industrieweg", "Havenstraat", "Dijkstraat", "Bosweg", "Veldweg", "Zandweg",
    "Prinses Irenestraat", "Prins Clauslaan", "Koningin Julianaweg", "Oranjelaan",
    "Graaf Florislaan", "Schoolpad", "Kloosterstraat", "Nieuwe Markt", "Achterweg",
    "Marktstraat", "Sint Janstraat", "Pastoor van Arsstraat", "Dokter Schaepmanstraat",
)  # fmt: skip
HOUSE_SUFFIXES = ("a", "b", "c", "-1", "-2", " bis", "A", "-hs")


@dataclass(frozen=True, slots=True)
class HomeMunicipality:
    city: str
    population: int
    pc4: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class HomeLibrary:
    """A synthetic library persons can have as their home, with where its members live."""

    id: int
    municipalities: tuple[HomeMunicipality, ...]

    @property
    def population(self) -> int:
        return sum(m.population for m in self.municipalities)


def home_municipality(cbs_code: str, name: str, population: int) -> HomeMunicipality:
    return HomeMunicipality(name, population, areas()[cbs_code].pc4)


def home_libraries() -> list[HomeLibrary]:
    """The synthetic libraries in the database, in the order the network step made them."""
    libraries = (
        generated_organisations()
        .filter(kind=OrganisationKind.LIBRARY)
        .order_by("id")
        .prefetch_related("municipalities")
    )
    table = areas()
    return [
        HomeLibrary(
            library.pk,
            tuple(
                home_municipality(m.cbs_code, city_name(m), m.population)
                for m in sorted(
                    library.municipalities.all(), key=lambda m: (-m.population, m.cbs_code)
                )
                if m.cbs_code in table
            ),
        )
        for library in libraries
    ]


def card_number(index: int) -> str:
    """The synthetic card number ``index`` (0 ≤ index < 10¹¹): ``29``, 11 digits spread over
    their space so they look random, and a Luhn check digit; 14 digits in all."""
    if not 0 <= index < CARD_SPACE:
        raise ValueError("at most 10¹¹ synthetic card numbers")
    body = f"{CARD_PREFIX}{index * CARD_STRIDE % CARD_SPACE:011d}"
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return body + str((10 - total % 10) % 10)


def _family_names() -> tuple[list[tuple[str, str]], list[float]]:
    """(prefix, name) pairs and cumulative weights: the common names, then the tail."""
    prefixes = ("van der", "van den", "van de", "van 't", "in 't", "op de", "van", "ter",
                "ten", "de")  # fmt: skip
    common: list[tuple[str, str]] = []
    weights: list[float] = []
    for entry in COMMON_FAMILY_NAMES.replace("\n", " ").split(";"):
        full, count = entry.strip().rsplit(" ", 1)
        prefix = next((p for p in prefixes if full.startswith(p + " ")), "")
        common.append((prefix, full.removeprefix(prefix).strip()))
        weights.append(float(count))
    common_total = sum(weights)
    tail: list[tuple[str, str]] = []
    for first in TAIL_FIRST:
        for second in TAIL_SECOND:
            name = first + second
            # "van" before half of the place names, deterministically.
            prefix = "van" if second in PLACE_ENDINGS and len(name) % 2 == 0 else ""
            tail.append((prefix, name))
    # The tail shares TAIL_SHARE of the weight, the rarer names a little rarer.
    tail_weights = [1.0 / (1 + (i % 7)) for i in range(len(tail))]
    scale = common_total * TAIL_SHARE / (1 - TAIL_SHARE) / sum(tail_weights)
    return common + tail, list(accumulate(weights + [w * scale for w in tail_weights]))


def _given_names() -> dict[tuple[int, str], tuple[tuple[str, ...], list[float]]]:
    """{(generation, sex): (names, cumulative weights)}, from :data:`GIVEN_NAMES`."""
    table: dict[tuple[int, str], tuple[tuple[str, ...], list[float]]] = {}
    for block in re.split(r"\n(?=\d)", GIVEN_NAMES.strip()):
        head, names = block.split(":")
        cohort, sex = head.split()
        listed = tuple(names.split())
        weights = list(accumulate(1 / (rank + 1) ** 0.5 for rank in range(len(listed))))
        table[int(cohort), sex] = (listed, weights)
    return table


@cache
def _ascii(text: str) -> str:
    """``Zoë van 't Hof`` → ``zoevanthof``: for e-mail addresses."""
    plain = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in plain if c.isascii() and c.isalnum())


@dataclass(slots=True)
class _Member:
    given: str
    prefix: str
    family: str
    birth: dt.date


class _Generator:
    """The state of one run: name pools, the numbers given out, what must stay unique."""

    def __init__(
        self, rng: random.Random, libraries: Sequence[HomeLibrary], today: dt.date
    ) -> None:
        self.rng = rng
        self.today = today
        self.now = timezone.now()
        self.libraries = [library for library in libraries if library.municipalities]
        self.library_weights = list(accumulate(lib.population for lib in self.libraries))
        self.family_names, self.family_weights = _family_names()
        self.given = _given_names()
        self.providers = [name for name, _w in EMAIL_PROVIDERS]
        self.provider_weights = list(accumulate(w for _n, w in EMAIL_PROVIDERS))
        self.child_weights = list(accumulate(CHILD_AGE_WEIGHTS))
        self.adult_weights = list(accumulate(w for _a, _b, w in ADULT_AGE_BANDS))
        self.identities: set[str] = set()
        self.emails: set[str] = set()
        self.next_card = 1
        self.plans: dict[int, dict[str, int]] = {}

    # --- drawing ------------------------------------------------------------------

    def pick(self, cum_weights: Sequence[float]) -> int:
        return bisect(cum_weights, self.rng.random() * cum_weights[-1])

    def family_name(self) -> tuple[str, str]:
        return self.family_names[self.pick(self.family_weights)]

    def given_name(self, birth: dt.date, sex: str) -> str:
        cohort = 0 if birth.year < 1960 else 1 if birth.year < 1990 else 2
        names, weights = self.given[cohort, sex]
        return names[self.pick(weights)]

    def birth_date(self, age: int) -> dt.date:
        """Someone ``age`` years old today (born on a random day of that year of life)."""
        year = self.today.year - age
        try:
            latest = self.today.replace(year=year)
        except ValueError:  # today is 29 February and that year had none
            latest = dt.date(year, 2, 28)
        return latest - dt.timedelta(days=self.rng.randrange(365))

    def adult_age(self) -> int:
        low, high, _weight = ADULT_AGE_BANDS[self.pick(self.adult_weights)]
        return self.rng.randint(low, high)

    def household(self) -> list[tuple[_Member, bool]]:
        """The members of one household: (member, is_child), parents first."""
        rng = self.rng
        prefix, family = self.family_name()
        members: list[tuple[_Member, bool]] = []
        with_children = rng.random() < FAMILY_SHARE
        if with_children:
            eldest = self.pick(self.child_weights)
            ages = [eldest]
            for _child in range(rng.choices(*CHILDREN)[0] - 1):
                younger = ages[-1] - rng.randint(1, 4)
                if younger >= 0:
                    ages.append(younger)
            first_age = eldest + rng.randint(23, 40)
        else:
            ages = []
            first_age = self.adult_age()
        sexes = ("m", "f") if rng.random() < 0.5 else ("f", "m")
        birth = self.birth_date(first_age)
        members.append((_Member(self.given_name(birth, sexes[0]), prefix, family, birth), False))
        if rng.random() < PARTNER_SHARE[with_children]:
            age = max(ADULT_AGE, first_age + rng.randint(-4, 4))
            birth = self.birth_date(age)
            partner_prefix, partner_family = (
                (prefix, family) if rng.random() < SAME_NAME_PARTNER else self.family_name()
            )
            given = self.given_name(birth, sexes[1])
            members.append((_Member(given, partner_prefix, partner_family, birth), False))
        for age in ages:
            birth = self.birth_date(age)
            sex = "m" if rng.random() < 0.5 else "f"
            members.append((_Member(self.given_name(birth, sex), prefix, family, birth), True))
        return members

    def email(self, member: _Member) -> str:
        rng = self.rng
        given, family = _ascii(member.given), _ascii(member.prefix + member.family)
        style = rng.randrange(4)
        if style == 0:
            local = f"{given}.{family}"
        elif style == 1:
            local = f"{given[0]}{family}"
        elif style == 2:
            local = f"{given}{family}{member.birth.year % 100:02d}"
        else:
            local = f"{given}.{family}{rng.randint(1, 99)}"
        domain = f"{self.providers[self.pick(self.provider_weights)]}.example"
        address = f"{local}@{domain}"
        while address in self.emails:
            address = f"{local}{rng.randint(100, 9999)}@{domain}"
        self.emails.add(address)
        return address

    def card(self) -> str:
        number = card_number(self.next_card)
        self.next_card += 1
        return number

    # --- rows ---------------------------------------------------------------------

    def batch(self, first_id: int, count: int) -> dict[str, list[tuple[Any, ...]]]:
        """Rows for ``count`` persons with ids from ``first_id``, households kept whole
        except the last one, which is cut off at ``count``."""
        rng, today = self.rng, self.today
        rows: dict[str, list[tuple[Any, ...]]] = {
            "persons": [], "cards": [], "memberships": [], "consents": [], "guardian_links": []
        }  # fmt: skip
        person_id = first_id
        last_id = first_id + count
        while person_id < last_id:
            library = self.libraries[self.pick(self.library_weights)]
            places = library.municipalities
            place = places[0] if len(places) == 1 else rng.choices(
                places, weights=[m.population for m in places])[0]  # fmt: skip
            postcode = postcode_random(rng, rng.choice(place.pc4))
            street = rng.choice(PERSON_STREETS)
            house = str(rng.randint(1, 240))
            if rng.random() < 0.08:
                house += rng.choice(HOUSE_SUFFIXES)
            guardian_id: int | None = None
            for member, is_child in self.household():
                if person_id >= last_id:
                    break
                key = self.identity(member, postcode)
                if key is None:
                    continue  # nobody new to be had under these names: leave them out
                age = age_on(member.birth, today)
                joined = max(member.birth, today - dt.timedelta(days=rng.randrange(MEMBER_DAYS)))
                joined = self.membership(rows["memberships"], person_id, library.id, member, joined)
                created = dt.datetime.combine(
                    joined, dt.time(rng.randint(9, 19), rng.randrange(60)), tzinfo=dt.UTC
                )
                adult = age >= ADULT_AGE
                email = ""
                share = EMAIL_SHARE["adult"] if adult else EMAIL_SHARE["teen"] if age >= 13 else 0
                if rng.random() < share:
                    email = self.email(member)
                verified = created if email and rng.random() < VERIFIED_SHARE else None
                phone = ""
                if adult and rng.random() < PHONE_SHARE:
                    phone = f"06 {rng.randrange(10**8):08d}"
                language = "en" if rng.random() < ENGLISH_SHARE else "nl"
                rows["persons"].append(
                    (
                        person_id, member.given, member.prefix, member.family, member.birth,
                        street, house, postcode, place.city, email, verified, phone, language,
                        library.id, "", None, True, created, created, key,
                    )
                )  # fmt: skip
                self.cards(rows["cards"], person_id, library.id, created)
                if rng.random() < CONSENT_SHARE:
                    via = "desk" if rng.random() < 0.7 else "portal"
                    for kind, share in ((ConsentKind.LOAN_HISTORY, 0.7), (ConsentKind.NEWS, 0.35)):
                        given = rng.random() < share
                        rows["consents"].append(
                            (person_id, kind, given, CONSENT_TEXT_VERSION, created, via)
                        )
                if not is_child:
                    guardian_id = guardian_id or person_id
                elif guardian_id is not None and age < ADULT_AGE:
                    rows["guardian_links"].append((person_id, guardian_id, created))
                person_id += 1
        return rows

    def identity(self, member: _Member, postcode: str) -> str | None:
        """The identity key, unique among generated persons: a clash (same names, birth
        date and postcode) gets another given name of the same generation."""
        for _attempt in range(20):
            key = identity_key(
                given_name=member.given,
                name_prefix=member.prefix,
                family_name=member.family,
                birth_date=member.birth,
                postcode=postcode,
            )
            if key not in self.identities:
                self.identities.add(key)
                return key
            member.given = self.given_name(member.birth, self.rng.choice("mf"))
        return None

    def cards(
        self, rows: list[tuple[Any, ...]], person_id: int, library_id: int, created: dt.datetime
    ) -> None:
        rng = self.rng
        issued = created
        if rng.random() < PREVIOUS_CARD_SHARE:
            status = CardStatus.LOST if rng.random() < LOST_SHARE else CardStatus.REPLACED
            ended = created + (self.now - created) * rng.random()
            rows.append((self.card(), person_id, library_id, status, issued, ended))
            issued = ended
        rows.append((self.card(), person_id, library_id, CardStatus.ACTIVE, issued, issued))

    def membership(
        self,
        rows: list[tuple[Any, ...]],
        person_id: int,
        library_id: int,
        member: _Member,
        joined: dt.date,
    ) -> dt.date:
        """The latest membership period: running now (renewed every year on the day the
        member joined), or for some lapsed up to two years ago. Returns the day the member
        joined, moved earlier when a lapsed period began before it."""
        rng, today = self.rng, self.today
        if rng.random() < LAPSED_SHARE:
            ended = today - dt.timedelta(days=rng.randint(1, 730))
            starts = max(member.birth, add_months(ended + dt.timedelta(days=1), -12))
            joined = min(joined, starts)
        else:
            starts = add_months(joined, 12 * age_on(joined, today))
        ends = add_months(starts, 12) - dt.timedelta(days=1)
        if age_on(member.birth, starts) < ADULT_AGE:
            code = "jeugd"
        else:
            code = "basis" if rng.random() < BASIC_PLAN_SHARE else "volwassen"
        begun = dt.datetime.combine(starts, dt.time(10), tzinfo=dt.UTC)
        cancelled = None
        if ends >= today and rng.random() < CANCELLED_SHARE:
            cancelled = begun + (self.now - begun) * rng.random()
        plan = self.plans[library_id][code]
        rows.append((person_id, plan, library_id, starts, ends, cancelled, begun))
        return joined


PERSON_FIELDS = (
    "id", "given_name", "name_prefix", "family_name", "birth_date", "street",
    "house_number", "postcode", "city", "email", "email_verified_at", "phone",
    "preferred_language", "home_organisation", "password", "last_login", "is_active",
    "created_at", "updated_at", "identity_key",
)  # fmt: skip
CARD_FIELDS = ("barcode", "person", "issued_by", "status", "issued_at", "status_changed_at")
MEMBERSHIP_FIELDS = (
    "person", "plan", "organisation", "starts_on", "ends_on", "cancelled_at", "created_at"
)  # fmt: skip
CONSENT_FIELDS = ("person", "kind", "given", "text_version", "recorded_at", "recorded_via")
GUARDIAN_FIELDS = ("child", "guardian", "created_at")
PLAN_FIELDS = (
    "organisation", "code", "name", "price", "period_months", "min_age", "max_age", "is_active"
)  # fmt: skip
TABLES = {
    "persons": (Person, PERSON_FIELDS),
    "cards": (LibraryCard, CARD_FIELDS),
    "memberships": (Membership, MEMBERSHIP_FIELDS),
    "consents": (Consent, CONSENT_FIELDS),
    "guardian_links": (GuardianLink, GUARDIAN_FIELDS),
}


def plans_create(library_ids: Iterable[int]) -> dict[int, dict[str, int]]:
    """The default plans for each library that lacks them; {library id: {code: plan id}}."""
    ids = list(library_ids)
    existing = set(
        MembershipPlan.objects.filter(organisation_id__in=ids).values_list(
            "organisation_id", "code"
        )
    )
    rows = (
        (library_id, spec.code, spec.name, spec.price, spec.period_months, spec.min_age,
         spec.max_age, True)
        for library_id in ids
        for spec in DEFAULT_PLANS
        if (library_id, spec.code) not in existing
    )  # fmt: skip
    bulk_insert(MembershipPlan, rows, PLAN_FIELDS)
    plans: dict[int, dict[str, int]] = {library_id: {} for library_id in ids}
    for organisation_id, code, pk in MembershipPlan.objects.filter(
        organisation_id__in=ids
    ).values_list("organisation_id", "code", "id"):
        plans[organisation_id][code] = pk
    return plans


def persons_generate(
    *,
    count: int,
    rng: random.Random,
    libraries: Sequence[HomeLibrary],
    today: dt.date,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Insert ``count`` persons (with cards, memberships, consents, guardians) whose home
    is one of ``libraries``, and those libraries' default plans; returns the counts."""
    generator = _Generator(rng, libraries, today)
    if count <= 0 or not generator.libraries:
        return {}
    generator.plans = plans_create(library.id for library in generator.libraries)
    counts = {"plans": sum(len(codes) for codes in generator.plans.values())}
    first_id = _reserve_person_ids(count)
    for start in range(0, count, BATCH):
        size = min(BATCH, count - start)
        for table, rows in generator.batch(first_id + start, size).items():
            model, fields = TABLES[table]
            counts[table] = counts.get(table, 0) + bulk_insert(model, rows, fields)
        if progress:
            progress(f"persons {start + size:,}/{count:,}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model, _fields in TABLES.values():
                cursor.execute(f"ANALYZE {model._meta.db_table}")
    return counts


def _reserve_person_ids(count: int) -> int:
    """The first of ``count`` consecutive person ids nobody else will take."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Lock out concurrent registrations while the sequence jumps past our block.
            cursor.execute("LOCK TABLE members_person IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('members_person', 'id'),"
                " greatest((SELECT coalesce(max(id), 0) FROM members_person),"
                " (SELECT last_value FROM members_person_id_seq)) + %s)",
                [count],
            )
            (last,) = cursor.fetchone()
            return int(last) - count + 1
        cursor.execute("SELECT coalesce(max(id), 0) FROM members_person")
        (highest,) = cursor.fetchone()
        return int(highest) + 1


def persons_delete(organisation_ids: Sequence[int]) -> None:
    """Delete the persons whose home is one of ``organisation_ids``, with everything that
    hangs on them, and whatever else points at those organisations' members' data: the
    memberships, cards and charges at those organisations, and their plans. In bulk SQL."""
    if not organisation_ids:
        return
    marks = ", ".join(["%s"] * len(organisation_ids))
    persons = f"SELECT id FROM members_person WHERE home_organisation_id IN ({marks})"  # noqa: S608
    ids = list(organisation_ids)
    statements = [
        (f"DELETE FROM circulation_charge WHERE person_id IN ({persons})", ids),  # noqa: S608
        (f"DELETE FROM circulation_charge WHERE organisation_id IN ({marks})", ids),  # noqa: S608
        (f"DELETE FROM members_consent WHERE person_id IN ({persons})", ids),  # noqa: S608
        # Two statements, not one with OR: each IN becomes a semi-join, where an OR of
        # two would make PostgreSQL run a subquery per row (minutes at a million).
        (f"DELETE FROM members_guardianlink WHERE child_id IN ({persons})", ids),  # noqa: S608
        (f"DELETE FROM members_guardianlink WHERE guardian_id IN ({persons})", ids),  # noqa: S608
        (f"DELETE FROM members_membership WHERE person_id IN ({persons})", ids),  # noqa: S608
        (f"DELETE FROM members_membership WHERE organisation_id IN ({marks})", ids),  # noqa: S608
        (f"DELETE FROM members_librarycard WHERE person_id IN ({persons})", ids),  # noqa: S608
        (f"DELETE FROM members_librarycard WHERE issued_by_id IN ({marks})", ids),  # noqa: S608
        (f"DELETE FROM members_person WHERE home_organisation_id IN ({marks})", ids),  # noqa: S608
        (f"DELETE FROM members_membershipplan WHERE organisation_id IN ({marks})", ids),  # noqa: S608
    ]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def synthetic_persons_replace(
    *,
    count: int,
    seed: int = 2026,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> dict[str, int]:
    """Replace only the persons of the synthetic network already in the database (the
    catalogue and everything else stay): what ``samenbieb generate`` would have made with
    the same seed, when the network is the same."""
    libraries = home_libraries()
    if not libraries:
        raise ValueError("no synthetic network: run `samenbieb generate` first")
    # Loans (and holds) point at persons: they go first. Imported here, as circulation's
    # generator builds on this module.
    from samenbieb.circulation.generate import loans_delete

    with transaction.atomic():
        loans_delete([library.id for library in libraries])
        persons_delete([library.id for library in libraries])
        return persons_generate(
            count=count,
            rng=random.Random(f"{seed}/persons"),  # noqa: S311 - synthetic data, no secrets
            libraries=libraries,
            today=today or timezone.localdate(),
            progress=progress,
        )


def synthetic_persons() -> QuerySet[Person]:
    """The persons of the synthetic network."""
    return Person.objects.filter(home_organisation__isil__startswith=GENERATED_ISIL_PREFIX)
