"""The export as a page people can read, and the data model as the register lists it.

The export's keys are stable English identifiers (the JSON is for machines); here they get
plain labels. A key without a label is shown as it is, with spaces for underscores.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

LABELS: dict[str, Any] = {
    "person": _("Your details"),
    "given_name": _("first name"),
    "name_prefix": _("name prefix"),
    "family_name": _("last name"),
    "birth_date": _("date of birth"),
    "street": _("street"),
    "house_number": _("house number"),
    "postcode": _("postcode"),
    "city": _("city"),
    "email": _("e-mail address"),
    "email_verified_at": _("e-mail address confirmed"),
    "phone": _("phone"),
    "preferred_language": _("language"),
    "home_library": _("home library"),
    "has_password": _("password set"),
    "last_login": _("last login"),
    "created_at": _("created"),
    "cards": _("Library cards"),
    "card_number": _("card number"),
    "memberships": _("Memberships"),
    "consents": _("Your choices"),
    "guardians": _("Parents or guardians"),
    "guardian_of": _("Guardian of"),
    "loans": _("Loans"),
    "holds": _("Holds"),
    "charges": _("Charges"),
    "registrations": _("Registrations"),
    "appointments": _("Appointments"),
    "referrals": _("Referrals"),
    "service_consents": _("Services you allowed"),
    "logged_in_at": _("Services where you are logged in"),
    "title": _("title"),
    "library": _("library"),
    "status": _("status"),
    "occurred_at": _("when"),
    "event": _("what"),
    "by": _("by"),
    "reason": _("reason"),
}


def label(key: str) -> str:
    return str(LABELS.get(key, key.replace("_", " ")))


MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text(value: Any) -> str:
    if isinstance(value, str) and MOMENT.match(value):
        moment = timezone.localtime(dt.datetime.fromisoformat(value))
        return formats.date_format(moment, "DATETIME_FORMAT")
    if isinstance(value, str) and DAY.match(value):
        return formats.date_format(dt.date.fromisoformat(value), "DATE_FORMAT")
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(_text(item) for item in value) or "—"
    return str(value)


@dataclass
class Block:
    """One part of a section: facts (label, value) or a table (headers, rows)."""

    title: str
    facts: list[tuple[str, str]]
    headers: list[str]
    rows: list[list[str]]


def _blocks(title: str, data: Any) -> list[Block]:
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        headers = list(data[0])
        return [
            Block(
                title,
                [],
                [label(h) for h in headers],
                [[_text(row.get(h)) for h in headers] for row in data],
            )
        ]
    if isinstance(data, dict):
        facts = [(label(k), _text(v)) for k, v in data.items() if not isinstance(v, dict | list)]
        facts += [
            (label(k), _text(v))
            for k, v in data.items()
            if isinstance(v, list) and not any(isinstance(item, dict) for item in v)
        ]
        blocks = [Block(title, facts, [], [])] if facts else []
        for key, value in data.items():
            if isinstance(value, dict) or (
                isinstance(value, list) and any(isinstance(item, dict) for item in value)
            ):
                blocks += _blocks(label(key), value)
        return blocks
    return [Block(title, [(title, _text(data))], [], [])] if data not in (None, []) else []


def sections(export: dict[str, Any]) -> list[dict[str, Any]]:
    """The export's sections as headed blocks for the page."""
    return [
        {"label": section["label"], "blocks": _blocks("", section["data"])}
        for section in export["sections"]
    ]


def model_fields(labels: tuple[str, ...]) -> list[dict[str, Any]]:
    """Each model with the names of its fields, from the data model itself."""
    result = []
    for model_label in labels:
        model = apps.get_model(model_label)
        fields = [
            str(field.verbose_name)
            for field in model._meta.concrete_fields
            if not field.primary_key and getattr(field, "editable", True)
        ]
        result.append({"name": str(model._meta.verbose_name), "fields": fields})
    return result
