from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# ISO 15511: a country prefix and a library identifier, 16 characters at most.
ISIL = re.compile(r"^NL-[A-Za-z0-9:/-]{1,13}$")
# A Dutch postcode: four digits (no leading zero), a space and two letters (not SA, SD, SS).
POSTCODE = re.compile(r"^[1-9][0-9]{3} ?(?!SA|SD|SS)[A-Z]{2}$")


def validate_isil(value: str) -> None:
    if not ISIL.match(value):
        raise ValidationError(
            _("Enter a Dutch ISIL code such as NL-AmOBA (at most 16 characters)."),
            code="invalid_isil",
        )


def normalise_postcode(value: str) -> str:
    compact = value.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}" if len(compact) == 6 else value.strip().upper()


def validate_postcode(value: str) -> None:
    if not POSTCODE.match(normalise_postcode(value)):
        raise ValidationError(
            _("Enter a Dutch postcode: four digits and two letters, such as 3511 AB."),
            code="invalid_postcode",
        )
