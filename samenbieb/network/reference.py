"""Reference data shipped with Samenbieb: Dutch municipalities with CBS population figures."""

from __future__ import annotations

import csv
from pathlib import Path

from samenbieb.network.models import Municipality, Province

DATA = Path(__file__).resolve().parent / "data"
MUNICIPALITIES_CSV = DATA / "municipalities.csv"
MUNICIPALITY_SOURCE = "CBS Kerncijfers wijken en buurten (CC BY 4.0)"
# CBS writes "Friesland"; the province's official name is "Fryslân".
PROVINCE_CODES = {label: code for code, label in Province.choices} | {"Friesland": "FR"}


def municipalities_load(
    path: Path = MUNICIPALITIES_CSV, model: type[Municipality] = Municipality
) -> int:
    """Insert or update every municipality in the CSV; returns how many rows it read.

    Idempotent: run it again with next year's figures and the rows are updated in place.
    ``model`` lets a data migration pass its historical model.
    """
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    existing = {m.cbs_code: m for m in model.objects.all()}
    new, changed = [], []
    for row in rows:
        values = {
            "name": row["name"],
            "province": PROVINCE_CODES[row["province"]],
            "population": int(row["population"]),
            "population_year": int(row["population_year"]),
            "source": f"{MUNICIPALITY_SOURCE}, {row['population_year']}",
        }
        current = existing.get(row["cbs_code"])
        if current is None:
            new.append(model(cbs_code=row["cbs_code"], **values))
        else:
            for field, value in values.items():
                setattr(current, field, value)
            changed.append(current)
    model.objects.bulk_create(new, batch_size=500)
    model.objects.bulk_update(
        changed, ["name", "province", "population", "population_year", "source"], batch_size=500
    )
    return len(rows)
