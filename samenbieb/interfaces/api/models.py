"""Staff API tokens: how a library's own systems act for it through the staff API.

A token belongs to one organisation and carries a subset of the capabilities of the staff
member who made it (``created_by``); every call acts as that staff member, narrowed to the
token's organisation and capabilities (:func:`samenbieb.network.tenancy.narrowed`). Only a
SHA-256 hash of the token is stored: tokens are 256-bit random strings, so a fast hash is
enough (a password hash would cost every API call a quarter of a second).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Organisation


class ApiToken(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for: 'Website of the library'.")
    )
    # The first characters, shown in lists so staff can tell tokens apart; not secret.
    prefix = models.CharField(_("starts with"), max_length=12)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    capabilities = models.CharField(
        _("capabilities"),
        max_length=300,
        help_text=_("What the token may do, separated by spaces."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="api_tokens",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["organisation", "-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def capability_list(self) -> list[str]:
        return self.capabilities.split()
