"""Consents are a history with the text version and time; guardians are adults of children."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.members import queries, services
from samenbieb.members.errors import InvalidConsent, InvalidGuardian
from samenbieb.members.models import Consent, GuardianLink
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 2)


def test_consents_are_appended_and_the_latest_choice_wins(desk, library):
    person = PersonFactory(home_organisation=library)
    services.consent_record(
        actor=desk, person=person, kind="news", given=True, text_version="2026-1", via="desk"
    )
    later = services.consent_record(
        actor=None, person=person, kind="news", given=False, text_version="2026-2", via="portal"
    )
    history = list(Consent.objects.filter(person=person, kind="news"))
    assert len(history) == 2
    assert queries.current_consents(person) == {"news": later}
    assert (later.text_version, later.recorded_via) == ("2026-2", "portal")
    assert later.recorded_at is not None
    assert history[0].recorded_at >= history[1].recorded_at


def test_an_unknown_kind_of_consent_or_a_missing_text_version_is_refused(desk, library):
    person = PersonFactory(home_organisation=library)
    with pytest.raises(InvalidConsent):
        services.consent_record(
            actor=desk, person=person, kind="sell_data", given=True, text_version="1", via="desk"
        )
    with pytest.raises(InvalidConsent):
        services.consent_record(
            actor=desk, person=person, kind="news", given=True, text_version=" ", via="desk"
        )


def _link(desk, child_born, guardian_born, library):
    child = PersonFactory(home_organisation=library, birth_date=child_born)
    guardian = PersonFactory(birth_date=guardian_born)  # of another library: that is fine
    return services.guardian_link(actor=desk, child=child, guardian=guardian, today=TODAY)


def test_an_adult_of_any_library_may_be_linked_as_a_childs_guardian(desk, library):
    link = _link(desk, dt.date(2017, 1, 1), dt.date(1985, 1, 1), library)
    assert GuardianLink.objects.get() == link
    again = services.guardian_link(
        actor=desk, child=link.child, guardian=link.guardian, today=TODAY
    )
    assert again == link


def test_a_guardian_must_be_an_adult(desk, library):
    with pytest.raises(InvalidGuardian):
        _link(desk, dt.date(2017, 1, 1), dt.date(2008, 3, 3), library)  # 17


def test_only_a_child_can_have_a_guardian(desk, library):
    with pytest.raises(InvalidGuardian):
        _link(desk, dt.date(2008, 3, 2), dt.date(1970, 1, 1), library)  # 18 today


def test_a_member_cannot_be_their_own_guardian(desk, library):
    child = PersonFactory(home_organisation=library, birth_date=dt.date(2017, 1, 1))
    with pytest.raises(InvalidGuardian):
        services.guardian_link(actor=desk, child=child, guardian=child, today=TODAY)
