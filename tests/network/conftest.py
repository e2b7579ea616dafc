"""Staff with a password and a linked authenticator app, for the second-factor tests."""

from __future__ import annotations

import pytest

from samenbieb.network.roles import Role
from tests.factories import PASSWORD, OrganisationFactory, StaffRoleFactory, TOTPDeviceFactory


@pytest.fixture
def fast_password_hashing(settings):
    # Argon2 is slow by design; how passwords are hashed is tested in tests/interfaces.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def organisation(db):
    return OrganisationFactory(name="Bibliotheek Utrecht")


@pytest.fixture
def staff(fast_password_hashing, organisation):
    """An administrator (may use the desk and the admin) who logs in with PASSWORD."""
    return StaffRoleFactory(
        organisation=organisation, role=Role.ADMINISTRATOR, user__password=PASSWORD
    ).user


@pytest.fixture
def device(staff):
    return TOTPDeviceFactory(user=staff)
