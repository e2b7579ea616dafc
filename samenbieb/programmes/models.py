"""Programmes and services: activities (courses, events, consultation hours), their
sessions, registrations and attendance; consultation slots, appointments and walk-in
contacts; national programme templates; partner organisations and referrals.

State changes only through :mod:`samenbieb.programmes.services`. People without an
account are registered with a name and a phone number only, and anonymised after the
activity (retention: the privacy issue).
"""

from __future__ import annotations

from typing import ClassVar

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samenbieb.members.models import Person
from samenbieb.network.models import Branch, Organisation, StaffUser


class Theme(models.Model):
    """What an activity helps with; the network counts and finds help by theme."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TargetGroup(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityKind(models.TextChoices):
    COURSE = "course", _("Course (a series of sessions)")
    EVENT = "event", _("Event or workshop")
    CONSULTATION = "consultation", _("Consultation hour")


class LanguageLevel(models.TextChoices):
    ANY = "", _("Any level")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"


class Programme(models.Model):
    """A national programme (Digisterker, DigiVeiliger, Klik & Tik) published by the
    national library or a support organisation; local libraries run it as activities."""

    publisher = models.ForeignKey(
        Organisation, verbose_name=_("published by"), on_delete=models.PROTECT, related_name="+"
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=15, choices=ActivityKind.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True)
    target_groups = models.ManyToManyField(TargetGroup, verbose_name=_("target groups"), blank=True)
    language_level = models.CharField(
        _("language level"), max_length=2, choices=LanguageLevel.choices, blank=True
    )
    sessions = models.PositiveSmallIntegerField(_("number of sessions"), default=1)
    session_minutes = models.PositiveSmallIntegerField(_("minutes per session"), default=120)
    is_active = models.BooleanField(_("offered"), default=True)

    tenant_path: ClassVar[str] = "publisher_id"

    class Meta:
        verbose_name = _("national programme")
        verbose_name_plural = _("national programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    CANCELLED = "cancelled", pgettext_lazy("activity", "Cancelled")


class Activity(models.Model):
    """Something a library offers people: a course, an event or a consultation hour."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("national programme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
    )
    kind = models.CharField(_("kind"), max_length=15, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), related_name="activities")
    target_groups = models.ManyToManyField(
        TargetGroup, verbose_name=_("target groups"), blank=True, related_name="activities"
    )
    language_level = models.CharField(
        _("language level"), max_length=2, choices=LanguageLevel.choices, blank=True
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("location"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: online."),
    )
    online_url = models.URLField(_("online address"), blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    price = models.DecimalField(
        _("price"),
        max_digits=7,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    walk_in = models.BooleanField(_("walk-in without appointment"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["status", "kind"], name="activity_status_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="activity_price_not_negative"),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__lt=F("registration_closes_at")),
                name="activity_registration_window_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Session(models.Model):
    """One meeting of an activity (a course has several, an event one)."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["starts_at"], name="session_starts_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="session_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Registered")
    WAITING = "waiting", _("On the waiting list")
    CANCELLED = "cancelled", pgettext_lazy("registration", "Cancelled")


class RegistrationVia(models.TextChoices):
    PORTAL = "portal", _("Portal")
    DESK = "desk", _("Desk")
    REFERRAL = "referral", _("Referral by a partner")


class Registration(models.Model):
    """A person's place (or place in line) for an activity.

    A member is linked; someone without an account leaves a name and a phone number
    only (many in these target groups have no e-mail), erased after the activity.
    """

    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="registrations",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RegistrationStatus.choices)
    via = models.CharField(_("registered via"), max_length=10, choices=RegistrationVia.choices)
    registered_by = models.ForeignKey(
        StaffUser,
        verbose_name=_("registered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registered at"))
    promoted_at = models.DateTimeField(_("moved off the waiting list at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    # A secret for the registration's own links (calendar file, cancel without account).
    token = models.CharField(max_length=43, unique=True, editable=False)

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["activity", "status", "created_at"], name="registration_queue"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(status__in=["confirmed", "waiting"]) & Q(person__isnull=False),
                name="registration_one_per_member",
            ),
            models.CheckConstraint(
                condition=Q(status__in=RegistrationStatus.values),
                name="registration_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_status_display()}"


class Attendance(models.Model):
    """Whether a registered person came to one session."""

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances"
    )
    present = models.BooleanField(_("present"))
    recorded_by = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    tenant_path: ClassVar[str] = "session__activity__organisation_id"

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="attendance_once_per_session"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session}: {'present' if self.present else 'absent'}"


class ConsultationSchedule(models.Model):
    """Weekly hours of a consultation activity at a branch, cut into bookable slots that
    fall within the branch's opening hours and outside its closures."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="schedules"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per appointment"), default=30, validators=[MinValueValidator(5)]
    )
    valid_from = models.DateField(_("first day"))
    valid_until = models.DateField(_("last day"), null=True, blank=True)

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("consultation schedule")
        verbose_name_plural = _("consultation schedules")
        ordering = ["weekday", "starts"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__lte=6), name="schedule_weekday_known"),
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="schedule_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} ({self.weekday}, {self.starts:%H:%M}–{self.ends:%H:%M})"


class Topic(models.Model):
    """What someone comes to a consultation hour for (DigiD, allowances, tax return…)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    theme = models.ForeignKey(Theme, verbose_name=_("theme"), on_delete=models.PROTECT)

    class Meta:
        verbose_name = _("topic")
        verbose_name_plural = _("topics")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    """One bookable time at a consultation hour, generated from its schedule."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="slots"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["branch", "starts_at"], name="slot_branch_start")]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "branch", "starts_at"], name="slot_unique_time"
            ),
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="slot_starts_before_end"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", pgettext_lazy("appointment", "Cancelled")
    ATTENDED = "attended", _("Came")
    NO_SHOW = "no_show", _("Did not come")


class Appointment(models.Model):
    """A booked slot: a member, or a name and phone number, with a topic."""

    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.PROTECT, related_name="appointments"
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT)
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AppointmentStatus.choices,
        default=AppointmentStatus.BOOKED,
    )
    booked_by = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("booked at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)
    token = models.CharField(max_length=43, unique=True, editable=False)

    tenant_path: ClassVar[str] = "slot__activity__organisation_id"

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "id"]
        constraints = [
            # One person per slot: the guarantee against double bookings.
            models.UniqueConstraint(
                fields=["slot"], condition=~Q(status="cancelled"), name="appointment_one_per_slot"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.slot} ({self.topic})"


class ContactOutcome(models.TextChoices):
    HELPED = "helped", _("Helped")
    REFERRED = "referred", _("Referred to a partner")
    FOLLOW_UP = "follow_up", _("Follow-up needed")


class WalkInContact(models.Model):
    """An anonymous count of one walk-in contact: when, where, what about, how it ended."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="contacts"
    )
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ContactOutcome.choices)
    partner = models.ForeignKey(
        "Partner",
        verbose_name=_("referred to"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    occurred_on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("walk-in contact")
        verbose_name_plural = _("walk-in contacts")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(outcome="referred") | Q(partner__isnull=False),
                name="contact_referred_names_partner",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on}: {self.topic} ({self.get_outcome_display()})"


class PartnerKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    POLICE = "police", _("Police")
    TAX_OFFICE = "tax_office", _("Tax office")
    WELFARE = "welfare", _("Welfare organisation")
    SENIORWEB = "seniorweb", _("SeniorWeb")
    JOB_CENTRE = "job_centre", _("Job centre")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education")
    OTHER = "other", _("Other")


class Partner(models.Model):
    """An organisation a library works with (the local social map)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=15, choices=PartnerKind.choices)
    themes = models.ManyToManyField(Theme, verbose_name=_("helps with"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=150)
    role = models.CharField(_("role"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)

    tenant_path: ClassVar[str] = "partner__organisation_id"

    class Meta:
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerRole(models.TextChoices):
    REFERS = "refers", _("Refers participants")
    CO_DESIGNS = "co_designs", _("Designs it with us")
    TEACHES = "teaches", _("Teaches")
    GUEST_SPEAKER = "guest_speaker", _("Guest speaker")


class ActivityPartner(models.Model):
    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="partners"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="activities"
    )
    role = models.CharField(_("role"), max_length=15, choices=PartnerRole.choices)

    tenant_path: ClassVar[str] = "activity__organisation_id"

    class Meta:
        verbose_name = _("partner of an activity")
        verbose_name_plural = _("partners of activities")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "partner", "role"], name="activity_partner_role_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_role_display()}"


class PartnerAccount(models.Model):
    """A staff login of a partner organisation: it sees only its own partner's referrals."""

    user = models.OneToOneField(StaffUser, on_delete=models.CASCADE, related_name="partner_account")
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="accounts"
    )

    tenant_path: ClassVar[str] = "partner__organisation_id"

    class Meta:
        verbose_name = _("partner account")
        verbose_name_plural = _("partner accounts")

    def __str__(self) -> str:
        return f"{self.user} ({self.partner})"


class ReferralDirection(models.TextChoices):
    INCOMING = "incoming", _("To the library (by a partner)")
    OUTGOING = "outgoing", _("From the library (to a partner)")


class ReferralStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    HELPED = "helped", _("Came / helped")
    CLOSED = "closed", _("Closed")


class Referral(models.Model):
    """A person referred to a library activity by a partner, or by the library to a
    partner: minimal data, with the person's recorded consent, and a status."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=ReferralDirection.choices)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="referrals"
    )
    activity = models.ForeignKey(
        Activity,
        verbose_name=_("activity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
    )
    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, null=True, blank=True
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_text_version = models.CharField(_("consent text version"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.SENT
    )
    created_by = models.ForeignKey(
        StaffUser, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["partner", "status"], name="referral_partner_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(direction="outgoing") | Q(activity__isnull=False),
                name="referral_incoming_names_activity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()}: {self.partner} ({self.get_status_display()})"
