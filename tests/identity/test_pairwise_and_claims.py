"""Services cannot correlate members: a pairwise ``sub`` per sector, and minimal claims."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.identity.claims import age_band, member_claims
from samenbieb.identity.pairwise import pairwise_subject
from tests.identity.conftest import USERINFO, Flow, code_for, exchange, log_in

pytestmark = pytest.mark.django_db


def _sub(client, service) -> str:
    flow = Flow(service.client_id, redirect_uri=service.redirect_uris.split()[0])
    tokens = exchange(client, flow, code_for(client, flow)).json()
    return client.get(USERINFO, HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()["sub"]


def test_services_in_different_sectors_get_different_subs_for_one_member(client, member, register):
    ebooks = register(redirect_uris=["https://ebooks.example.nl/cb"], confidential=False).service
    courses = register(
        display_name="Leerplatform",
        redirect_uris=["https://leren.example.org/cb"],
        confidential=False,
    ).service
    log_in(client, member)
    assert _sub(client, ebooks) != _sub(client, courses)


def test_one_service_gets_the_same_sub_every_time(client, member, register):
    service = register(redirect_uris=["https://ebooks.example.nl/cb"], confidential=False).service
    log_in(client, member)
    assert _sub(client, service) == _sub(client, service)


def test_services_that_share_a_sector_get_the_same_sub(client, member, register):
    web = register(
        redirect_uris=["https://www.ebooks.example.nl/cb"],
        sector_identifier="ebooks.example.nl",
        confidential=False,
    ).service
    app = register(
        display_name="E-books app",
        redirect_uris=["https://app.ebooks.example.nl/cb"],
        sector_identifier="ebooks.example.nl",
        confidential=False,
    ).service
    log_in(client, member)
    assert _sub(client, web) == _sub(client, app)


def test_two_members_get_different_subs_at_one_service():
    assert pairwise_subject(sector="a.nl", person_id=1, key="k" * 40) != pairwise_subject(
        sector="a.nl", person_id=2, key="k" * 40
    )


def test_the_sub_depends_on_the_pairwise_key_not_only_on_public_facts():
    one = pairwise_subject(sector="a.nl", person_id=7, key="k" * 40)
    assert one != pairwise_subject(sector="a.nl", person_id=7, key="j" * 40)
    assert one != "7"
    assert len(one) == 43  # 256 bits, base64url without padding


def test_sector_and_member_id_cannot_be_shifted_into_each_other():
    key = "k" * 40
    assert pairwise_subject(sector="host1", person_id=23, key=key) != pairwise_subject(
        sector="host12", person_id=3, key=key
    )


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (0, "0-12"),
        (12, "0-12"),
        (13, "13-17"),
        (17, "13-17"),
        (18, "18-64"),
        (64, "18-64"),
        (65, "65+"),
    ],
)
def test_age_bands(age, band):
    assert age_band(age) == band


def test_the_age_band_is_computed_on_the_day_and_no_birth_date_leaves(member):
    member.birth_date = dt.date(2008, 6, 15)
    claims_before = member_claims(
        person=member, sector="a.nl", scopes=["openid", "age_band"], today=dt.date(2026, 6, 14)
    )
    claims_on = member_claims(
        person=member, sector="a.nl", scopes=["openid", "age_band"], today=dt.date(2026, 6, 15)
    )
    assert claims_before == {"sub": claims_on["sub"], "age_band": "13-17"}
    assert claims_on["age_band"] == "18-64"


def test_only_the_claims_of_the_granted_scopes_are_released(member):
    assert set(member_claims(person=member, sector="a.nl", scopes=["openid"])) == {"sub"}
    assert set(member_claims(person=member, sector="a.nl", scopes=["openid", "library"])) == {
        "sub",
        "library",
        "membership_valid",
    }


def test_a_member_without_an_e_mail_address_releases_no_email_claims(member):
    member.email = ""
    assert set(member_claims(person=member, sector="a.nl", scopes=["openid", "email"])) == {"sub"}
