"""Forms for referrals: the partner's own form, and the fields the library's forms share.

Field names are the services' keyword arguments (``name``, ``phone``, ``card``,
``consent_given`` …) so a refusal from a service lands beside the right field. Consent is
not a required form field: the service refuses without it, with its own message, so the
rule lives in one place.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError
from samenbieb.programmes.models import Activity, Topic
from samenbieb.programmes.services.partners import REFERRAL_CONSENT_TEXT


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        where = obj.branch.name if obj.branch_id else _("online")
        return f"{obj.title} ({where})"


class ReferralPersonForm(forms.Form):
    """Whom is referred, what about, and their consent: the minimum, nothing more."""

    name = forms.CharField(
        label=_("Name of the person"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        required=False,
        help_text=_("So the library can call about the activity. For example 06 12345678."),
        # A text field with a phone keyboard: the site's styles cover text fields.
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    card = forms.CharField(
        label=_("Library card number"),
        max_length=40,
        required=False,
        help_text=_("Only if the person has a library card. Then a phone number is not needed."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    topic = forms.ModelChoiceField(
        label=_("What does the person need help with?"),
        queryset=Topic.objects.all(),
        required=False,
        empty_label=_("Choose a subject"),
    )
    note = forms.CharField(
        label=_("Short note"),
        max_length=300,
        required=False,
        help_text=_(
            "At most 300 characters. Only what the library needs to know. No medical or "
            "financial details."
        ),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 300}),
    )
    consent_given = forms.BooleanField(
        label=_("The person agrees to this referral."),
        required=False,
        help_text=REFERRAL_CONSENT_TEXT,
    )

    def add_domain_error(self, error: DomainError) -> None:
        """Show a refusal from a service next to the field it is about, or above the form."""
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error.message))


class PartnerReferralForm(ReferralPersonForm):
    """A partner refers someone to one of the library's activities."""

    activity = ActivityChoiceField(
        label=_("Activity"),
        queryset=Activity.objects.none(),
        empty_label=_("Choose an activity"),
    )

    field_order = ["activity", "name", "phone", "card", "topic", "note", "consent_given"]

    def __init__(self, *args: Any, activities: QuerySet[Activity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["activity"]).queryset = activities


class ReferralStatusForm(forms.Form):
    status = forms.CharField(max_length=10)
    register = forms.BooleanField(required=False)
