from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit records are never changed or removed through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class AuditEvent(models.Model):
    """One thing that happened: who did what, when, in which organisation, to what.

    The organisation is kept as a plain id, not a foreign key, so that core depends on
    no domain app and the trail outlives the rows it describes. ``details`` holds
    identifiers and changed field names, never personal data itself.
    """

    occurred_at = models.DateTimeField(_("occurred at"), auto_now_add=True, db_index=True)
    event_type = models.CharField(_("event type"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor label"), max_length=150)
    organisation_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = AuditEventQuerySet.as_manager()

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event_type} ({self.actor_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed once written")
        # A new object that reuses an existing id would otherwise be saved as an UPDATE.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")


class ScheduledRun(models.Model):
    """One time slot of a periodic job, claimed by the scheduler that enqueued it.

    The unique (job, slot) pair is the claim: a second scheduler that reaches the same slot
    fails to insert and enqueues nothing (docs/decisions/0006-job-queue.md).
    """

    job = models.CharField(_("job"), max_length=100)
    slot = models.DateTimeField(_("time slot"))
    claimed_at = models.DateTimeField(_("claimed at"))
    # host:pid of the scheduler: no personal data.
    claimed_by = models.CharField(_("claimed by"), max_length=100)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        ordering = ["-slot", "job"]
        constraints = [
            models.UniqueConstraint(fields=["job", "slot"], name="scheduled_run_once_per_slot"),
        ]

    def __str__(self) -> str:
        return f"{self.job} {self.slot:%Y-%m-%d %H:%M}"
