"""Dutch phone numbers as people type them, normalised to ten digits."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samenbieb.programmes.phone import phone_display, phone_normalise, phone_or_none


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "0612345678"),
        ("06 12345678", "0612345678"),
        ("06-1234 5678", "0612345678"),
        ("+31 6 12345678", "0612345678"),
        ("+31 (0)6 1234 5678", "0612345678"),
        ("0031612345678", "0612345678"),
        ("030 - 123 45 67", "0301234567"),
        ("(030) 1234567", "0301234567"),
        ("0318.123456", "0318123456"),
        (" 020 123 4567 ", "0201234567"),
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
    with pytest.raises(ValidationError) as refused:
        phone_normalise(typed)
    assert refused.value.code == "invalid_phone"
    assert "06 12345678" in refused.value.messages[0]
    assert phone_or_none(typed) is None


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("0612345678", "06 1234 5678"),
        ("0301234567", "030 123 4567"),
        ("0318123456", "0318 123 456"),
    ],
)
def test_numbers_are_shown_in_groups(stored, shown):
    assert phone_display(stored) == shown
