"""Digital loans: a member's use of one copy of a "one copy, one user" licence.

The resources themselves (e-books, audiobooks, podcasts, databases with their licence and
the provider's address) are part of the shared catalogue: ``catalog.DigitalResource``.
A simultaneous-use licence needs no loan; only the audit trail records the access.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog.models import DigitalResource
from samenbieb.members.models import Person
from samenbieb.network.models import Organisation


class DigitalLoan(models.Model):
    """One copy of a licence, in use by one member from ``started`` until ``ends``.

    A loan is active while it has no ``returned_at`` and ``ends`` lies in the future. An
    ended loan gets ``returned_at`` (early, or ``ends`` itself when it ran out) and then
    loses its link to the member unless they chose to keep their loan history; the
    library stays, for statistics.
    """

    resource = models.ForeignKey(
        DigitalResource,
        verbose_name=_("digital resource"),
        on_delete=models.CASCADE,
        related_name="loans",
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="digital_loans",
    )
    # The library whose membership gave access: whose statistics and staff the loan is for.
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("library"), on_delete=models.PROTECT, related_name="+"
    )
    started = models.DateTimeField(_("started"))
    ends = models.DateTimeField(_("ends"))
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("digital loan")
        verbose_name_plural = _("digital loans")
        ordering = ["-started", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gt=F("started")), name="digital_loan_ends"),
            # One open loan per member and resource; ended loans are closed before a new one.
            models.UniqueConstraint(
                fields=["resource", "person"],
                condition=Q(returned_at__isnull=True),
                name="digital_loan_one_open_per_member",
            ),
        ]
        indexes = [
            models.Index(fields=["resource", "returned_at", "ends"], name="digital_loan_in_use"),
            models.Index(fields=["person", "returned_at"], name="digital_loan_member"),
        ]

    def __str__(self) -> str:
        return f"{self.resource} ({self.started:%Y-%m-%d})"
