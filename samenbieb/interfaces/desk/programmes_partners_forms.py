"""Desk forms for the social map (partners, contact persons, roles per activity) and for
referring a person to a partner."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError
from samenbieb.interfaces.desk.partner_forms import ReferralPersonForm
from samenbieb.network.models import Organisation
from samenbieb.programmes.models import Activity, Partner, PartnerKind, PartnerRole, Theme


class _DomainErrors:
    fields: dict[str, Any]

    def add_domain_error(self, error: DomainError) -> None:
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error.message))  # type: ignore[attr-defined]


class PartnerForm(_DomainErrors, forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Library"), queryset=Organisation.objects.none(), empty_label=None
    )
    name = forms.CharField(label=_("Name of the organisation"), max_length=150)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=PartnerKind.choices)
    themes = forms.ModelMultipleChoiceField(
        label=_("Helps with"),
        queryset=Theme.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.TextInput(attrs={"inputmode": "url"}),
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["organisation"])
        field.queryset = organisations
        if organisations.count() == 1:
            field.widget = forms.HiddenInput()
            field.initial = organisations.first()


class ContactForm(_DomainErrors, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    role = forms.CharField(
        label=_("Role"),
        max_length=100,
        required=False,
        help_text=_("For example: neighbourhood coach, counter employee."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "contact")
        super().__init__(*args, **kwargs)


class ActivityPartnerForm(_DomainErrors, forms.Form):
    activity = forms.ModelChoiceField(
        label=_("Activity"), queryset=Activity.objects.none(), empty_label=_("Choose an activity")
    )
    roles = forms.MultipleChoiceField(
        label=_("What does this partner do for it?"),
        choices=PartnerRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose nothing to take the partner off the activity."),
    )

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "role")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["activity"]).queryset = activities


class PartnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.get_kind_display()})"


class OutgoingReferralForm(ReferralPersonForm):
    """The library refers someone to a partner on its social map."""

    partner = PartnerChoiceField(
        label=_("Refer to"), queryset=Partner.objects.none(), empty_label=_("Choose a partner")
    )

    field_order = ["partner", "name", "phone", "card", "topic", "note", "consent_given"]

    def __init__(self, *args: Any, partners: QuerySet[Partner], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = partners
        self.fields["topic"].label = _("What does the person need help with?")


class ReferralFilterForm(forms.Form):
    direction = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All referrals")),
            ("incoming", _("Referred to us")),
            ("outgoing", _("Referred by us")),
        ],
    )
    open_only = forms.BooleanField(label=_("Only referrals that are not closed"), required=False)
