# SQL here is built from our own table names and fixed fragments; every value is a
# query parameter, so the S608 (string-built SQL) warnings do not apply.
# ruff: noqa: S608
"""The roll-up: operational rows to cockpit figures, set-based, one month at a time.

Every step is an ``INSERT … SELECT … GROUP BY`` (the same SQL on SQLite and PostgreSQL),
so a month of millions of loans rolls up in seconds. A month is replaced whole: its
figures are deleted and inserted again in one transaction, so a roll-up can be re-run
for any past month and gives the same figures (idempotent). After a month its year is
recomputed from its months, and the year's publication (which counts are suppressed)
is decided again.

Active users are counted from :class:`~samenbieb.cockpit.models.ActivityMark` rows,
collected here from the rows that still name a person (loans, digital loans, logins at
connected services, attended activities and appointments): those rows lose their person
later (privacy by design), the marks keep a yearly pseudonym only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection

from samenbieb.circulation.models import Hold, Loan, SettlementLine
from samenbieb.cockpit.indicators import ADDITIVE, BY_CODE
from samenbieb.cockpit.models import ActivityMark, Figure
from samenbieb.digital.models import DigitalLoan
from samenbieb.holdings.models import ItemType
from samenbieb.identity.models import AccessToken, Grant
from samenbieb.members.models import Membership, MembershipPlan, Person
from samenbieb.network.models import Organisation
from samenbieb.programmes.models import (
    Activity,
    Appointment,
    Attendance,
    Partner,
    Programme,
    Referral,
    Registration,
    Session,
    Slot,
    Theme,
    Topic,
    WalkInContact,
)

FIGURE = Figure._meta.db_table
ORG = Organisation._meta.db_table
# Marks older than this many years (by their year) are deleted by the roll-up.
KEEP_MARKS_YEARS = 2


def t(model: Any) -> str:
    return str(model._meta.db_table)


@dataclass(frozen=True)
class Month:
    """One month: its first and last day, and its first moment and the next month's."""

    first: dt.date

    @property
    def next_first(self) -> dt.date:
        return (self.first + dt.timedelta(days=32)).replace(day=1)

    @property
    def last(self) -> dt.date:
        return self.next_first - dt.timedelta(days=1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.next_first, dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))

    def years_before(self, years: int) -> dt.date:
        """The last day minus ``years`` (29 February becomes 28 February)."""
        try:
            return self.last.replace(year=self.last.year - years)
        except ValueError:
            return self.last.replace(year=self.last.year - years, day=28)


def _adapt(params: Sequence[Any]) -> list[Any]:
    """Parameters as the ORM would pass them (SQLite compares moments as UTC text)."""
    ops = connection.ops
    return [
        ops.adapt_datetimefield_value(value)
        if isinstance(value, dt.datetime)
        else ops.adapt_datefield_value(value)
        if isinstance(value, dt.date)
        else value
        for value in params
    ]


def _execute(sql: str, params: Sequence[Any] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, _adapt(params))
        return int(cursor.rowcount or 0)


def _insert(
    month: Month,
    level: str,
    indicator: str,
    select: str,
    params: Sequence[Any],
    *,
    breakdown: str = "''",
) -> int:
    """Insert figures from ``select``, which yields (province, organisation, branch, value)
    columns named p, o, b, v and, with ``breakdown`` an expression over them, k."""
    sql = (
        f"INSERT INTO {FIGURE} (period_kind, period, level, province, organisation_id, "
        "branch_id, indicator, breakdown, value, suppressed) "
        f"SELECT 'month', %s, %s, q.p, q.o, q.b, %s, {breakdown}, q.v, %s FROM ({select}) q"
    )
    return _execute(sql, [month.first, level, indicator, False, *params])


def _band(person_alias: str, month: Month) -> tuple[str, list[dt.date]]:
    """The age band on the month's last day, as SQL over a birth date (same bands as loans)."""
    sql = (
        f"CASE WHEN {person_alias}.birth_date > %s THEN 'child' "
        f"WHEN {person_alias}.birth_date > %s THEN 'youth' "
        f"WHEN {person_alias}.birth_date > %s THEN 'adult' ELSE 'senior' END"
    )
    return sql, [month.years_before(13), month.years_before(18), month.years_before(65)]


# --- members ------------------------------------------------------------------------


def _members(month: Month) -> None:
    band, band_params = _band("pe", month)
    valid = (
        f"FROM {t(Membership)} m JOIN {ORG} og ON og.id = m.organisation_id "
        f"JOIN {t(Person)} pe ON pe.id = m.person_id "
        f"JOIN {t(MembershipPlan)} pl ON pl.id = m.plan_id "
        "WHERE m.starts_on <= %s AND m.ends_on >= %s "
        "AND (m.cancelled_at IS NULL OR m.cancelled_at >= %s)"
    )
    valid_params = [month.last, month.last, month.end]
    for level, head, group in (
        (
            "organisation",
            "og.province AS p, m.organisation_id AS o",
            "og.province, m.organisation_id",
        ),
        ("province", "og.province AS p, CAST(NULL AS BIGINT) AS o", "og.province"),
        ("network", "'' AS p, CAST(NULL AS BIGINT) AS o", ""),
    ):
        where = " AND og.province <> ''" if level == "province" else ""
        by = f"GROUP BY {group}" if group else ""
        then = f"GROUP BY {group}, " if group else "GROUP BY "
        _insert(
            month,
            level,
            "members",
            f"SELECT {head}, CAST(NULL AS BIGINT) AS b, COUNT(DISTINCT m.person_id) AS v "
            f"{valid}{where} {by}",
            valid_params,
        )
        _insert(
            month,
            level,
            "members",
            f"SELECT {head}, CAST(NULL AS BIGINT) AS b, {band} AS k, "
            "COUNT(DISTINCT m.person_id) AS v "
            f"{valid}{where} {then}4",
            [*band_params, *valid_params],
            breakdown="'age_band:' || q.k",
        )
        _insert(
            month,
            level,
            "members",
            f"SELECT {head}, CAST(NULL AS BIGINT) AS b, pl.code AS k, "
            "COUNT(DISTINCT m.person_id) AS v "
            f"{valid}{where} {then}pl.code",
            valid_params,
            breakdown="'plan:' || q.k",
        )


def _members_new_lapsed(month: Month) -> None:
    band, band_params = _band("pe", month)
    # New: a membership starting this month for someone without one at that library
    # running in the month before (a renewal is not new).
    new = (
        f"FROM {t(Membership)} m JOIN {ORG} og ON og.id = m.organisation_id "
        f"JOIN {t(Person)} pe ON pe.id = m.person_id "
        "WHERE m.starts_on >= %s AND m.starts_on <= %s AND NOT EXISTS ("
        f"SELECT 1 FROM {t(Membership)} e WHERE e.person_id = m.person_id "
        "AND e.organisation_id = m.organisation_id AND e.starts_on < m.starts_on "
        "AND e.ends_on >= %s)"
    )
    previous_first = (month.first - dt.timedelta(days=1)).replace(day=1)
    new_params = [month.first, month.last, previous_first]
    _insert(
        month,
        "organisation",
        "members_new",
        "SELECT og.province AS p, m.organisation_id AS o, CAST(NULL AS BIGINT) AS b, "
        f"COUNT(DISTINCT m.person_id) AS v {new} GROUP BY og.province, m.organisation_id",
        new_params,
    )
    _insert(
        month,
        "organisation",
        "members_new",
        f"SELECT og.province AS p, m.organisation_id AS o, CAST(NULL AS BIGINT) AS b, {band} AS k, "
        f"COUNT(DISTINCT m.person_id) AS v {new} "
        "GROUP BY og.province, m.organisation_id, 4",
        [*band_params, *new_params],
        breakdown="'age_band:' || q.k",
    )
    # Lapsed: a membership that ended (or was cancelled) this month, with none at that
    # library running on the first day of the next month.
    _insert(
        month,
        "organisation",
        "members_lapsed",
        "SELECT og.province AS p, m.organisation_id AS o, CAST(NULL AS BIGINT) AS b, "
        f"COUNT(DISTINCT m.person_id) AS v FROM {t(Membership)} m "
        f"JOIN {ORG} og ON og.id = m.organisation_id "
        "WHERE ((m.cancelled_at IS NULL AND m.ends_on >= %s AND m.ends_on <= %s) "
        "OR (m.cancelled_at >= %s AND m.cancelled_at < %s)) AND NOT EXISTS ("
        f"SELECT 1 FROM {t(Membership)} e WHERE e.person_id = m.person_id "
        "AND e.organisation_id = m.organisation_id AND e.starts_on <= %s "
        "AND e.ends_on >= %s AND e.cancelled_at IS NULL) "
        "GROUP BY og.province, m.organisation_id",
        [month.first, month.last, month.start, month.end, month.next_first, month.next_first],
    )


# --- circulation --------------------------------------------------------------------


def _loans(month: Month) -> None:
    base = (
        f"FROM {t(Loan)} l JOIN {ORG} og ON og.id = l.organisation_id "
        "WHERE l.checked_out_at >= %s AND l.checked_out_at < %s"
    )
    typed = base.replace("WHERE", f"JOIN {t(ItemType)} it ON it.id = l.item_type_id WHERE")
    period = [month.start, month.end]
    head = "SELECT og.province AS p, l.organisation_id AS o, l.branch_id AS b"
    group = "GROUP BY og.province, l.organisation_id, l.branch_id"
    _insert(month, "branch", "loans", f"{head}, COUNT(*) AS v {base} {group}", period)
    _insert(
        month,
        "branch",
        "loans",
        f"{head}, l.age_band AS k, COUNT(*) AS v {base} {group}, l.age_band",
        period,
        breakdown="'age_band:' || q.k",
    )
    _insert(
        month,
        "branch",
        "loans",
        f"{head}, it.code AS k, COUNT(*) AS v {typed} {group}, it.code",
        period,
        breakdown="'item_type:' || q.k",
    )
    holds = (
        "SELECT og.province AS p, h.organisation_id AS o, h.pickup_branch_id AS b, "
        f"COUNT(*) AS v FROM {t(Hold)} h JOIN {ORG} og ON og.id = h.organisation_id "
        "WHERE h.placed_at >= %s AND h.placed_at < %s "
        "GROUP BY og.province, h.organisation_id, h.pickup_branch_id"
    )
    _insert(month, "branch", "holds", holds, period)


def _network_lending(month: Month) -> None:
    """National and guest lending, from the month's settlement lines."""
    lines = f"FROM {t(SettlementLine)} s JOIN {ORG} og ON og.id = s.{{side}} WHERE s.month = %s"
    for indicator, side, condition in (
        (
            "network_loans_in",
            "home_organisation_id",
            "s.owner_organisation_id <> s.home_organisation_id",
        ),
        (
            "network_loans_out",
            "owner_organisation_id",
            "s.owner_organisation_id <> s.home_organisation_id",
        ),
    ):
        _insert(
            month,
            "organisation",
            indicator,
            f"SELECT og.province AS p, s.{side} AS o, CAST(NULL AS BIGINT) AS b, SUM(s.loans) AS v "
            f"{lines.format(side=side)} AND {condition} GROUP BY og.province, s.{side}",
            [month.first],
        )
    _insert(
        month,
        "branch",
        "guest_loans",
        "SELECT og.province AS p, s.organisation_id AS o, s.branch_id AS b, "
        f"SUM(s.loans) AS v {lines.format(side='organisation_id')} "
        "AND s.home_organisation_id <> s.organisation_id "
        "GROUP BY og.province, s.organisation_id, s.branch_id",
        [month.first],
    )


def _digital(month: Month) -> None:
    _insert(
        month,
        "organisation",
        "digital_loans",
        "SELECT og.province AS p, d.organisation_id AS o, CAST(NULL AS BIGINT) AS b, COUNT(*) AS v "
        f"FROM {t(DigitalLoan)} d JOIN {ORG} og ON og.id = d.organisation_id "
        "WHERE d.started >= %s AND d.started < %s GROUP BY og.province, d.organisation_id",
        [month.start, month.end],
    )


# --- programmes ---------------------------------------------------------------------


def _programmes(month: Month) -> None:
    period = [month.start, month.end]
    held = (
        f"EXISTS (SELECT 1 FROM {t(Session)} se WHERE se.activity_id = a.id "
        "AND se.starts_at >= %s AND se.starts_at < %s)"
    )
    activities = (
        f"FROM {t(Activity)} a JOIN {ORG} og ON og.id = a.organisation_id "
        f"{{join}} WHERE a.kind <> 'consultation' AND a.status <> 'cancelled' AND {held}"
    )
    attended = (
        f"FROM {t(Registration)} r JOIN {t(Activity)} a ON a.id = r.activity_id "
        f"JOIN {ORG} og ON og.id = a.organisation_id {{join}} "
        f"WHERE r.status = 'confirmed' AND EXISTS (SELECT 1 FROM {t(Attendance)} at "
        f"JOIN {t(Session)} se ON se.id = at.session_id WHERE at.registration_id = r.id "
        "AND at.present = %s AND se.starts_at >= %s AND se.starts_at < %s)"
    )
    themes = (
        f"JOIN {Activity.themes.through._meta.db_table} ath ON ath.activity_id = a.id "
        f"JOIN {t(Theme)} th ON th.id = ath.theme_id"
    )
    programme = f"JOIN {t(Programme)} pr ON pr.id = a.programme_id"
    head = "SELECT og.province AS p, a.organisation_id AS o, CAST(NULL AS BIGINT) AS b"
    group = "GROUP BY og.province, a.organisation_id"
    for indicator, source, counted, params in (
        ("activities", activities, "a.id", period),
        ("participants", attended, "r.id", [True, *period]),
    ):
        _insert(
            month,
            "organisation",
            indicator,
            f"{head}, COUNT(DISTINCT {counted}) AS v {source.format(join='')} {group}",
            params,
        )
        for dimension, join, key in (
            ("theme", themes, "th.code"),
            ("programme", programme, "pr.code"),
        ):
            _insert(
                month,
                "organisation",
                indicator,
                f"{head}, {key} AS k, COUNT(DISTINCT {counted}) AS v "
                f"{source.format(join=join)} {group}, {key}",
                params,
                breakdown=f"'{dimension}:' || q.k",
            )
    contacts = (
        "SELECT a.organisation_id AS org, tp.code AS topic, w.outcome AS outcome "
        f"FROM {t(WalkInContact)} w JOIN {t(Activity)} a ON a.id = w.activity_id "
        f"JOIN {t(Topic)} tp ON tp.id = w.topic_id "
        "WHERE w.occurred_on >= %s AND w.occurred_on <= %s "
        "UNION ALL SELECT a.organisation_id, tp.code, 'appointment' "
        f"FROM {t(Appointment)} ap JOIN {t(Slot)} sl ON sl.id = ap.slot_id "
        f"JOIN {t(Activity)} a ON a.id = sl.activity_id JOIN {t(Topic)} tp ON tp.id = ap.topic_id "
        "WHERE ap.status = 'attended' AND sl.starts_at >= %s AND sl.starts_at < %s"
    )
    contact_params = [month.first, month.last, *period]
    base = f"FROM ({contacts}) c JOIN {ORG} og ON og.id = c.org"
    _insert(
        month,
        "organisation",
        "consultations",
        f"SELECT og.province AS p, c.org AS o, CAST(NULL AS BIGINT) AS b, COUNT(*) AS v {base} "
        "GROUP BY og.province, c.org",
        contact_params,
    )
    for dimension in ("topic", "outcome"):
        _insert(
            month,
            "organisation",
            "consultations",
            "SELECT og.province AS p, c.org AS o, CAST(NULL AS BIGINT) AS b, "
            f"c.{dimension} AS k, COUNT(*) AS v "
            f"{base} GROUP BY og.province, c.org, c.{dimension}",
            contact_params,
            breakdown=f"'{dimension}:' || q.k",
        )
    referrals = (
        f"FROM {t(Referral)} rf JOIN {t(Partner)} pa ON pa.id = rf.partner_id "
        f"JOIN {ORG} og ON og.id = rf.organisation_id "
        "WHERE rf.created_at >= %s AND rf.created_at < %s"
    )
    rhead = "SELECT og.province AS p, rf.organisation_id AS o, CAST(NULL AS BIGINT) AS b"
    rgroup = "GROUP BY og.province, rf.organisation_id"
    _insert(
        month, "organisation", "referrals", f"{rhead}, COUNT(*) AS v {referrals} {rgroup}", period
    )
    for dimension, key in (("partner_kind", "pa.kind"), ("direction", "rf.direction")):
        _insert(
            month,
            "organisation",
            "referrals",
            f"{rhead}, {key} AS k, COUNT(*) AS v {referrals} {rgroup}, {key}",
            period,
            breakdown=f"'{dimension}:' || q.k",
        )


# --- active users -------------------------------------------------------------------


def pseudonym(person_id: int, year: int) -> str:
    """A person's pseudonym for one year: a keyed hash, not linkable across years."""
    key = hashlib.sha256(f"samenbieb.cockpit.activity:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, f"{year}:{person_id}".encode(), hashlib.sha256).hexdigest()


def marks_collect(month: Month) -> int:
    """Mark this month's active persons (at their home library) while rows still name
    them; returns the number of persons seen. Marks already there stay (idempotent)."""
    period = [month.start, month.end]
    sources = (
        f"SELECT l.person_id AS pid FROM {t(Loan)} l WHERE l.person_id IS NOT NULL "
        "AND l.checked_out_at >= %s AND l.checked_out_at < %s "
        f"UNION SELECT d.person_id FROM {t(DigitalLoan)} d WHERE d.person_id IS NOT NULL "
        "AND d.started >= %s AND d.started < %s "
        f"UNION SELECT g.user_id FROM {t(Grant)} g WHERE g.created >= %s AND g.created < %s "
        f"UNION SELECT k.user_id FROM {t(AccessToken)} k WHERE k.user_id IS NOT NULL "
        "AND k.created >= %s AND k.created < %s "
        f"UNION SELECT r.person_id FROM {t(Registration)} r JOIN {t(Attendance)} at "
        f"ON at.registration_id = r.id JOIN {t(Session)} se ON se.id = at.session_id "
        "WHERE r.person_id IS NOT NULL AND at.present = %s "
        "AND se.starts_at >= %s AND se.starts_at < %s "
        f"UNION SELECT ap.person_id FROM {t(Appointment)} ap JOIN {t(Slot)} sl "
        "ON sl.id = ap.slot_id WHERE ap.person_id IS NOT NULL AND ap.status = 'attended' "
        "AND sl.starts_at >= %s AND sl.starts_at < %s"
    )
    sql = (
        f"SELECT pe.id, pe.home_organisation_id FROM ({sources}) s "
        f"JOIN {t(Person)} pe ON pe.id = s.pid"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, _adapt([*period, *period, *period, *period, True, *period, *period]))
        rows = cursor.fetchall()
    year = month.first.year
    ActivityMark.objects.bulk_create(
        (
            ActivityMark(month=month.first, organisation_id=org, pseudonym=pseudonym(pid, year))
            for pid, org in rows
        ),
        batch_size=5000,
        ignore_conflicts=True,
    )
    ActivityMark.objects.filter(month__lt=dt.date(year - KEEP_MARKS_YEARS + 1, 1, 1)).delete()
    return len(rows)


def _active_users(month: Month) -> None:
    base = (
        f"FROM {t(ActivityMark)} am JOIN {ORG} og ON og.id = am.organisation_id WHERE am.month = %s"
    )
    for level, cols, group, where in (
        (
            "organisation",
            "og.province AS p, am.organisation_id AS o",
            "GROUP BY og.province, am.organisation_id",
            "",
        ),
        (
            "province",
            "og.province AS p, CAST(NULL AS BIGINT) AS o",
            "GROUP BY og.province",
            " AND og.province <> ''",
        ),
        ("network", "'' AS p, CAST(NULL AS BIGINT) AS o", "", ""),
    ):
        _insert(
            month,
            level,
            "active_users",
            f"SELECT {cols}, CAST(NULL AS BIGINT) AS b, COUNT(DISTINCT am.pseudonym) AS v "
            f"{base}{where} {group}",
            [month.first],
        )


# --- levels and years ---------------------------------------------------------------


def _sum_up(month: Month) -> None:
    """Organisations from branches, provinces and the network from organisations, for
    the additive indicators (the distinct ones were counted at each level)."""
    additive = list(ADDITIVE)
    marks = ", ".join(["%s"] * len(additive))
    branch_level = [code for code in additive if "branch" in BY_CODE[code].levels]
    branch_marks = ", ".join(["%s"] * len(branch_level))
    steps = (
        (
            "organisation",
            "branch",
            "province, organisation_id",
            f"indicator IN ({branch_marks})",
            branch_level,
        ),
        (
            "province",
            "organisation",
            "province",
            f"indicator IN ({marks}) AND province <> ''",
            additive,
        ),
        ("network", "province", "", f"indicator IN ({marks})", additive),
    )
    for level, source, group, condition, params in steps:
        cols = {
            "province, organisation_id": "province, organisation_id",
            "province": "province, NULL",
            "": "'', NULL",
        }[group]
        by = f", {group}" if group else ""
        _execute(
            f"INSERT INTO {FIGURE} (period_kind, period, level, province, organisation_id, "
            "branch_id, indicator, breakdown, value, suppressed) "
            f"SELECT 'month', period, %s, {cols}, NULL, indicator, breakdown, SUM(value), %s "
            f"FROM {FIGURE} WHERE period_kind = 'month' AND period = %s AND level = %s "
            f"AND {condition} GROUP BY period, indicator, breakdown{by}",
            [level, False, month.first, source, *params],
        )


def month_compute(month: Month) -> None:
    """Replace the month's figures (call inside a transaction)."""
    Figure.objects.filter(period_kind="month", period=month.first).delete()
    _members(month)
    _members_new_lapsed(month)
    _loans(month)
    _network_lending(month)
    _digital(month)
    _programmes(month)
    _active_users(month)
    _sum_up(month)


def year_compute(year: int) -> None:
    """Replace the year's figures from its months (call inside a transaction)."""
    first = dt.date(year, 1, 1)
    following = dt.date(year + 1, 1, 1)
    Figure.objects.filter(period_kind="year", period=first).delete()
    columns = "level, province, organisation_id, branch_id, indicator, breakdown"
    additive = list(ADDITIVE)
    marks = ", ".join(["%s"] * len(additive))
    _execute(
        f"INSERT INTO {FIGURE} (period_kind, period, {columns}, value, suppressed) "
        f"SELECT 'year', %s, {columns}, SUM(value), %s FROM {FIGURE} "
        "WHERE period_kind = 'month' AND period >= %s AND period < %s "
        f"AND indicator IN ({marks}) GROUP BY {columns}",
        [first, False, first, following, *additive],
    )
    # Members: a stock, so the year's figure is the latest month's.
    _execute(
        f"INSERT INTO {FIGURE} (period_kind, period, {columns}, value, suppressed) "
        f"SELECT 'year', %s, {columns}, value, %s FROM {FIGURE} "
        "WHERE period_kind = 'month' AND indicator = 'members' AND period = ("
        f"SELECT MAX(period) FROM {FIGURE} WHERE period_kind = 'month' "
        "AND indicator = 'members' AND period >= %s AND period < %s)",
        [first, False, first, following],
    )
    base = (
        f"FROM {t(ActivityMark)} am JOIN {ORG} og ON og.id = am.organisation_id "
        "WHERE am.month >= %s AND am.month < %s"
    )
    for level, cols, group, where in (
        (
            "organisation",
            "og.province, am.organisation_id",
            "GROUP BY og.province, am.organisation_id",
            "",
        ),
        ("province", "og.province, NULL", "GROUP BY og.province", " AND og.province <> ''"),
        ("network", "'', NULL", "", ""),
    ):
        _execute(
            f"INSERT INTO {FIGURE} (period_kind, period, {columns}, value, suppressed) "
            f"SELECT 'year', %s, %s, {cols}, NULL, 'active_users', '', "
            f"COUNT(DISTINCT am.pseudonym), %s {base}{where} {group}",
            [first, level, False, first, following],
        )
