"""One identity per person across the whole network, and what hangs on it.

A person is a member of one or more library organisations (memberships) and carries
library cards; the same identity works at every library and every connected service.
Persons are not Django auth users: staff accounts are (``network.StaffUser``), members
log in through their own session (see docs/decisions/0004).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.hashers import check_password, make_password
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Organisation
from samenbieb.network.validators import validate_postcode


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class NameKey(Func):
    """A name as the desk searches it: ``lower(name)``, compared and ordered code point by
    code point.

    On PostgreSQL that is ``lower(name) COLLATE "C"``: only under the C collation can a
    btree index answer ``LIKE 'jans%'`` with a range scan *and* deliver the rows in the
    order asked for, so a search stops after 25 rows instead of sorting every match. In
    a database with a linguistic collation the order differs from it only for accents and
    punctuation. SQLite compares code points anyway (its BINARY collation).
    """

    function = "LOWER"
    arity = 1
    output_field = models.CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        sql, params = self.as_sql(compiler, connection, **extra_context)
        return f'({sql} COLLATE "C")', params


class Person(models.Model):
    """A member's identity. Personal data: exported and anonymised per the privacy rules."""

    given_name = models.CharField(_("first name"), max_length=100)
    name_prefix = models.CharField(
        _("name prefix"), max_length=20, blank=True, help_text=_("For example: van, de, van der.")
    )
    family_name = models.CharField(_("last name"), max_length=150)
    birth_date = models.DateField(_("date of birth"))
    street = models.CharField(_("street"), max_length=150, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified at"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    home_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("home library"),
        on_delete=models.PROTECT,
        related_name="home_members",
    )
    # Argon2id through Django's hashers; empty until the member chooses a password.
    password = models.CharField(_("password"), max_length=128, blank=True)
    last_login = models.DateTimeField(_("last login"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Set by an erasure (samenbieb.privacy): the row stays, empty, for the bookkeeping and
    # statistics that point to it (paid charges, memberships); nothing in it is personal.
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True, editable=False)
    # The duplicate-detection key: normalised last name, first name, birth date, postcode.
    identity_key = models.CharField(_("identity key"), max_length=300, db_index=True)

    tenant_path: ClassVar[str] = "home_organisation_id"

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        ordering = ["family_name", "given_name", "id"]
        constraints = [
            # One identity per e-mail address (case-insensitive), when there is one.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="person_email_unique"
            ),
        ]
        indexes = [
            # The desk search (members.queries.persons_for_desk): name prefixes in the
            # order shown, for staff of one or a few libraries and for the whole network.
            models.Index(
                F("home_organisation"),
                NameKey("family_name"),
                NameKey("given_name"),
                F("id"),
                name="person_home_name_key",
            ),
            models.Index(
                NameKey("family_name"), NameKey("given_name"), F("id"), name="person_name_key"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(
            part for part in (self.given_name, self.name_prefix, self.family_name) if part
        )

    def set_password(self, raw_password: str | None) -> None:
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        if not self.password:
            return False

        def upgrade(raw: str) -> None:
            self.set_password(raw)
            self.save(update_fields=["password"])

        return check_password(raw_password, self.password, upgrade)


class GuardianLink(models.Model):
    """A parent or guardian who manages a child's account."""

    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="guardian_links")
    guardian = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ward_links")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "child__home_organisation_id"

    class Meta:
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")
        constraints = [
            models.UniqueConstraint(fields=["child", "guardian"], name="guardian_link_unique"),
            models.CheckConstraint(condition=~Q(child=F("guardian")), name="guardian_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.guardian} → {self.child}"


class CardStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    LOST = "lost", _("Reported lost")
    REPLACED = "replaced", _("Replaced")
    BLOCKED = "blocked", _("Blocked")


class LibraryCard(models.Model):
    """A card: its barcode is unique in the network and never given out twice."""

    barcode = models.CharField(_("card number"), max_length=32, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="cards")
    issued_by = models.ForeignKey(
        Organisation, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CardStatus.choices, default=CardStatus.ACTIVE
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "person__home_organisation_id"

    class Meta:
        verbose_name = _("library card")
        verbose_name_plural = _("library cards")
        ordering = ["-issued_at"]
        constraints = [
            # At most one card in use per person: a new card replaces the old one.
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="active"), name="one_active_card_per_person"
            ),
        ]

    def __str__(self) -> str:
        return self.barcode


class MembershipPlan(models.Model):
    """What a library offers: one membership covers physical and digital services alike."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.CASCADE, related_name="plans"
    )
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    price = models.DecimalField(_("price"), max_digits=7, decimal_places=2)
    period_months = models.PositiveSmallIntegerField(_("period in months"), default=12)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    is_active = models.BooleanField(_("offered"), default=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("membership plan")
        verbose_name_plural = _("membership plans")
        ordering = ["organisation_id", "min_age", "price"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="plan_code_unique"),
            models.CheckConstraint(condition=Q(price__gte=0), name="plan_price_not_negative"),
            models.CheckConstraint(condition=Q(period_months__gte=1), name="plan_period_positive"),
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="plan_ages_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A person's membership of one library for one period. Valid while today is in it."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    plan = models.ForeignKey(
        MembershipPlan, verbose_name=_("plan"), on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["-starts_on"]
        indexes = [models.Index(fields=["person", "ends_on"], name="membership_person_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="membership_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.plan} ({self.starts_on:%d-%m-%Y} – {self.ends_on:%d-%m-%Y})"


class ConsentKind(models.TextChoices):
    LOAN_HISTORY = "loan_history", _("Keep my loan history")
    NEWS = "news", _("Send me news from my library")


class Consent(models.Model):
    """A choice the member made, with the exact text they saw. Later choices win; none is
    ever overwritten, so what was agreed and when can always be shown."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    given = models.BooleanField(_("given"))
    text_version = models.CharField(_("text version"), max_length=20)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    recorded_via = models.CharField(_("recorded via"), max_length=20)

    tenant_path: ClassVar[str] = "person__home_organisation_id"

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["person_id", "kind", "-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {'ja' if self.given else 'nee'}"


class FailedLogin(models.Model):
    """A failed member login, kept briefly to slow down password guessing.

    ``key`` is a keyed hash of the login name (card number or e-mail), never the name
    itself, so this table holds no personal data in the clear.
    """

    key = models.CharField(_("key"), max_length=64)
    attempted_at = models.DateTimeField(_("attempted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        indexes = [models.Index(fields=["key", "attempted_at"], name="failed_login_key_time")]

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.attempted_at:%Y-%m-%d %H:%M}"
