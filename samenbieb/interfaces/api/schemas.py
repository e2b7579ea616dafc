"""What the API answers: plain pydantic schemas built from domain objects (no logic)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field


class ContributorOut(Schema):
    name: str
    role: str


class RecordSummary(Schema):
    id: int
    title: str
    subtitle: str
    authors: list[str]
    year: int | None
    format: str
    language: str
    isbn: str


class RecordDetail(RecordSummary):
    responsibility: str
    publisher: str
    publication_place: str
    edition: str
    series: str
    series_number: str
    genre: str
    summary: str
    subjects: list[str]
    contributors: list[ContributorOut]
    audience_min_age: int | None
    audience_max_age: int | None
    avi_level: str
    updated_at: dt.datetime


class FacetValue(Schema):
    value: str
    count: int


class SearchPage(Schema):
    results: list[RecordSummary]
    total: int = Field(description="Matches; at least this many when `total_is_exact` is false.")
    total_is_exact: bool
    fuzzy: bool = Field(description="No exact match: similar words were used.")
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")


class AvailabilityOut(Schema):
    library_id: int
    library: str
    branch_id: int
    branch: str
    copies: int
    available: int
    on_loan: int
    in_transit: int
    other: int = Field(description="On the hold shelf, missing, lost or damaged.")


class BranchOut(Schema):
    id: int
    name: str
    kind: str
    street: str
    house_number: str
    postcode: str
    city: str
    phone: str
    email: str


class LibraryOut(Schema):
    id: int
    name: str
    isil: str
    branches: list[BranchOut]


# Local wall-clock times of the branch (Europe/Amsterdam); JSON Schema's "time" format
# would demand an offset, which opening hours do not have.
HOUR = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class PeriodOut(Schema):
    opens: str = Field(pattern=HOUR, examples=["10:00"])
    closes: str = Field(pattern=HOUR, examples=["17:00"])


class DayOut(Schema):
    date: dt.date
    is_open: bool
    periods: list[PeriodOut]
    closure_reason: str = Field(description="Why it is closed that day, when it is.")


class OpeningHoursOut(Schema):
    branch: BranchOut
    days: list[DayOut]


class SessionOut(Schema):
    starts_at: dt.datetime
    ends_at: dt.datetime


class ActivitySummary(Schema):
    id: int
    title: str
    kind: str
    library_id: int
    library: str
    branch_id: int | None
    branch: str | None
    next_start: dt.datetime | None
    free_places: int | None = Field(description="None: no limit.")
    price: Decimal | None
    themes: list[str]


class ActivityDetail(ActivitySummary):
    description: str
    online_url: str
    walk_in: bool
    status: str
    registration_open: bool
    registration_closes_at: dt.datetime | None
    sessions: list[SessionOut]


class ActivityPage(Schema):
    results: list[ActivitySummary]
    next_cursor: str | None


class LoanOut(Schema):
    id: int
    record_id: int
    title: str
    barcode: str
    branch: str
    checked_out_at: dt.datetime
    due_on: dt.date
    overdue: bool
    renewals: int
    renewals_left: int
    etag: str = Field(description="Send as If-Match when renewing, to renew only this state.")


class RenewalOut(Schema):
    loan: LoanOut
    renewed: bool
    code: str | None = Field(description="Why not, as a stable code (a problem type).")
    detail: str | None


class HoldOut(Schema):
    id: int
    record_id: int
    title: str
    status: str
    position: int = Field(description="Place in the queue while waiting; 0 otherwise.")
    pickup_branch_id: int
    pickup_branch: str
    placed_at: dt.datetime
    expires_on: dt.date | None = Field(description="Pick up by this day when ready.")


class HoldIn(Schema):
    record_id: int = Field(gt=0, lt=2**63)
    pickup_branch_id: int = Field(gt=0, lt=2**63)


class ChargeOut(Schema):
    id: int
    kind: str
    amount: Decimal
    description: str
    library: str
    created_at: dt.datetime


class ChargesOut(Schema):
    total: Decimal
    block_threshold: Decimal = Field(
        description="Above this total, lending, renewing and holds are refused."
    )
    charges: list[ChargeOut]


class PickupBranchOut(Schema):
    id: int
    name: str
    library: str


class ItemOut(Schema):
    barcode: str
    record_id: int
    title: str
    status: str
    library: str
    home_branch: str
    current_branch: str | None
    shelf_mark: str


class CheckoutIn(Schema):
    branch_id: int = Field(gt=0, lt=2**63)
    card: str = Field(min_length=1, max_length=40)
    barcode: str = Field(min_length=1, max_length=40)


class CheckoutOut(Schema):
    loan_id: int
    barcode: str
    title: str
    due_on: dt.date


class CheckinIn(Schema):
    branch_id: int = Field(gt=0, lt=2**63)
    barcode: str = Field(min_length=1, max_length=40)


class CheckinOut(Schema):
    barcode: str
    title: str
    action: str = Field(description="What to do with the item: shelve, hold shelf, transit…")
    instruction: str
    fine: Decimal | None
