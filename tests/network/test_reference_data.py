"""Dutch municipalities with CBS population figures, loaded by a migration and refreshable."""

from __future__ import annotations

import csv
import io
import shutil

import pytest
from django.core.management import call_command

from samenbieb.network.models import Municipality, Province
from samenbieb.network.reference import MUNICIPALITIES_CSV, municipalities_load

pytestmark = pytest.mark.django_db


def csv_rows(path=MUNICIPALITIES_CSV):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_migration_loaded_all_342_municipalities():
    assert Municipality.objects.count() == 342
    assert set(Municipality.objects.values_list("cbs_code", flat=True)) == {
        row["cbs_code"] for row in csv_rows()
    }


def test_every_municipality_has_a_population_its_year_and_its_source():
    assert not Municipality.objects.filter(population__lte=0).exists()
    for municipality in Municipality.objects.all():
        assert 2000 <= municipality.population_year <= 2100, municipality
        assert municipality.source.startswith("CBS"), municipality
        assert municipality.source.endswith(str(municipality.population_year)), municipality


def test_a_municipality_carries_the_figures_of_the_csv():
    groningen = Municipality.objects.get(cbs_code="GM0014")

    assert groningen.name == "Groningen"
    assert groningen.province == Province.GRONINGEN
    assert groningen.population == 243768
    assert groningen.population_year == 2024
    assert groningen.source == "CBS Kerncijfers wijken en buurten (CC BY 4.0), 2024"


def test_every_municipality_lies_in_one_of_the_twelve_provinces():
    provinces = set(Municipality.objects.values_list("province", flat=True))

    assert provinces == set(Province.values)


def test_rows_cbs_calls_friesland_map_to_the_province_fryslan():
    frisian_codes = {row["cbs_code"] for row in csv_rows() if row["province"] == "Friesland"}

    assert frisian_codes
    assert (
        set(
            Municipality.objects.filter(province=Province.FRYSLAN).values_list(
                "cbs_code", flat=True
            )
        )
        == frisian_codes
    )


def test_loading_again_updates_in_place_without_duplicates(tmp_path):
    rows = csv_rows()
    changed = tmp_path / "municipalities.csv"
    shutil.copy(MUNICIPALITIES_CSV, changed)
    for row in rows:
        if row["cbs_code"] == "GM0014":
            row["population"] = "250000"
            row["population_year"] = "2025"
    with changed.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = dict(Municipality.objects.values_list("cbs_code", "pk"))

    assert municipalities_load(changed) == 342

    assert Municipality.objects.count() == 342
    assert dict(Municipality.objects.values_list("cbs_code", "pk")) == before
    groningen = Municipality.objects.get(cbs_code="GM0014")
    assert groningen.population == 250000
    assert groningen.population_year == 2025
    assert groningen.source.endswith(", 2025")
    assert Municipality.objects.get(cbs_code="GM0034").population == 226500


def test_the_load_reference_data_command_is_idempotent():
    before = dict(Municipality.objects.values_list("cbs_code", "population"))

    output = io.StringIO()

    call_command("load_reference_data", stdout=output)

    assert "342 municipalities loaded" in output.getvalue()
    assert dict(Municipality.objects.values_list("cbs_code", "population")) == before
