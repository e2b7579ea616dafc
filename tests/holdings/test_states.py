"""The item lifecycle, as a specification: every pair of status and trigger is either allowed
(and leads to the status below) or refused with a typed error."""

from __future__ import annotations

from itertools import product

import pytest

from samenbieb.holdings.errors import InvalidTransition
from samenbieb.holdings.models import ItemStatus as S
from samenbieb.holdings.states import TRANSITIONS, Trigger, item_next_status, triggers_from

T = Trigger

ALLOWED: dict[tuple[S, Trigger], S] = {
    (S.AVAILABLE, T.CHECKOUT): S.ON_LOAN,
    (S.AVAILABLE, T.SEND): S.IN_TRANSIT,
    (S.AVAILABLE, T.PLACE_ON_HOLD_SHELF): S.ON_HOLD_SHELF,
    (S.AVAILABLE, T.MARK_MISSING): S.MISSING,
    (S.AVAILABLE, T.MARK_DAMAGED): S.DAMAGED,
    (S.AVAILABLE, T.WITHDRAW): S.WITHDRAWN,
    (S.ON_LOAN, T.CHECKIN): S.AVAILABLE,
    (S.ON_LOAN, T.MARK_LOST): S.LOST,
    (S.IN_TRANSIT, T.RECEIVE): S.AVAILABLE,
    (S.IN_TRANSIT, T.PLACE_ON_HOLD_SHELF): S.ON_HOLD_SHELF,
    (S.IN_TRANSIT, T.MARK_MISSING): S.MISSING,
    (S.IN_TRANSIT, T.MARK_DAMAGED): S.DAMAGED,
    (S.IN_TRANSIT, T.WITHDRAW): S.WITHDRAWN,
    (S.ON_HOLD_SHELF, T.CHECKOUT): S.ON_LOAN,
    (S.ON_HOLD_SHELF, T.CLEAR_HOLD_SHELF): S.AVAILABLE,
    (S.ON_HOLD_SHELF, T.SEND): S.IN_TRANSIT,
    (S.ON_HOLD_SHELF, T.MARK_MISSING): S.MISSING,
    (S.ON_HOLD_SHELF, T.MARK_DAMAGED): S.DAMAGED,
    (S.ON_HOLD_SHELF, T.WITHDRAW): S.WITHDRAWN,
    (S.MISSING, T.CHECKIN): S.AVAILABLE,
    (S.MISSING, T.FOUND): S.AVAILABLE,
    (S.MISSING, T.MARK_LOST): S.LOST,
    (S.MISSING, T.WITHDRAW): S.WITHDRAWN,
    (S.LOST, T.CHECKIN): S.AVAILABLE,
    (S.LOST, T.FOUND): S.AVAILABLE,
    (S.LOST, T.WITHDRAW): S.WITHDRAWN,
    (S.DAMAGED, T.REPAIRED): S.AVAILABLE,
    (S.DAMAGED, T.WITHDRAW): S.WITHDRAWN,
}
REFUSED = [pair for pair in product(S, T) if pair not in ALLOWED]


@pytest.mark.parametrize(("status", "trigger"), list(ALLOWED), ids=lambda v: str(v))
def test_an_allowed_trigger_leads_to_its_status(status, trigger):
    assert item_next_status(status, trigger) == ALLOWED[(status, trigger)]


@pytest.mark.parametrize(("status", "trigger"), REFUSED, ids=lambda v: str(v))
def test_a_trigger_not_in_the_table_is_refused_with_a_typed_error(status, trigger):
    with pytest.raises(InvalidTransition) as refused:
        item_next_status(status, trigger)
    assert refused.value.code == "invalid_transition"
    assert (refused.value.status, refused.value.trigger) == (status, trigger)


def test_the_table_in_the_code_is_exactly_this_specification():
    assert {(t.source, t.trigger): t.target for t in TRANSITIONS} == ALLOWED


def test_an_item_on_loan_cannot_be_withdrawn():
    with pytest.raises(InvalidTransition):
        item_next_status(S.ON_LOAN, T.WITHDRAW)


def test_withdrawn_is_final():
    assert triggers_from(S.WITHDRAWN) == []


def test_every_status_but_withdrawn_has_a_way_back_to_available():
    for status in set(S) - {S.WITHDRAWN, S.AVAILABLE}:
        assert any(
            ALLOWED.get((status, trigger)) == S.AVAILABLE
            or ALLOWED.get((ALLOWED.get((status, trigger)), T.CHECKIN)) == S.AVAILABLE
            for trigger in triggers_from(status)
        ), status


def test_an_unknown_trigger_is_refused():
    with pytest.raises(InvalidTransition, match="lend"):
        item_next_status(S.AVAILABLE, "lend")
