"""The public cockpit, its downloads and open-data API, and the managers' view."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from samenbieb.cockpit import queries, services
from samenbieb.network.roles import Role
from tests.cockpit.network import OCTOBER, hand_network
from tests.factories import StaffRoleFactory, staff_login

pytestmark = pytest.mark.django_db

PERSONAL_TABLES = (
    "members_person", "members_membership", "circulation_loan", "circulation_hold",
    "digital_digitalloan", "programmes_registration", "programmes_attendance",
    "identity_", "cockpit_activitymark",
)  # fmt: skip


@pytest.fixture
def net(settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "COCKPIT_SUPPRESS_BELOW": 3}
    network = hand_network()
    services.cockpit_rollup(actor=None, month=OCTOBER)
    return network


PAGES = [
    "/cockpit/",
    "/cockpit/?periode=2026-10",
    "/cockpit/?periode=2026",
    "/cockpit/?periode=2026-10&provincie=UT",
    "/cockpit/?periode=2026-10&bibliotheek=NL-HandA",
    "/cockpit/vergelijken/?periode=2026-10&bibliotheek=NL-HandA",
    "/cockpit/download.csv?periode=2026-10&bibliotheek=NL-HandA",
    "/cockpit/download.json?periode=2026-10",
    "/cockpit/api/figures?periode=2026-10&provincie=UT",
    "/cockpit/api/periods",
]


@pytest.mark.parametrize("url", PAGES)
def test_public_pages_need_no_login_and_never_read_personal_rows(client, net, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    for query in queries.captured_queries:
        assert not any(table in query["sql"] for table in PERSONAL_TABLES), query["sql"]


def test_the_dashboard_shows_figures_and_hides_small_ones(client, net):
    page = client.get("/cockpit/?periode=2026-10&bibliotheek=NL-HandA").content.decode()
    assert "Bibliotheek A" in page
    assert "&lt; 3" in page  # one new member, suppressed
    assert '<th scope="row">' in page
    assert "<caption>" in page
    assert "<svg" in page


def test_reach_uses_the_cbs_population_with_its_source_and_year(client, net):
    page = client.get("/cockpit/?periode=2026-10&bibliotheek=NL-HandA").content.decode()
    assert "50000" in page.replace(".", "")
    assert "CBS StatLine 03759ned" in page
    assert "2025" in page
    assert queries.share(queries.Cell(3, False), 50_000) == pytest.approx(0.006)
    assert queries.share(queries.Cell(None, True), 50_000) is None


def test_the_csv_download_publishes_no_suppressed_count(client, net):
    response = client.get("/cockpit/download.csv?periode=2026-10&bibliotheek=NL-HandA")
    assert response["Content-Disposition"].endswith('.csv"')
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    loans = next(
        row
        for row in rows
        if row["indicator"] == "loans" and row["level"] == "organisation" and not row["breakdown"]
    )
    assert loans["value"] == "5"
    lapsed = next(row for row in rows if row["indicator"] == "members_lapsed")
    assert lapsed["value"] == "< 3"
    assert lapsed["suppressed"] == "True"


def test_the_api_gives_null_for_suppressed_counts(client, net):
    document = json.loads(
        client.get("/cockpit/api/figures?periode=2026-10&bibliotheek=NL-HandA").content
    )
    assert document["suppressed_below"] == 3
    suppressed = [row for row in document["figures"] if row["suppressed"]]
    assert suppressed
    assert all(row["value"] is None for row in suppressed)
    assert client.get("/cockpit/api/figures?periode=1999-01").status_code == 404


def test_the_benchmark_places_the_library_among_its_peers(client, net):
    page = client.get("/cockpit/vergelijken/?periode=2026-10&bibliotheek=NL-HandA").content.decode()
    assert "Bibliotheek B" in page
    assert 'class="own"' in page


def test_the_managers_view_needs_a_login(client, net):
    response = client.get("/cockpit/beheer/")
    assert response.status_code == 302


def test_a_manager_sees_the_true_small_counts_of_their_own_library_only(client, net):
    user = StaffRoleFactory(organisation=net.a, role=Role.MANAGER).user
    staff_login(client, user)
    page = client.get("/cockpit/beheer/?periode=2026-10&bibliotheek=NL-HandA").content.decode()
    assert ("A1" in page and "hidden" in page) or "verborgen" in page
    assert client.get("/cockpit/beheer/?periode=2026-10&bibliotheek=NL-HandB").status_code == 404


def test_a_desk_employee_has_no_detailed_cockpit(client, net):
    user = StaffRoleFactory(organisation=net.a, role=Role.DESK).user
    staff_login(client, user)
    assert client.get("/cockpit/beheer/?periode=2026-10&bibliotheek=NL-HandA").status_code == 404
