"""Forms of the portal's activity pages: the filters and the name-and-phone form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from samenbieb.network.models import Organisation
from samenbieb.programmes.models import ActivityKind, TargetGroup, Theme


class ActivityFilterForm(forms.Form):
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("All themes"),
    )
    group = forms.ModelChoiceField(
        label=_("For whom"),
        queryset=TargetGroup.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Everyone"),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    library = forms.ModelChoiceField(
        label=_("Library"),
        queryset=Organisation.objects.none(),
        to_field_name="isil",
        required=False,
        empty_label=_("All libraries"),
    )

    def __init__(self, *args: Any, libraries: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind: Any = self.fields["kind"]
        kind.choices = [("", _("All kinds")), *ActivityKind.choices]
        library: Any = self.fields["library"]
        library.queryset = libraries


class VisitorForm(forms.Form):
    """Someone without an account: a name and a phone number, nothing else."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_(
            "We only call or text you about this activity, for example when it is cancelled."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def add_domain_error(self, error: Any) -> None:
        field = getattr(error, "field", None)
        self.add_error(field if field in self.fields else None, str(error.message))
