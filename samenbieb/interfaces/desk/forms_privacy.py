"""Desk forms for privacy: why staff open a member's details, the officer's audit search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

# Stored in the audit trail in English (the msgid), shown translated.
REASONS = [
    ("The member is at the desk", _("The member is at the desk")),
    ("The member called or e-mailed", _("The member called or e-mailed")),
    ("A question about a loan, hold or charge", _("A question about a loan, hold or charge")),
    ("Other", _("Other (explain below)")),
]


class ReasonForm(forms.Form):
    """A reason is asked before details that need one are shown or handed out."""

    reason = forms.ChoiceField(label=_("Why do you need this?"), choices=REASONS)
    explanation = forms.CharField(
        label=_("Explanation"), max_length=200, required=False, widget=forms.TextInput()
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("reason") == "Other" and not data.get("explanation", "").strip():
            self.add_error("explanation", _("Say in a few words why you need this."))
        return data

    def reason_text(self) -> str:
        explanation = " ".join(self.cleaned_data.get("explanation", "").split())
        reason = str(self.cleaned_data["reason"])
        return f"{reason}: {explanation}" if explanation else reason


class AuditSearchForm(forms.Form):
    card = forms.CharField(label=_("Member (card number)"), required=False, max_length=32)
    actor = forms.CharField(label=_("Staff login name"), required=False, max_length=150)
    event_type = forms.CharField(
        label=_("Type of event starts with"),
        required=False,
        max_length=100,
        help_text=_("For example members.person or circulation.loan."),
    )
    since = forms.DateField(label=_("From"), required=False, input_formats=["%d-%m-%Y", "%Y-%m-%d"])
    until = forms.DateField(
        label=_("Until"), required=False, input_formats=["%d-%m-%Y", "%Y-%m-%d"]
    )
