"""What the database itself refuses for digital resources, whichever door writes them."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from tests.factories import DigitalResourceFactory

pytestmark = pytest.mark.django_db


def test_a_one_copy_one_user_licence_without_a_number_of_copies_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitalResourceFactory(licence="one_copy_one_user", copies=None)


def test_a_one_copy_one_user_licence_with_no_copies_is_refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        DigitalResourceFactory(licence="one_copy_one_user", copies=0)


def test_a_simultaneous_licence_needs_no_number_of_copies():
    assert DigitalResourceFactory(licence="simultaneous", copies=None).pk
