"""The demo collection: real MARC records in the shared catalogue and copies in every library.

Records come from ``catalog/data/demo-records.mrc`` (Library of Congress records, 400 of
them Dutch). Copies are spread deterministically: each title is held by one to three
libraries, at their branches, so network-wide availability has something to show.
Twenty Dutch titles can also be read or heard online (:data:`DIGITAL_OFFERS`), under both
licence models; their provider addresses are harmless placeholders on example.org.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from samenbieb.catalog.importer import ImportReport, file_match_keys, import_marc_files
from samenbieb.catalog.models import DigitalKind, DigitalResource, Licence, Record
from samenbieb.digital import services as digital
from samenbieb.holdings import services as holdings
from samenbieb.holdings.item_types import default_item_type, standard_item_types
from samenbieb.network.models import Branch, BranchKind, Organisation, OrganisationKind

DEMO_RECORDS = Path(__file__).resolve().parent.parent / "catalog" / "data" / "demo-records.mrc"
SEED = 2026

LENDING_KINDS = [BranchKind.MAIN, BranchKind.BRANCH, BranchKind.SERVICE_POINT]

# (kind, licence, copies for one copy, one user) of each demo title with online access.
_ONE = Licence.ONE_COPY_ONE_USER
_ALL = Licence.SIMULTANEOUS
DIGITAL_OFFERS: list[tuple[str, str, int | None]] = [
    *[(DigitalKind.EBOOK, _ONE, copies) for copies in (1, 1, 2, 3, 1)],
    *[(DigitalKind.EBOOK, _ALL, None)] * 3,
    *[(DigitalKind.AUDIOBOOK, _ONE, copies) for copies in (1, 2, 1, 1)],
    *[(DigitalKind.AUDIOBOOK, _ALL, None)] * 2,
    *[(DigitalKind.PODCAST, _ALL, None)] * 3,
    *[(DigitalKind.DATABASE, _ALL, None)] * 3,
]
DIGITAL_PROVIDERS = {
    DigitalKind.EBOOK: "Online Bibliotheek (demo)",
    DigitalKind.AUDIOBOOK: "Luisterbieb (demo)",
    DigitalKind.PODCAST: "Podcastplein (demo)",
    DigitalKind.DATABASE: "Naslagbank (demo)",
}


def collection_load() -> tuple[ImportReport, int]:
    """Import the demo records and give each library copies; returns the report and item count."""
    report = import_marc_files([DEMO_RECORDS])
    # Only the demo's own records get copies: the catalogue may hold many more (a benchmark
    # catalogue of a million, or a library's own import).
    demo_keys = file_match_keys(DEMO_RECORDS)
    item_types = standard_item_types()
    rng = random.Random(SEED)
    libraries = list(Organisation.objects.filter(kind=OrganisationKind.LIBRARY).order_by("isil"))
    branches = {
        library.pk: list(
            Branch.objects.filter(organisation=library, kind__in=LENDING_KINDS).order_by("code")
        )
        for library in libraries
    }
    copies: list[holdings.NewItem] = []
    records = (
        Record.objects.filter(match_key__in=demo_keys)
        .order_by("match_key")
        .prefetch_related("contributors")
    )
    for record in records:
        youth = record.audience_max_age is not None and record.audience_max_age < 18
        item_type = item_types[default_item_type(record.format, youth=youth)]
        for library in rng.sample(libraries, k=rng.choice((1, 1, 2, 3))):
            copies.append(
                holdings.NewItem(
                    record=record,
                    organisation=library,
                    home_branch=rng.choice(branches[library.pk]),
                    barcode=f"3{library.pk:03d}{len(copies) + 1:08d}",
                    item_type=item_type,
                    shelf_mark=_shelf_mark(record),
                    replacement_price=Decimal(rng.choice(("14.99", "19.95", "24.50", "29.99"))),
                )
            )
    added = holdings.items_add(actor=None, items=copies)
    digital_collection_load(rng, demo_keys)
    return report, len(added)


def digital_collection_load(rng: random.Random, demo_keys: list[str]) -> list[DigitalResource]:
    """Online access for twenty Dutch demo titles, with every kind and both licences."""
    dutch = list(
        Record.objects.filter(language="dut", match_key__in=demo_keys).order_by("match_key")
    )
    chosen = rng.sample(dutch, k=min(len(DIGITAL_OFFERS), len(dutch)))
    return digital.digital_resources_add(
        actor=None,
        resources=[
            digital.NewDigitalResource(
                record=record,
                kind=kind,
                licence=licence,
                copies=copies,
                provider=DIGITAL_PROVIDERS[DigitalKind(kind)],
                access_url=f"https://example.org/{kind}/{number}",
            )
            for number, (record, (kind, licence, copies)) in enumerate(
                zip(chosen, DIGITAL_OFFERS, strict=False), start=1
            )
        ],
    )


def _shelf_mark(record: Record) -> str:
    """A plausible Dutch shelf mark: the first four letters of the main entry."""
    names: Sequence[str] = [c.name for c in record.contributors.all()[:1]] or [record.title]
    letters = "".join(ch for ch in names[0].upper() if ch.isalpha())
    return letters[:4] or "ALG"
