"""The cockpit's aggregate tables: counts per period and place, never rows about persons.

Figures are computed from operational data by :mod:`samenbieb.cockpit.rollup` (a job and
``samenbieb cockpit-rollup``); the public cockpit reads only these tables. Which counts
may be published is decided once, when they are computed (:mod:`samenbieb.cockpit.suppression`).
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Branch, Organisation


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


class Level(models.TextChoices):
    NETWORK = "network", _("The whole network")
    PROVINCE = "province", _("Province")
    ORGANISATION = "organisation", _("Library")
    BRANCH = "branch", _("Branch")


class Figure(models.Model):
    """One count: an indicator for one period at one place, in total or for one part
    (``breakdown`` such as ``age_band:child``; empty for the total).

    ``value`` is the true count. ``suppressed`` says it may not be published: it is
    below the threshold, or it would let someone work out a count that is.
    """

    period_kind = models.CharField(_("period kind"), max_length=5, choices=PeriodKind.choices)
    period = models.DateField(_("period"), help_text=_("The first day of the month or year."))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    province = models.CharField(_("province"), max_length=2, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("library"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name=_("branch"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    indicator = models.CharField(_("indicator"), max_length=40)
    breakdown = models.CharField(_("breakdown"), max_length=80, blank=True)
    value = models.BigIntegerField(_("value"))
    suppressed = models.BooleanField(_("suppressed"), default=False)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("cockpit figure")
        verbose_name_plural = _("cockpit figures")
        ordering = ["period_kind", "period", "level", "indicator", "breakdown", "id"]
        indexes = [
            models.Index(
                fields=["period_kind", "period", "level", "indicator"], name="figure_lookup"
            ),
            models.Index(fields=["organisation", "period_kind", "period"], name="figure_org"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(period__day=1), name="figure_period_first_day"),
            models.CheckConstraint(
                condition=Q(period_kind__in=PeriodKind.values), name="figure_period_kind_known"
            ),
            models.CheckConstraint(condition=Q(level__in=Level.values), name="figure_level_known"),
        ]

    def __str__(self) -> str:
        return f"{self.period:%Y-%m} {self.level} {self.indicator} {self.breakdown}: {self.value}"


class ActivityMark(models.Model):
    """ "Someone was active at this library this month", to count active users after the
    loans, registrations and logins behind it have lost their link to the person.

    ``pseudonym`` is a keyed hash of the person and the *year*: within a year one person
    is one pseudonym (so a year's active users are counted once), across years they
    cannot be linked, and without the key not at all. Marks are deleted two years on.
    Not tenant-owned: no one reads marks but the roll-up, never through a door.
    """

    month = models.DateField(_("month"))
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.CASCADE, related_name="+"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=64)

    class Meta:
        verbose_name = _("activity mark")
        verbose_name_plural = _("activity marks")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "organisation", "pseudonym"], name="activity_mark_once"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="activity_mark_first_day"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.organisation_id}"


class Rollup(models.Model):
    """When a period was last computed, and how long it took: the cockpit shows it."""

    period_kind = models.CharField(_("period kind"), max_length=5, choices=PeriodKind.choices)
    period = models.DateField(_("period"))
    computed_at = models.DateTimeField(_("computed at"))
    seconds = models.FloatField(_("seconds"))
    figures = models.PositiveIntegerField(_("figures"))

    class Meta:
        verbose_name = _("roll-up")
        verbose_name_plural = _("roll-ups")
        ordering = ["-period"]
        constraints = [
            models.UniqueConstraint(fields=["period_kind", "period"], name="rollup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period_kind} {self.period:%Y-%m}"
