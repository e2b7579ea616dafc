"""Notices to members (issue 5 point 6): hold ready, hold expiring, due soon and overdue,
mailed in the member's language through the job queue, only after the commit, read back
from a real SMTP server on localhost.

The network and its clock are in tests/circulation/conftest.py: loans made on Wednesday
18 November 2026 are due 21 days later, on Wednesday 9 December 2026.
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.db import transaction
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult

from samenbieb.circulation import notices, services
from samenbieb.circulation.models import Hold, HoldStatus, Loan
from samenbieb.circulation.notices import NoticeKind
from samenbieb.core.models import AuditEvent
from tests.circulation.conftest import AMSTERDAM, NOW, days_later
from tests.factories import RecordFactory
from tests.members.smtp import _free_port

pytestmark = pytest.mark.django_db

# smtp_capture (tests/members/smtp.py): a real SMTP server on localhost.

DUE = dt.date(2026, 12, 9)


def at(day: dt.date, hour: int = 7) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a service left for after its commit (the test itself never commits)."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


@pytest.fixture
def anna(network):
    return network.member(
        network.a, given_name="Anna", email="anna@example.org", preferred_language="nl"
    )


@pytest.fixture
def ben(network):
    return network.member(
        network.a, given_name="Ben", email="ben@example.org", preferred_language="en"
    )


def lend(network, member, title, now=NOW):
    item = network.copy(network.a1, RecordFactory(title=title))
    return services.loan_checkout(
        actor=None, branch=network.a1, person=member, barcode=item.barcode, now=now
    )


def ready_hold(network, member, title, committed):
    """A hold on the shelf at A1, the member told so (the "ready" mail)."""
    record = RecordFactory(title=title)
    item = network.copy(network.a1, record)
    hold = services.hold_place(
        actor=None, person=member, record=record, pickup_branch=network.a1, now=NOW
    )
    committed(
        lambda: services.loan_checkin(
            actor=None, branch=network.a1, barcode=item.barcode, now=days_later(0, hour=11)
        )
    )
    hold.refresh_from_db()
    assert hold.status == HoldStatus.READY
    return hold


def test_a_hold_on_the_shelf_is_mailed_with_the_title_branch_and_last_day(
    network, ben, committed, smtp_capture
):
    hold = ready_hold(network, ben, "The Hobbit", committed)
    mail = smtp_capture.last_to("ben@example.org")
    body = smtp_capture.body(mail)
    assert mail["Subject"] == "Ready for you at the library: The Hobbit"
    assert "Hello Ben," in body
    assert "The Hobbit" in body
    assert network.a1.name in body
    assert hold.expires_on == dt.date(2026, 11, 25)
    assert "Please pick it up on or before Nov. 25, 2026." in body


def test_a_dutch_member_gets_the_notice_in_dutch_an_english_member_in_english(
    network, anna, ben, committed, smtp_capture
):
    lend(network, anna, "Pluk van de Petteflet")
    lend(network, ben, "Matilda")
    committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3))))
    dutch = smtp_capture.last_to("anna@example.org")
    english = smtp_capture.last_to("ben@example.org")
    assert dutch["Content-Language"] == "nl"
    assert english["Content-Language"] == "en"
    # Dates are written the member's way, whatever the translations of the sentences.
    assert "9 december 2026" in dutch["Subject"]
    assert "Dec. 9, 2026" in english["Subject"]
    assert "Pluk van de Petteflet" in smtp_capture.body(dutch)
    assert "Matilda" not in smtp_capture.body(dutch)


def test_loans_due_soon_make_one_mail_per_member_listing_every_title_due_that_day(
    network, ben, committed, smtp_capture
):
    lend(network, ben, "Matilda")
    lend(network, ben, "The BFG")
    other = network.member(network.a, email="carla@example.org", preferred_language="en")
    lend(network, other, "Heidi")

    sent = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3)))
    )

    assert sent == 2
    mails = smtp_capture.to("ben@example.org")
    assert len(mails) == 1
    body = smtp_capture.body(mails[0])
    assert "These items must be back at the library on Dec. 9, 2026:" in body
    assert "- Matilda" in body
    assert "- The BFG" in body
    assert "Heidi" not in body
    assert len(smtp_capture.to("carla@example.org")) == 1
    assert set(Loan.objects.values_list("due_soon_notified_on", flat=True)) == {
        DUE - dt.timedelta(3)
    }


def test_loans_due_later_than_the_notice_period_get_no_mail_yet(
    network, ben, committed, smtp_capture
):
    lend(network, ben, "Matilda")
    sent = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(4)))
    )
    assert sent == 0
    assert smtp_capture.messages == []


def test_running_the_due_soon_job_twice_sends_one_mail(network, ben, committed, smtp_capture):
    lend(network, ben, "Matilda")
    first = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3)))
    )
    again = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3), 9))
    )
    next_day = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(2)))
    )
    assert (first, again, next_day) == (1, 0, 0)
    assert len(smtp_capture.to("ben@example.org")) == 1


def test_a_missed_day_is_caught_up_the_next_day(network, ben, committed, smtp_capture):
    lend(network, ben, "Matilda")
    # The job did not run three days before; two days before it still tells the member.
    committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(2))))
    assert len(smtp_capture.to("ben@example.org")) == 1


def test_a_renewed_loan_gets_a_new_due_soon_mail_for_its_new_due_date(
    network, ben, committed, smtp_capture
):
    loan = lend(network, ben, "Matilda")
    committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3))))
    renewed = services.loan_renew(actor=None, loan=loan, now=at(DUE - dt.timedelta(2), 10))
    assert renewed.due_on > DUE
    committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(renewed.due_on - dt.timedelta(3)))
    )
    mails = smtp_capture.to("ben@example.org")
    assert len(mails) == 2
    assert f"{renewed.due_on.day}, 2026" in mails[1]["Subject"]


def test_overdue_loans_make_one_mail_per_member_and_only_once(
    network, ben, committed, smtp_capture
):
    lend(network, ben, "Matilda")
    lend(network, ben, "The BFG")
    returned = lend(network, ben, "Heidi")
    services.loan_checkin(
        actor=None, branch=network.a1, barcode=returned.item.barcode, now=days_later(5)
    )
    after_due = DUE + dt.timedelta(1)

    first = committed(lambda: services.loans_notify_overdue(actor=None, now=at(after_due)))
    again = committed(
        lambda: services.loans_notify_overdue(actor=None, now=at(after_due + dt.timedelta(1)))
    )

    assert (first, again) == (1, 0)
    mails = smtp_capture.to("ben@example.org")
    assert len(mails) == 1
    assert mails[0]["Subject"] == "You have 2 items that are late"
    body = smtp_capture.body(mails[0])
    assert "- Matilda (due Dec. 9, 2026)" in body
    assert "- The BFG (due Dec. 9, 2026)" in body
    assert "Heidi" not in body


def test_a_loan_due_today_is_not_overdue(network, ben, committed, smtp_capture):
    lend(network, ben, "Matilda")
    assert committed(lambda: services.loans_notify_overdue(actor=None, now=at(DUE, 23))) == 0
    assert smtp_capture.messages == []


def test_a_hold_about_to_expire_is_reminded_once(network, ben, committed, smtp_capture):
    hold = ready_hold(network, ben, "The Hobbit", committed)
    assert hold.expires_on is not None
    two_days_before = at(hold.expires_on - dt.timedelta(2))

    first = committed(lambda: services.holds_notify_expiring(actor=None, now=two_days_before))
    again = committed(
        lambda: services.holds_notify_expiring(
            actor=None, now=two_days_before + dt.timedelta(days=1)
        )
    )

    assert (first, again) == (1, 0)
    reminder = smtp_capture.to("ben@example.org")[-1]
    assert hold.expires_on == dt.date(2026, 11, 25)
    assert reminder["Subject"] == "Pick up before Nov. 25, 2026: The Hobbit"
    assert network.a1.name in smtp_capture.body(reminder)
    hold.refresh_from_db()
    assert hold.expiring_notified_on == two_days_before.date()


def test_a_hold_further_from_its_last_day_is_not_reminded_yet(
    network, ben, committed, smtp_capture
):
    hold = ready_hold(network, ben, "The Hobbit", committed)
    assert hold.expires_on is not None
    sent = committed(
        lambda: services.holds_notify_expiring(
            actor=None, now=at(hold.expires_on - dt.timedelta(3))
        )
    )
    assert sent == 0
    assert len(smtp_capture.to("ben@example.org")) == 1  # the "ready" mail only


def test_a_hold_picked_up_before_its_reminder_goes_out_is_not_reminded(
    network, ben, committed, smtp_capture
):
    hold = ready_hold(network, ben, "The Hobbit", committed)
    assert hold.expires_on is not None

    def remind_then_pick_up():
        services.holds_notify_expiring(actor=None, now=at(hold.expires_on - dt.timedelta(1)))
        Hold.objects.filter(pk=hold.pk).update(status=HoldStatus.FULFILLED, person=None)

    committed(remind_then_pick_up)
    assert len(smtp_capture.to("ben@example.org")) == 1  # the "ready" mail only


def test_a_member_without_an_email_address_gets_the_other_channel_instead(
    network, committed, smtp_capture, monkeypatch
):
    no_mail = network.member(network.a, email="")
    lend(network, no_mail, "Matilda")
    other_channel = []
    monkeypatch.setattr(
        notices,
        "notice_without_email",
        lambda notice, *, object_id: other_channel.append((notice.kind, notice.person)),
    )

    sent = committed(
        lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3)))
    )

    assert sent == 1
    assert smtp_capture.messages == []
    assert other_channel == [(NoticeKind.DUE_SOON, no_mail)]


def test_a_loan_whose_member_link_is_gone_gets_no_notice(network, ben, committed, smtp_capture):
    loan = lend(network, ben, "Matilda")
    Loan.objects.filter(pk=loan.pk).update(person=None)  # anonymised
    assert (
        committed(lambda: services.loans_notify_overdue(actor=None, now=at(DUE + dt.timedelta(1))))
        == 0
    )
    # A notice already queued for it is dropped too.
    assert notices.notice_send(kind=NoticeKind.OVERDUE, object_id=loan.pk) is False
    assert smtp_capture.messages == []


def test_notices_are_audited_without_the_members_name_or_address(
    network, ben, committed, smtp_capture
):
    loan = lend(network, ben, "Matilda")
    committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3))))
    event = AuditEvent.objects.get(event_type="circulation.notice.due_soon")
    assert event.actor_label == "system"
    assert event.details == {"person": ben.pk, "loans": [loan.pk]}


def test_log_lines_about_notices_carry_no_personal_data(
    network, ben, committed, smtp_capture, caplog
):
    lend(network, ben, "Matilda")
    ben_no_mail = network.member(network.a, given_name="Ben", family_name="Nomail", email="")
    lend(network, ben_no_mail, "Matilda")
    with caplog.at_level(logging.DEBUG):
        committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3))))
    assert len(smtp_capture.messages) == 1
    ours = "\n".join(
        record.getMessage()
        for record in caplog.records
        if not record.name.startswith("mail.log")  # the test's SMTP server
    )
    assert "notice due_soon" in ours
    for personal in ("ben@example.org", "Ben", "Nomail", "Jansen", "Matilda"):
        assert personal not in ours


def test_a_notice_whose_transaction_rolls_back_is_never_sent(network, ben, committed, smtp_capture):
    lend(network, ben, "Matilda")

    class Interrupted(Exception):
        pass

    def notify_then_fail():
        with transaction.atomic():
            services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3)))
            raise Interrupted

    with pytest.raises(Interrupted):
        committed(notify_then_fail)

    assert smtp_capture.messages == []
    assert Loan.objects.filter(due_soon_notified_on__isnull=False).count() == 0


def test_a_notice_the_mail_server_refused_is_sent_by_a_later_attempt(
    network, ben, committed, smtp_capture, settings, monkeypatch
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker would close the test's own transaction between two jobs.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run_worker():
        db_worker.Worker(
            queue_names=["*"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    lend(network, ben, "Matilda")
    committed(lambda: services.loans_notify_due_soon(actor=None, now=at(DUE - dt.timedelta(3))))
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nobody listens: the mail server is down
    run_worker()
    assert smtp_capture.messages == []
    (later,) = DBTaskResult.objects.filter(status="READY")
    assert later.run_after > later.enqueued_at

    settings.EMAIL_PORT = working_port
    DBTaskResult.objects.filter(pk=later.pk).update(run_after=later.enqueued_at)
    run_worker()
    assert len(smtp_capture.to("ben@example.org")) == 1
    assert DBTaskResult.objects.get(pk=later.pk).status == "SUCCESSFUL"
