"""The demo network: two provinces, their support organisations, the national library and
eight library organisations with 25 branches. Names of libraries and streets are made up;
postcodes, municipalities and coordinates are real (CBS)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NamedTuple

T = dt.time
Week = dict[int, list[tuple[dt.time, dt.time]]]


class BranchSpec(NamedTuple):
    code: str
    name: str
    kind: str
    street: str
    number: str
    postcode: str
    city: str
    municipality: str
    latitude: float
    longitude: float
    week: Week


@dataclass(frozen=True)
class OrganisationSpec:
    isil: str
    name: str
    short_name: str
    province: str
    support: str = ""
    municipalities: tuple[str, ...] = ()
    website: str = ""
    branches: tuple[BranchSpec, ...] = ()


# Weekly schedules: weekday (0 = Monday) → opening periods.
CENTRAL: Week = {
    0: [(T(12), T(20))],
    1: [(T(10), T(20))],
    2: [(T(10), T(20))],
    3: [(T(10), T(20))],
    4: [(T(10), T(20))],
    5: [(T(10), T(17))],
    6: [(T(12), T(17))],
}
NEIGHBOURHOOD: Week = {
    1: [(T(13), T(17, 30))],
    2: [(T(10), T(12, 30)), (T(13, 30), T(17, 30))],
    3: [(T(13), T(17, 30))],
    4: [(T(13), T(20))],
    5: [(T(10), T(14))],
}
SMALL_TOWN: Week = {
    0: [(T(13), T(17))],
    1: [(T(10), T(17))],
    2: [(T(10), T(17))],
    3: [(T(10), T(20))],
    4: [(T(10), T(17))],
    5: [(T(10), T(15))],
}
SCHOOL: Week = {day: [(T(8, 30), T(15))] for day in range(5)}
INFORMATION_POINT: Week = {1: [(T(9, 30), T(12, 30))], 3: [(T(13), T(16))]}

SUPPORT_ORGANISATIONS: list[OrganisationSpec] = [
    OrganisationSpec(
        isil="NL-UtPOI",
        name="Bibliotheekservice Utrecht",
        short_name="BSU",
        province="UT",
    ),
    OrganisationSpec(
        isil="NL-GePOI",
        name="Bibliotheekservice Gelderland",
        short_name="BSG",
        province="GE",
    ),
]

NATIONAL_LIBRARY = OrganisationSpec("NL-HaKB", "Koninklijke Bibliotheek (demo)", "KB", "")

LIBRARIES: list[OrganisationSpec] = [
    OrganisationSpec(
        isil="NL-UtBU",
        name="Bibliotheek Utrecht Stad",
        short_name="Utrecht",
        province="UT",
        support="NL-UtPOI",
        municipalities=("GM0344",),
        website="https://utrecht.bibliotheek.example",
        branches=(
            BranchSpec(
                "centrale",
                "Centrale Bibliotheek Neude",
                "main",
                "Neude",
                "11",
                "3511 TX",
                "Utrecht",
                "GM0344",
                52.088329,
                5.115990,
                CENTRAL,
            ),
            BranchSpec(
                "hoograven",
                "Bibliotheek Hoograven",
                "branch",
                "Hoofdweg",
                "42",
                "3525 AK",
                "Utrecht",
                "GM0344",
                52.061862,
                5.118562,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "wittevrouwen",
                "Bibliotheek Wittevrouwen",
                "branch",
                "Singelplein",
                "5",
                "3573 BA",
                "Utrecht",
                "GM0344",
                52.104376,
                5.148308,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "leidsche-rijn",
                "Bibliotheek Leidsche Rijn",
                "branch",
                "Parkhof",
                "2",
                "3544 CT",
                "Utrecht",
                "GM0344",
                52.091714,
                5.051888,
                SMALL_TOWN,
            ),
            BranchSpec(
                "ido-stadskantoor",
                "Informatiepunt Digitale Overheid Stadskantoor",
                "information_point",
                "Stadsplateau",
                "1",
                "3511 TB",
                "Utrecht",
                "GM0344",
                52.089800,
                5.109900,
                INFORMATION_POINT,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-AmfBA",
        name="Bibliotheek Amersfoort Eemland",
        short_name="Amersfoort",
        province="UT",
        support="NL-UtPOI",
        municipalities=("GM0307",),
        website="https://amersfoort.bibliotheek.example",
        branches=(
            BranchSpec(
                "eemhuis",
                "Bibliotheek Eemhuis",
                "main",
                "Eemplein",
                "77",
                "3811 KW",
                "Amersfoort",
                "GM0307",
                52.155604,
                5.387578,
                CENTRAL,
            ),
            BranchSpec(
                "schothorst",
                "Bibliotheek Schothorst",
                "branch",
                "Schothorsterlaan",
                "10",
                "3823 AB",
                "Amersfoort",
                "GM0307",
                52.189108,
                5.394808,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "de-regenboog",
                "Schoolbibliotheek De Regenboog",
                "school_library",
                "Kattenbroekerweg",
                "3",
                "3822 GB",
                "Amersfoort",
                "GM0307",
                52.181102,
                5.399127,
                SCHOOL,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-ZeBZ",
        name="Bibliotheek Heuvelrug Zeist",
        short_name="Zeist",
        province="UT",
        support="NL-UtPOI",
        municipalities=("GM0355",),
        website="https://zeist.bibliotheek.example",
        branches=(
            BranchSpec(
                "zeist-centrum",
                "Bibliotheek Zeist Centrum",
                "main",
                "Markt",
                "4",
                "3701 HA",
                "Zeist",
                "GM0355",
                52.085648,
                5.246948,
                SMALL_TOWN,
            ),
            BranchSpec(
                "het-lindenhof",
                "Schoolbibliotheek Het Lindenhof",
                "school_library",
                "Lindenlaan",
                "20",
                "3705 GA",
                "Zeist",
                "GM0355",
                52.100271,
                5.238781,
                SCHOOL,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-VnBV",
        name="Bibliotheek Veenendaal-Nieuwegein",
        short_name="Veenendaal",
        province="UT",
        support="NL-UtPOI",
        municipalities=(
            "GM0345",
            "GM0356",
        ),
        website="https://veenendaal.bibliotheek.example",
        branches=(
            BranchSpec(
                "veenendaal",
                "Bibliotheek Veenendaal",
                "main",
                "Markt",
                "30",
                "3901 DM",
                "Veenendaal",
                "GM0345",
                52.023901,
                5.557672,
                SMALL_TOWN,
            ),
            BranchSpec(
                "nieuwegein",
                "Servicepunt Nieuwegein Stadshuis",
                "service_point",
                "Stadsplein",
                "1",
                "3434 ZA",
                "Nieuwegein",
                "GM0356",
                52.008132,
                5.082798,
                NEIGHBOURHOOD,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-ArBR",
        name="Bibliotheek Arnhem Rijnstad",
        short_name="Arnhem",
        province="GE",
        support="NL-GePOI",
        municipalities=("GM0202",),
        website="https://arnhem.bibliotheek.example",
        branches=(
            BranchSpec(
                "rozet",
                "Bibliotheek Rozet",
                "main",
                "Kortestraat",
                "16",
                "6811 EP",
                "Arnhem",
                "GM0202",
                51.981097,
                5.906837,
                CENTRAL,
            ),
            BranchSpec(
                "malburgen",
                "Bibliotheek Malburgen",
                "branch",
                "Hollandweg",
                "8",
                "6833 AA",
                "Arnhem",
                "GM0202",
                51.965463,
                5.922422,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "klarendal",
                "Bibliotheek Klarendal",
                "branch",
                "Klarendalseweg",
                "100",
                "6824 AB",
                "Arnhem",
                "GM0202",
                51.992213,
                5.939291,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "schuytgraaf",
                "Bibliotheek Schuytgraaf",
                "branch",
                "Schuytgraafplein",
                "1",
                "6846 CA",
                "Arnhem",
                "GM0202",
                51.957302,
                5.841959,
                NEIGHBOURHOOD,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-NmBN",
        name="Bibliotheek Nijmegen Waalstad",
        short_name="Nijmegen",
        province="GE",
        support="NL-GePOI",
        municipalities=("GM0268",),
        website="https://nijmegen.bibliotheek.example",
        branches=(
            BranchSpec(
                "marienburg",
                "Bibliotheek De Mariënburg",
                "main",
                "Mariënburg",
                "29",
                "6511 PS",
                "Nijmegen",
                "GM0268",
                51.846823,
                5.863387,
                CENTRAL,
            ),
            BranchSpec(
                "dukenburg",
                "Bibliotheek Dukenburg",
                "branch",
                "Meijhorst",
                "60",
                "6535 AA",
                "Nijmegen",
                "GM0268",
                51.805305,
                5.826857,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "lindenholt",
                "Bibliotheek Lindenholt",
                "branch",
                "Zwanenveld",
                "90",
                "6546 CB",
                "Nijmegen",
                "GM0268",
                51.832564,
                5.779881,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "ido-nijmegen",
                "Informatiepunt Digitale Overheid Nijmegen",
                "information_point",
                "Thermionpassage",
                "2",
                "6543 AB",
                "Nijmegen",
                "GM0268",
                51.836041,
                5.827472,
                INFORMATION_POINT,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-EdBE",
        name="Bibliotheek Ede Veluwe-Vallei",
        short_name="Ede",
        province="GE",
        support="NL-GePOI",
        municipalities=("GM0228",),
        website="https://ede.bibliotheek.example",
        branches=(
            BranchSpec(
                "ede-cultura",
                "Bibliotheek Ede Cultura",
                "main",
                "Molenstraat",
                "45",
                "6711 AW",
                "Ede",
                "GM0228",
                52.036592,
                5.684926,
                SMALL_TOWN,
            ),
            BranchSpec(
                "ede-west",
                "Bibliotheek Ede-West",
                "branch",
                "Bospoort",
                "12",
                "6716 AA",
                "Ede",
                "GM0228",
                52.026586,
                5.632253,
                NEIGHBOURHOOD,
            ),
            BranchSpec(
                "bennekom",
                "Bibliotheek Bennekom",
                "branch",
                "Dorpsstraat",
                "3",
                "6721 JJ",
                "Bennekom",
                "GM0228",
                52.007495,
                5.671074,
                NEIGHBOURHOOD,
            ),
        ),
    ),
    OrganisationSpec(
        isil="NL-ApBA",
        name="Bibliotheek Apeldoorn CODA",
        short_name="Apeldoorn",
        province="GE",
        support="NL-GePOI",
        municipalities=("GM0200",),
        website="https://apeldoorn.bibliotheek.example",
        branches=(
            BranchSpec(
                "coda",
                "Bibliotheek CODA",
                "main",
                "Vosselmanstraat",
                "299",
                "7311 CL",
                "Apeldoorn",
                "GM0200",
                52.212693,
                5.960763,
                CENTRAL,
            ),
            BranchSpec(
                "de-vlinderboom",
                "Schoolbibliotheek De Vlinderboom",
                "school_library",
                "Vlinderlaan",
                "7",
                "7325 AB",
                "Apeldoorn",
                "GM0200",
                52.210708,
                6.028268,
                SCHOOL,
            ),
        ),
    ),
]

# The public holidays Dutch libraries usually close on (holidays' Dutch names).
CLOSING_HOLIDAYS = {
    "Nieuwjaarsdag",
    "Eerste paasdag",
    "Tweede paasdag",
    "Koningsdag",
    "Hemelvaartsdag",
    "Eerste pinksterdag",
    "Tweede pinksterdag",
    "Eerste kerstdag",
    "Tweede kerstdag",
}

DEMO_PASSWORD = "samenbieb-demo"

# (username, first name, last name, organisation ISIL, role)
STAFF = [
    ("balie", "Bram", "de Balie", "NL-UtBU", "desk"),
    ("catalogus", "Cato", "Logus", "NL-UtBU", "cataloguer"),
    ("programma", "Priya", "Gram", "NL-UtBU", "programme_coordinator"),
    ("manager", "Marieke", "Manders", "NL-UtBU", "manager"),
    ("analist", "Anouk", "Lis", "NL-HaKB", "network_analyst"),
    ("privacy", "Pieter", "Vacy", "NL-UtBU", "privacy_officer"),
    ("beheerder", "Bea", "Heerder", "NL-UtBU", "administrator"),
    ("balie-arnhem", "Aram", "Hemmes", "NL-ArBR", "desk"),
    ("balie-amersfoort", "Amal", "Foort", "NL-AmfBA", "desk"),
]
