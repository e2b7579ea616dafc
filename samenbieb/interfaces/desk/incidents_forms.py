"""Forms of the incident register at the desk (response team)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samenbieb.incidents.models import DataCategory, EntryKind, IncidentStatus, Severity
from samenbieb.network.models import Organisation

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _moment(label: Any, *, required: bool, help_text: Any = "") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def _organisations(label: Any) -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=Organisation.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


def _categories() -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Kinds of personal data involved"),
        choices=DataCategory.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class IncidentForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Handled by"), queryset=Organisation.objects.none(), empty_label=None
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("What happened?"), widget=forms.Textarea(attrs={"rows": 4}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    detected_at = _moment(
        _("When did we become aware of it?"),
        required=True,
        help_text=_("The 72 hours for reporting a data breach start here."),
    )
    occurred_at = _moment(_("When did it happen?"), required=False)
    personal_data_breach = forms.BooleanField(
        label=_("Personal data may have been seen, changed or lost (a data breach)"),
        required=False,
    )
    affected_organisations = _organisations(_("Affected libraries"))
    data_categories = _categories()
    people_affected = forms.IntegerField(
        label=_("About how many people?"), min_value=0, required=False
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["organisation"]
        field.queryset = organisations
        if organisations.count() == 1:
            field.widget = forms.HiddenInput()
            field.initial = organisations.first()


class IncidentChangeForm(forms.Form):
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    status = forms.ChoiceField(label=_("Status"), choices=IncidentStatus.choices)
    personal_data_breach = forms.BooleanField(label=_("Personal data breach"), required=False)
    affected_organisations = _organisations(_("Affected libraries"))
    data_categories = _categories()
    people_affected = forms.IntegerField(
        label=_("About how many people?"), min_value=0, required=False
    )


class EntryForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (EntryKind.ACTION, EntryKind.ACTION.label),
            (EntryKind.NOTE, EntryKind.NOTE.label),
        ],
    )
    text = forms.CharField(
        label=_("What was found or done?"), widget=forms.Textarea(attrs={"rows": 3})
    )
    at = _moment(_("When?"), required=False, help_text=_("Empty: now."))


class NotifyForm(forms.Form):
    at = _moment(_("Reported at"), required=True)
    reference = forms.CharField(
        label=_("The authority's reference"), max_length=100, required=False
    )
    late_reason = forms.CharField(
        label=_("Why later than 72 hours?"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only needed when the report is late."),
    )
