"""Items: the physical copies of records, each owned by one library organisation."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog.models import Record
from samenbieb.network.models import Branch, Organisation


class ItemType(models.Model):
    """A circulation category shared by the network ("adult book", "DVD"); rules key on it."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("item type")
        verbose_name_plural = _("item types")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ItemStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    ON_LOAN = "on_loan", _("On loan")
    IN_TRANSIT = "in_transit", _("In transit")
    ON_HOLD_SHELF = "on_hold_shelf", _("On the hold shelf")
    MISSING = "missing", _("Missing")
    LOST = "lost", _("Lost")
    DAMAGED = "damaged", _("Damaged")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Item(models.Model):
    """A copy. Its status changes only through ``holdings.services``."""

    barcode = models.CharField(_("barcode"), max_length=32, unique=True)
    record = models.ForeignKey(
        Record, verbose_name=_("record"), on_delete=models.PROTECT, related_name="items"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="items"
    )
    home_branch = models.ForeignKey(
        Branch, verbose_name=_("home branch"), on_delete=models.PROTECT, related_name="home_items"
    )
    current_branch = models.ForeignKey(
        Branch,
        verbose_name=_("current location"),
        on_delete=models.PROTECT,
        related_name="present_items",
    )
    shelf_mark = models.CharField(_("shelf mark"), max_length=60, blank=True)
    item_type = models.ForeignKey(
        ItemType, verbose_name=_("item type"), on_delete=models.PROTECT, related_name="items"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ItemStatus.choices, default=ItemStatus.AVAILABLE
    )
    status_changed_at = models.DateTimeField(_("status changed at"), auto_now_add=True)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    replacement_price = models.DecimalField(
        _("replacement price"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["barcode"]
        indexes = [
            models.Index(fields=["record", "status"], name="item_record_status"),
            models.Index(fields=["current_branch", "status"], name="item_branch_status"),
            models.Index(fields=["organisation", "status"], name="item_org_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(replacement_price__isnull=True) | Q(replacement_price__gte=0),
                name="item_replacement_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ItemStatus.values), name="item_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.barcode
