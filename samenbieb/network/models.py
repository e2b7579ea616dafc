from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from samenbieb.network.roles import Role
from samenbieb.network.validators import validate_isil, validate_postcode


class Province(models.TextChoices):
    GRONINGEN = "GR", "Groningen"
    FRYSLAN = "FR", "Fryslân"
    DRENTHE = "DR", "Drenthe"
    OVERIJSSEL = "OV", "Overijssel"
    FLEVOLAND = "FL", "Flevoland"
    GELDERLAND = "GE", "Gelderland"
    UTRECHT = "UT", "Utrecht"
    NOORD_HOLLAND = "NH", "Noord-Holland"
    ZUID_HOLLAND = "ZH", "Zuid-Holland"
    ZEELAND = "ZE", "Zeeland"
    NOORD_BRABANT = "NB", "Noord-Brabant"
    LIMBURG = "LI", "Limburg"


class Municipality(models.Model):
    """A Dutch municipality with its CBS population figure (reference data, not tenant data)."""

    cbs_code = models.CharField(_("CBS code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=100)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("population year"))
    source = models.CharField(_("source"), max_length=200)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    LIBRARY = "library", _("Local library organisation")
    SUPPORT = "support", _("Provincial support organisation")
    NATIONAL = "national", _("National library")


class Organisation(models.Model):
    """A library organisation, a provincial support organisation (POI) or the national library."""

    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=OrganisationKind.choices)
    isil = models.CharField(_("ISIL code"), max_length=16, unique=True, validators=[validate_isil])
    province = models.CharField(
        _("province"),
        max_length=2,
        choices=Province.choices,
        blank=True,
        help_text=_("Empty for the national library."),
    )
    support_organisation = models.ForeignKey(
        "self",
        verbose_name=_("provincial support organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supported_libraries",
        limit_choices_to={"kind": OrganisationKind.SUPPORT},
    )
    municipalities = models.ManyToManyField(
        Municipality,
        verbose_name=_("municipalities served"),
        blank=True,
        related_name="organisations",
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "id"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="national") | ~Q(province=""),
                name="organisation_province_unless_national",
                violation_error_message=_(
                    "Every organisation but the national library has a province."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BranchKind(models.TextChoices):
    MAIN = "main", _("Main library")
    BRANCH = "branch", _("Branch")
    SERVICE_POINT = "service_point", _("Service point")
    SCHOOL_LIBRARY = "school_library", _("School library")
    INFORMATION_POINT = "information_point", _("Information point")
    MOBILE = "mobile", _("Mobile library")
    OFFICE = "office", _("Office (not open to the public)")


class Branch(models.Model):
    """A place where an organisation serves the public: a branch, service point, school library…"""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="branches",
    )
    code = models.SlugField(
        _("code"), max_length=30, help_text=_("Short code, unique within the organisation.")
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(
        _("kind"), max_length=20, choices=BranchKind.choices, default=BranchKind.BRANCH
    )
    street = models.CharField(_("street"), max_length=150, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=7, blank=True, validators=[validate_postcode]
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="branches",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code"], name="branch_code_unique_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="branch_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="branch_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def address(self) -> str:
        street = " ".join(part for part in (self.street, self.house_number) if part)
        place = " ".join(part for part in (self.postcode, self.city) if part)
        return ", ".join(part for part in (street, place) if part)


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """One opening period on a weekday; a day may have several (10–12 and 13–17)."""

    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.CASCADE, related_name="opening_hours"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    tenant_path: ClassVar[str] = "branch__organisation_id"

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        # By id, not "branch": ordering by a relation joins its table into every query.
        ordering = ["branch_id", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(opens__lt=F("closes")),
                name="opening_hours_opens_before_closes",
                violation_error_message=_("A period must close after it opens."),
            ),
            models.UniqueConstraint(
                fields=["branch", "weekday", "opens"], name="opening_hours_unique_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(models.Model):
    """Days an organisation or one of its branches is closed: holidays, renovation, a strike."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="closures",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Leave empty to close every branch of the organisation."),
    )
    start_date = models.DateField(_("first day"))
    end_date = models.DateField(_("last day"))
    reason = models.CharField(_("reason"), max_length=150)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["start_date"]
        indexes = [models.Index(fields=["organisation", "end_date"], name="closure_org_end")]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lte=F("end_date")),
                name="closure_starts_before_it_ends",
                violation_error_message=_("The last day cannot be before the first day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.start_date:%d-%m-%Y} – {self.end_date:%d-%m-%Y})"


class StaffUser(AbstractUser):
    """A staff account. What it may do, and where, comes only from its :class:`StaffRole` rows.

    Members are not staff users: they get their own identity in the ``members`` app.
    """

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["username"]

    # Staff are listed by the organisations they have roles in; see network.tenancy.
    tenant_path: ClassVar[str] = "staff_roles__organisation_id"


class StaffRole(models.Model):
    """A role a staff member holds in one organisation."""

    user = models.ForeignKey(
        StaffUser,
        verbose_name=_("staff member"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="staff_roles",
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("staff role")
        verbose_name_plural = _("staff roles")
        ordering = ["organisation__name", "user__username", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="staff_role_unique"
            ),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="staff_role_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.organisation})"
