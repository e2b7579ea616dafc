"""State changes of the incident register; each is atomic, audited and on the timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from samenbieb.core.audit import audit_record
from samenbieb.incidents.errors import IncidentClosed, IncidentInvalid, LateReasonRequired
from samenbieb.incidents.models import (
    DataCategory,
    EntryKind,
    Incident,
    IncidentEntry,
    IncidentStatus,
    Severity,
)
from samenbieb.network import tenancy
from samenbieb.network.models import Organisation
from samenbieb.network.roles import Capability

MANAGE = Capability.INCIDENTS_MANAGE


def _categories(values: Iterable[str]) -> list[str]:
    chosen = sorted(set(values))
    unknown = [value for value in chosen if value not in DataCategory.values]
    if unknown:
        raise IncidentInvalid(_("Unknown data category: %(name)s") % {"name": unknown[0]})
    return chosen


def _entry(
    *, incident: Incident, actor: Any, kind: str, text: str, at: dt.datetime | None = None
) -> IncidentEntry:
    return IncidentEntry.objects.create(
        incident=incident,
        at=at or timezone.now(),
        kind=kind,
        text=text,
        author=actor if getattr(actor, "pk", None) else None,
        author_label=actor.get_username() if getattr(actor, "pk", None) else "",
    )


def _reference(now: dt.datetime, attempt: int) -> str:
    """The year's next number (INC-2026-0001); ``attempt`` skips numbers just taken."""
    year = timezone.localtime(now).year
    last = (
        Incident.objects.filter(reference__regex=rf"^INC-{year}-[0-9]+$")
        .order_by("-reference")
        .values_list("reference", flat=True)
        .first()
    )
    number = int(last.rsplit("-", 1)[1]) if last else 0
    return f"INC-{year}-{number + 1 + attempt:04d}"


def incident_open(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    summary: str,
    severity: str,
    detected_at: dt.datetime,
    personal_data_breach: bool,
    affected_organisations: Iterable[Organisation] = (),
    data_categories: Iterable[str] = (),
    people_affected: int | None = None,
    occurred_at: dt.datetime | None = None,
) -> Incident:
    """Register an incident handled by ``organisation``'s response team."""
    tenancy.require(actor, organisation.pk, MANAGE)
    if severity not in Severity.values:
        raise IncidentInvalid(_("Choose a severity."))
    now = timezone.now()
    if detected_at > now + dt.timedelta(minutes=5):
        raise IncidentInvalid(_("The moment we became aware cannot lie in the future."))
    if occurred_at is not None and occurred_at > detected_at:
        raise IncidentInvalid(_("An incident cannot occur after it was detected."))
    categories = _categories(data_categories)
    # Two incidents opened at once may pick the same number: the unique reference refuses
    # one, which then takes the next number.
    for attempt in range(5):
        try:
            with transaction.atomic():
                incident = Incident.objects.create(
                    organisation=organisation,
                    reference=_reference(now, attempt),
                    title=title.strip(),
                    summary=summary.strip(),
                    severity=severity,
                    detected_at=detected_at,
                    occurred_at=occurred_at,
                    personal_data_breach=personal_data_breach,
                    data_categories=categories,
                    people_affected=people_affected,
                    created_by=actor if getattr(actor, "pk", None) else None,
                    created_at=now,
                )
                incident.affected_organisations.set(list(affected_organisations))
                _entry(incident=incident, actor=actor, kind=EntryKind.CHANGE, text=_("Registered."))
                audit_record(
                    actor=actor,
                    event_type="incidents.incident.opened",
                    organisation_id=organisation.pk,
                    target=incident,
                    details={"severity": severity, "personal_data_breach": personal_data_breach},
                )
                return incident
        except IntegrityError:
            continue
    raise IncidentInvalid(_("Could not number the incident; try again."))


def _locked(actor: Any, incident: Incident) -> Incident:
    tenancy.require(actor, incident.organisation_id, MANAGE)
    return Incident.objects.select_for_update().get(pk=incident.pk)


@transaction.atomic
def incident_change(
    *,
    actor: Any,
    incident: Incident,
    severity: str | None = None,
    status: str | None = None,
    personal_data_breach: bool | None = None,
    affected_organisations: Iterable[Organisation] | None = None,
    data_categories: Iterable[str] | None = None,
    people_affected: int | None = None,
) -> Incident:
    """Change what we know of an incident; each change is written on its timeline."""
    locked = _locked(actor, incident)
    if locked.status == IncidentStatus.CLOSED and status in (None, IncidentStatus.CLOSED):
        raise IncidentClosed
    changes: list[str] = []
    if severity is not None and severity != locked.severity:
        if severity not in Severity.values:
            raise IncidentInvalid(_("Choose a severity."))
        changes.append(
            _("Severity: %(old)s → %(new)s")
            % {"old": locked.get_severity_display(), "new": Severity(severity).label}
        )
        locked.severity = severity
    if status is not None and status != locked.status:
        if status not in IncidentStatus.values:
            raise IncidentInvalid(_("Choose a status."))
        changes.append(
            _("Status: %(old)s → %(new)s")
            % {"old": locked.get_status_display(), "new": IncidentStatus(status).label}
        )
        locked.status = status
        locked.closed_at = timezone.now() if status == IncidentStatus.CLOSED else None
    if personal_data_breach is not None and personal_data_breach != locked.personal_data_breach:
        changes.append(
            _("Personal data breach: yes")
            if personal_data_breach
            else _("Personal data breach: no")
        )
        locked.personal_data_breach = personal_data_breach
    if data_categories is not None:
        categories = _categories(data_categories)
        if categories != locked.data_categories:
            labels = ", ".join(str(DataCategory(value).label) for value in categories) or "—"
            changes.append(_("Data categories: %(list)s") % {"list": labels})
            locked.data_categories = categories
    if people_affected is not None and people_affected != locked.people_affected:
        changes.append(_("People affected: %(count)d") % {"count": people_affected})
        locked.people_affected = people_affected
    if affected_organisations is not None:
        wanted = {organisation.pk: organisation for organisation in affected_organisations}
        current = set(locked.affected_organisations.values_list("pk", flat=True))
        if set(wanted) != current:
            names = ", ".join(sorted(org.name for org in wanted.values())) or "—"
            changes.append(_("Affected organisations: %(list)s") % {"list": names})
            locked.affected_organisations.set(list(wanted.values()))
    if not changes:
        return locked
    locked.save()
    _entry(incident=locked, actor=actor, kind=EntryKind.CHANGE, text="\n".join(changes))
    audit_record(
        actor=actor,
        event_type="incidents.incident.changed",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"changes": len(changes), "status": locked.status},
    )
    return locked


@transaction.atomic
def incident_entry_add(
    *, actor: Any, incident: Incident, kind: str, text: str, at: dt.datetime | None = None
) -> IncidentEntry:
    """Write a note or an action taken on the incident's timeline."""
    locked = _locked(actor, incident)
    if kind not in (EntryKind.NOTE, EntryKind.ACTION):
        raise IncidentInvalid(_("Choose a note or an action."))
    if not text.strip():
        raise IncidentInvalid(_("Write what happened or what was done."))
    if at is not None and at > timezone.now() + dt.timedelta(minutes=5):
        raise IncidentInvalid(_("A timeline entry cannot lie in the future."))
    entry = _entry(incident=locked, actor=actor, kind=kind, text=text.strip(), at=at)
    audit_record(
        actor=actor,
        event_type="incidents.entry.added",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"kind": kind},
    )
    return entry


@transaction.atomic
def incident_authority_notified(
    *,
    actor: Any,
    incident: Incident,
    at: dt.datetime,
    reference: str = "",
    late_reason: str = "",
) -> Incident:
    """Record that the breach was reported to the Autoriteit Persoonsgegevens.

    A report after the 72-hour deadline needs the reason for the delay (GDPR art. 33(1)).
    """
    locked = _locked(actor, incident)
    deadline = locked.notification_deadline
    if deadline is None:
        raise IncidentInvalid(_("Only a personal data breach is reported to the authority."))
    if at > timezone.now() + dt.timedelta(minutes=5):
        raise IncidentInvalid(_("A report cannot lie in the future."))
    if at < locked.detected_at:
        raise IncidentInvalid(_("A report cannot come before the incident was detected."))
    if at > deadline and not late_reason.strip():
        raise LateReasonRequired
    locked.authority_notified_at = at
    locked.authority_reference = reference.strip()
    locked.late_reason = late_reason.strip()
    locked.save(update_fields=["authority_notified_at", "authority_reference", "late_reason"])
    text = _("Reported to the Autoriteit Persoonsgegevens.")
    if locked.authority_reference:
        text += " " + _("Their reference: %(ref)s") % {"ref": locked.authority_reference}
    _entry(incident=locked, actor=actor, kind=EntryKind.NOTIFICATION, text=text, at=at)
    audit_record(
        actor=actor,
        event_type="incidents.incident.reported",
        organisation_id=locked.organisation_id,
        target=locked,
        details={"late": at > deadline},
    )
    return locked
