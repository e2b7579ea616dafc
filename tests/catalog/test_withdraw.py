"""Withdrawing a record: it leaves the catalogue and the search, and stays as a tombstone."""

from __future__ import annotations

import pytest

from samenbieb.catalog import search, services
from samenbieb.catalog.models import Record
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from tests.catalog.search_factories import indexed_record
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.django_db


def test_a_withdrawn_record_keeps_its_row_with_a_new_datestamp_and_is_not_found():
    record = indexed_record("Het verdwenen boek")
    before = record.updated_at
    assert search.search(search.SearchQuery(text="verdwenen")).total == 1

    services.record_withdraw(actor=None, record_id=record.pk)

    record.refresh_from_db()
    assert record.deleted_at is not None
    assert record.updated_at == record.deleted_at > before
    assert Record.objects.filter(pk=record.pk).exists()
    assert search.search(search.SearchQuery(text="verdwenen")).total == 0
    assert AuditEvent.objects.filter(event_type="catalog.record.withdrawn").count() == 1


def test_withdrawing_twice_changes_nothing_the_second_time():
    record = indexed_record("Twee keer weg")
    first = services.record_withdraw(actor=None, record_id=record.pk)
    second = services.record_withdraw(actor=None, record_id=record.pk)
    assert second.deleted_at == first.deleted_at
    assert AuditEvent.objects.filter(event_type="catalog.record.withdrawn").count() == 1


def test_only_cataloguers_withdraw_records():
    record = indexed_record("Blijft staan")
    with pytest.raises(NotPermitted):
        services.record_withdraw(actor=StaffUserFactory(), record_id=record.pk)
    record.refresh_from_db()
    assert record.deleted_at is None
