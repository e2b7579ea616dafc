"""State changes of circulation: every door (desk, portal, API, SIP2, jobs) calls these.

``actor`` is the staff user acting, or ``None`` for the system itself (a job, a kiosk, a
member's own online action); permissions are checked for staff only. Each service is
atomic, locks the rows it changes and records an audit event.
"""

from samenbieb.circulation.services.charges import charge_add, charge_pay, charge_waive
from samenbieb.circulation.services.holds import hold_cancel, hold_place, holds_expire
from samenbieb.circulation.services.loans import (
    CheckinAction,
    CheckinOutcome,
    RenewOutcome,
    loan_checkin,
    loan_checkout,
    loan_mark_lost,
    loan_renew,
    loans_renew_all,
)
from samenbieb.circulation.services.rules import circulation_rule_delete, circulation_rule_set

__all__ = [
    "CheckinAction",
    "CheckinOutcome",
    "RenewOutcome",
    "charge_add",
    "charge_pay",
    "charge_waive",
    "circulation_rule_delete",
    "circulation_rule_set",
    "hold_cancel",
    "hold_place",
    "holds_expire",
    "loan_checkin",
    "loan_checkout",
    "loan_mark_lost",
    "loan_renew",
    "loans_renew_all",
]
