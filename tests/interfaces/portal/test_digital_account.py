"""My account lists what the member borrowed online and lets them return it early."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from samenbieb.digital.models import DigitalLoan
from tests.factories import DigitalLoanFactory, DigitalResourceFactory

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("portal:account")


def _return(loan) -> str:
    return reverse("portal:digital_loan_return", args=[loan.pk])


def test_my_account_lists_running_digital_loans_with_their_end_and_a_return_button(
    logged_in, portal_member
):
    now = timezone.now()
    running = DigitalLoanFactory(person=portal_member.person)
    ran_out = DigitalLoanFactory(person=portal_member.person, started=now - dt.timedelta(days=30))
    someone_elses = DigitalLoanFactory()
    response = logged_in.get(ACCOUNT)
    assert response.context["digital_loans"] == [running]
    page = response.content.decode()
    assert f'id="digital-loan-{running.pk}"' in page
    assert f'action="{_return(running)}"' in page
    assert f'id="digital-loan-{ran_out.pk}"' not in page
    assert f'id="digital-loan-{someone_elses.pk}"' not in page
    assert running.resource.access_url not in page


def test_returning_early_ends_the_loan_and_frees_the_copy(logged_in, portal_member):
    resource = DigitalResourceFactory(copies=1)
    access = reverse("portal:digital_access", args=[resource.token])
    logged_in.post(access)
    loan = DigitalLoan.objects.get()
    response = logged_in.post(_return(loan))
    assert response.status_code == 302
    assert response["Location"] == f"{ACCOUNT}#digitaal"
    loan.refresh_from_db()
    assert loan.returned_at is not None
    assert logged_in.get(ACCOUNT).context["digital_loans"] == []


def test_a_member_cannot_return_another_members_loan(logged_in):
    loan = DigitalLoanFactory()
    response = logged_in.post(_return(loan), follow=True)
    assert response.status_code == 200
    loan.refresh_from_db()
    assert loan.returned_at is None
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_returning_needs_a_login_and_a_post(logged_in, portal_member):
    loan = DigitalLoanFactory(person=portal_member.person)
    assert logged_in.get(_return(loan)).status_code == 405
    anonymous = Client()
    response = anonymous.post(_return(loan))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("portal:login"))
    loan.refresh_from_db()
    assert loan.returned_at is None
