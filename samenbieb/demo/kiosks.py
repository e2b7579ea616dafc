"""Demo self-service machines: one SIP2 kiosk at the main branch of each library that has a
demo desk account. Call after the demo network exists; calling it again changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from samenbieb.holdings.models import Item, ItemStatus
from samenbieb.network.models import Branch
from samenbieb.selfservice.models import Kiosk
from samenbieb.selfservice.queries import location_code
from samenbieb.selfservice.services import kiosk_add

DEMO_KIOSK_PASSWORD = "samenbieb-kiosk"  # noqa: S105 - a published demo password

# (login name, library ISIL, branch code)
KIOSKS = [
    ("kiosk-utrecht", "NL-UtBU", "centrale"),
    ("kiosk-arnhem", "NL-ArBR", "rozet"),
    ("kiosk-amersfoort", "NL-AmfBA", "eemhuis"),
]


@dataclass(frozen=True)
class DemoKiosk:
    username: str
    password: str
    branch: str
    location: str
    # An item on the shelf at the kiosk's branch, to try a checkout with ("" if none).
    example_item: str


@transaction.atomic
def kiosks_load() -> list[DemoKiosk]:
    """Create the demo kiosks (once) and describe them."""
    kiosks = []
    for username, isil, code in KIOSKS:
        branch = (
            Branch.objects.select_related("organisation")
            .filter(organisation__isil=isil, code=code)
            .first()
        )
        if branch is None:
            continue
        if not Kiosk.objects.filter(username=username).exists():
            kiosk_add(actor=None, branch=branch, username=username, password=DEMO_KIOSK_PASSWORD)
        example = (
            Item.objects.filter(current_branch=branch, status=ItemStatus.AVAILABLE)
            .order_by("barcode")
            .values_list("barcode", flat=True)
            .first()
        )
        kiosks.append(
            DemoKiosk(
                username=username,
                password=DEMO_KIOSK_PASSWORD,
                branch=f"{branch.name} ({branch.organisation.short_name})",
                location=location_code(branch),
                example_item=example or "",
            )
        )
    return kiosks
