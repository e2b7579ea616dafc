"""The catalogue search form: GET parameters in Dutch, validated, turned into a SearchQuery."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenbieb.catalog.models import Format
from samenbieb.catalog.search.types import Audience, Availability, SearchQuery

AUDIENCE_LABELS = {
    Audience.TODDLERS: _("Toddlers (0–3)"),
    Audience.CHILDREN: _("Children (4–12)"),
    Audience.TEENS: _("Teenagers (13–17)"),
    Audience.ADULTS: _("Adults"),
}

# MARC language codes of the languages Dutch libraries lend most; others show their code.
LANGUAGE_LABELS = {
    "dut": _("Dutch"),
    "eng": _("English"),
    "fre": _("French"),
    "ger": _("German"),
    "spa": _("Spanish"),
    "ita": _("Italian"),
    "ara": _("Arabic"),
    "tur": _("Turkish"),
    "pol": _("Polish"),
    "ukr": _("Ukrainian"),
    "fry": _("Frisian"),
    "por": _("Portuguese"),
    "chi": _("Chinese"),
    "rus": _("Russian"),
    "jpn": _("Japanese"),
}


class LanguageCodesField(forms.MultipleChoiceField):
    """MARC language codes: any three letters, since the facet shows what the catalogue has."""

    def valid_value(self, value: Any) -> bool:
        return isinstance(value, str) and len(value) == 3 and value.isalpha()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), required=False, max_length=300)
    formaat = forms.MultipleChoiceField(label=_("Format"), required=False, choices=Format.choices)
    taal = LanguageCodesField(label=_("Language"), required=False)
    doelgroep = forms.MultipleChoiceField(
        label=_("Age group"), required=False, choices=list(AUDIENCE_LABELS.items())
    )
    van = forms.IntegerField(label=_("From year"), required=False, min_value=0, max_value=2100)
    tot = forms.IntegerField(label=_("To year"), required=False, min_value=0, max_value=2100)
    vestiging = forms.TypedChoiceField(
        label=_("Available at"), required=False, coerce=int, empty_value=None
    )
    pagina = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def __init__(
        self, *args: Any, branches: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        branch_field = cast(forms.TypedChoiceField, self.fields["vestiging"])
        branch_field.choices = [("", _("Anywhere in the network")), *branches]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("van") and data.get("tot") and data["van"] > data["tot"]:
            raise forms.ValidationError(_("The first year must not be after the last year."))
        return data

    def to_query(self) -> SearchQuery:
        data = self.cleaned_data
        branch = data.get("vestiging")
        return SearchQuery(
            text=data.get("q") or "",
            formats=tuple(data.get("formaat") or ()),
            languages=tuple(data.get("taal") or ()),
            audiences=tuple(Audience(value) for value in data.get("doelgroep") or ()),
            year_from=data.get("van"),
            year_to=data.get("tot"),
            available=Availability.branch(branch) if branch else None,
            page=data.get("pagina") or 1,
        )
