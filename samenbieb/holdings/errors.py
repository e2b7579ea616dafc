"""Typed errors of the holdings domain. ``field`` names the form field a door shows it on."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from samenbieb.core.errors import DomainError


class HoldingsError(DomainError):
    """A holdings rule refused an action; ``field`` is the input it is about, if any."""

    code = "holdings_error"
    field: str | None = None


class InvalidBarcode(HoldingsError):
    code = "invalid_barcode"
    field = "barcode"


class DuplicateBarcode(HoldingsError):
    """The barcode is already on another item; ``where`` is given only if the actor may see it."""

    code = "duplicate_barcode"
    field = "barcode"

    def __init__(self, barcode: str, *, where: str | None = None) -> None:
        self.barcode = barcode
        self.where = where
        message: str | Promise
        if where:
            message = _(
                "Barcode %(barcode)s is already in use, on an item of %(where)s. "
                "Each barcode can be used only once in the network."
            ) % {"barcode": barcode, "where": where}
        else:
            message = _(
                "Barcode %(barcode)s is already in use, on an item of another library. "
                "Each barcode can be used only once in the network."
            ) % {"barcode": barcode}
        super().__init__(message)


class BranchOfAnotherOrganisation(HoldingsError):
    code = "branch_of_another_organisation"
    field = "home_branch"

    def __init__(self) -> None:
        super().__init__(_("The home branch must be a branch of the library that owns the item."))


class FieldNotEditable(HoldingsError):
    """Someone tried to change a field that only a lifecycle service may change."""

    code = "field_not_editable"

    def __init__(self, fields: list[str]) -> None:
        self.fields = fields
        super().__init__(
            _("These fields cannot be changed here: %(fields)s.") % {"fields": ", ".join(fields)}
        )


class InvalidTransition(HoldingsError):
    """The trigger is not allowed from the item's current status (or is unknown)."""

    code = "invalid_transition"

    def __init__(self, message: str | Promise, *, status: str, trigger: str) -> None:
        self.status = status
        self.trigger = trigger
        super().__init__(message)
