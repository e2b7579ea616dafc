"""Factories for the network: small, valid objects with unique identifiers."""

from __future__ import annotations

import datetime as dt

import factory

from samenbieb.network.models import (
    Branch,
    Closure,
    OpeningHours,
    Organisation,
    OrganisationKind,
    StaffRole,
    StaffUser,
)

PASSWORD = "correct horse battery staple"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Bibliotheek Test {n}")
    short_name = factory.Sequence(lambda n: f"Test {n}")
    kind = OrganisationKind.LIBRARY
    isil = factory.Sequence(lambda n: f"NL-Test{n}")
    province = "UT"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"branch-{n}")
    name = factory.Sequence(lambda n: f"Vestiging {n}")
    kind = "branch"
    street = "Dorpsstraat"
    house_number = "1"
    postcode = "3511 AB"
    city = "Utrecht"


class OpeningHoursFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OpeningHours

    branch = factory.SubFactory(BranchFactory)
    weekday = 0
    opens = dt.time(10)
    closes = dt.time(17)


class ClosureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Closure

    organisation = factory.SubFactory(OrganisationFactory)
    start_date = dt.date(2026, 12, 25)
    end_date = dt.date(2026, 12, 26)
    reason = "Kerst"


class StaffUserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffUser
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")

    @factory.post_generation
    def password(self, create: bool, extracted: str | None, **kwargs: object) -> None:
        """Argon2 is slow by design: hash only when a test logs in with a password.

        ``StaffUserFactory(password=PASSWORD)`` gives a usable one; other tests use
        ``force_login``.
        """
        if extracted:
            self.set_password(extracted)
        else:
            self.set_unusable_password()
        if create:
            self.save()


class StaffRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffRole

    user = factory.SubFactory(StaffUserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "desk"


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Record"

    match_key = factory.Sequence(lambda n: f"test:{n}")
    title = factory.Sequence(lambda n: f"Het boek nummer {n}")
    language = "dut"
    year = 2020


class ItemTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "holdings.ItemType"
        django_get_or_create = ("code",)

    code = "book"
    name = "Boek"


class ItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "holdings.Item"
        skip_postgeneration_save = True

    barcode = factory.Sequence(lambda n: f"3000{n:08d}")
    record = factory.SubFactory(RecordFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    home_branch = factory.SubFactory(
        BranchFactory, organisation=factory.SelfAttribute("..organisation")
    )
    current_branch = factory.SelfAttribute("home_branch")
    item_type = factory.SubFactory(ItemTypeFactory)

    @factory.post_generation
    def search_availability(self, create: bool, extracted: object, **kwargs: object) -> None:
        """As the holdings services do: the search index learns where the copy is."""
        if create:
            from samenbieb.catalog import search

            search.availability_refresh([self.record_id])


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Person"

    given_name = factory.Sequence(lambda n: f"Lid{n}")
    family_name = "Jansen"
    birth_date = dt.date(1980, 5, 17)
    postcode = "3511 AB"
    home_organisation = factory.SubFactory(OrganisationFactory)
    identity_key = factory.Sequence(lambda n: f"test-identity-{n}")


class LibraryCardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.LibraryCard"

    barcode = factory.Sequence(lambda n: f"2{n:013d}")
    person = factory.SubFactory(PersonFactory)
    issued_by = factory.SelfAttribute("person.home_organisation")


class MembershipPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.MembershipPlan"

    organisation = factory.SubFactory(OrganisationFactory)
    code = factory.Sequence(lambda n: f"plan-{n}")
    name = "Volwassen"
    price = "49.50"
    min_age = 18


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Membership"

    person = factory.SubFactory(PersonFactory)
    plan = factory.SubFactory(
        MembershipPlanFactory, organisation=factory.SelfAttribute("..person.home_organisation")
    )
    organisation = factory.SelfAttribute("plan.organisation")
    starts_on = dt.date(2026, 1, 1)
    ends_on = dt.date(2026, 12, 31)


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.Consent"

    person = factory.SubFactory(PersonFactory)
    kind = "news"
    given = True
    text_version = "2026-1"
    recorded_via = "desk"


class ChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "circulation.Charge"

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.home_organisation")
    kind = "membership_fee"
    amount = "49.50"
    description = "Contributie"


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A staff member's linked (confirmed) authenticator app, with a random key."""

    class Meta:
        model = "otp_totp.TOTPDevice"

    user = factory.SubFactory(StaffUserFactory)
    name = "Authenticator app"
    confirmed = True


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code the app of ``device`` shows now (or ``steps_ahead`` time steps later)."""
    import time

    from django_otp.oath import TOTP

    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    clock.time = time.time() + steps_ahead * device.step
    return f"{clock.token():0{device.digits}d}"


def staff_login(client, user, device=None):
    """Log ``user`` in on a test client with both factors, in the state our login leaves.

    Django's ``login`` (``force_login``), then django-otp's ``login`` with a confirmed
    device of the user (one is linked if there is none): exactly the session that the
    desk login makes after a right password and code. Returns the device.
    """
    import django_otp
    from django.http import HttpRequest
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if device is None:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDeviceFactory(user=user)
    client.force_login(user)
    request = HttpRequest()
    request.session = client.session
    request.user = user
    django_otp.login(request, device)
    request.session.save()
    return device


class DigitalResourceFactory(factory.django.DjangoModelFactory):
    """An e-book with one copy for one user at a time, unless told otherwise."""

    class Meta:
        model = "catalog.DigitalResource"

    record = factory.SubFactory(RecordFactory)
    kind = "ebook"
    licence = "one_copy_one_user"
    copies = 1
    provider = "Leesplatform Test"
    access_url = factory.Sequence(lambda n: f"https://provider.example/boek/{n}")


class DigitalLoanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "digital.DigitalLoan"

    resource = factory.SubFactory(DigitalResourceFactory)
    person = factory.SubFactory(PersonFactory)
    organisation = factory.SelfAttribute("person.home_organisation")
    started = factory.LazyFunction(lambda: dt.datetime.now(dt.UTC) - dt.timedelta(days=1))
    ends = factory.LazyAttribute(lambda loan: loan.started + dt.timedelta(days=21))


class CirculationRuleFactory(factory.django.DjangoModelFactory):
    """A library's rule for anyone and any item type unless told otherwise."""

    class Meta:
        model = "circulation.CirculationRule"

    organisation = factory.SubFactory(OrganisationFactory)
    loan_days = 21
    renewals_allowed = 2
    max_loans = 25
    holds_allowed = True
    hold_fee = "0.50"
    fine_per_day = "0.25"
    fine_cap = "5.00"
    may_travel = True
