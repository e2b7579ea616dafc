"""The record page offers online access: a link per active resource, never the provider's."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import DigitalLoanFactory, DigitalResourceFactory, RecordFactory

pytestmark = pytest.mark.django_db


def _page(client: Client, record):
    response = client.get(reverse("portal:record", args=[record.pk]))
    assert response.status_code == 200
    return response


def test_each_active_resource_gets_an_online_link_and_a_switched_off_one_none(client: Client):
    record = RecordFactory()
    ebook = DigitalResourceFactory(record=record, kind="ebook", copies=2)
    audiobook = DigitalResourceFactory(
        record=record, kind="audiobook", licence="simultaneous", copies=None
    )
    podcast = DigitalResourceFactory(record=record, kind="podcast", is_active=False)
    page = _page(client, record).content.decode()
    for resource in (ebook, audiobook):
        link = reverse("portal:digital_access", args=[resource.token])
        assert f'<a href="{link}" id="online-{resource.pk}">' in page
        assert resource.access_url not in page
    assert str(podcast.token) not in page
    assert 'id="online"' in page


def test_the_page_says_how_many_copies_are_free_and_when_one_comes_back(client: Client):
    record = RecordFactory()
    shared = DigitalResourceFactory(record=record, copies=2)
    DigitalLoanFactory(resource=shared)
    taken = DigitalResourceFactory(record=record, kind="audiobook", copies=1)
    loan = DigitalLoanFactory(resource=taken)
    DigitalLoanFactory(resource=taken, returned_at=loan.started)  # returned: no longer counts
    offers = {offer.resource.pk: offer for offer in _page(client, record).context["online_access"]}
    assert (offers[shared.pk].copies_free, offers[shared.pk].copies) == (1, 2)
    assert offers[taken.pk].copies_free == 0
    assert offers[taken.pk].free_again_at == loan.ends


def test_a_record_without_online_access_shows_no_online_section(client: Client):
    assert 'id="online"' not in _page(client, RecordFactory()).content.decode()


def test_more_online_resources_cost_no_more_queries(client: Client, django_assert_max_num_queries):
    one, many = RecordFactory(), RecordFactory()
    DigitalResourceFactory(record=one)
    for _ in range(5):
        DigitalLoanFactory(resource=DigitalResourceFactory(record=many, copies=3))
    with django_assert_max_num_queries(50) as counted:
        _page(client, one)
    baseline = len(counted.captured_queries)
    with django_assert_max_num_queries(baseline):
        _page(client, many)
