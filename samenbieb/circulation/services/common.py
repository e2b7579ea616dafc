"""What checkout, check-in, renewal and holds share: member checks, terms, dates, locks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from samenbieb.circulation import queries
from samenbieb.circulation.errors import Reason, Refused
from samenbieb.circulation.models import AgeBand, age_band_of
from samenbieb.circulation.rules import EffectiveRule, rule_effective
from samenbieb.core.errors import NotPermitted
from samenbieb.holdings.barcodes import barcode_or_none
from samenbieb.holdings.models import Item
from samenbieb.members.dates import age_on
from samenbieb.members.models import Consent, ConsentKind, Membership, Person
from samenbieb.network import tenancy
from samenbieb.network.calendar import next_open_day
from samenbieb.network.errors import NoOpenDay
from samenbieb.network.models import Branch, StaffUser
from samenbieb.network.roles import Capability


def require_at(actor: StaffUser | None, *organisation_ids: int | None) -> None:
    """Staff may act when they lend in one of ``organisation_ids`` (the branch's library,
    the member's home library); the system and members acting for themselves pass."""
    if actor is None:
        return
    scope = tenancy.staff_scope(actor, Capability.CIRCULATION)
    if not any(scope.allows(organisation_id) for organisation_id in organisation_ids):
        raise NotPermitted(_("You may not do this for this organisation."))


def today_of(now: dt.datetime) -> dt.date:
    return timezone.localdate(now)


def item_locked(barcode: str) -> Item:
    """The item with ``barcode``, its row locked for the rest of the transaction."""
    normalised = barcode_or_none(barcode)
    item = (
        Item.objects.select_for_update(of=("self",))
        .select_related("record", "home_branch")
        .filter(barcode=normalised)
        .first()
        if normalised
        else None
    )
    if item is None:
        raise Refused(
            Reason.UNKNOWN_ITEM,
            _("No item has the barcode “%(barcode)s”. Check the barcode and scan again.")
            % {"barcode": " ".join(barcode.split())[:40]},
        )
    return item


def membership_for_lending(person: Person, day: dt.date, organisation_id: int) -> Membership:
    """A membership valid on ``day`` (any library: members borrow anywhere), preferring
    one of the lending library so that its plan decides the terms; one query.

    Raises :class:`Refused` when the member has no valid membership.
    """
    valid = list(
        Membership.objects.filter(
            person=person, cancelled_at__isnull=True, starts_on__lte=day, ends_on__gte=day
        ).order_by("-ends_on", "-id")
    )
    if not valid:
        raise Refused(
            Reason.MEMBERSHIP_LAPSED,
            _("The membership has ended. Renew it at the library desk, then you can borrow again."),
        )
    own = [membership for membership in valid if membership.organisation_id == organisation_id]
    return (own or valid)[0]


def refuse_above_threshold(person: Person) -> None:
    owed = queries.charges_open_total(person)
    threshold = queries.charges_block_threshold()
    if owed > threshold:
        raise Refused(
            Reason.CHARGES_ABOVE_THRESHOLD,
            _(
                "There is € %(owed)s to pay. Above € %(threshold)s you cannot borrow, renew "
                "or reserve. Pay at the desk or a self-service machine first."
            )
            % {"owed": _money(owed), "threshold": _money(threshold)},
        )


def _money(amount: Decimal) -> str:
    return formats.number_format(amount, decimal_pos=2)


def age_band_on(person: Person, day: dt.date) -> AgeBand:
    return age_band_of(age_on(person.birth_date, day))


def terms_for(
    *, organisation_id: int, membership: Membership, person: Person, item_type_id: int, day: dt.date
) -> EffectiveRule:
    """The lending library's rule for this member and item type (one query)."""
    plan_id = membership.plan_id if membership.organisation_id == organisation_id else None
    return rule_effective(
        organisation=organisation_id,
        plan=plan_id,
        age_band_or_birth_date=age_band_on(person, day),
        item_type=item_type_id,
    )


def may_travel(item: Item, cache: dict[tuple[int, int], bool] | None = None) -> bool:
    """Whether the owner's rules let ``item`` go to another library for a hold."""
    key = (item.organisation_id, item.item_type_id)
    if cache is not None and key in cache:
        return cache[key]
    allowed = rule_effective(
        organisation=item.organisation_id,
        plan=None,
        age_band_or_birth_date=None,
        item_type=item.item_type_id,
    ).may_travel
    if cache is not None:
        cache[key] = allowed
    return allowed


def open_day_from(branch: Branch, day: dt.date) -> dt.date:
    """``day``, or the branch's next open day after it; ``day`` itself when the branch
    has no opening hours at all (a new branch still being set up)."""
    try:
        return next_open_day(branch, day)
    except NoOpenDay:
        return day


def keeps_history(person_id: int) -> bool:
    """Whether the member's latest choice is to keep a list of what they borrowed."""
    given = (
        Consent.objects.filter(person_id=person_id, kind=ConsentKind.LOAN_HISTORY)
        .order_by("-recorded_at", "-id")
        .values_list("given", flat=True)
        .first()
    )
    return bool(given)


def hold_shelf_days() -> int:
    return int(str(settings.SAMENBIEB["HOLD_SHELF_DAYS"]))


def fillable_by(item: Item) -> Q:
    """Holds a copy can fill: holds on its title (any copy), and holds on this very copy."""
    return Q(item_specific=False) | Q(item=item)
