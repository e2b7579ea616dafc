"""Partner isolation through the doors: a partner's login sees only its own organisation's
referrals and none of the library's staff pages; library staff see nothing of another
library's partners and referrals."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import get_resolver, reverse

from samenbieb.interfaces.desk import partner_views
from samenbieb.network.roles import Role
from samenbieb.programmes.models import Referral, ReferralDirection, ReferralStatus
from tests.factories import ItemFactory, LibraryCardFactory, StaffRoleFactory, staff_login
from tests.programmes.factories import ActivityFactory
from tests.programmes.factories_partners import PartnerFactory, ReferralFactory, partner_user

pytestmark = pytest.mark.django_db

# Pages every account reaches to log in or out; the rest of the desk is checked below.
LOGIN_PAGES = {"login", "login_code", "login_enrol", "login_enrol_qr", "logout"}


def _client(user) -> Client:
    client = Client()
    staff_login(client, user)
    return client


def _desk_staff_urls(pk: int, barcode: str) -> list[tuple[str, str]]:
    """Every desk page for library staff, generated from the URL table (new ones included)."""
    urls = []
    for pattern in get_resolver("samenbieb.interfaces.desk.urls").url_patterns:
        name = pattern.name
        if name in LOGIN_PAGES or pattern.callback.__module__ == partner_views.__name__:
            continue
        route = str(pattern.pattern)
        args: list[object] = [pk] * route.count("<int:") + [barcode] * route.count("<str:")
        urls.append((name, reverse(f"desk:{name}", args=args)))
    return urls


@pytest.fixture
def world():
    partner = PartnerFactory(name="Gemeente A")
    library = partner.organisation
    other_partner = PartnerFactory(organisation=library, name="Buurtteam B")
    return {
        "library": library,
        "partner": partner,
        "user": partner_user(partner),
        "mine": ReferralFactory(partner=partner, name="Anna Eigen"),
        "theirs": ReferralFactory(partner=other_partner, name="Bert Ander"),
        "coordinator": StaffRoleFactory(organisation=library, role=Role.PROGRAMME_COORDINATOR).user,
    }


def test_a_partner_login_reaches_no_desk_page_for_library_staff(world):
    """Each page answers 403 or 404, or sends the partner on to their own pages."""
    referral = world["theirs"]
    ItemFactory(organisation=world["library"], barcode="30001234")
    client = _client(world["user"])

    for name, url in _desk_staff_urls(referral.pk, "30001234"):
        for method in (client.get, client.post):
            response = method(url, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            assert response.status_code in (403, 404, 405) or final.startswith("/balie/partner/"), (
                f"{name} {method.__name__.upper()} {url} → {response.status_code} at {final}"
            )


def test_a_partner_login_is_sent_to_its_own_pages_from_the_desk_home(world):
    response = _client(world["user"]).get(reverse("desk:home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("desk:partner_home")


def test_a_partner_login_cannot_use_the_network_administration(world):
    response = _client(world["user"]).get("/beheer/", follow=True)

    assert response.status_code == 403


def test_a_partner_sees_its_own_referrals_and_not_another_partners(world):
    html = _client(world["user"]).get(reverse("desk:partner_home")).content.decode()

    assert "Anna Eigen" in html
    assert "Bert Ander" not in html


def test_a_partner_cannot_open_or_change_another_partners_referral_by_its_id(world):
    client = _client(world["user"])
    theirs = world["theirs"]

    assert client.get(reverse("desk:partner_referral", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("desk:partner_referral_status", args=[theirs.pk]), {"status": "closed"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == ReferralStatus.SENT


def test_a_partner_cannot_refer_to_an_activity_of_another_library(world):
    elsewhere = ActivityFactory(title="Digisterker elders")
    client = _client(world["user"])

    response = client.post(
        reverse("desk:partner_referral_new"),
        {"activity": elsewhere.pk, "name": "Cor", "phone": "0612345678", "consent_given": "on"},
    )

    assert response.status_code == 200
    assert "activity" in response.context["form"].errors
    assert not Referral.objects.filter(activity=elsewhere).exists()


def test_a_partner_cannot_learn_who_holds_a_library_card(world):
    """A card number links a member, but the partner's pages never show whose card it is."""
    card = LibraryCardFactory(person__given_name="Geheim", person__family_name="Lid")
    activity = ActivityFactory(organisation=world["library"])
    client = _client(world["user"])

    response = client.post(
        reverse("desk:partner_referral_new"),
        {
            "activity": activity.pk,
            "name": "Zelf Ingevuld",
            "card": card.barcode,
            "consent_given": "on",
        },
        follow=True,
    )

    html = response.content.decode()
    assert "Zelf Ingevuld" in html
    assert "Geheim" not in html


def test_library_staff_do_not_use_the_partner_pages(world):
    client = _client(world["coordinator"])

    assert client.get(reverse("desk:partner_home")).status_code == 403
    url = reverse("desk:partner_referral", args=[world["mine"].pk])
    assert client.get(url).status_code == 403


def test_a_partner_that_stopped_has_no_pages_any_more(world):
    world["partner"].is_active = False
    world["partner"].save()

    assert _client(world["user"]).get(reverse("desk:partner_home")).status_code == 403


def test_staff_of_another_library_see_nothing_of_this_librarys_partners_and_referrals(world):
    stranger = _client(StaffRoleFactory(role=Role.PROGRAMME_COORDINATOR).user)
    mine = world["mine"]

    listing = stranger.get(reverse("desk:referrals")).content.decode()
    assert "Anna Eigen" not in listing
    assert "Bert Ander" not in listing
    assert world["partner"].name not in stranger.get(reverse("desk:partners")).content.decode()
    assert stranger.get(reverse("desk:referral", args=[mine.pk])).status_code == 404
    assert stranger.get(reverse("desk:partner", args=[world["partner"].pk])).status_code == 404
    response = stranger.post(
        reverse("desk:referral_status", args=[mine.pk]), {"status": "accepted"}
    )
    assert response.status_code == 404
    mine.refresh_from_db()
    assert mine.status == ReferralStatus.SENT


def test_staff_of_another_library_cannot_refer_someone_to_this_librarys_partner(world):
    stranger = _client(StaffRoleFactory(role=Role.DESK).user)

    response = stranger.post(
        reverse("desk:referral_outgoing_new"),
        {
            "partner": world["partner"].pk,
            "name": "Dirk",
            "phone": "0612345678",
            "consent_given": "on",
        },
    )

    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not Referral.objects.filter(direction=ReferralDirection.OUTGOING).exists()
