"""Export: import → export → import gives the same records, in MARC21 and in MARCXML."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

import samenbieb.catalog
from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import Record

MARC = Path(__file__).parents[2].parent / "shared" / "data" / "marc"
DEMO = Path(samenbieb.catalog.__file__).parent / "data" / "demo-records.mrc"
FRENCH_MARC8 = MARC / "evergreen-lul-fre-500.marc8.mrc"
FIELDS = [
    field.name
    for field in Record._meta.concrete_fields
    if field.name not in {"id", "created_at", "updated_at", "deleted_at"}
]

pytestmark = pytest.mark.django_db


def snapshot() -> dict[str, dict]:
    """Every record by match key: its fields, MARC bytes, contributors, subjects, identifiers."""
    records = {}
    for record in Record.objects.prefetch_related("contributors", "subjects", "identifiers"):
        values = {name: getattr(record, name) for name in FIELDS}
        values["marc"] = bytes(record.marc)
        values["contributors"] = [(c.name, c.role, c.position) for c in record.contributors.all()]
        values["subjects"] = [(s.term, s.position) for s in record.subjects.all()]
        values["identifiers"] = sorted((i.kind, i.value) for i in record.identifiers.all())
        records[record.match_key] = values
    return records


def export(tmp_path: Path, fmt: str, *extra: str) -> Path:
    target = tmp_path / f"export.{fmt}"
    call_command("export_marc", str(target), "--format", fmt, *extra, stdout=io.StringIO())
    return target


@pytest.mark.parametrize("fmt", ["marc21", "marcxml"])
def test_import_export_import_gives_identical_records(tmp_path, fmt):
    first = import_marc_files([DEMO, FRENCH_MARC8])
    assert (first.created, first.problems) == (1_000, [])
    before = snapshot()

    exported = export(tmp_path, fmt)
    Record.objects.all().delete()
    again = import_marc_files([exported])

    assert (again.read, again.created, again.problems) == (1_000, 1_000, [])
    assert snapshot() == before


def test_the_marc21_export_of_utf8_records_is_byte_for_byte_what_was_imported(tmp_path):
    import_marc_files([DEMO])
    assert export(tmp_path, "marc21").read_bytes() == DEMO.read_bytes()


def test_marc8_records_are_exported_as_utf8_with_leader_09_a(tmp_path):
    import_marc_files([FRENCH_MARC8])
    data = export(tmp_path, "marc21").read_bytes()
    records = data.split(b"\x1d")[:-1]
    assert len(records) == 500
    assert all(record[9:10] == b"a" for record in records)
    assert "Le Père Antoine Lavalette".encode() in data


def test_withdrawn_records_are_not_exported(tmp_path):
    import_marc_files([DEMO])
    Record.objects.filter(pk__in=Record.objects.order_by("id")[:10]).update(
        deleted_at=timezone.now()
    )
    assert export(tmp_path, "marc21").read_bytes().count(b"\x1d") == 490


def test_since_exports_only_records_changed_from_that_day(tmp_path):
    import_marc_files([DEMO])
    long_ago = timezone.now() - dt.timedelta(days=30)
    Record.objects.filter(pk__in=Record.objects.order_by("id")[:400]).update(updated_at=long_ago)
    since = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    assert export(tmp_path, "marc21", "--since", since).read_bytes().count(b"\x1d") == 100
    xml = export(tmp_path, "marcxml", "--since", since).read_bytes()
    assert xml.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    assert xml.count(b"<record>") == 100
