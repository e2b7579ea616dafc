"""Desk forms of the consultation hours: weekly hours, walk-in contacts, appointments."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Branch, Weekday
from samenbieb.programmes.models import Activity, ContactOutcome, Partner, Topic


class ScheduleForm(forms.Form):
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), empty_label=None
    )
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    starts = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    slot_minutes = forms.IntegerField(
        label=_("Minutes per appointment"), min_value=5, max_value=240, initial=30
    )
    valid_from = forms.DateField(
        label=_("First day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Last day"),
        required=False,
        help_text=_("Empty: until further notice."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, branches: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"valid_from": timezone.localdate(), "slot_minutes": 30})
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches


class ScheduleEndForm(forms.Form):
    last_day = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class WalkInForm(forms.Form):
    """Topic (a radio button) and outcome (the button pressed): two clicks."""

    activity = forms.ModelChoiceField(
        label=_("Consultation hour"), queryset=Activity.objects.none()
    )
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects.none())
    topic = forms.ModelChoiceField(
        label=_("What was it about?"),
        queryset=Topic.objects.order_by("name"),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what it was about.")},
    )
    outcome = forms.ChoiceField(label=_("How did it end?"), choices=ContactOutcome.choices)
    partner = forms.ModelChoiceField(
        label=_("Referred to"), queryset=Partner.objects.none(), required=False, empty_label="—"
    )

    def __init__(
        self, *args: Any, activities: Any, branches: Any, partners: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["activity"]).queryset = activities
        cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners
