"""Desk forms for members. Field names are the service's keyword arguments, so a refusal
from :mod:`samenbieb.members.services` lands beside the field it is about."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError
from samenbieb.members import queries as member_queries
from samenbieb.members.cards import card_number_normalise
from samenbieb.members.errors import InvalidCardNumber, InvalidPerson
from samenbieb.members.models import ConsentKind, MembershipPlan, Person
from samenbieb.members.services import CONSENT_TEXTS
from samenbieb.network.models import Organisation
from samenbieb.network.validators import normalise_postcode, validate_postcode

# Day-month-year as people say it, typed without reaching for a date picker.
DATE_FORMATS = ["%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y", "%d%m%Y", "%Y-%m-%d"]
_SCAN = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}


def _clean_card(value: str) -> str:
    try:
        return card_number_normalise(value)
    except InvalidCardNumber as error:
        raise forms.ValidationError(str(error.message), code=error.code) from None


class DomainErrorForm(forms.Form):
    # Services name some inputs differently from the form that collects them.
    field_aliases: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        """Show a service's refusal beside the field it is about, or above the form."""
        if isinstance(error, InvalidPerson):
            for name, messages in error.errors.items():
                name = self.field_aliases.get(name, name)
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return
        field = getattr(error, "field", None)
        field = self.field_aliases.get(field, field) if field else None
        self.add_error(field if field in self.fields else None, str(error.message))


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Card number or name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autofocus": True, **_SCAN, "autocapitalize": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "search-%s")
        super().__init__(*args, **kwargs)


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        plan = cast(MembershipPlan, obj)
        price = _("free") if not plan.price else f"€ {plan.price}".replace(".", ",")
        return f"{plan.name} — {price} ({plan.organisation.short_name or plan.organisation.name})"


class MemberRegisterForm(DomainErrorForm):
    """The fast registration form: scan the card, type the person, choose a plan."""

    field_aliases = {"guardian": "guardian_card"}

    card_barcode = forms.CharField(
        label=_("New library card"),
        max_length=64,
        help_text=_("Scan the new card, or type its number."),
        widget=forms.TextInput(attrs={"autofocus": True, **_SCAN}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Library"), queryset=Organisation.objects.none(), empty_label=None
    )
    given_name = forms.CharField(label=_("First name"), max_length=100)
    name_prefix = forms.CharField(
        label=_("Name prefix"),
        max_length=20,
        required=False,
        help_text=_("For example: van, de, van der."),
    )
    family_name = forms.CharField(label=_("Last name"), max_length=150)
    birth_date = forms.DateField(
        label=_("Date of birth"),
        input_formats=DATE_FORMATS,
        help_text=_("Day-month-year, for example 17-05-1980."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    street = forms.CharField(label=_("Street"), max_length=150, required=False)
    house_number = forms.CharField(label=_("House number"), max_length=12, required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=7,
        required=False,
        validators=[validate_postcode],
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    plan = PlanChoiceField(
        label=_("Membership"),
        queryset=MembershipPlan.objects.none(),
        required=False,
        empty_label=_("No membership yet"),
        help_text=_("The membership starts today. A fee is added to the member's account."),
    )
    guardian_card = forms.CharField(
        label=_("Card number of a parent or guardian"),
        max_length=64,
        required=False,
        help_text=_("For a child: scan the card of the parent or guardian."),
        widget=forms.TextInput(attrs=_SCAN),
    )
    consent_loan_history = forms.BooleanField(
        label=ConsentKind.LOAN_HISTORY.label,
        required=False,
        help_text=CONSENT_TEXTS[ConsentKind.LOAN_HISTORY],
    )
    consent_news = forms.BooleanField(
        label=ConsentKind.NEWS.label, required=False, help_text=CONSENT_TEXTS[ConsentKind.NEWS]
    )
    different_person = forms.BooleanField(
        label=_("I checked: this is a different person"), required=False
    )

    CONSENT_FIELDS = {
        "consent_loan_history": ConsentKind.LOAN_HISTORY,
        "consent_news": ConsentKind.NEWS,
    }

    def __init__(
        self,
        *args: Any,
        organisations: QuerySet[Organisation],
        plans: QuerySet[MembershipPlan],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        organisation = cast(forms.ModelChoiceField, self.fields["organisation"])
        organisation.queryset = organisations.order_by("name")
        if len(organisation.queryset) == 1:
            # One library: nothing to choose, so no field to tab through.
            self.only_organisation: Organisation | None = organisation.queryset[0]
            del self.fields["organisation"]
        else:
            self.only_organisation = None
        cast(forms.ModelChoiceField, self.fields["plan"]).queryset = plans

    def clean_card_barcode(self) -> str:
        return _clean_card(self.cleaned_data["card_barcode"])

    def clean_postcode(self) -> str:
        value: str = self.cleaned_data["postcode"]
        return normalise_postcode(value) if value.strip() else ""

    def clean_guardian_card(self) -> Person | None:
        value = self.cleaned_data["guardian_card"].strip()
        if not value:
            return None
        guardian = member_queries.person_for_card(value)
        if guardian is None:
            raise forms.ValidationError(
                _("No member has an active card with this number. Check the number."),
                code="guardian_not_found",
            )
        return guardian

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        plan = data.get("plan")
        chosen = data.get("organisation") or self.only_organisation
        if plan is not None and chosen is not None and plan.organisation_id != chosen.pk:
            self.add_error("plan", _("Choose a membership of the library you register for."))
        return data

    @property
    def registering_for(self) -> Organisation:
        chosen = self.cleaned_data.get("organisation") or self.only_organisation
        if chosen is None:  # only after is_valid(), and the view asks only then
            raise ValueError("registering_for needs a valid form")
        return cast(Organisation, chosen)

    def consents(self) -> dict[str, bool]:
        return {
            kind: bool(self.cleaned_data.get(name)) for name, kind in self.CONSENT_FIELDS.items()
        }


class CardReplaceForm(DomainErrorForm):
    field_aliases = {"card_barcode": "new_barcode"}

    new_barcode = forms.CharField(
        label=_("New card number"),
        max_length=64,
        help_text=_("Scan the new card. The old card stops working at once."),
        widget=forms.TextInput(attrs=_SCAN),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "replace-%s")
        super().__init__(*args, **kwargs)

    def clean_new_barcode(self) -> str:
        return _clean_card(self.cleaned_data["new_barcode"])
