"""Dutch phone numbers as people type them, stored in international form (+31…)."""

from __future__ import annotations

import pytest

from samenbieb.programmes.errors import InvalidPhone
from samenbieb.programmes.phone import phone_display, phone_normalise, phone_or_none


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "+31612345678"),
        ("06 12345678", "+31612345678"),
        ("06-1234 5678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("+31 (0)6 1234 5678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("030 - 123 45 67", "+31301234567"),
        ("(030) 1234567", "+31301234567"),
        ("0318.123456", "+31318123456"),
        (" 020 123 4567 ", "+31201234567"),
    ],
)
def test_dutch_numbers_are_accepted_however_they_are_typed(typed, stored):
    assert phone_normalise(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "06 1234567",  # nine digits
        "06 123456789",  # eleven
        "612345678",  # no leading 0
        "0012345678",  # 00 is not an area code
        "+32 470 12 34 56",  # Belgian
        "06 1234 567a",
        "bel me maar",
    ],
)
def test_other_input_is_refused_with_a_message_that_shows_an_example(typed):
    with pytest.raises(InvalidPhone) as refused:
        phone_normalise(typed)
    assert refused.value.code == "invalid_phone"
    # An empty field asks for a number; anything else shows how to write one.
    assert typed == "" or "06 12345678" in str(refused.value.message)
    assert phone_or_none(typed) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("+31612345678", "06 1234 5678"),
        ("+31301234567", "030 123 4567"),
        ("+31318123456", "0318 123 456"),
    ],
)
def test_numbers_are_shown_in_groups(stored, shown):
    assert phone_display(stored) == shown
