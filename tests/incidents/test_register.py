"""The incident register: opening, the timeline, the 72-hour deadline for reporting a data
breach, the report for the Autoriteit Persoonsgegevens, and who may do what."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from samenbieb.incidents import queries, services
from samenbieb.incidents.errors import IncidentClosed, IncidentInvalid, LateReasonRequired
from samenbieb.incidents.models import Incident, IncidentStatus
from samenbieb.network.roles import Role
from tests.factories import OrganisationFactory, StaffRoleFactory, staff_login

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def team():
    """The response team: a privacy officer of the national organisation."""
    national = OrganisationFactory(name="Koninklijke Bibliotheek", kind="national")
    return StaffRoleFactory(organisation=national, role=Role.PRIVACY_OFFICER).user


@pytest.fixture
def libraries():
    return [
        OrganisationFactory(name="Bibliotheek Utrecht"),
        OrganisationFactory(name="Bibliotheek Eemland"),
    ]


def _open(team, libraries, *, detected_at=None, breach=True, **fields):
    return services.incident_open(
        actor=team,
        organisation=team.staff_roles.get().organisation,
        title="Lijst met leden gemaild aan verkeerde ontvanger",
        summary="Een export met namen en adressen ging naar een extern adres.",
        severity="high",
        detected_at=detected_at or NOW - dt.timedelta(hours=2),
        personal_data_breach=breach,
        affected_organisations=libraries,
        data_categories=["identity", "contact"],
        people_affected=340,
        **fields,
    )


def test_an_incident_gets_a_reference_a_timeline_and_an_audit_record(team, libraries):
    incident = _open(team, libraries)
    assert incident.reference.startswith(f"INC-{timezone.localtime().year}-")
    assert set(incident.affected_organisations.all()) == set(libraries)
    assert [entry.kind for entry in incident.entries.all()] == ["change"]
    assert AuditEvent.objects.filter(event_type="incidents.incident.opened").count() == 1
    second = _open(team, libraries)
    year = timezone.localtime().year
    assert (incident.reference, second.reference) == (f"INC-{year}-0001", f"INC-{year}-0002")


@pytest.mark.parametrize(
    ("hours_ago", "state"),
    [(2, "open"), (49, "at_risk"), (71, "at_risk"), (73, "overdue"), (200, "overdue")],
)
def test_the_72_hour_deadline_counts_from_becoming_aware(team, libraries, hours_ago, state):
    incident = _open(team, libraries, detected_at=NOW - dt.timedelta(hours=hours_ago))
    deadline = queries.deadline_of(incident, now=NOW)
    assert deadline.due == incident.detected_at + dt.timedelta(hours=72)
    assert deadline.state == state
    assert deadline.needs_attention == (state != "open")


def test_an_incident_without_a_breach_has_no_deadline(team, libraries):
    incident = _open(team, libraries, breach=False)
    assert queries.deadline_of(incident).state == "none"


def test_a_report_in_time_meets_the_deadline(team, libraries):
    incident = _open(team, libraries, detected_at=NOW - dt.timedelta(hours=10))
    services.incident_authority_notified(
        actor=team, incident=incident, at=NOW - dt.timedelta(hours=1), reference="AP-123"
    )
    incident.refresh_from_db()
    assert queries.deadline_of(incident).state == "met"
    assert incident.entries.filter(kind="notification").exists()


def test_a_late_report_needs_a_reason_and_is_shown_as_late(team, libraries):
    incident = _open(team, libraries, detected_at=NOW - dt.timedelta(hours=100))
    with pytest.raises(LateReasonRequired):
        services.incident_authority_notified(actor=team, incident=incident, at=NOW)
    services.incident_authority_notified(
        actor=team, incident=incident, at=NOW, late_reason="Pas na onderzoek duidelijk."
    )
    incident.refresh_from_db()
    assert queries.deadline_of(incident).state == "late"


def test_a_report_cannot_lie_in_the_future_or_before_detection(team, libraries):
    incident = _open(team, libraries)
    with pytest.raises(IncidentInvalid):
        services.incident_authority_notified(
            actor=team, incident=incident, at=NOW + dt.timedelta(days=1)
        )
    with pytest.raises(IncidentInvalid):
        services.incident_authority_notified(
            actor=team, incident=incident, at=incident.detected_at - dt.timedelta(hours=1)
        )


def test_changes_are_written_on_the_timeline_and_closing_sets_closed_at(team, libraries):
    incident = _open(team, libraries)
    services.incident_change(actor=team, incident=incident, severity="critical")
    services.incident_entry_add(
        actor=team, incident=incident, kind="action", text="Ontvanger gevraagd te verwijderen."
    )
    services.incident_change(actor=team, incident=incident, status=IncidentStatus.CLOSED)
    incident.refresh_from_db()
    assert incident.closed_at is not None
    assert [entry.kind for entry in incident.entries.all()] == [
        "change",
        "change",
        "action",
        "change",
    ]
    with pytest.raises(IncidentClosed):
        services.incident_change(actor=team, incident=incident, severity="low")
    services.incident_change(actor=team, incident=incident, status=IncidentStatus.OPEN)
    incident.refresh_from_db()
    assert incident.closed_at is None


def test_desk_staff_cannot_register_or_change_incidents(team, libraries):
    desk = StaffRoleFactory(organisation=libraries[0], role=Role.DESK).user
    with pytest.raises(NotPermitted):
        services.incident_open(
            actor=desk,
            organisation=libraries[0],
            title="x",
            summary="x",
            severity="low",
            detected_at=NOW,
            personal_data_breach=False,
        )
    incident = _open(team, libraries)
    with pytest.raises(NotPermitted):
        services.incident_entry_add(actor=desk, incident=incident, kind="note", text="x")


def test_unknown_data_categories_are_refused(team, libraries):
    with pytest.raises(IncidentInvalid):
        services.incident_open(
            actor=team,
            organisation=team.staff_roles.get().organisation,
            title="x",
            summary="x",
            severity="low",
            detected_at=NOW,
            personal_data_breach=True,
            data_categories=["shoe_sizes"],
        )


# --- the desk pages --------------------------------------------------------------------------


def _desk(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def test_the_register_shows_an_overdue_report_prominently(team, libraries):
    overdue = _open(team, libraries, detected_at=NOW - dt.timedelta(hours=80))
    html = _desk(team).get(reverse("desk:incidents")).content.decode()
    assert 'id="incidents-attention"' in html
    assert f'data-incident="{overdue.pk}"' in html
    assert 'data-deadline="overdue"' in html
    page = _desk(team).get(reverse("desk:incident", args=[overdue.pk])).content.decode()
    assert 'data-deadline="overdue"' in page
    assert 'id="notify-form"' in page


def test_the_response_team_registers_an_incident_through_the_desk(team, libraries):
    client = _desk(team)
    response = client.post(
        reverse("desk:incident_add"),
        {
            "organisation": team.staff_roles.get().organisation_id,
            "title": "Phishing op baliemedewerkers",
            "summary": "Drie medewerkers kregen een valse inlogpagina.",
            "severity": "medium",
            "detected_at": timezone.localtime(NOW).strftime("%Y-%m-%dT%H:%M"),
            "personal_data_breach": "on",
            "affected_organisations": [libraries[0].pk],
            "data_categories": ["staff"],
        },
    )
    incident = Incident.objects.get(title="Phishing op baliemedewerkers")
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:incident", args=[incident.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'data-deadline="open"' in page
    client.post(
        reverse("desk:incident_entry_add", args=[incident.pk]),
        {"kind": "action", "text": "Wachtwoorden gereset."},
    )
    assert "Wachtwoorden gereset." in client.get(response["Location"]).content.decode()


def test_desk_staff_do_not_see_the_register(team, libraries):
    incident = _open(team, libraries)
    desk = _desk(StaffRoleFactory(organisation=libraries[0], role=Role.DESK).user)
    assert desk.get(reverse("desk:incidents")).status_code == 403
    assert desk.get(reverse("desk:incident", args=[incident.pk])).status_code == 403


def test_the_report_for_the_authority_as_json_csv_and_page(team, libraries):
    incident = _open(team, libraries)
    services.incident_entry_add(
        actor=team, incident=incident, kind="action", text='=HYPERLINK("http://x")'
    )
    client = _desk(team)
    data = client.get(reverse("desk:incident_report_json", args=[incident.pk])).json()
    assert data["reference"] == incident.reference
    assert data["personal_data_breach"] is True
    assert [org["name"] for org in data["affected_organisations"]] == [
        "Bibliotheek Eemland",
        "Bibliotheek Utrecht",
    ]
    assert {category["code"] for category in data["data_categories"]} == {"identity", "contact"}
    assert data["people_affected"] == 340
    assert data["deadline_state"] == "open"
    assert len(data["timeline"]) == 2

    response = client.get(reverse("desk:incident_report_csv", args=[incident.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="{incident.reference}.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    facts = {row[0]: row[1] for row in rows if len(row) == 2}
    assert facts["reference"] == incident.reference
    assert facts["people_affected"] == "340"
    # A spreadsheet never runs a cell from the timeline as a formula.
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)

    page = client.get(reverse("desk:incident_report", args=[incident.pk])).content.decode()
    assert incident.reference in page
    assert "Bibliotheek Eemland" in page


def test_the_desk_home_warns_the_response_team_of_a_report_due_within_a_day(team, libraries):
    client = _desk(team)
    assert 'id="home-incidents"' in client.get(reverse("desk:home")).content.decode()
    assert 'role="alert"' not in client.get(reverse("desk:home")).content.decode()
    _open(team, libraries, detected_at=NOW - dt.timedelta(hours=50))
    html = client.get(reverse("desk:home")).content.decode()
    assert "deadline-overdue" in html
    assert 'role="alert"' in html
    desk = _desk(StaffRoleFactory(organisation=libraries[0], role=Role.DESK).user)
    assert 'id="home-incidents"' not in desk.get(reverse("desk:home")).content.decode()
