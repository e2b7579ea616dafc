import datetime as dt

from django.utils import formats, timezone
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


class SecondFactorRefused(DomainError):
    """A staff login's second factor was not accepted."""

    code = "second_factor_refused"


class SecondFactorCodeWrong(SecondFactorRefused):
    code = "second_factor_code_wrong"

    def __init__(self) -> None:
        super().__init__(
            _(
                "That code is not right, or it was used already. Wait for the next code "
                "in your authenticator app and type it in."
            )
        )


class SecondFactorThrottled(SecondFactorRefused):
    code = "second_factor_throttled"

    def __init__(self, retry_at: dt.datetime) -> None:
        self.retry_at = retry_at
        moment = formats.time_format(timezone.localtime(retry_at), "H:i:s")
        super().__init__(
            _(
                "A wrong code was entered too often. For your safety, wait until %(time)s "
                "and then type the code your app shows at that moment."
            )
            % {"time": moment}
        )


class SecondFactorNotEnrolled(SecondFactorRefused):
    code = "second_factor_not_enrolled"

    def __init__(self) -> None:
        super().__init__(_("This account has no authenticator app linked yet."))


class SecondFactorAlreadyEnrolled(SecondFactorRefused):
    code = "second_factor_already_enrolled"

    def __init__(self) -> None:
        super().__init__(
            _(
                "This account has an authenticator app linked already. Lost it? Ask your "
                "administrator to unlink it."
            )
        )


class NotADemoAccount(DomainError):
    code = "not_a_demo_account"

    def __init__(self) -> None:
        super().__init__(
            _(
                "Codes are only shown for staff accounts that the demo created, with the "
                "demo's public key."
            )
        )
