"""The hold form of the record page. It only parses: circulation decides (``hold_place``)."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import groupby
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog.models import Record
from samenbieb.circulation import queries
from samenbieb.circulation.errors import Refused
from samenbieb.holdings.models import Item
from samenbieb.interfaces.portal.circulation_reads import (
    copies_for_hold,
    hold_fee_shown,
    pickup_suggestion,
)
from samenbieb.members.models import Person
from samenbieb.network.models import Branch


class HoldForm(forms.Form):
    pickup_branch = forms.ModelChoiceField(
        # Any branch parses; whether holds can be picked up there is circulation's answer.
        queryset=Branch.objects.all(),
        label=_("Pick up at"),
        empty_label=None,
        error_messages={
            "required": _("Choose where you want to pick it up."),
            "invalid_choice": _("Choose a branch from the list."),
        },
    )
    item = forms.ModelChoiceField(
        queryset=Item.objects.none(),
        required=False,
        label=_("Which copy"),
        help_text=_("Only choose one copy if you need that copy: waiting can take longer."),
        empty_label=_("Any copy: the first one that is free (fastest)"),
        error_messages={"invalid_choice": _("Choose a copy from the list.")},
    )

    def __init__(
        self, *args: Any, branches: list[Branch], copies: list[Item], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        pickup: Any = self.fields["pickup_branch"]
        pickup.choices = pickup_choices(branches)
        item: Any = self.fields["item"]
        item.queryset = Item.objects.filter(pk__in=[copy.pk for copy in copies])
        item.choices = [("", item.empty_label)] + [(copy.pk, _copy_label(copy)) for copy in copies]


def pickup_choices(branches: Iterable[Branch]) -> list[tuple[str, list[tuple[int, str]]]]:
    """Pickup branches grouped by library, for a ``<select>`` with ``<optgroup>``s."""
    return [
        (name, [(branch.pk, branch.name) for branch in group])
        for name, group in groupby(branches, key=lambda branch: branch.organisation.name)
    ]


def _copy_label(copy: Item) -> str:
    where = f"{copy.current_branch.name} ({copy.current_branch.organisation.name})"
    parts = [where, str(copy.get_status_display()).lower()]
    if copy.shelf_mark:
        parts.append(copy.shelf_mark)
    return " · ".join(parts)


def hold_section(
    person: Person | None,
    record: Record,
    data: Any = None,
    refusal: Refused | None = None,
) -> dict[str, Any]:
    """What the record page's "place a hold" part shows to ``person`` (or a visitor)."""
    if person is None:
        return {"member": None}
    copies = copies_for_hold(record)
    branches = list(queries.pickup_branches())
    suggestion = pickup_suggestion(branches, person)
    form = HoldForm(
        data,
        branches=branches,
        copies=copies,
        initial={"pickup_branch": suggestion.pk if suggestion else None},
    )
    current = None if data is not None else queries.holds_of(person).filter(record=record).first()
    return {
        "member": person,
        "form": form,
        "copies": copies,
        "refusal": refusal,
        "current": current,
        "fee": hold_fee_shown(person, suggestion, copies) if suggestion else None,
        "fee_library": suggestion.organisation if suggestion else None,
    }
