"""Importing MARC files: every good record kept, every bad one reported, none half saved."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError
from django.template import Context, Template
from pymarc import MARCReader

import samenbieb.catalog
from samenbieb.catalog import search, services
from samenbieb.catalog.importer import import_marc_files
from samenbieb.catalog.models import Contributor, Identifier, Record, Subject
from samenbieb.core.errors import NotPermitted
from samenbieb.core.models import AuditEvent
from tests.factories import StaffUserFactory

MARC = Path(__file__).parents[2].parent / "shared" / "data" / "marc"
EDGE = MARC / "edge-cases"
LOC = MARC / "loc-books-2016-sample.mrc"
DEMO = Path(samenbieb.catalog.__file__).parent / "data" / "demo-records.mrc"

pytestmark = pytest.mark.django_db


def loc_chunks(count: int) -> list[bytes]:
    """The first ``count`` LoC records as raw ISO 2709 bytes."""
    chunks: list[bytes] = []
    with LOC.open("rb") as handle:
        data = handle.read(count * 5000)
    for chunk in data.split(b"\x1d")[:count]:
        chunks.append(chunk + b"\x1d")
    return chunks


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def reasons(report) -> list[str]:
    return [str(problem) for problem in report.problems]


# --- the real files ------------------------------------------------------------------------


def test_every_loc_record_is_imported_and_the_1027_dutch_ones_are_dutch():
    # The demonstration: every real file, the broken ones too, in one run. The LoC file is
    # imported once per database run, here, to keep the suite fast.
    paths = [*sorted(MARC.glob("*.mrc")), *sorted(EDGE.iterdir())]
    report = import_marc_files(paths)
    assert [p for p in report.problems if p.file == str(LOC)] == []
    loc = Record.objects.filter(
        match_key__startswith="DLC:", control_number__in=loc_control_numbers()
    )
    assert loc.count() == 16_523
    assert loc.filter(language="dut").count() == 1_027
    assert report.unreadable_files == 1  # the licence text
    assert report.read == report.imported + report.skipped
    assert Record.objects.count() == report.created
    assert Identifier.objects.filter(kind="isbn").exists()
    assert Contributor.objects.exists()
    assert Subject.objects.exists()


def loc_control_numbers() -> list[str]:
    with LOC.open("rb") as handle:
        return [record["001"].data.strip() for record in MARCReader(handle, to_unicode=True)]


def test_a_reimport_updates_changed_records_and_never_duplicates(tmp_path):
    first = import_marc_files([DEMO], batch_size=200)
    assert (first.read, first.created) == (500, 500)
    contributors = Contributor.objects.count()

    again = import_marc_files([DEMO], batch_size=200)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 500)

    records = DEMO.read_bytes().split(b"\x1d")[:-1]
    original = MARCReader(records[0] + b"\x1d", to_unicode=True).__next__()
    original["245"]["a"] = "Een nieuwe titel /"
    records[0] = original.as_marc()[:-1]
    changed = write(tmp_path, "changed.mrc", b"\x1d".join(records) + b"\x1d")
    third = import_marc_files([changed], batch_size=200)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 499)
    assert Record.objects.count() == 500
    assert Contributor.objects.count() == contributors
    assert Record.objects.filter(title="Een nieuwe titel").count() == 1


def test_marc8_records_import_with_their_diacritics():
    report = import_marc_files([MARC / "evergreen-lul-fre-500.marc8.mrc"])
    assert (report.read, report.created, report.problems) == (500, 500, [])
    record = Record.objects.get(title__startswith="Le Père Antoine Lavalette")
    assert record.title == (
        "Le Père Antoine Lavalette à la Martinique, d'après beaucoup de documents inédits"
    )
    assert bytes(record.marc)[9:10] == b"a"
    assert "Père Antoine" in bytes(record.marc).decode("utf-8")


def test_duplicate_records_in_one_file_are_reported_and_the_later_one_is_kept():
    report = import_marc_files([MARC / "evergreen-jazz-1k.marc8.mrc"])
    assert report.read == 1_000
    assert report.created + report.duplicates == 1_000
    assert Record.objects.count() == report.created
    assert all("same match key" in problem.reason for problem in report.problems)


# --- pymarc's broken and unusual files ------------------------------------------------------

EDGE_CASES = {
    # file: (records kept, expected problem texts, in order)
    "1251.dat": (0, ["#1(@0): not valid MARC-8"] + ["not valid MARC-8"] * 5),
    "PYMARC-LICENSE": (0, ["not a MARC file"]),
    "alphatag.dat": (1, []),
    "bad_eacc_encoding.dat": (0, ["#1(@0): not valid MARC-8"]),
    "bad_indicator.dat": (1, ["missing indicators"]),
    "bad_marc8_escape.dat": (0, ["a broken MARC-8 escape sequence in field 260 $b"]),
    "bad_records.mrc": (
        1,
        [
            "#1(@0): replaced by",
            "#2(@127): broken record structure: Base address exceeds size of record",
            "#3(@254): broken record structure: Unable to locate base address of record",
            "#4(@381): broken record structure: Invalid directory",
            "#5(@509): the leader or directory holds non-ASCII bytes",
            "#6(@637): broken leader or directory",
            "#7(@764): broken record structure: Unable to locate fields in record data",
            "#9(@917): truncated: the file ends inside a record",
        ],
    ),
    "bad_subfield_code.dat": (1, ["directory", "non-ASCII subfield code"] + ["indicators"] * 6),
    "bad_tag.xml": (0, ["#1: the leader has 17 characters instead of 24"]),
    "batch.xml": (2, []),
    "diacritic.dat": (1, []),
    "marc8.dat": (1, []),
    "multi_isbn.dat": (1, []),
    "regression45.dat": (12, ["more than 2 indicators"] * 11),
    "utf8.xml": (1, []),
    "utf8_errors.dat": (1, []),
    "utf8_invalid.mrc": (1, ["non-ASCII subfield code"]),
    "utf8_with_leader_flag.dat": (1, []),
    "utf8_without_leader_flag.dat": (0, ["not valid MARC-8"]),
}


def test_every_edge_case_file_is_covered():
    assert sorted(EDGE_CASES) == sorted(path.name for path in EDGE.iterdir())


@pytest.mark.parametrize(("name", "expected"), EDGE_CASES.items(), ids=list(EDGE_CASES))
def test_each_broken_file_gives_its_expected_problems_and_keeps_its_good_records(name, expected):
    kept, problems = expected
    report = import_marc_files([EDGE / name])
    assert report.imported == kept == Record.objects.count()
    assert len(report.problems) == len(problems), reasons(report)
    for problem, text in zip(report.problems, problems, strict=True):
        assert str(problem).startswith(str(EDGE / name))
        assert text in str(problem)
    assert report.read == report.imported + report.skipped


# --- bad input made from real records -------------------------------------------------------


def test_a_truncated_file_keeps_the_records_before_the_cut(tmp_path):
    three = b"".join(loc_chunks(3))
    path = write(tmp_path, "cut.mrc", three[: len(three) - 200])
    report = import_marc_files([path])
    assert report.created == 2
    [problem] = report.problems
    assert problem.record == 3
    assert "truncated" in problem.reason


def test_a_wrong_leader_length_costs_no_other_record(tmp_path):
    first, second, third = loc_chunks(3)
    lying = b"%05d" % (len(second) - 40) + second[5:]
    report = import_marc_files([write(tmp_path, "length.mrc", first + lying + third)])
    assert report.created == 3  # the directory was intact: length corrected, record kept
    [problem] = report.problems
    assert not problem.skipped
    assert "the length was corrected" in problem.reason


def test_a_missing_end_of_record_mark_is_reported_and_the_next_record_kept(tmp_path):
    first, second, third = loc_chunks(3)
    report = import_marc_files([write(tmp_path, "merged.mrc", first[:-1] + second + third)])
    assert report.created == 1
    [problem] = report.problems
    assert (problem.record, problem.offset) == (1, 0)
    assert "missing end-of-record mark" in problem.reason


def test_invalid_utf8_is_reported_with_its_field(tmp_path):
    first, second, third = loc_chunks(3)
    broken = second.replace(b"Reminiscences", b"Reminiscenc\xff\xfe", 1)
    report = import_marc_files([write(tmp_path, "utf8.mrc", first + broken + third)])
    assert report.created == 2
    [problem] = report.problems
    assert problem.record == 2
    assert problem.offset == len(first)
    assert "invalid UTF-8 in field 245" in problem.reason


@pytest.mark.parametrize("size", [150_000, 3_000_000])
def test_an_absurdly_long_stretch_without_end_of_record_mark_is_skipped(tmp_path, size):
    first, second = loc_chunks(2)
    garbage = b"01234" + b"x" * size
    report = import_marc_files([write(tmp_path, "huge.mrc", first + garbage + second)])
    assert report.created == 1  # the second record is lost with the garbage before it
    [problem] = report.problems
    assert "no end-of-record mark within 99,999 bytes" in problem.reason


def test_a_record_without_a_title_is_reported_and_skipped(tmp_path):
    first, second = loc_chunks(2)
    record = next(MARCReader(second, to_unicode=True))
    record.remove_fields("245")
    report = import_marc_files([write(tmp_path, "untitled.mrc", first + record.as_marc())])
    assert report.created == 1
    assert [str(p) for p in report.problems] == [f"{tmp_path}/untitled.mrc:#2(@{len(first)}): "
                                                 "no title: the record has no 245 $a"]  # fmt: skip


def test_unreadable_empty_and_missing_files_are_reported(tmp_path):
    empty = write(tmp_path, "empty.mrc", b"")
    text = write(tmp_path, "notes.txt", b"Dit is geen MARC.\n")
    report = import_marc_files([empty, text, tmp_path / "nowhere.mrc"])
    assert report.unreadable_files == 3
    assert [p.reason.split(":")[0] for p in report.problems] == [
        "empty file",
        "not a MARC file",
        "cannot be opened",
    ]


def test_broken_xml_keeps_the_records_before_the_break(tmp_path):
    xml = (EDGE / "batch.xml").read_bytes()
    cut = xml[: xml.rindex(b"<marc:record>")] + b"<marc:record><marc:leader>"
    report = import_marc_files([write(tmp_path, "cut.xml", cut)])
    assert report.created == 1
    [problem] = report.problems
    assert "not well-formed" in problem.reason


def test_html_in_a_title_stays_text_and_is_escaped_when_shown(tmp_path):
    record = next(MARCReader(loc_chunks(1)[0], to_unicode=True))
    record["245"]["a"] = "<script>alert('x')</script> & <b>vet</b> /"
    import_marc_files([write(tmp_path, "html.mrc", record.as_marc())])
    stored = Record.objects.get()
    assert stored.title == "<script>alert('x')</script> & <b>vet</b>"
    shown = Template("{{ record.title }}").render(Context({"record": stored}))
    assert "<script>" not in shown
    assert "&lt;script&gt;" in shown


# --- transactions, audit and permission -----------------------------------------------------


def test_a_batch_the_database_refuses_leaves_no_partial_rows(monkeypatch, tmp_path):
    chunks = loc_chunks(5)
    refused = next(MARCReader(chunks[2], to_unicode=True))["001"].data.strip()
    index = search.index_records

    def refuse_one(record_ids):
        ids = list(record_ids)
        if Record.objects.filter(pk__in=ids, control_number=refused).exists():
            raise DatabaseError("refused for the test")
        index(ids)

    monkeypatch.setattr(search, "index_records", refuse_one)
    report = import_marc_files([write(tmp_path, "five.mrc", b"".join(chunks))])
    assert report.created == 4
    [problem] = report.problems
    assert problem.record == 3
    assert "the database refused it" in problem.reason
    assert not Record.objects.filter(control_number=refused).exists()
    saved = set(Record.objects.values_list("id", flat=True))
    assert set(Contributor.objects.values_list("record_id", flat=True)) <= saved
    assert set(Identifier.objects.values_list("record_id", flat=True)) <= saved
    assert set(Subject.objects.values_list("record_id", flat=True)) <= saved


def test_a_failing_batch_writes_nothing_at_all(monkeypatch):
    from samenbieb.catalog.marc import record_extract

    parsed = [record_extract(next(MARCReader(c, to_unicode=True))) for c in loc_chunks(3)]

    def refuse(record_ids):
        raise DatabaseError("refused for the test")

    monkeypatch.setattr(search, "index_records", refuse)
    with pytest.raises(DatabaseError):
        services.record_upsert_batch(actor=None, parsed_records=parsed)
    assert Record.objects.count() == Contributor.objects.count() == Identifier.objects.count() == 0
    assert not AuditEvent.objects.filter(event_type="catalog.record.imported").exists()


def test_each_batch_writes_one_audit_event_with_counts_only():
    import_marc_files([DEMO], batch_size=200)
    events = AuditEvent.objects.filter(event_type="catalog.record.imported")
    assert events.count() == 3
    assert sum(event.details["created"] for event in events) == 500
    assert all(set(event.details) == {"created", "updated"} for event in events)


def test_only_cataloguers_change_the_catalogue():
    from samenbieb.catalog.marc import record_extract

    parsed = [record_extract(next(MARCReader(loc_chunks(1)[0], to_unicode=True)))]
    with pytest.raises(NotPermitted):
        services.record_upsert_batch(actor=StaffUserFactory(), parsed_records=parsed)


# --- the command ----------------------------------------------------------------------------


def test_the_command_prints_counts_and_each_problem_with_its_position(tmp_path):
    out = io.StringIO()
    shutil.copy(EDGE / "bad_records.mrc", tmp_path / "bad_records.mrc")
    call_command("import_marc", str(tmp_path / "bad_records.mrc"), str(DEMO), stdout=out)
    text = out.getvalue()
    assert "created                 501" in text
    assert f"{tmp_path}/bad_records.mrc:#2(@127): broken record structure" in text


def test_the_command_fails_when_nothing_could_be_imported(tmp_path):
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_marc", str(EDGE / "PYMARC-LICENSE"), stdout=io.StringIO())
