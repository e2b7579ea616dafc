"""The SIP2 2.00 wire format, checked against the specification's layouts and examples."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from samenbieb.interfaces.sip2.codec import (
    MESSAGES,
    MalformedMessage,
    Message,
    checksum,
    format_date,
    format_message,
    format_timestamp,
    parse,
    parse_timestamp,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
NOW = "20260312    101500"


def test_checksum_matches_the_specifications_sc_status_example():
    assert checksum(b"9900302.00AY1AZ") == "FCA5"


def test_sc_status_with_error_detection_parses_and_keeps_the_sequence_number():
    message = parse(b"9900302.00AY1AZFCA5\r")

    assert message.code == "99"
    assert message.fixed == {
        "status_code": "0",
        "max_print_width": "030",
        "protocol_version": "2.00",
    }
    assert message.fields == ()
    assert message.sequence == 1


def test_a_wrong_checksum_is_malformed():
    with pytest.raises(MalformedMessage, match="checksum"):
        parse(b"9900302.00AY1AZFCA6\r")


def test_lower_case_checksum_digits_are_accepted():
    assert parse(b"9900302.00AY1AZfca5\r").sequence == 1


def test_a_checksum_without_its_leading_zeros_is_accepted():
    # Some clients (the `sip2` package) write the checksum with "%X", dropping leading
    # zeros; that happens when the bytes add up to just under a multiple of 65536.
    for length in range(500, 1000):
        body = f"9300CNkiosk|AF{'x' * length}|AY4AZ".encode()
        full = checksum(body)
        if full.startswith("0"):
            break
    else:
        raise AssertionError("no checksum with a leading zero found")

    assert parse(body + full.lstrip("0").encode() + b"\r").sequence == 4


def test_error_detection_is_optional_unless_required():
    assert parse(b"9900302.00\r").sequence is None
    with pytest.raises(MalformedMessage):
        parse(b"9900302.00\r", require_error_detection=True)


def test_cr_lf_terminator_and_a_leading_line_feed_are_accepted():
    assert parse(b"9900302.00\r\n").code == "99"
    assert parse(b"\n9900302.00\r").code == "99"


def test_login_fixed_and_variable_fields():
    message = parse(b"9300CNkiosk-utrecht|COs3cret|CPUTR-C|\r")

    assert message.fixed == {"uid_algorithm": "0", "pwd_algorithm": "0"}
    assert message.get("CN") == "kiosk-utrecht"
    assert message.get("CO") == "s3cret"
    assert message.get("CP") == "UTR-C"
    assert message.get("ZZ") is None


def test_the_last_field_may_omit_its_separator_and_empty_values_are_kept():
    message = parse(f"63001{NOW}          AOinst|AA1234|AC|AD".encode())

    assert message.fixed["summary"] == " " * 10
    assert message.fields == (("AO", "inst"), ("AA", "1234"), ("AC", ""), ("AD", ""))


def test_checkout_fixed_field_positions():
    raw = f"11YN{NOW}{' ' * 18}AOinst|AA1234|ABitem1|ACpw|\r".encode()
    message = parse(raw)

    assert message.fixed == {
        "sc_renewal_policy": "Y",
        "no_block": "N",
        "transaction_date": NOW,
        "nb_due_date": " " * 18,
    }
    assert message.get("AB") == "item1"


def test_checkin_with_trailer_directly_after_the_last_value():
    body = f"09N{NOW}{NOW}APloc|AOinst|ABitem1AY3AZ".encode()
    message = parse(body + checksum(body).encode() + b"\r")

    assert message.get("AB") == "item1"
    assert message.sequence == 3


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"9",
        b"XX\r",
        b"93\r",
        b"990302.00\r",  # fixed part one character short
        b"11XN" + NOW.encode() + b" " * 18 + b"AOx|\r",  # renewal policy must be Y or N
        b"9300cnlower|\r",
        b"9300CNa|\x00|\r",
        b"9300CNa\rAOb\r",
        "9300CN\u00e9|\r".encode("latin-1"),  # not UTF-8
    ],
)
def test_malformed_messages_are_refused(raw):
    with pytest.raises(MalformedMessage):
        parse(raw)


def test_repeated_fields_keep_their_order():
    message = parse(b"9300CNa|AFone|AFtwo|\r")

    assert message.get_all("AF") == ["one", "two"]
    assert message.get("AF") == "one"


def test_format_writes_fixed_fields_then_fields_then_the_terminator():
    message = Message.build("94", {"ok": "1"})

    assert format_message(message) == b"941\r"


def test_format_with_sequence_appends_a_verifiable_trailer():
    reply = Message.build(
        "36",
        {"end_session": "Y", "transaction_date": NOW},
        [("AO", "inst"), ("AA", "1234"), ("AF", None)],
    )
    wire = format_message(reply, sequence=4)

    assert wire.startswith(f"36Y{NOW}AOinst|AA1234|AY4AZ".encode())
    assert parse(wire).sequence == 4
    assert parse(wire, require_error_detection=True).get("AA") == "1234"


def test_format_refuses_wrong_fixed_lengths_and_separators_in_values():
    with pytest.raises(ValueError, match="fixed field"):
        format_message(Message.build("94", {"ok": "10"}))
    with pytest.raises(ValueError, match="may not contain"):
        format_message(Message.build("94", {"ok": "1"}, [("AF", "a|b")]))


@pytest.mark.parametrize("encoding", ["utf-8", "latin-1", "cp850"])
def test_round_trip_in_each_kiosk_encoding(encoding):
    reply = Message.build(
        "24",
        {"patron_status": " " * 14, "language": "000", "transaction_date": NOW},
        [("AO", "inst"), ("AA", "1234"), ("AE", "Zoë Ünal"), ("AF", "Ga naar de balie.")],
    )
    wire = format_message(reply, encoding=encoding, sequence=0)

    assert parse(wire, encoding=encoding).get("AE") == "Zoë Ünal"


def test_characters_outside_a_legacy_encoding_become_question_marks():
    reply = Message.build("94", {"ok": "1"}, [("AF", "€ 2,50")])

    assert parse(format_message(reply, encoding="latin-1"), encoding="latin-1").get("AF") == (
        "? 2,50"
    )


def test_every_request_and_response_in_the_2_00_specification_is_known():
    requests = {"23", "11", "09", "01", "99", "97", "93", "63", "35", "37", "17", "19", "25"}
    requests |= {"15", "29", "65"}
    responses = {"24", "12", "10", "98", "96", "94", "64", "36", "38", "18", "20", "26", "16"}
    responses |= {"30", "66"}

    assert set(MESSAGES) == requests | responses
    assert MESSAGES["64"].fixed_length == 14 + 3 + 18 + 6 * 4
    assert MESSAGES["98"].fixed_length == 6 + 3 + 3 + 18 + 4


def test_timestamps_are_local_time_with_a_blank_zone():
    moment = datetime(2026, 3, 12, 9, 15, 0, tzinfo=UTC)

    assert format_timestamp(moment, AMSTERDAM) == "20260312    101500"
    assert parse_timestamp("20260312    101500", AMSTERDAM) == moment
    assert parse_timestamp("20260312   Z091500", AMSTERDAM) == moment
    assert parse_timestamp(" " * 18, AMSTERDAM) is None
    with pytest.raises(MalformedMessage):
        parse_timestamp("2026131x    101500", AMSTERDAM)


def test_due_dates_are_the_end_of_the_day():
    assert format_date(date(2026, 4, 2)) == "20260402    235959"
