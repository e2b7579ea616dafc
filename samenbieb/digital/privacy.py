"""Digital loans' personal data for the registry (samenbieb.privacy)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_lazy as _

from samenbieb.digital.models import DigitalLoan
from samenbieb.digital.services import digital_loans_anonymise
from samenbieb.members.models import Person
from samenbieb.privacy.registry import Contributor, Processing, register


def export(person: Person) -> list[dict[str, Any]]:
    loans = DigitalLoan.objects.filter(person=person).select_related(
        "resource__record", "organisation"
    )
    return [
        {
            "title": loan.resource.record.title,
            "kind": loan.resource.kind,
            "library": loan.organisation.name,
            "started": loan.started.isoformat(),
            "ends": loan.ends.isoformat(),
            "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
        }
        for loan in loans.order_by("started", "id")
    ]


def anonymise(person: Person, now: dt.datetime) -> int:
    """Running digital loans end now (no blocker: nothing has to come back)."""
    return digital_loans_anonymise(actor=None, person=person, now=now)


register(
    Contributor(
        key="digital",
        label=_("E-books, audiobooks and other online titles"),
        models=("digital.digitalloan",),
        export=export,
        anonymise=anonymise,
        order=20,
        processing=(
            Processing(
                name=_("Digital lending"),
                purpose=_("Give one member at a time a copy of a one-copy licence."),
                legal_basis=_("Contract (the membership), GDPR article 6(1)(b)"),
                categories=(_("which online title, from when until when"),),
                retention=lambda: _(
                    "The link to the member goes when the loan ends, unless they chose to "
                    "keep their loan history; that history goes on erasure."
                ),
                recipients=_("The provider receives a login, not the member's name."),
            ),
        ),
    )
)
