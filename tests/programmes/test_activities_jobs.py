"""The daily jobs: reminders the day before (e-mail through a real SMTP server, a text
message through the SMS hook) and erasing what people without an account left behind."""

from __future__ import annotations

import datetime as dt

import pytest

from samenbieb.core.jobs import SCHEDULE
from samenbieb.programmes import services
from samenbieb.programmes.models import Registration, RegistrationStatus
from tests.factories import PersonFactory
from tests.programmes.factories import NOW, ActivityFactory, RegistrationFactory, at

pytestmark = pytest.mark.django_db

TEXTS: list[tuple[str, str]] = []


def fake_gateway(phone: str, text: str) -> None:
    """An SMS gateway that keeps what it was given."""
    TEXTS.append((phone, text))


@pytest.fixture
def sms_gateway(settings):
    TEXTS.clear()
    settings.SAMENBIEB = {
        **settings.SAMENBIEB,
        "SMS_BACKEND": "tests.programmes.test_activities_jobs.fake_gateway",
    }
    yield TEXTS
    TEXTS.clear()


def the_day_before(activity) -> dt.datetime:
    first = activity.sessions.order_by("starts_at").first().starts_at
    return first - dt.timedelta(days=1) - dt.timedelta(hours=4)


def test_both_jobs_are_on_the_schedule():
    names = {periodic.name: periodic.task_path for periodic in SCHEDULE}
    assert names["registrations_remind"] == "samenbieb.programmes.tasks.registrations_remind"
    assert (
        names["registrations_anonymise_past"]
        == "samenbieb.programmes.tasks.registrations_anonymise_past"
    )


def test_a_member_is_reminded_by_mail_once_the_day_before(
    smtp_capture, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(title="Digisterker", sessions=[(at(7, 14), at(7, 16))])
    person = PersonFactory(given_name="Ans", email="ans@example.org")
    services.registration_create(actor=None, activity=activity, person=person, now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registrations_remind(now=the_day_before(activity)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert services.registrations_remind(now=the_day_before(activity)) == 0
    mails = smtp_capture.to("ans@example.org")
    assert len(mails) == 1
    assert "Digisterker" in mails[0]["Subject"]
    assert "14:00" in smtp_capture.body(mails[0])


def test_no_reminder_two_days_before_or_for_the_waiting_list(
    smtp_capture, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(capacity=1)
    services.registration_create(
        actor=None, activity=activity, person=PersonFactory(email="a@example.org"), now=NOW
    )
    services.registration_create(
        actor=None, activity=activity, person=PersonFactory(email="b@example.org"), now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            services.registrations_remind(now=the_day_before(activity) - dt.timedelta(days=1)) == 0
        )
        assert services.registrations_remind(now=the_day_before(activity)) == 1
    assert [str(mail["To"]) for mail in smtp_capture.messages] == ["a@example.org"]


def test_a_course_reminds_once_before_the_first_session_still_to_come():
    activity = ActivityFactory(sessions=[(at(7, 14), at(7, 16)), (at(14, 14), at(14, 16))])
    early = RegistrationFactory(activity=activity)
    assert services.registrations_remind(now=at(6, 10)) == 1
    # Registered after the first session: reminded before the next one instead.
    late = RegistrationFactory(activity=activity, created_at=at(8))
    assert services.registrations_remind(now=at(13, 10)) == 1
    early.refresh_from_db()
    late.refresh_from_db()
    assert (early.reminded_at, late.reminded_at) == (at(6, 10), at(13, 10))


def test_someone_with_only_a_phone_gets_a_text_message(
    sms_gateway, smtp_capture, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(title="Klik & Tik")
    services.registration_create(
        actor=None, activity=activity, name="Henk", phone="06 12345678", now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registrations_remind(now=the_day_before(activity))
    assert len(sms_gateway) == 1
    phone, text = sms_gateway[0]
    assert phone == "+31612345678"
    assert "Klik & Tik" in text
    assert smtp_capture.messages == []


def test_the_first_on_the_waiting_list_is_told_when_a_place_comes_free(
    smtp_capture, django_capture_on_commit_callbacks
):
    activity = ActivityFactory(capacity=1, title="DigiVeiliger")
    taken = RegistrationFactory(activity=activity)
    services.registration_create(
        actor=None, activity=activity, person=PersonFactory(email="wacht@example.org"), now=NOW
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=None, registration=taken, token=taken.token, now=NOW)
    mail = smtp_capture.last_to("wacht@example.org")
    assert "DigiVeiliger" in mail["Subject"]


def test_names_and_phone_numbers_are_erased_after_the_activity(settings):
    settings.SAMENBIEB = {**settings.SAMENBIEB, "ANONYMOUS_REGISTRATION_DAYS": 1}
    activity = ActivityFactory(sessions=[(at(7, 14), at(7, 16))])
    visitor = RegistrationFactory(activity=activity, name="Fatima", phone="+31612345678")
    member = RegistrationFactory(activity=activity, person=PersonFactory(), name="", phone="")
    cancelled = RegistrationFactory(
        activity=activity, status=RegistrationStatus.CANCELLED, phone="+31687654321"
    )
    assert services.registrations_anonymise_past(now=at(8, 15)) == 0  # less than a day after
    assert services.registrations_anonymise_past(now=at(8, 17)) == 2
    visitor.refresh_from_db()
    cancelled.refresh_from_db()
    assert (visitor.name, visitor.phone, visitor.status) == ("", "", RegistrationStatus.CONFIRMED)
    assert visitor.anonymised_at == at(8, 17)
    assert (cancelled.name, cancelled.phone) == ("", "")
    assert Registration.objects.get(pk=member.pk).person is not None
    assert services.registrations_anonymise_past(now=at(9)) == 0


def test_activities_still_running_keep_their_names():
    activity = ActivityFactory(sessions=[(at(-7, 14), at(-7, 16)), (at(7, 14), at(7, 16))])
    RegistrationFactory(activity=activity)
    assert services.registrations_anonymise_past(now=NOW) == 0
