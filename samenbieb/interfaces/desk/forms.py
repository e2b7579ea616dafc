from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog.models import Record
from samenbieb.core.errors import DomainError
from samenbieb.holdings.barcodes import barcode_normalise
from samenbieb.holdings.errors import InvalidBarcode
from samenbieb.holdings.models import ItemType
from samenbieb.holdings.queries import records_for_item_entry
from samenbieb.network import second_factor
from samenbieb.network.models import Branch


class SecondFactorCodeField(forms.CharField):
    """The six digits an authenticator app shows, typed or pasted with or without a space."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Code from your authenticator app"))
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault(
            "widget",
            forms.TextInput(
                attrs={
                    "autocomplete": "one-time-code",
                    "inputmode": "numeric",
                    "spellcheck": "false",
                }
            ),
        )
        super().__init__(**kwargs)

    def clean(self, value: Any) -> str:
        code = second_factor.code_normalise(super().clean(value))
        if code and not (len(code) == 6 and code.isascii() and code.isdigit()):
            raise forms.ValidationError(
                _("The code has 6 digits. Type the code your app shows now."),
                code="code_format",
            )
        return code


class StaffLoginForm(AuthenticationForm):
    """User name and password, and the app's code when staff need a second factor.

    All on one page, so an everyday login at a busy desk is one form and one Enter. The
    code is optional here: without it (or before an app is linked) the password still
    counts, and the next page asks for the code (or links the app).
    """

    error_messages = {
        "invalid_login": _(
            "That user name and password do not match. Check both and try again; "
            "ask your administrator if you forgot your password."
        ),
        "inactive": _("This account has been switched off. Ask your administrator."),
    }

    def __init__(self, *args: object, blocked_until: Any = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.blocked_until = blocked_until
        self.fields["username"].label = _("User name")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget = forms.PasswordInput(
            attrs={"autocomplete": "current-password"}
        )
        self.fields["password"].label = _("Password")
        if second_factor.required():
            self.fields["code"] = SecondFactorCodeField(
                required=False,
                help_text=_(
                    "The 6 digits your app shows now. Logging in for the first time? "
                    "Leave this empty: you will link your app on the next page."
                ),
            )

    def clean(self) -> dict[str, Any]:
        # Refused before the password is even checked: a throttled guess learns nothing.
        if self.blocked_until is not None:
            moment = formats.time_format(timezone.localtime(self.blocked_until), "H:i")
            raise forms.ValidationError(
                _("Too many failed logins. For safety, wait: try again after %(time)s.")
                % {"time": moment},
                code="throttled",
            )
        return super().clean()


class SecondFactorCodeForm(forms.Form):
    """The second step on its own: after the password, or to link an app."""

    code = SecondFactorCodeField(
        required=True,
        error_messages={"required": _("Type the 6-digit code your app shows now.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True


class ItemScanForm(forms.Form):
    """The one field at the top of the items page: scan a barcode, or type it."""

    barcode = forms.CharField(
        label=_("Barcode"),
        max_length=64,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "spellcheck": "false",
                "autocapitalize": "characters",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "scan-%s")
        super().__init__(*args, **kwargs)

    def clean_barcode(self) -> str:
        return _clean_barcode(self.cleaned_data["barcode"])


def _clean_barcode(value: str) -> str:
    try:
        return barcode_normalise(value)
    except InvalidBarcode as error:
        raise forms.ValidationError(str(error.message), code=error.code) from None


class BranchChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        organisation = obj.organisation
        return f"{obj.name} ({organisation.short_name or organisation.name})"


class _ItemFieldsForm(forms.Form):
    """Fields an item has at the desk; the add and change forms differ in the record."""

    home_branch = BranchChoiceField(
        label=_("Home branch"), queryset=Branch.objects.none(), empty_label=None
    )
    item_type = forms.ModelChoiceField(label=_("Item type"), queryset=ItemType.objects.all())
    shelf_mark = forms.CharField(
        label=_("Shelf mark"),
        max_length=60,
        required=False,
        help_text=_("For example: ROMA JANS or 641.5 KOOK."),
    )
    acquired_on = forms.DateField(
        label=_("Acquired on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    replacement_price = forms.DecimalField(
        label=_("Replacement price in euros"),
        required=False,
        min_value=Decimal(0),
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    barcode = forms.CharField(
        label=_("Barcode"),
        max_length=64,
        help_text=_("Scan the barcode on the item, or type it."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )

    def __init__(self, *args: Any, branches: QuerySet[Branch], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        home_branch = cast(forms.ModelChoiceField, self.fields["home_branch"])
        home_branch.queryset = branches.select_related("organisation").order_by(
            "organisation__name", "name"
        )

    def clean_barcode(self) -> str:
        return _clean_barcode(self.cleaned_data["barcode"])

    def add_domain_error(self, error: DomainError) -> None:
        """Show a refusal from a service next to the field it is about, or above the form."""
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error.message))


class ItemAddForm(_ItemFieldsForm):
    record = forms.CharField(
        label=_("ISBN or record number"),
        max_length=30,
        help_text=_("The title this item is a copy of."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = [
        "record",
        "home_branch",
        "item_type",
        "shelf_mark",
        "acquired_on",
        "replacement_price",
        "barcode",
    ]

    def clean_record(self) -> Record:
        value = self.cleaned_data["record"]
        records = records_for_item_entry(value)
        if not records:
            raise forms.ValidationError(
                _("No title found with ISBN or record number “%(value)s”. Check the number."),
                code="record_not_found",
                params={"value": value},
            )
        if len(records) > 1:
            raise forms.ValidationError(
                _("More than one title has ISBN %(value)s. Enter the record number instead."),
                code="record_ambiguous",
                params={"value": value},
            )
        return records[0]


class ItemChangeForm(_ItemFieldsForm):
    field_order = [
        "barcode",
        "home_branch",
        "item_type",
        "shelf_mark",
        "acquired_on",
        "replacement_price",
    ]
