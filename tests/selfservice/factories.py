from __future__ import annotations

import factory
from django.contrib.auth.hashers import make_password

from tests.factories import BranchFactory

KIOSK_PASSWORD = "kiosk-wachtwoord-1"


class KioskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "selfservice.Kiosk"

    username = factory.Sequence(lambda n: f"kiosk-{n}")
    password = factory.LazyFunction(lambda: make_password(KIOSK_PASSWORD))
    branch = factory.SubFactory(BranchFactory)
