"""Forms of "help near me" and of booking a consultation slot on the portal."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from samenbieb.programmes.models import Theme, Topic
from samenbieb.programmes.phone import validate_phone


class HelpNearMeForm(forms.Form):
    waar = forms.CharField(
        label=_("Your postcode or place"),
        max_length=60,
        help_text=_("For example 3511 or Utrecht."),
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "enterkeyhint": "search"}),
    )
    thema = forms.ChoiceField(label=_("What do you need help with?"), required=False)

    def __init__(self, *args: Any, themes: list[Theme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ChoiceField, self.fields["thema"])
        field.choices = [("", _("Any kind of help"))] + [(t.code, t.name) for t in themes]


class SlotBookForm(forms.Form):
    """A topic; a name and phone number too from someone who is not logged in."""

    topic = forms.ModelChoiceField(
        label=_("What do you need help with?"),
        queryset=Topic.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": _("Choose what you need help with.")},
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Fill in your name.")},
    )
    phone = forms.CharField(
        label=_("Your phone number"),
        max_length=30,
        help_text=_("The library calls you on this number if something changes."),
        validators=[validate_phone],
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
        error_messages={"required": _("Fill in your phone number.")},
    )

    def __init__(self, *args: Any, topics: list[Topic], member: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        topic = cast(forms.ModelChoiceField, self.fields["topic"])
        topic.queryset = Topic.objects.filter(pk__in=[t.pk for t in topics]).order_by("name")
        if member:
            del self.fields["name"]
            del self.fields["phone"]
