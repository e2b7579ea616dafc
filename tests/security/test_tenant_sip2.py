"""The tenant boundary at the SIP2 door: a self-service machine of library A learns
nothing personal about library B's members or loans. (Members are one identity across the
network, so B's member may borrow at A's machine with their own card and PIN: that is
network lending, not a crossing of the boundary.)"""

from __future__ import annotations

from samenbieb.circulation import services as circulation
from tests.interfaces.sip2.conftest import PIN, exchange, stamp
from tests.interfaces.sip2.conftest import session as session
from tests.interfaces.sip2.conftest import world as world

PERSONAL = ("AA", "AE", "BD", "BE", "BF", "PB")


def test_item_information_on_library_bs_lent_item_names_no_borrower(world, session):
    member = world.member(world.b, given_name="Bea", family_name="Bakker")
    item = world.copy(world.b1)
    circulation.loan_checkout(actor=None, branch=world.b1, person=member, barcode=item.barcode)
    reply = exchange(session, f"17{stamp()}AO|AB{item.barcode}|AC|")
    assert reply.code == "18"
    assert not [fid for fid in PERSONAL if reply.get(fid)]
    assert "Bakker" not in str(reply.fields)


def test_library_bs_member_is_not_described_without_their_pin(world, session):
    member = world.member(world.b, given_name="Bea", family_name="Bakker", email="bea@b.nl")
    reply = exchange(session, f"63001{stamp()}          AO|AA{member.card}|AC|AD|")
    assert reply.get("CQ") == "N"
    assert "Bakker" not in str(reply.fields)
    assert "bea@b.nl" not in str(reply.fields)
    with_pin = exchange(session, f"63001{stamp()}          AO|AA{member.card}|AC|AD{PIN}|")
    assert with_pin.get("CQ") == "Y"  # the control: their own PIN opens their own account
