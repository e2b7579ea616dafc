from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from samenbieb.core.errors import DomainError


class IncidentInvalid(DomainError):
    code = "incident_invalid"


class LateReasonRequired(DomainError):
    code = "incident_late_reason_required"

    def __init__(self) -> None:
        super().__init__(
            _("The report is later than 72 hours: say why (the authority asks for the reason).")
        )


class IncidentClosed(DomainError):
    code = "incident_closed"

    def __init__(self) -> None:
        super().__init__(_("This incident is closed. Reopen it first."))
