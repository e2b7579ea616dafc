"""SIP2 requests → one circulation service or query → the reply. No business rule here.

Every handler is synchronous Django code; the server runs it in a worker thread. The
connection's :class:`SessionState` (which kiosk logged in, which patron proved their PIN)
is touched by one message at a time, because a connection answers in order.

Screen messages (AF) are the services' own ``Refused`` messages, rendered in the kiosk's
language (Dutch unless set otherwise, or the language the request asks for). The patron's
PIN is never logged and never kept: a verified PIN is remembered only as a keyed digest
for the rest of the patron session, so the password hash runs once per patron, not once
per message.

How the protocol meets Samenbieb (decisions, so kiosks and the desk behave the same):

- Locations (AN, AQ permanent location, AP current, CT destination) are ``ISIL/branch
  code``: branch codes are unique only within a library, and sorters sort for all of them.
- Check-in routing: CV 01 hold shelf here (CT = this branch), 02 transit for a hold
  elsewhere, 04 transit home (CT = destination), 99 refused with an alert; the alert flag is
  set whenever the item does not simply go back on the shelf.
- A patron is proven by AA + AD (the member's password, as in the portal, throttled per
  card). A message without AD counts only within a patron session already proven on this
  connection; 35 ends it, so does another card or a wrong PIN, and it lapses after
  ``SIP2["PATRON_SESSION_SECONDS"]``. Without proof, 23/63 say only whether the card is valid.
- The audit trail names the patron as the actor of what they do at the kiosk (checkout,
  renewal, fee paid, and a check-in while their patron session lasts), with the kiosk's
  branch as the place; a check-in without a patron session (a return machine) is the system's.
- Checkout with SC renewal policy Y of an item the patron already has is a renewal.
- No block (offline) checkouts and check-ins run through the same services, dated when they
  happened at the kiosk; circulation may still refuse them (then ok=0, and a warning is logged).
- Fee paid pays whole charges only (a charge is paid in full or not at all): the charge whose
  id is in CG when BV is its amount, or else the oldest open charges adding up to exactly BV.
  AV lists fines as ``<charge id> <amount> <description>`` so a kiosk can send the id in CG.
- Block patron, patron enable, hold and item status update are answered (as the
  specification requires) but change nothing: the desk and the portal do those.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from samenbieb.circulation import queries as circulation_queries
from samenbieb.circulation import services
from samenbieb.circulation.errors import ChargeNotOpen, Reason, Refused
from samenbieb.circulation.models import Charge, PaymentMethod
from samenbieb.holdings.models import ItemStatus
from samenbieb.interfaces.sip2.codec import (
    MalformedMessage,
    Message,
    format_date,
    format_timestamp,
    parse_timestamp,
)
from samenbieb.members.auth import (
    AccountInactive,
    EmailNotVerified,
    InvalidLogin,
    LoginThrottled,
    member_authenticate,
)
from samenbieb.members.cards import card_number_or_none
from samenbieb.members.models import Person
from samenbieb.security import ratelimit
from samenbieb.selfservice import queries
from samenbieb.selfservice.errors import KioskError
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.services import kiosk_authenticate

logger = logging.getLogger(__name__)

PROTOCOL_VERSION = "2.00"
CURRENCY = "EUR"
# Fields that carry secrets: never logged.
SECRET_FIELDS = frozenset({"AD", "CO", "AC"})
# Personal data a kiosk sends or we answer (card number, name, address, e-mail, phone,
# birth date): never in a log line either (docs/security.md).
PERSONAL_FIELDS = frozenset({"AA", "AE", "BD", "BE", "BF", "PB"})
# BX, in the specification's order: patron status, checkout, checkin, block patron,
# SC/ACS status, resend, login, patron information, end patron session, fee paid,
# item information, item status update, patron enable, hold, renew, renew all.
SUPPORTED_MESSAGES = "YYYNYYYYYYYNNNYY"
MAX_ITEMS_LISTED = 50
LANGUAGE_CODES = {"001": "en", "005": "nl"}
SIP_LANGUAGE = {"en": "001", "nl": "005"}

# Circulation status (item information response) per item status.
CIRCULATION_STATUS = {
    ItemStatus.AVAILABLE: "03",
    ItemStatus.ON_LOAN: "04",
    ItemStatus.IN_TRANSIT: "10",
    ItemStatus.ON_HOLD_SHELF: "08",
    ItemStatus.MISSING: "13",
    ItemStatus.LOST: "12",
}
# Alert type (CV, 3M extension) per check-in action.
ALERT_TYPE = {
    services.CheckinAction.HOLD_SHELF: "01",  # hold, this branch
    services.CheckinAction.TRANSIT_HOLD: "02",  # hold, another branch
    services.CheckinAction.TRANSIT_HOME: "04",  # send to another branch (home)
}
UNKNOWN_ALERT = "00"
OTHER_ALERT = "99"


class NotLoggedIn(Exception):
    """A message other than login before the kiosk logged in: the connection is closed."""


@dataclass
class PatronSession:
    card: str
    person_id: int
    pin_digest: bytes
    verified_at: float


@dataclass
class SessionState:
    """What one SIP2 connection remembers between messages."""

    peer_ip: str
    kiosk: Kiosk | None = None
    encoding: str = "utf-8"
    print_width: int = 0
    # Once the kiosk sent a sequence number and checksum, every later message must have
    # them: a damaged trailer must not turn a message into one without error detection.
    uses_error_detection: bool = False
    patron: PatronSession | None = None
    close_after_reply: bool = False
    # Per-connection key for the PIN digest: a digest is worthless outside this connection.
    key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def pin_digest(self, pin: str) -> bytes:
        return hmac.new(self.key, pin.encode(), hashlib.sha256).digest()


def redacted(message: Message) -> str:
    """The message for a debug log: secrets (PIN, passwords) and personal data (card
    number, name, contact details) replaced by ``***``."""
    hidden = SECRET_FIELDS | PERSONAL_FIELDS
    fields = "|".join(
        f"{fid}{'***' if fid in hidden and value else value}" for fid, value in message.fields
    )
    return f"{message.code}{''.join(message.fixed.values())}{fields}"


# --- entry point ---------------------------------------------------------------------


def handle(state: SessionState, message: Message, *, now: dt.datetime | None = None) -> Message:
    """The reply to ``message`` on the connection ``state``."""
    now = now or timezone.now()
    if message.code == "93":
        return _login(state, message)
    kiosk = state.kiosk
    if kiosk is None:
        raise NotLoggedIn()
    handler = HANDLERS.get(message.code)
    if handler is None:
        # A response code sent to us, or something we do not answer: ask for a resend.
        return Message.build("96")
    language = kiosk.language
    if message.code in ("23", "63"):
        language = LANGUAGE_CODES.get(message.fixed["language"], language)
    with translation.override(language):
        return handler(state, kiosk, message, now)


# --- helpers -------------------------------------------------------------------------


def _ts(now: dt.datetime) -> str:
    return format_timestamp(timezone.localtime(now))


def _text(value: object) -> str:
    """A value safe inside a SIP2 field: no separators, no line breaks."""
    return " ".join(str(value).replace("|", "/").split())


def _institution(kiosk: Kiosk, message: Message) -> str:
    return _text(message.get("AO") or kiosk.branch.organisation.isil)


def _print(state: SessionState, line: str) -> str:
    line = _text(line)
    return line[: state.print_width] if state.print_width else line


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def _money_display(amount: Decimal) -> str:
    return "€ " + formats.number_format(amount, decimal_pos=2)


def _day(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def _when(message: Message, name: str, now: dt.datetime) -> dt.datetime:
    """For an offline (no block) transaction: when it happened at the kiosk, never later
    than now; otherwise now."""
    try:
        moment = parse_timestamp(message.fixed[name], timezone.get_current_timezone())
    except MalformedMessage:
        return now
    return min(moment, now) if moment is not None else now


def _messages(*texts: object) -> list[tuple[str, str | None]]:
    return [("AF", _text(text)) for text in texts if text]


# --- patron authentication ------------------------------------------------------------


@dataclass(frozen=True)
class PatronCheck:
    card: str
    person: Person | None = None  # the card's member; None when the card is refused
    refused: Refused | None = None  # unknown, lost, blocked or replaced card
    pin_ok: bool = False
    problem: str = ""  # why the PIN was not accepted

    @property
    def valid(self) -> bool:
        return self.person is not None and self.pin_ok


def _patron(state: SessionState, message: Message) -> PatronCheck:
    """The member behind AA, and whether AD (or this patron session) proves it is them."""
    raw_card = message.get("AA") or ""
    pin = message.get("AD") or ""
    try:
        person = circulation_queries.patron_by_card(raw_card)
    except Refused as refused:
        state.patron = None
        return PatronCheck(card=_text(raw_card), refused=refused)
    card = card_number_or_none(raw_card) or raw_card
    session = state.patron
    lifetime = int(str(settings.SIP2["PATRON_SESSION_SECONDS"]))
    if session is not None and (
        session.card != card
        or session.person_id != person.pk
        or time.monotonic() - session.verified_at > lifetime
    ):
        state.patron = session = None
    if session is not None and (
        not pin or hmac.compare_digest(session.pin_digest, state.pin_digest(pin))
    ):
        return PatronCheck(card=card, person=person, pin_ok=True)
    if not pin:
        return PatronCheck(card=card, person=person, problem=_("Enter your PIN."))
    state.patron = None
    # Per card the members app throttles; per machine, this door: one kiosk trying common
    # PINs on many cards is stopped too.
    machine = f"kiosk:{state.kiosk.pk}" if state.kiosk is not None else f"ip:{state.peer_ip}"
    kiosk_limit = ratelimit.limit_for("sip2_pin_kiosk")
    if ratelimit.limit_blocked_until(kiosk_limit, machine) is not None:
        return PatronCheck(
            card=card,
            person=person,
            problem=_("Too many wrong PINs on this machine. Please ask at the desk."),
        )
    try:
        proven = member_authenticate(identifier=card, password=pin)
    except EmailNotVerified as unverified:
        # The password is right; an unconfirmed e-mail address matters online only.
        proven = unverified.person
    except LoginThrottled as throttled:
        moment = formats.time_format(timezone.localtime(throttled.retry_at), "H:i")
        return PatronCheck(
            card=card,
            person=person,
            problem=_(
                "A wrong PIN was entered too often for this card. Try again after %(time)s, "
                "or ask at the desk."
            )
            % {"time": moment},
        )
    except (InvalidLogin, AccountInactive):
        ratelimit.limit_hit(kiosk_limit, machine)
        return PatronCheck(card=card, person=person, problem=_("The PIN is not correct."))
    if proven.pk != person.pk:
        return PatronCheck(card=card, person=person, problem=_("The PIN is not correct."))
    state.patron = PatronSession(
        card=card,
        person_id=person.pk,
        pin_digest=state.pin_digest(pin),
        verified_at=time.monotonic(),
    )
    return PatronCheck(card=card, person=person, pin_ok=True)


def _session_patron(state: SessionState) -> Person | None:
    """The member logged in on this connection (card and PIN, not yet ended or timed out):
    who hands items in at a kiosk. None at a return machine, where nobody logs in."""
    session = state.patron
    lifetime = int(str(settings.SIP2["PATRON_SESSION_SECONDS"]))
    if session is None or time.monotonic() - session.verified_at > lifetime:
        return None
    try:
        person = circulation_queries.patron_by_card(session.card)
    except Refused:
        return None
    return person if person.pk == session.person_id else None


def _not_allowed(check: PatronCheck) -> str:
    if check.refused is not None:
        return str(check.refused.message)
    return check.problem


# --- 93 login, 99 status ---------------------------------------------------------------


def _login(state: SessionState, message: Message) -> Message:
    try:
        kiosk = kiosk_authenticate(
            username=message.get("CN") or "",
            password=message.get("CO") or "",
            peer_ip=state.peer_ip,
        )
    except KioskError:
        state.kiosk = None
        state.close_after_reply = True
        return Message.build("94", {"ok": "0"})
    state.kiosk = kiosk
    state.encoding = kiosk.encoding
    state.patron = None
    logger.info("kiosk %s logged in from %s", kiosk.username, state.peer_ip)
    return Message.build("94", {"ok": "1"})


def _status(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    width = message.fixed["max_print_width"]
    state.print_width = int(width) if width.isdigit() else 0
    organisation = kiosk.branch.organisation
    return Message.build(
        "98",
        {
            "online_status": "Y",
            "checkin_ok": "Y",
            "checkout_ok": "Y",
            "acs_renewal_policy": "Y",
            "status_update_ok": "N",
            "offline_ok": "Y",
            "timeout_period": "100",
            "retries_allowed": "003",
            "date_time_sync": _ts(now),
            "protocol_version": PROTOCOL_VERSION,
        },
        [
            ("AO", organisation.isil),
            ("AM", _text(organisation.name)),
            ("BX", SUPPORTED_MESSAGES),
            ("AN", queries.location_code(kiosk.branch)),
        ],
    )


# --- 23 patron status, 63 patron information -------------------------------------------------


def _patron_status(check: PatronCheck, account: queries.PatronAccount | None) -> str:
    flags = [" "] * 14
    if check.person is None:
        for position in (0, 1, 2, 3):
            flags[position] = "Y"
        if check.refused is not None and check.refused.reason == Reason.CARD_LOST:
            flags[4] = "Y"
    elif account is not None and account.blocked is not None:
        for position in (0, 1, 3):
            flags[position] = "Y"
        if account.charges_blocked:
            flags[10] = "Y"
    return "".join(flags)


def _account(check: PatronCheck, kiosk: Kiosk, now: dt.datetime) -> queries.PatronAccount | None:
    if not check.valid or check.person is None:
        return None
    return queries.patron_account(check.person, branch=kiosk.branch, today=timezone.localdate(now))


def _language_of(check: PatronCheck) -> str:
    if check.person is None:
        return "000"
    return SIP_LANGUAGE.get(check.person.preferred_language, "000")


def _patron_fields(
    check: PatronCheck, account: queries.PatronAccount | None
) -> list[tuple[str, str | None]]:
    return [
        ("AE", _text(check.person.full_name) if check.valid and check.person else ""),
        ("BL", "Y" if check.person is not None else "N"),
        ("CQ", "Y" if check.pin_ok else "N"),
        ("BH", CURRENCY if account is not None else None),
        ("BV", _money(account.owed) if account is not None else None),
    ]


def _patron_messages(check: PatronCheck, account: queries.PatronAccount | None) -> list:
    if not check.valid:
        return _messages(_not_allowed(check))
    if account is not None and account.blocked is not None:
        return _messages(account.blocked.message)
    return []


def _patron_status_response(
    state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime
) -> Message:
    check = _patron(state, message)
    account = _account(check, kiosk, now)
    return Message.build(
        "24",
        {
            "patron_status": _patron_status(check, account),
            "language": _language_of(check),
            "transaction_date": _ts(now),
        },
        [
            ("AO", _institution(kiosk, message)),
            ("AA", check.card),
            *_patron_fields(check, account),
            *_patron_messages(check, account),
        ],
    )


def _count(items: Iterable[object]) -> str:
    return f"{min(len(list(items)), 9999):04d}"


def _range(message: Message) -> slice:
    def number(field_id: str, default: int) -> int:
        value = (message.get(field_id) or "").strip()
        # ASCII digits only, and short: "²" is a digit to isdigit(), and int() refuses
        # strings of thousands of digits.
        if not (value.isascii() and value.isdigit() and len(value) <= 6):
            return default
        return int(value) or default

    start = number("BP", 1)
    end = max(start, number("BQ", start + MAX_ITEMS_LISTED - 1))
    return slice(start - 1, min(end, start + MAX_ITEMS_LISTED - 1))


def _item_lists(message: Message, account: queries.PatronAccount) -> list[tuple[str, str | None]]:
    summary = message.fixed["summary"]
    wanted = summary.find("Y")
    window = _range(message)
    lists: dict[int, tuple[str, list[str]]] = {
        0: ("AS", [hold.item.barcode for hold in account.holds_ready if hold.item]),
        1: ("AT", [loan.item.barcode for loan in account.overdue]),
        2: ("AU", [loan.item.barcode for loan in account.loans]),
        3: (
            "AV",
            [
                f"{charge.pk} {_money(charge.amount)} {charge.description}"
                for charge in account.charges
            ],
        ),
        5: ("CD", [hold.record.title for hold in account.holds_waiting]),
    }
    if wanted not in lists:
        return []
    field_id, values = lists[wanted]
    return [(field_id, _text(value)) for value in values[window]]


def _patron_information(
    state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime
) -> Message:
    check = _patron(state, message)
    account = _account(check, kiosk, now)
    empty: list[object] = []
    return Message.build(
        "64",
        {
            "patron_status": _patron_status(check, account),
            "language": _language_of(check),
            "transaction_date": _ts(now),
            "hold_items_count": _count(account.holds_ready if account else empty),
            "overdue_items_count": _count(account.overdue if account else empty),
            "charged_items_count": _count(account.loans if account else empty),
            "fine_items_count": _count(account.charges if account else empty),
            "recall_items_count": "0000",
            "unavailable_holds_count": _count(account.holds_waiting if account else empty),
        },
        [
            ("AO", _institution(kiosk, message)),
            ("AA", check.card),
            *_patron_fields(check, account),
            (
                "CC",
                _money(circulation_queries.charges_block_threshold())
                if account is not None
                else None,
            ),
            *(_item_lists(message, account) if account is not None else []),
            *_patron_messages(check, account),
        ],
    )


# --- 11 checkout, 29 renew, 65 renew all ---------------------------------------------------


def _checkout(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    check = _patron(state, message)
    barcode = message.get("AB") or ""
    when = _when(message, "transaction_date", now) if message.fixed["no_block"] == "Y" else now

    def reply(ok: bool, renewal_ok: bool, extra: list[tuple[str, str | None]]) -> Message:
        return Message.build(
            "12",
            {
                "ok": "1" if ok else "0",
                "renewal_ok": "Y" if renewal_ok else "N",
                "magnetic_media": "U",
                "desensitize": "Y" if ok else "N",
                "transaction_date": _ts(now),
            },
            [
                ("AO", _institution(kiosk, message)),
                ("AA", check.card),
                ("AB", _text(barcode)),
                *extra,
            ],
        )

    if not check.valid or check.person is None:
        return reply(False, False, [("AJ", ""), ("AH", ""), *_messages(_not_allowed(check))])
    renewal = False
    try:
        loan = services.loan_checkout(
            actor=None,
            branch=kiosk.branch,
            person=check.person,
            barcode=barcode,
            member=check.person,
            now=when,
        )
    except Refused as refused:
        if refused.reason != Reason.ALREADY_ON_LOAN_TO_MEMBER:
            if message.fixed["no_block"] == "Y":
                logger.warning("offline checkout refused (%s) at kiosk %s", refused.reason, kiosk)
            return reply(False, False, [("AJ", ""), ("AH", ""), *_messages(refused.message)])
        # The member has it already: with the kiosk's renewal policy, this is a renewal.
        existing = queries.loan_of_member_by_barcode(check.person, barcode)
        if message.fixed["sc_renewal_policy"] != "Y" or existing is None:
            return reply(False, True, [("AJ", ""), ("AH", ""), *_messages(refused.message)])
        try:
            loan = services.loan_renew(actor=None, loan=existing, person=check.person, now=when)
        except Refused as not_renewed:
            return reply(False, True, [("AJ", ""), ("AH", ""), *_messages(not_renewed.message)])
        renewal = True
    title = loan.item.record.title
    screen = (
        _("Renewed: %(title)s. Due back %(date)s.")
        if renewal
        else _("Borrowed: %(title)s. Due back %(date)s.")
    ) % {"title": title, "date": _day(loan.due_on)}
    return reply(
        True,
        renewal,
        [
            ("AJ", _text(title)),
            ("AH", format_date(loan.due_on)),
            *_messages(screen),
            ("AG", _print(state, f"{title} — {_day(loan.due_on)}")),
        ],
    )


def _renew(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    check = _patron(state, message)
    barcode = message.get("AB") or ""

    def reply(ok: bool, extra: list[tuple[str, str | None]]) -> Message:
        return Message.build(
            "30",
            {
                "ok": "1" if ok else "0",
                "renewal_ok": "Y" if ok else "N",
                "magnetic_media": "U",
                "desensitize": "U",
                "transaction_date": _ts(now),
            },
            [
                ("AO", _institution(kiosk, message)),
                ("AA", check.card),
                ("AB", _text(barcode)),
                *extra,
            ],
        )

    if not check.valid or check.person is None:
        return reply(False, [("AJ", ""), *_messages(_not_allowed(check))])
    loan = queries.loan_of_member_by_barcode(check.person, barcode)
    if loan is None:
        return reply(False, [("AJ", ""), *_messages(_("This item is not on loan to you."))])
    try:
        loan = services.loan_renew(actor=None, loan=loan, person=check.person, now=now)
    except Refused as refused:
        return reply(False, [("AJ", _text(loan.item.record.title)), *_messages(refused.message)])
    title = loan.item.record.title
    return reply(
        True,
        [
            ("AJ", _text(title)),
            ("AH", format_date(loan.due_on)),
            *_messages(
                _("Renewed: %(title)s. Due back %(date)s.")
                % {"title": title, "date": _day(loan.due_on)}
            ),
            ("AG", _print(state, f"{title} — {_day(loan.due_on)}")),
        ],
    )


def _renew_all(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    check = _patron(state, message)
    if not check.valid or check.person is None:
        return Message.build(
            "66",
            {
                "ok": "0",
                "renewed_count": "0000",
                "unrenewed_count": "0000",
                "transaction_date": _ts(now),
            },
            [("AO", _institution(kiosk, message)), *_messages(_not_allowed(check))],
        )
    outcomes = services.loans_renew_all(actor=None, person=check.person, now=now)
    renewed = [outcome.loan for outcome in outcomes if outcome.refused is None]
    refused = [outcome for outcome in outcomes if outcome.refused is not None]
    screens = [
        _("%(renewed)s renewed, %(refused)s not renewed.")
        % {"renewed": len(renewed), "refused": len(refused)}
    ]
    screens += [
        f"{outcome.loan.item.record.title}: {outcome.refused.message}"
        for outcome in refused
        if outcome.refused is not None
    ]
    return Message.build(
        "66",
        {
            "ok": "1",
            "renewed_count": _count(renewed),
            "unrenewed_count": _count(refused),
            "transaction_date": _ts(now),
        },
        [
            ("AO", _institution(kiosk, message)),
            *[("BM", _text(loan.item.barcode)) for loan in renewed],
            *[("BN", _text(outcome.loan.item.barcode)) for outcome in refused],
            *_messages(*screens),
            *[
                ("AG", _print(state, f"{loan.item.record.title} — {_day(loan.due_on)}"))
                for loan in renewed
            ],
        ],
    )


# --- 09 checkin, 17 item information -------------------------------------------------------


def _checkin(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    barcode = message.get("AB") or ""
    when = _when(message, "return_date", now) if message.fixed["no_block"] == "Y" else now

    def reply(
        ok: bool, alert: bool, extra: list[tuple[str, str | None]], resensitize: bool = True
    ) -> Message:
        return Message.build(
            "10",
            {
                "ok": "1" if ok else "0",
                "resensitize": "Y" if resensitize else "N",
                "magnetic_media": "U",
                "alert": "Y" if alert else "N",
                "transaction_date": _ts(now),
            },
            [("AO", _institution(kiosk, message)), ("AB", _text(barcode)), *extra],
        )

    try:
        outcome = services.loan_checkin(
            actor=None,
            branch=kiosk.branch,
            barcode=barcode,
            member=_session_patron(state),
            now=when,
        )
    except Refused as refused:
        state_now = queries.item_state(barcode)
        home = queries.location_code(state_now.item.home_branch) if state_now else ""
        title = _text(state_now.item.record.title) if state_now else ""
        if refused.reason == Reason.NOT_ON_LOAN:
            return reply(False, False, [("AQ", home), ("AJ", title), *_messages(refused.message)])
        return reply(
            False,
            True,
            [("AQ", home), ("AJ", title), ("CV", OTHER_ALERT), *_messages(refused.message)],
            resensitize=refused.reason != Reason.UNKNOWN_ITEM,
        )
    item = outcome.item
    alert_type = ALERT_TYPE.get(outcome.action)
    destination = outcome.destination or (
        kiosk.branch if outcome.action == services.CheckinAction.HOLD_SHELF else None
    )
    screens = [_("Returned: %(title)s. Thank you!") % {"title": item.record.title}]
    if outcome.fine is not None:
        screens.append(
            _("Returned late: %(amount)s was charged.")
            % {"amount": _money_display(outcome.fine.amount)}
        )
    return reply(
        True,
        alert_type is not None,
        [
            ("AQ", queries.location_code(item.home_branch)),
            ("AJ", _text(item.record.title)),
            ("CT", queries.location_code(destination) if destination is not None else None),
            ("CV", alert_type),
            *_messages(*screens),
            ("AG", _print(state, _("%(title)s — returned") % {"title": item.record.title})),
        ],
    )


def _item_information(
    state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime
) -> Message:
    barcode = message.get("AB") or ""
    found = queries.item_state(barcode)
    fixed = {"security_marker": "00", "fee_type": "01", "transaction_date": _ts(now)}
    if found is None:
        return Message.build(
            "18",
            {"circulation_status": "01", **fixed},
            [
                ("AB", _text(barcode)),
                ("AJ", ""),
                *_messages(_("No item has this barcode.")),
            ],
        )
    item = found.item
    return Message.build(
        "18",
        {"circulation_status": CIRCULATION_STATUS.get(ItemStatus(item.status), "01"), **fixed},
        [
            ("CF", f"{found.queue_length}"),
            ("AH", format_date(found.due_on) if found.due_on else None),
            ("AB", item.barcode),
            ("AJ", _text(item.record.title)),
            ("BG", item.organisation.isil),
            ("AQ", queries.location_code(item.home_branch)),
            ("AP", queries.location_code(item.current_branch)),
        ],
    )


# --- 37 fee paid, 35 end session ------------------------------------------------------


def _charges_to_pay(person: Person, amount: Decimal, fee_id: str) -> list[Charge] | None:
    """The charges an amount pays: the one named by CG when its amount matches, else the
    oldest open charges whose sum is exactly the amount. None: no such set (a charge is
    only ever paid in full, so a payment that would leave part of one is refused)."""
    charges = queries.charges_open_oldest_first(person)
    if fee_id:
        named = [charge for charge in charges if str(charge.pk) == fee_id.strip()]
        return named if named and named[0].amount == amount else None
    chosen: list[Charge] = []
    total = Decimal("0.00")
    for charge in charges:
        if total + charge.amount > amount:
            break
        chosen.append(charge)
        total += charge.amount
    return chosen if chosen and total == amount else None


def _fee_paid(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    check = _patron(state, message)

    def reply(accepted: bool, screens: list[str]) -> Message:
        return Message.build(
            "38",
            {"payment_accepted": "Y" if accepted else "N", "transaction_date": _ts(now)},
            [
                ("AO", _institution(kiosk, message)),
                ("AA", check.card),
                ("BK", _text(message.get("BK")) if message.get("BK") else None),
                *_messages(*screens),
            ],
        )

    if not check.valid or check.person is None:
        return reply(False, [_not_allowed(check)])
    if message.fixed["currency_type"].strip().upper() not in ("", CURRENCY):
        return reply(False, [_("Only payments in euros are accepted.")])
    try:
        amount = Decimal((message.get("BV") or "").strip().replace(",", "."))
    except InvalidOperation:
        amount = Decimal("-1")
    if not amount.is_finite() or amount <= 0:
        return reply(False, [_("The amount paid is missing or not a number.")])
    charges = _charges_to_pay(check.person, amount, message.get("CG") or "")
    if charges is None:
        return reply(
            False,
            [
                _(
                    "%(amount)s does not match what is owed. Pay one charge, or the oldest "
                    "charges together, exactly."
                )
                % {"amount": _money_display(amount)}
            ],
        )
    try:
        with transaction.atomic():
            for charge in charges:
                services.charge_pay(
                    actor=None,
                    charge=charge,
                    method=PaymentMethod.KIOSK,
                    member=check.person,
                    now=now,
                )
    except ChargeNotOpen as not_open:
        return reply(False, [str(not_open.message)])
    return reply(True, [_("Thank you: %(amount)s paid.") % {"amount": _money_display(amount)}])


def _end_session(state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime) -> Message:
    state.patron = None
    return Message.build(
        "36",
        {"end_session": "Y", "transaction_date": _ts(now)},
        [
            ("AO", _institution(kiosk, message)),
            ("AA", _text(message.get("AA") or "")),
            *_messages(_("Goodbye!")),
        ],
    )


# --- messages Samenbieb does not take from kiosks --------------------------------------


def _not_supported(
    state: SessionState, kiosk: Kiosk, message: Message, now: dt.datetime
) -> Message:
    """Block patron, patron enable, hold, item status update: the desk or the portal does these."""
    text = _messages(_("This cannot be done at a self-service machine. Please ask at the desk."))
    date = _ts(now)
    if message.code in ("01", "25"):
        # Block patron is answered with a patron status response (specification).
        check = _patron(state, message)
        return Message.build(
            "24" if message.code == "01" else "26",
            {
                "patron_status": _patron_status(check, None),
                "language": "000",
                "transaction_date": date,
            },
            [
                ("AO", _institution(kiosk, message)),
                ("AA", check.card),
                ("AE", _text(check.person.full_name) if check.valid and check.person else ""),
                ("BL", "Y" if check.person is not None else "N"),
                *text,
            ],
        )
    if message.code == "15":
        return Message.build(
            "16",
            {"ok": "0", "available": "N", "transaction_date": date},
            [("AO", _institution(kiosk, message)), ("AA", _text(message.get("AA") or "")), *text],
        )
    return Message.build(
        "20",
        {"item_properties_ok": "0", "transaction_date": date},
        [("AB", _text(message.get("AB") or "")), ("AJ", ""), *text],
    )


Handler = Callable[[SessionState, Kiosk, Message, dt.datetime], Message]

HANDLERS: dict[str, Handler] = {
    "99": _status,
    "23": _patron_status_response,
    "63": _patron_information,
    "11": _checkout,
    "09": _checkin,
    "17": _item_information,
    "29": _renew,
    "65": _renew_all,
    "37": _fee_paid,
    "35": _end_session,
    "01": _not_supported,
    "25": _not_supported,
    "15": _not_supported,
    "19": _not_supported,
}
