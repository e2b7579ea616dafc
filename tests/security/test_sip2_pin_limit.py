"""SIP2: wrong PINs are limited per card (members app) and per self-service machine, so
one kiosk cannot try a common PIN on card after card."""

from __future__ import annotations

from tests.interfaces.sip2.conftest import PIN, exchange, stamp
from tests.interfaces.sip2.conftest import session as session
from tests.interfaces.sip2.conftest import world as world


def _status(session, card: str, pin: str):
    return exchange(session, f"23001{stamp()}AO|AA{card}|AC|AD{pin}|")


def test_wrong_pins_on_many_cards_block_the_machine_not_just_the_cards(world, session, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sip2_pin_kiosk": "3/15m"}
    members = [world.member() for _ in range(4)]
    for member in members[:3]:
        assert _status(session, member.card, "0000").get("CQ") == "N"
    # The fourth card has had no wrong PIN, and its right PIN is still refused here.
    reply = _status(session, members[3].card, PIN)
    assert reply.get("CQ") == "N"
    assert "desk" in (reply.get("AF") or "").lower() or "balie" in (reply.get("AF") or "").lower()


def test_a_right_pin_passes_while_the_machine_is_under_its_limit(world, session, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sip2_pin_kiosk": "3/15m"}
    members = [world.member() for _ in range(2)]
    assert _status(session, members[0].card, "0000").get("CQ") == "N"
    assert _status(session, members[1].card, PIN).get("CQ") == "Y"
