"""Forms of the circulation desk: the scan field and the few buttons around the patron.

They only parse; what is allowed is decided by :mod:`samenbieb.circulation.services`.
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samenbieb.circulation.models import PaymentMethod
from samenbieb.interfaces.desk.forms import BranchChoiceField
from samenbieb.network.models import Branch

_SCAN = {
    "autocomplete": "off",
    "spellcheck": "false",
    "autocapitalize": "characters",
}

# Ways of paying at a desk; online and kiosk payments arrive through their own doors.
DESK_PAYMENT_METHODS = [
    (PaymentMethod.CARD.value, PaymentMethod.CARD.label),
    (PaymentMethod.CASH.value, PaymentMethod.CASH.label),
]


class CirculationScanForm(forms.Form):
    """The one field of the desk: a member card, or an item to lend or take back."""

    barcode = forms.CharField(
        label=_("Scan a card or an item"),
        max_length=64,
        strip=True,
        # Described by the feedback, so a screen reader reads the last answer with the field.
        widget=forms.TextInput(
            attrs={"autofocus": True, "aria-describedby": "scan-feedback", **_SCAN}
        ),
    )

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "scan-%s")
        super().__init__(*args, **kwargs)
        if label is not None:
            self.fields["barcode"].label = label


class BranchForm(forms.Form):
    branch = BranchChoiceField(
        label=_("This desk is at"), queryset=Branch.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "desk-%s")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["branch"]).queryset = branches


class HoldPlaceForm(forms.Form):
    record = forms.CharField(
        label=_("ISBN or record number"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    pickup_branch = BranchChoiceField(
        label=_("Pick up at"), queryset=Branch.objects.none(), empty_label=None
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "hold-%s")
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["pickup_branch"]).queryset = branches


class ChargePayForm(forms.Form):
    method = forms.ChoiceField(label=_("Paid by"), choices=DESK_PAYMENT_METHODS)


class ChargeWaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving"),
        max_length=200,
        error_messages={"required": _("Give a reason for waiving this charge.")},
    )


class HoldCancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
