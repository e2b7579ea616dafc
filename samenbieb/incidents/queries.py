"""Reads of the incident register: the 72-hour deadline, lists and the authority's export."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from samenbieb.incidents.models import NOTIFICATION_HOURS, DataCategory, Incident
from samenbieb.network import tenancy
from samenbieb.network.roles import Capability

# Less than this left before the deadline: the register shows the incident as at risk.
AT_RISK = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Deadline:
    """Where an incident stands against the 72-hour notification deadline."""

    state: str  # none, open, at_risk, overdue, met, late
    due: dt.datetime | None
    left: dt.timedelta | None  # time left (negative: overdue) while not yet reported

    @property
    def needs_attention(self) -> bool:
        return self.state in ("at_risk", "overdue")

    @property
    def hours_left(self) -> int | None:
        if self.left is None:
            return None
        return int(self.left.total_seconds() // 3600)


def deadline_of(incident: Incident, *, now: dt.datetime | None = None) -> Deadline:
    now = now or timezone.now()
    due = incident.notification_deadline
    if due is None:
        return Deadline("none", None, None)
    if incident.authority_notified_at is not None:
        return Deadline("met" if incident.authority_notified_at <= due else "late", due, None)
    left = due - now
    if left <= dt.timedelta(0):
        return Deadline("overdue", due, left)
    return Deadline("at_risk" if left <= AT_RISK else "open", due, left)


def incidents_for_staff(user: Any) -> QuerySet[Incident]:
    return (
        tenancy.visible(Incident, user, Capability.INCIDENTS_MANAGE)
        .select_related("organisation")
        .prefetch_related("affected_organisations")
    )


def incident_for_staff(user: Any, pk: int) -> Incident | None:
    """The incident, or None if it does not exist or lies outside the user's scope."""
    return incidents_for_staff(user).filter(pk=pk).first()


def incidents_needing_attention(user: Any, *, now: dt.datetime | None = None) -> int:
    """How many breaches in the user's scope must be reported within a day, or are overdue."""
    now = now or timezone.now()
    soon = now - (dt.timedelta(hours=NOTIFICATION_HOURS) - AT_RISK)
    return (
        tenancy.visible(Incident, user, Capability.INCIDENTS_MANAGE)
        .filter(
            personal_data_breach=True,
            authority_notified_at__isnull=True,
            detected_at__lte=soon,
        )
        .count()
    )


def _iso(moment: dt.datetime | None) -> str | None:
    return timezone.localtime(moment).isoformat() if moment is not None else None


def incident_report(incident: Incident, *, now: dt.datetime | None = None) -> dict[str, Any]:
    """Everything the Autoriteit Persoonsgegevens' breach form asks, as plain data."""
    deadline = deadline_of(incident, now=now)
    return {
        "reference": incident.reference,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity,
        "status": incident.status,
        "handled_by": {"name": incident.organisation.name, "isil": incident.organisation.isil},
        "affected_organisations": [
            {"name": org.name, "isil": org.isil}
            for org in sorted(incident.affected_organisations.all(), key=lambda o: o.name)
        ],
        "personal_data_breach": incident.personal_data_breach,
        "data_categories": [
            {"code": code, "label": str(DataCategory(code).label)}
            for code in incident.data_categories
        ],
        "people_affected": incident.people_affected,
        "occurred_at": _iso(incident.occurred_at),
        "detected_at": _iso(incident.detected_at),
        "notification_deadline": _iso(deadline.due),
        "deadline_state": deadline.state,
        "authority_notified_at": _iso(incident.authority_notified_at),
        "authority_reference": incident.authority_reference,
        "late_reason": incident.late_reason,
        "closed_at": _iso(incident.closed_at),
        "timeline": [
            {"at": _iso(entry.at), "kind": entry.kind, "text": entry.text, "by": entry.author_label}
            for entry in incident.entries.all()
        ],
    }


CSV_FIELDS = ["at", "kind", "by", "text"]


def incident_report_csv(incident: Incident) -> str:
    """The report as CSV: the facts as name/value rows, then the timeline."""
    report = incident_report(incident)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["field", "value"])
    for name, value in report.items():
        if name == "timeline":
            continue
        if name in ("affected_organisations",):
            value = "; ".join(f"{org['name']} ({org['isil']})" for org in value)
        elif name == "data_categories":
            value = "; ".join(category["label"] for category in value)
        elif name == "handled_by":
            value = f"{value['name']} ({value['isil']})"
        writer.writerow([name, "" if value is None else _safe(str(value))])
    writer.writerow([])
    writer.writerow(CSV_FIELDS)
    for row in report["timeline"]:
        writer.writerow([_safe(str(row[field] or "")) for field in CSV_FIELDS])
    return out.getvalue()


def _safe(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
