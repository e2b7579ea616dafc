"""No personal data in logs: a member's journey through every door, with distinctive
personal values, while every log record at every level is captured; none of the values
may appear in any line (message, arguments or traceback)."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.interfaces.sip2 import codec
from samenbieb.interfaces.sip2.handlers import redacted
from samenbieb.interfaces.sip2.server import ServerOptions, ServerThread
from samenbieb.members.models import Person
from samenbieb.members.plans import default_plans_create
from samenbieb.selfservice.services import kiosk_add
from tests.factories import CirculationRuleFactory, ItemFactory, RecordFactory
from tests.interfaces.desk_circulation_support import desk_client, library_with_branches, scan
from tests.interfaces.sip2.conftest import stamp
from tests.security.server import Sip2Connection

PIN = "Vlinder-Zomer-2031"
SEED = {
    "given_name": "Xantippe",
    "family_name": "Quaakernaat",
    "birth_date": "17-03-1961",
    "street": "Zonnebloemstraat",
    "house_number": "77",
    "postcode": "3512 QZ",
    "city": "Wijk bij Duurstede",
    "email": "xantippe.quaakernaat@voorbeeld.nl",
    "phone": "0612398745",
    "card_barcode": "20000000077731",
}
# What must never be in a log: the values and the forms they are stored or shown in.
NEEDLES = [
    "Xantippe",
    "Quaakernaat",
    "1961-03-17",
    "17-03-1961",
    "Zonnebloemstraat",
    "3512 QZ",
    "3512QZ",
    "xantippe.quaakernaat",
    "0612398745",
    "612398745",
    "20000000077731",
    PIN,
]


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{self.format(record)} {record.args!r}")


@pytest.fixture
def captured():
    handler = Everything()
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # As SAMENBIEB_LOG_LEVEL=DEBUG, the most an operator can ask for, leaves it: the root
    # at DEBUG and the levels settings.LOGGING gives particular loggers.
    yield handler
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_a_member_journey_through_every_door_logs_no_personal_data(
    transactional_db, captured, settings
):
    # The membership fee stays open: it must not stop the journey's loans.
    settings.SAMENBIEB = {**settings.SAMENBIEB, "CHARGES_BLOCK_THRESHOLD": "100.00"}
    library, branch, _other = library_with_branches("Utrecht")
    plans = {plan.code: plan for plan in default_plans_create(organisation=library)}
    CirculationRuleFactory(organisation=library, loan_days=21, max_loans=10)
    desk, _user = desk_client(library)
    record = RecordFactory(title="De avonden")
    items = [ItemFactory(organisation=library, home_branch=branch, record=record) for _ in range(3)]

    # Desk: register the member with every personal field, find them, open their page.
    form = {**SEED, "plan": str(plans["volwassen"].pk), "guardian_card": "", "name_prefix": ""}
    registered = desk.post(reverse("desk:member_register"), form)
    assert registered.status_code == 302, registered.content.decode()[:3000]
    person = Person.objects.get(family_name="Quaakernaat")
    # Setting up what the member does by mail (set a password, confirm the address).
    person.set_password(PIN)
    person.email_verified_at = timezone.now()
    person.save(update_fields=["password", "email_verified_at"])
    assert desk.get(reverse("desk:members"), {"q": "Quaakernaat"}).status_code == 200
    assert desk.get(reverse("desk:member", args=[person.pk])).status_code == 200

    # Desk: lend an item to the member's card.
    assert scan(desk, SEED["card_barcode"]).status == 200
    assert scan(desk, items[0].barcode).status == 200

    # Portal: a wrong and a right login by e-mail and by card, the account, a hold.
    portal = Client()
    portal.post(reverse("portal:login"), {"identifier": SEED["email"], "password": "fout"})
    logged_in = portal.post(
        reverse("portal:login"), {"identifier": SEED["card_barcode"], "password": PIN}
    )
    assert logged_in.status_code == 302, logged_in.content.decode()[:3000]
    assert portal.get(reverse("portal:account")).status_code == 200
    assert portal.get(reverse("portal:search"), {"q": "Quaakernaat"}).status_code == 200
    portal.post(reverse("portal:hold_place", args=[record.pk]), {"pickup_branch": branch.pk})
    portal.get(reverse("portal:record", args=[record.pk]))
    portal.get("/bestaat-niet/" + SEED["email"])  # a 404 with personal data in the path

    # SIP2: a kiosk logs in, asks for the patron and lends with card and PIN.
    kiosk_add(actor=None, branch=branch, username="kiosk-log", password="kiosk-wachtwoord-9")
    server = ServerThread(ServerOptions(host="127.0.0.1", port=0, workers=2, idle_timeout=30))
    server.start()
    try:
        kiosk = Sip2Connection(server.server.port)
        assert kiosk.send("9300CNkiosk-log|COkiosk-wachtwoord-9|").fixed["ok"] == "1"
        card = SEED["card_barcode"]
        kiosk.send(f"63001{stamp()}          AO|AA{card}|AC|AD{PIN}|")
        kiosk.send(f"63001{stamp()}          AO|AA{card}|AC|ADwrong-pin|")
        reply = kiosk.send(f"11YN{stamp()}{stamp()}AO|AA{card}|AB{items[1].barcode}|AC|AD{PIN}|")
        assert reply.fixed["ok"] == "1"
        kiosk.close()
    finally:
        server.stop()

    assert captured.lines, "nothing was logged at all: the capture does not work"
    text = "\n".join(captured.lines)
    found = {needle for needle in NEEDLES if re.search(re.escape(needle), text, re.IGNORECASE)}
    assert not found, [line for line in captured.lines if any(n in line for n in found)][:5]


def test_the_capture_would_see_personal_data(captured):
    """The control: a line with a seeded value is caught."""
    logging.getLogger("samenbieb.test").debug("hello %s", SEED["family_name"])
    assert any("Quaakernaat" in line for line in captured.lines)


def test_the_sip2_debug_line_hides_card_and_pin():
    card = SEED["card_barcode"]
    message = codec.parse(f"11YN{stamp()}{stamp()}AO|AA{card}|ABX1|AD{PIN}|\r".encode())
    line = redacted(message)
    assert SEED["card_barcode"] not in line
    assert PIN not in line
    assert "X1" in line
