"""Forms of the member's own pages: login, password, online registration, consents.

Every message says what to do next; each one shows beside its field.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from django import forms
from django.contrib.auth.password_validation import (
    password_validators_help_text_html,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from samenbieb.members.dates import age_on
from samenbieb.members.models import ConsentKind
from samenbieb.members.services import ADULT_AGE
from samenbieb.network.models import Organisation, OrganisationKind
from samenbieb.network.validators import normalise_postcode, validate_postcode

# What a member agrees to, word for word; change the text → change the version.
CONSENT_TEXTS = {
    ConsentKind.LOAN_HISTORY: _(
        "Keep a list of what I borrowed, so I can look it up later. Without this, the "
        "library forgets a loan as soon as I bring the item back."
    ),
    ConsentKind.NEWS: _(
        "Send me e-mail with news and activities from my library, at most twice a month. "
        "I can stop this at any time in my account."
    ),
}

REQUIRED = _("Please fill this in.")


def _required(field: forms.Field, message: Any = REQUIRED) -> forms.Field:
    field.error_messages["required"] = message
    return field


class LoginForm(forms.Form):
    identifier = _required(
        forms.CharField(
            label=_("Card number or e-mail address"),
            max_length=254,
            widget=forms.TextInput(
                attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
            ),
        ),
        _("Fill in the number on your library card or your e-mail address."),
    )
    password = _required(
        forms.CharField(
            label=_("Password"),
            strip=False,
            max_length=4096,
            widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        ),
        _("Fill in your password."),
    )


class EmailForm(forms.Form):
    """One e-mail address: for a new password or a new confirmation link."""

    email = _required(
        forms.EmailField(
            label=_("E-mail address"),
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            error_messages={
                "invalid": _("Fill in a complete e-mail address, such as naam@voorbeeld.nl.")
            },
        ),
        _("Fill in your e-mail address."),
    )


class NewPasswordForm(forms.Form):
    """Choose a password, twice; Django's password rules apply."""

    password1 = _required(
        forms.CharField(
            label=_("New password"),
            strip=False,
            max_length=4096,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        _("Choose a password."),
    )
    password2 = _required(
        forms.CharField(
            label=_("New password again"),
            strip=False,
            max_length=4096,
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
            help_text=_("Type the same password once more, so we know there is no typing error."),
        ),
        _("Type your password once more."),
    )

    def __init__(self, *args: Any, person_like: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._person_like = person_like
        self.fields["password1"].help_text = password_validators_help_text_html()

    def _similar_to(self) -> Any:
        return self._person_like

    def clean_password1(self) -> str:
        password: str = self.cleaned_data["password1"]
        validate_password(password, user=self._similar_to())
        return password

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2",
                _("The two passwords are not the same. Type the same password twice."),
            )
        return data


class LibraryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RegistrationForm(NewPasswordForm):
    """Online registration for adults; children register at the desk with a parent."""

    organisation = _required(
        LibraryChoiceField(
            label=_("Your library"),
            queryset=Organisation.objects.none(),
            empty_label=_("Choose your library"),
            help_text=_("The library in your town, where you want to borrow."),
        ),
        _("Choose your library."),
    )
    given_name = _required(
        forms.CharField(
            label=_("First name"),
            max_length=100,
            widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        ),
        _("Fill in your first name."),
    )
    name_prefix = forms.CharField(
        label=_("Name prefix"),
        max_length=20,
        required=False,
        help_text=_("For example: van, de, van der."),
    )
    family_name = _required(
        forms.CharField(
            label=_("Last name"),
            max_length=150,
            widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        ),
        _("Fill in your last name."),
    )
    birth_date = _required(
        forms.DateField(
            label=_("Date of birth"),
            input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
            widget=forms.DateInput(
                attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"
            ),
            help_text=_("For example 17-05-1980."),
            error_messages={
                "invalid": _("Fill in your date of birth as day-month-year, such as 17-05-1980.")
            },
        ),
        _("Fill in your date of birth."),
    )
    street = _required(
        forms.CharField(
            label=_("Street"),
            max_length=150,
            widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        ),
        _("Fill in your street."),
    )
    house_number = _required(
        forms.CharField(label=_("House number"), max_length=12),
        _("Fill in your house number, with a letter or addition if you have one."),
    )
    postcode = _required(
        forms.CharField(
            label=_("Postcode"),
            max_length=7,
            widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
            help_text=_("For example 3511 AB."),
        ),
        _("Fill in your postcode, such as 3511 AB."),
    )
    city = _required(
        forms.CharField(
            label=_("Town or city"),
            max_length=100,
            widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        ),
        _("Fill in your town or city."),
    )
    email = _required(
        forms.EmailField(
            label=_("E-mail address"),
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": "email"}),
            help_text=_("We send you an e-mail to confirm this address."),
            error_messages={
                "invalid": _("Fill in a complete e-mail address, such as naam@voorbeeld.nl.")
            },
        ),
        _("Fill in your e-mail address."),
    )
    consent_loan_history = forms.BooleanField(
        label=CONSENT_TEXTS[ConsentKind.LOAN_HISTORY], required=False
    )
    consent_news = forms.BooleanField(label=CONSENT_TEXTS[ConsentKind.NEWS], required=False)

    field_order = [
        "organisation",
        "given_name",
        "name_prefix",
        "family_name",
        "birth_date",
        "street",
        "house_number",
        "postcode",
        "city",
        "email",
        "password1",
        "password2",
        "consent_loan_history",
        "consent_news",
    ]

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.fields["organisation"].queryset = libraries()  # type: ignore[attr-defined]
        self.fields["password1"].label = _("Password")
        self.fields["password2"].label = _("Password again")

    def _similar_to(self) -> Any:
        # The password must not look like the member's own name or address.
        data = self.cleaned_data
        return SimpleNamespace(
            first_name=data.get("given_name", ""),
            last_name=data.get("family_name", ""),
            email=data.get("email", ""),
        )

    def clean_birth_date(self) -> dt.date:
        born: dt.date = self.cleaned_data["birth_date"]
        if born > self.today:
            raise ValidationError(_("This date is in the future. Fill in your date of birth."))
        if age_on(born, self.today) > 120:
            raise ValidationError(_("Check the year of your date of birth."))
        if age_on(born, self.today) < ADULT_AGE:
            raise ValidationError(
                _(
                    "You can sign up online from age %(age)s. Younger? Come to the desk of "
                    "your library with your parent or guardian; membership for children "
                    "is often free."
                )
                % {"age": ADULT_AGE}
            )
        return born

    def clean_postcode(self) -> str:
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        validate_postcode(postcode)
        return postcode

    def consents(self) -> dict[str, bool]:
        return {
            str(ConsentKind.LOAN_HISTORY): bool(self.cleaned_data.get("consent_loan_history")),
            str(ConsentKind.NEWS): bool(self.cleaned_data.get("consent_news")),
        }


def libraries() -> QuerySet[Organisation]:
    """The libraries a person can choose when signing up online."""
    return Organisation.objects.filter(kind=OrganisationKind.LIBRARY, is_active=True).order_by(
        "name"
    )


class ConsentForm(forms.Form):
    """Change one consent; the text shown is the text recorded."""

    kind = forms.ChoiceField(choices=ConsentKind.choices, widget=forms.HiddenInput)
    given = forms.TypedChoiceField(
        choices=[("ja", _("Yes")), ("nee", _("No"))],
        coerce=lambda value: value == "ja",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
