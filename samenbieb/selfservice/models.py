"""Self-service machines (kiosks, return sorters) that talk SIP2 to Samenbieb.

Each machine has its own account, bound to the branch where it stands: everything it does
(checkouts, returns) happens at that branch.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Branch


class KioskEncoding(models.TextChoices):
    UTF8 = "utf-8", _("UTF-8 (current machines)")
    LATIN1 = "latin-1", _("Latin-1 (ISO 8859-1, older machines)")
    CP850 = "cp850", _("Code page 850 (DOS, older machines)")


class KioskLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Kiosk(models.Model):
    """A self-service machine's SIP2 account: login name (CN) and password (CO)."""

    username = models.CharField(
        _("login name"),
        max_length=64,
        unique=True,
        help_text=_("The SIP2 login user id (CN) the machine sends."),
    )
    # A hash made by Django's password hashers (Argon2); never the password itself.
    password = models.CharField(_("password"), max_length=128)
    branch = models.ForeignKey(
        Branch, verbose_name=_("branch"), on_delete=models.PROTECT, related_name="kiosks"
    )
    allowed_networks = models.TextField(
        _("allowed addresses"),
        blank=True,
        help_text=_(
            "One IP address or network (CIDR, e.g. 192.0.2.0/24) per line. "
            "Empty: the machine may connect from any address."
        ),
    )
    encoding = models.CharField(
        _("character encoding"),
        max_length=10,
        choices=KioskEncoding.choices,
        default=KioskEncoding.UTF8,
    )
    language = models.CharField(
        _("language of screen messages"),
        max_length=2,
        choices=KioskLanguage.choices,
        default=KioskLanguage.DUTCH,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_path: ClassVar[str] = "branch__organisation_id"

    class Meta:
        verbose_name = _("self-service machine")
        verbose_name_plural = _("self-service machines")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(encoding__in=KioskEncoding.values), name="kiosk_encoding_known"
            ),
        ]

    def __str__(self) -> str:
        return self.username
