"""The identity key folds away how a name happens to be typed, so duplicates are noticed."""

from __future__ import annotations

import datetime as dt

from samenbieb.members.identity import identity_key

BORN = dt.date(1984, 2, 29)


def _key(**overrides) -> str:
    fields = {
        "given_name": "Zoë",
        "family_name": "Berg",
        "name_prefix": "van der",
        "birth_date": BORN,
        "postcode": "3511 AB",
    } | overrides
    return identity_key(**fields)


def test_the_key_is_lower_case_without_accents_and_with_a_compact_postcode():
    assert _key() == "vanderberg|zoe|1984-02-29|3511AB"


def test_a_name_prefix_counts_as_part_of_the_family_name_however_it_is_entered():
    assert _key() == _key(name_prefix="", family_name="van der Berg")
    assert _key() == _key(name_prefix="Van Der", family_name="berg")
    assert _key() == _key(name_prefix="", family_name="Vanderberg")


def test_case_accents_spaces_and_hyphens_do_not_matter():
    assert _key(given_name="Jan-Willem") == _key(given_name="  jan   willem ")
    assert _key(given_name="ZOE") == _key(given_name="Zoë")
    assert _key(postcode="3511ab") == _key(postcode="3511 AB")


def test_a_different_birth_date_postcode_or_name_gives_a_different_key():
    assert _key() != _key(birth_date=dt.date(1984, 3, 1))
    assert _key() != _key(postcode="3512 AB")
    assert _key() != _key(given_name="Zoey")
