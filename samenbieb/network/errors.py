from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class NoOpenDay(DomainError):
    code = "no_open_day"

    def __init__(self) -> None:
        super().__init__(
            _("This branch has no open day in the coming year. Check its opening hours.")
        )


class InvalidOpeningHours(DomainError):
    code = "invalid_opening_hours"


class InvalidClosure(DomainError):
    code = "invalid_closure"


class InvalidOrganisation(DomainError):
    code = "invalid_organisation"


class InvalidRole(DomainError):
    code = "invalid_role"
