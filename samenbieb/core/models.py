from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    """Audit records are never changed or removed through the application."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events cannot be updated")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events cannot be deleted")

    def bulk_create(self, *args: Any, **kwargs: Any) -> list[AuditEvent]:
        raise AppendOnlyError("audit events are written one by one through audit_record")


class AuditEvent(models.Model):
    """One thing that happened: who did what, when, in which organisation, to what.

    The organisation is kept as a plain id, not a foreign key, so that core depends on
    no domain app and the trail outlives the rows it describes. ``details`` holds
    identifiers and changed field names, never personal data itself.

    Events form one hash chain per organisation (``chain``, ``chain_seq``, ``prev_hash``,
    ``row_hash``; see :mod:`samenbieb.core.audit_chain`). The fields that can point to a
    person (``object_id``, ``details``, ``reason``, ``subject_person_id``,
    ``actor_person_id``) enter the row hash only through ``personal_digest``, a salted
    digest: an erasure blanks them and the salt (``redacted_at``) and the chain still
    verifies.
    """

    # Set by audit_record before the row hash is computed (never auto_now: the hash needs it).
    occurred_at = models.DateTimeField(_("occurred at"), default=timezone.now, db_index=True)
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
    # Plain ids, not foreign keys (core depends on no domain app): the member the event is
    # about, and the member who acted (a member has no staff account, so no ``actor``).
    subject_person_id = models.BigIntegerField(_("member concerned"), null=True, blank=True)
    actor_person_id = models.BigIntegerField(_("member who acted"), null=True, blank=True)
    chain = models.BigIntegerField(_("chain"), default=0, editable=False)
    chain_seq = models.BigIntegerField(_("position in chain"), editable=False)
    prev_hash = models.CharField(_("previous hash"), max_length=64, editable=False)
    personal_digest = models.CharField(_("digest of personal fields"), max_length=64)
    salt = models.CharField(max_length=32, blank=True, editable=False)
    row_hash = models.CharField(_("hash"), max_length=64, editable=False)
    redacted_at = models.DateTimeField(_("redacted at"), null=True, blank=True, editable=False)

    objects = AuditEventQuerySet.as_manager()

    tenant_path: ClassVar[str] = "organisation_id"

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["organisation_id", "-occurred_at"], name="audit_org_time"),
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(
                fields=["subject_person_id", "-occurred_at"],
                condition=models.Q(subject_person_id__isnull=False),
                name="audit_subject_time",
            ),
            models.Index(
                fields=["actor_person_id"],
                condition=models.Q(actor_person_id__isnull=False),
                name="audit_actor_person",
            ),
        ]
        constraints = [
            # The chain cannot fork: one event per position, whatever the writers do.
            models.UniqueConstraint(fields=["chain", "chain_seq"], name="audit_chain_position"),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.event_type} ({self.actor_label})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed once written")
        if not self.row_hash:
            raise AppendOnlyError("audit events are written through audit_record (hash chain)")
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
