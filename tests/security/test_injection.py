"""Cross-site scripting and SQL injection through every search and form field, data-driven:
each payload in ``XSS`` and ``SQL`` goes into each field of ``FIELDS`` (and into a MARC
record's title, author, summary and subjects, shown by the portal). Nothing may come back
unescaped, nothing may fail with a server error, and no table may change or leak.

A new door adds its search and form fields to ``FIELDS`` (and its pages to doors.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse
from lxml import etree
from pymarc import Field, Indicators, Record, Subfield

from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import Record as CatalogRecord
from samenbieb.incidents.models import Incident
from samenbieb.members.models import Person
from samenbieb.members.plans import default_plans_create
from samenbieb.network.models import StaffUser
from samenbieb.network.roles import Role
from samenbieb.programmes.models import Registration
from tests.factories import BranchFactory, OrganisationFactory, StaffRoleFactory, staff_login
from tests.programmes.factories import ActivityFactory

pytestmark = pytest.mark.django_db

XSS = [
    '<script>alert("xss-1")</script>',
    '"><img src=x onerror=alert("xss-2")>',
    "'><svg onload=alert('xss-3')>",
    '</script><script>alert("xss-4")</script>',
    '" autofocus onfocus="alert(5)',
    "javascript:alert('xss-6')",
]
SQL = [
    "' OR '1'='1",
    "1'; DROP TABLE members_person; --",
    '" OR ""="',
    "%' OR 1=1 --",
    "') OR ('a'='a",
    "\\",
    "1 UNION SELECT username, password FROM network_staffuser --",
    'titel:"half',
    "NEAR(a b",
    "* AND OR NOT ^",
]
# What an executed payload would look like in HTML: none may appear.
DANGER = re.compile(
    r"<script>alert|<img src=x onerror|<svg onload|autofocus onfocus=\"alert|"
    r"href=\"javascript:|src=\"javascript:",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Target:
    who: str  # anonymous or staff
    url: str  # URL name
    field: str
    method: str = "GET"
    extra: dict[str, str] = field(default_factory=dict)
    then: str = ""  # a page that shows what was stored ("" for none)

    @property
    def id(self) -> str:
        return f"{self.url}:{self.field}"


_DESK_MEMBER = {
    "card_barcode": "20000000099990",
    "given_name": "Anna",
    "family_name": "Vries",
    "birth_date": "01-06-1990",
    "postcode": "3511 AB",
}
_PORTAL_MEMBER = {
    **{key: value for key, value in _DESK_MEMBER.items() if key != "card_barcode"},
    "street": "Straat",
    "house_number": "1",
    "city": "Utrecht",
    "email": "nieuw@example.org",
    "password1": "een lang en sterk wachtwoord",
    "password2": "een lang en sterk wachtwoord",
}
_INCIDENT = {
    "title": "Titel",
    "summary": "Wat er gebeurde",
    "severity": "high",
    "detected_at": "2026-01-05T10:00",
}

FIELDS: list[Target] = [
    # Portal (anonymous)
    Target("anonymous", "portal:search", "q"),
    Target("anonymous", "portal:search", "taal"),
    Target("anonymous", "portal:search", "formaat"),
    Target("anonymous", "portal:help_near_me", "waar"),
    Target("anonymous", "portal:help_near_me", "thema"),
    Target("anonymous", "portal:login", "identifier", "POST", {"password": "x"}),
    *[
        Target("anonymous", "portal:register", name, "POST", _PORTAL_MEMBER)
        for name in ("given_name", "family_name", "street", "city", "email", "postcode")
    ],
    Target("anonymous", "portal:password_forgot", "email", "POST"),
    # Public JSON API
    Target("anonymous", "portal:help_near_me_api", "postcode"),
    Target("anonymous", "portal:help_near_me_api", "plaats"),
    Target("anonymous", "portal:help_near_me_api", "thema"),
    # Desk
    Target("anonymous", "desk:login", "username", "POST", {"password": "x"}),
    Target("staff", "desk:members", "q"),
    Target("staff", "desk:items", "barcode"),
    Target("staff", "desk:circulation_scan", "barcode", "POST"),
    *[
        Target("staff", "desk:member_register", name, "POST", _DESK_MEMBER, then="desk:members")
        for name in ("given_name", "family_name", "street", "city", "phone")
    ],
    *[
        Target("staff", "desk:incident_add", name, "POST", _INCIDENT, then="desk:incidents")
        for name in ("title", "summary")
    ],
    # REST API, OAI-PMH and SRU (a URL that starts with "/" is taken as it is)
    Target("anonymous", "/api/v1/records", "q"),
    Target("anonymous", "/api/v1/records", "language"),
    Target("anonymous", "/api/v1/records", "cursor", extra={"q": "fiets"}),
    Target("anonymous", "oai:oai", "verb"),
    Target(
        "anonymous",
        "oai:oai",
        "identifier",
        extra={"verb": "GetRecord", "metadataPrefix": "marc21"},
    ),
    Target(
        "anonymous", "oai:oai", "set", extra={"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    ),
    Target("anonymous", "oai:oai", "resumptionToken", extra={"verb": "ListRecords"}),
    Target(
        "anonymous", "sru:sru", "query", extra={"operation": "searchRetrieve", "version": "1.2"}
    ),
    Target(
        "anonymous",
        "sru:sru",
        "recordSchema",
        extra={"operation": "searchRetrieve", "version": "1.2", "query": "fiets"},
    ),
    # Administration
    Target("staff", "admin:network_branch_changelist", "q"),
    Target("staff", "admin:members_person_changelist", "q"),
    Target("staff", "admin:catalog_record_changelist", "q"),
    Target("staff", "admin:core_auditevent_changelist", "q"),
]


def _client(who: str) -> tuple[Client, StaffUser | None]:
    client = Client()
    if who != "staff":
        return client, None
    library = OrganisationFactory(name="Bibliotheek Proef")
    BranchFactory(organisation=library)
    default_plans_create(organisation=library)
    user = StaffRoleFactory(organisation=library, role=Role.ADMINISTRATOR).user
    StaffRoleFactory(user=user, organisation=library, role=Role.PRIVACY_OFFICER)
    staff_login(client, user)
    return client, user


def _path(target: Target) -> str:
    return target.url if target.url.startswith("/") else reverse(target.url)


def _send(client: Client, target: Target, payload: str):
    data = {**target.extra, target.field: payload}
    if target.url == "desk:member_register" and "plan" not in data:
        from samenbieb.members.models import MembershipPlan

        data["plan"] = str(MembershipPlan.objects.get(code="volwassen").pk)
    if target.url == "desk:incident_add":
        from samenbieb.network.models import Organisation

        data["organisation"] = str(Organisation.objects.get(name="Bibliotheek Proef").pk)
    url = _path(target)
    if target.method == "POST":
        return client.post(url, data, follow=True)
    return client.get(url, data)


def _assert_harmless(response, payload: str) -> None:
    assert response.status_code < 500, response.content.decode()[:1000]
    body = response.content.decode()
    if response["Content-Type"].startswith("text/html"):
        found = DANGER.search(body)
        assert found is None, body[max(0, found.start() - 200) : found.end() + 200]
    elif response["Content-Type"].startswith("text/xml"):
        # OAI-PMH and SRU: the payload can only come back as escaped text, so the reply
        # stays well-formed XML (an unescaped "<" or "&" would break it).
        etree.fromstring(response.content)
        for tag in ("<script", "<svg", "<img"):
            assert tag not in body
    else:
        # JSON is never rendered as a page: nosniff and a JSON content type.
        assert response["Content-Type"].startswith("application/")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert "argon2" not in body  # no password hash ever leaks into a page


def _counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "staff": StaffUser.objects.count(),
        "records": CatalogRecord.objects.count(),
        "incidents": Incident.objects.count(),
    }


@pytest.mark.parametrize("target", FIELDS, ids=lambda target: target.id)
def test_xss_payloads_come_back_escaped_from_every_field(target: Target):
    try:
        _path(target)
    except NoReverseMatch:
        pytest.skip(f"{target.url} is not in this build")
    client, _user = _client(target.who)
    for payload in XSS:
        _assert_harmless(_send(client, target, payload), payload)
        if target.then:
            _assert_harmless(client.get(reverse(target.then), {"q": "Vries"}), payload)
    # Stored values are shown on their own pages too.
    for person in Person.objects.all():
        _assert_harmless(client.get(reverse("desk:member", args=[person.pk])), "")
    for incident in Incident.objects.all():
        for name in ("desk:incident", "desk:incident_report"):
            _assert_harmless(client.get(reverse(name, args=[incident.pk])), "")


@pytest.mark.parametrize("target", FIELDS, ids=lambda target: target.id)
def test_sql_payloads_change_and_leak_nothing(target: Target):
    client, _user = _client(target.who)
    before = _counts()
    for payload in SQL:
        response = _send(client, target, payload)
        _assert_harmless(response, payload)
    after = _counts()
    # A form may legitimately store one row with the payload as text; nothing else changes.
    assert after["staff"] == before["staff"]
    assert after["records"] == before["records"]
    assert after["people"] - before["people"] <= 1
    assert after["incidents"] - before["incidents"] <= len(SQL)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM members_person")  # the table is still there


def _marc(number: int, payload: str) -> Record:
    def add(tag: str, indicators: str, *pairs: str) -> None:
        subfields = [Subfield(code=pairs[i], value=pairs[i + 1]) for i in range(0, len(pairs), 2)]
        record.add_field(Field(tag=tag, indicators=Indicators(*indicators), subfields=subfields))

    record = Record(leader="00000nam a2200000 i 4500")
    record.add_field(Field(tag="001", data=f"xss{number}"))
    record.add_field(Field(tag="003", data="NL-SbB"))
    record.add_field(Field(tag="008", data="240101s2024    ne            000 1 dut d"))
    add("100", "1 ", "a", f"Auteur {payload}")
    add("245", "10", "a", f"Titel {payload}", "b", payload)
    add("520", "  ", "a", f"Samenvatting {payload}")
    add("650", " 4", "a", f"Onderwerp {payload}")
    add("856", "40", "u", payload, "y", payload)
    return record


def test_marc_fields_with_payloads_are_shown_escaped_in_the_portal(tmp_path):
    path = tmp_path / "payloads.mrc"
    with path.open("wb") as out:
        for number, payload in enumerate(XSS + SQL):
            out.write(_marc(number, payload).as_marc())
    report = import_marc_files([path])
    assert report.created == len(XSS + SQL), report
    client = Client()
    first = CatalogRecord.objects.get(title__contains="xss-1")
    page = client.get(reverse("portal:record", args=[first.pk])).content.decode()
    assert "Titel &lt;script&gt;alert(&quot;xss-1&quot;)&lt;/script&gt;" in page  # shown, escaped
    for record in CatalogRecord.objects.all():
        _assert_harmless(client.get(reverse("portal:record", args=[record.pk])), "")
    for query in ("Titel", "Samenvatting", "Onderwerp", *XSS, *SQL):
        _assert_harmless(client.get(reverse("portal:search"), {"q": query}), query)
    results = client.get(reverse("portal:search"), {"q": "Titel"}).content.decode()
    assert "xss-1" in results  # the search shows the records whose payloads it escaped
    staff, _user = _client("staff")
    _assert_harmless(staff.get(reverse("admin:catalog_record_changelist"), {"q": "Titel"}), "")


@pytest.mark.parametrize("payload", XSS)
def test_the_check_itself_catches_an_unescaped_payload(payload):
    """The control: the same payload sent back raw, as a broken template would, is caught."""
    from django.http import HttpResponse

    raw = HttpResponse(f'<p>{payload}</p><a href="{payload}">x</a>')
    with pytest.raises(AssertionError):
        _assert_harmless(raw, payload)


def test_names_given_when_signing_up_for_an_activity_are_shown_escaped_to_staff():
    activity = ActivityFactory(capacity=len(XSS) + 2)
    visitor = Client()
    for number, payload in enumerate(XSS):
        response = visitor.post(
            reverse("portal:activity_register", args=[activity.pk]),
            {"name": payload, "phone": f"06 1234 56{number:02d}"},
            follow=True,
        )
        _assert_harmless(response, payload)
    assert Registration.objects.filter(activity=activity).count() == len(XSS)  # all stored
    staff = Client()
    coordinator = StaffRoleFactory(
        organisation=activity.organisation, role=Role.PROGRAMME_COORDINATOR
    ).user
    staff_login(staff, coordinator)
    page = staff.get(reverse("desk:activity", args=[activity.pk]))
    assert page.status_code == 200
    _assert_harmless(page, "")
    assert "&lt;script&gt;alert(&quot;xss-1&quot;)&lt;/script&gt;" in page.content.decode()
