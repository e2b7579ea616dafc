"""ISBN, ISSN and EAN: check digits decide; ISBNs are kept as 13 digits."""

from __future__ import annotations

import pytest

from samenbieb.catalog.isbn import (
    is_valid_isbn10,
    is_valid_isbn13,
    is_valid_issn,
    isbn10_to_isbn13,
    normalise_ean,
    normalise_isbn,
    normalise_issn,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0914378287 (v. 1)", "9780914378280"),
        ("0-306-40615-2", "9780306406157"),
        ("0 306 40615 2 (pbk.)", "9780306406157"),
        ("978-0-306-40615-7", "9780306406157"),
        ("9780415782654 (hardback)", "9780415782654"),
        ("ISBN 979-10-90636-07-1 : €19.95", "9791090636071"),
        ("080442957X", "9780804429573"),
        ("080442957x (paperback)", "9780804429573"),
    ],
)
def test_an_isbn_is_normalised_to_13_digits_without_hyphens_or_qualifiers(typed, expected):
    assert normalise_isbn(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["0-306-40615-3", "9780306406158", "1.25", "", "(pbk.)", "12345", "97803064061570"],
)
def test_an_isbn_with_a_wrong_check_digit_or_shape_is_not_an_isbn(typed):
    assert normalise_isbn(typed) is None


def test_check_digits_of_isbn10_and_isbn13_are_verified():
    assert is_valid_isbn10("0-306-40615-2")
    assert not is_valid_isbn10("0-306-40615-3")
    assert is_valid_isbn13("9780306406157")
    assert not is_valid_isbn13("9790306406157")
    assert not is_valid_isbn13("4006381333931")  # a valid EAN, but not a book


def test_an_isbn10_becomes_the_978_isbn13_with_a_new_check_digit():
    assert isbn10_to_isbn13("080442957X") == "9780804429573"
    with pytest.raises(ValueError, match="not a valid ISBN-10"):
        isbn10_to_isbn13("0804429571")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("0317-8471", "0317-8471"), ("03178471", "0317-8471"), ("2434-561x (print)", "2434-561X")],
)
def test_an_issn_keeps_its_hyphen_and_an_upper_case_check_character(typed, expected):
    assert normalise_issn(typed) == expected
    assert is_valid_issn(expected)


def test_an_issn_with_a_wrong_check_digit_is_not_an_issn():
    assert normalise_issn("0317-8472") is None
    assert not is_valid_issn("0317-8472")


def test_an_ean_is_checked_like_a_barcode_scanner_does():
    assert normalise_ean("4006381333931") == "4006381333931"
    assert normalise_ean("4006381333932") is None
