"""The network's incident register: security incidents and data breaches, with a timeline.

An incident is handled by the response team of one organisation (usually the network's
national or provincial organisation) and may affect several libraries. A personal data
breach must be reported to the Autoriteit Persoonsgegevens within 72 hours of becoming
aware of it (GDPR art. 33); :mod:`samenbieb.incidents.queries` tracks that deadline.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# GDPR art. 33(1): "without undue delay and, where feasible, not later than 72 hours".
NOTIFICATION_HOURS = 72


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONTAINED = "contained", _("Contained")
    CLOSED = "closed", _("Closed")


class DataCategory(models.TextChoices):
    """Kinds of personal data an incident may touch, as the authority's form asks them."""

    IDENTITY = "identity", _("Names and dates of birth")
    CONTACT = "contact", _("Addresses, e-mail addresses and phone numbers")
    CREDENTIALS = "credentials", _("Card numbers, passwords and PINs")
    LOANS = "loans", _("Loans, holds and reading history")
    PAYMENTS = "payments", _("Charges and payments")
    PROGRAMMES = "programmes", _("Registrations, appointments and referrals")
    CHILDREN = "children", _("Data of children and their guardians")
    STAFF = "staff", _("Staff accounts")


class EntryKind(models.TextChoices):
    NOTE = "note", _("Note")
    ACTION = "action", _("Action taken")
    CHANGE = "change", _("Change")
    NOTIFICATION = "notification", _("Notification")


class Incident(models.Model):
    tenant_path: ClassVar[str] = "organisation_id"

    organisation = models.ForeignKey(
        "network.Organisation",
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        related_name="incidents_handled",
    )
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("what happened"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN
    )
    occurred_at = models.DateTimeField(_("occurred at"), null=True, blank=True)
    detected_at = models.DateTimeField(_("we became aware at"))
    personal_data_breach = models.BooleanField(_("personal data breach"), default=False)
    affected_organisations = models.ManyToManyField(
        "network.Organisation",
        verbose_name=_("affected organisations"),
        related_name="incidents",
        blank=True,
    )
    data_categories = models.JSONField(_("data categories"), default=list, blank=True)
    people_affected = models.PositiveIntegerField(_("people affected"), null=True, blank=True)
    authority_notified_at = models.DateTimeField(
        _("reported to the authority at"), null=True, blank=True
    )
    authority_reference = models.CharField(_("authority's reference"), max_length=100, blank=True)
    late_reason = models.TextField(_("reason the report was late"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering = ["-detected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="closed") | models.Q(closed_at__isnull=False),
                name="incident_closed_has_closed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def notification_deadline(self) -> dt.datetime | None:
        """When the authority must have the report; None if no personal data was breached."""
        if not self.personal_data_breach:
            return None
        return self.detected_at + dt.timedelta(hours=NOTIFICATION_HOURS)


class IncidentEntry(models.Model):
    """One line on an incident's timeline: what was found, done, changed or reported."""

    tenant_path: ClassVar[str] = "incident__organisation_id"

    incident = models.ForeignKey(
        Incident, verbose_name=_("incident"), on_delete=models.CASCADE, related_name="entries"
    )
    at = models.DateTimeField(_("at"))
    kind = models.CharField(_("kind"), max_length=15, choices=EntryKind.choices)
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    author_label = models.CharField(_("author"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_kind_display()}"
