"""Forms of the desk's activity pages. They parse; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError
from samenbieb.network.models import Branch, Organisation
from samenbieb.programmes.models import ActivityKind, LanguageLevel, Programme, TargetGroup, Theme
from samenbieb.programmes.services import ActivityData

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
# How many session fields the "from a programme" form offers (Digisterker has four).
SESSION_FIELDS = 8


def _datetime(label: Any, *, required: bool = False) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=required,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%d-%m-%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


class DomainErrorsMixin:
    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal beside the field it is about, or above the form."""
        fields: dict[str, Any] = self.fields  # type: ignore[attr-defined]
        field = getattr(error, "field", None)
        self.add_error(field if field in fields else None, str(error.message))  # type: ignore[attr-defined]


class _Where(DomainErrorsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Library"), queryset=Organisation.objects.none())
    branch = forms.ModelChoiceField(
        label=_("Branch"),
        queryset=Branch.objects.none(),
        required=False,
        empty_label=_("None: online"),
    )
    online_url = forms.URLField(label=_("Online address"), required=False, assume_scheme="https")
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    price = forms.DecimalField(label=_("Price (€)"), min_value=0, decimal_places=2, initial=0)
    registration_opens_at = _datetime(_("Registration opens"))
    registration_closes_at = _datetime(_("Registration closes"))

    def __init__(self, *args: Any, organisations: Any, branches: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation: Any = self.fields["organisation"]
        organisation.queryset = organisations
        if organisations.count() == 1:
            organisation.initial = organisations.first()
        branch: Any = self.fields["branch"]
        branch.queryset = branches


class ActivityForm(_Where):
    field_order = ["organisation", "kind", "title", "description", "themes", "target_groups"]

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=150)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), queryset=Theme.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    target_groups = forms.ModelMultipleChoiceField(
        label=_("Target groups"),
        queryset=TargetGroup.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    language_level = forms.ChoiceField(
        label=_("Dutch language level"), choices=LanguageLevel.choices, required=False
    )
    walk_in = forms.BooleanField(label=_("Walk in without signing up"), required=False)

    def data_for_service(self) -> ActivityData:
        data = self.cleaned_data
        return ActivityData(
            kind=data["kind"],
            title=data["title"],
            description=data["description"],
            themes=list(data["themes"]),
            target_groups=list(data["target_groups"]),
            language_level=data["language_level"] or "",
            branch=data["branch"],
            online_url=data["online_url"],
            capacity=data["capacity"],
            price=data["price"],
            registration_opens_at=data["registration_opens_at"],
            registration_closes_at=data["registration_closes_at"],
            walk_in=data["walk_in"],
        )

    @staticmethod
    def initial_of(activity: Any) -> dict[str, Any]:
        return {
            "organisation": activity.organisation_id,
            "kind": activity.kind,
            "title": activity.title,
            "description": activity.description,
            "themes": list(activity.themes.all()),
            "target_groups": list(activity.target_groups.all()),
            "language_level": activity.language_level,
            "branch": activity.branch_id,
            "online_url": activity.online_url,
            "capacity": activity.capacity,
            "price": activity.price,
            "registration_opens_at": _local(activity.registration_opens_at),
            "registration_closes_at": _local(activity.registration_closes_at),
            "walk_in": activity.walk_in,
        }


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(moment) if moment else None


class FromProgrammeForm(_Where):
    field_order = ["programme", "organisation"]

    programme = forms.ModelChoiceField(
        label=_("National programme"), queryset=Programme.objects.none()
    )

    def __init__(self, *args: Any, programmes: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        programme: Any = self.fields["programme"]
        programme.queryset = programmes
        for number in range(1, SESSION_FIELDS + 1):
            self.fields[f"session_{number}"] = _datetime(
                _("Session %(number)d starts") % {"number": number}, required=number == 1
            )

    def starts(self) -> list[dt.datetime]:
        return [
            self.cleaned_data[f"session_{number}"]
            for number in range(1, SESSION_FIELDS + 1)
            if self.cleaned_data.get(f"session_{number}")
        ]

    def add_domain_error(self, error: DomainError) -> None:
        if getattr(error, "field", None) == "starts_at":
            self.add_error(None, str(error.message))
            return
        super().add_domain_error(error)


class SessionForm(DomainErrorsMixin, forms.Form):
    day = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    starts = forms.TimeField(
        label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends = forms.TimeField(
        label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def span(self) -> tuple[dt.datetime, dt.datetime]:
        zone = timezone.get_current_timezone()
        day = self.cleaned_data["day"]
        return (
            dt.datetime.combine(day, self.cleaned_data["starts"], tzinfo=zone),
            dt.datetime.combine(day, self.cleaned_data["ends"], tzinfo=zone),
        )

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(None, str(error.message))


class RegisterOnBehalfForm(DomainErrorsMixin, forms.Form):
    """A member by card, or someone without an account by name and phone number."""

    card = forms.CharField(label=_("Library card"), required=False, max_length=30)
    name = forms.CharField(label=_("Name"), required=False, max_length=150)
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("card") and not (data.get("name") or data.get("phone")):
            raise forms.ValidationError(
                _("Scan the library card, or fill in a name and phone number.")
            )
        return data


class ActivityCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
