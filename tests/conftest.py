from __future__ import annotations

import os

import pytest

from tests.factories import PASSWORD, StaffRoleFactory

# Playwright's synchronous API runs an event loop in the test thread; the database work
# that tests and the live server do around it is ordinary synchronous Django code.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# tests.members.smtp: the `smtp_capture` fixture, a real SMTP server on localhost.
pytest_plugins = ["tests.browser", "tests.members.smtp"]


def _uses_database(item: pytest.Item) -> bool:
    uses = set(getattr(item, "fixturenames", ()))
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server", "django_db_setup"} & uses
    )


@pytest.fixture(autouse=True)
def _reference_data_outlives_flushes(request: pytest.FixtureRequest, django_db_blocker):
    """Transactional tests end by emptying every table, including the municipalities that
    a data migration loaded; put them back so every test starts from a migrated database."""
    if _uses_database(request.node):
        from samenbieb.network.models import Municipality
        from samenbieb.network.reference import municipalities_load
        from samenbieb.programmes.models import TargetGroup, Theme, Topic
        from samenbieb.programmes.vocabularies import vocabularies_load

        with django_db_blocker.unblock():
            if not Municipality.objects.exists():
                municipalities_load()
            if not Topic.objects.exists():
                vocabularies_load(Theme, TargetGroup, Topic)


@pytest.fixture
def staff_with_role():
    """Make a staff member holding ``role`` in ``organisation``; returns the user."""

    def make(organisation, role: str = "desk"):
        return StaffRoleFactory(organisation=organisation, role=role).user

    return make


@pytest.fixture
def password() -> str:
    return PASSWORD
