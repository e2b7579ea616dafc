"""Bulk loading: rows straight into a model's table, for loads of millions of rows.

The ORM's ``save()`` costs a statement per row and ``bulk_create`` still builds a model
instance per row and sends a multi-row INSERT per batch. Synthetic networks for
benchmarks (and, later, migrations from other library systems) load millions of
members, items and loans, where that overhead dominates. :func:`bulk_insert` sends
plain tuples: with PostgreSQL's ``COPY … FROM STDIN`` (psycopg 3), and with a prepared
INSERT run by ``executemany`` in batches on SQLite.

What it deliberately skips: ``save()``, signals, field defaults, ``auto_now_add`` and
model validation. The caller passes every column it needs, valid, in the field's Python
type; the database still enforces NOT NULL, foreign keys, unique and check constraints.
It never commits: inside the caller's ``transaction.atomic`` the rows come and go with
that transaction, and outside one the whole load is a single transaction of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from itertools import islice
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

DEFAULT_BATCH_SIZE = 5_000

# Values of these field types go to the driver as they are, which saves a Python call per
# value: the drivers adapt ints, strings, booleans and floats themselves, psycopg also dates,
# times, aware datetimes and decimals, and Django registers SQLite adapters for dates and
# decimals. Other types (SQLite times and datetimes, JSON, …) go through the field's
# get_db_prep_save, as they would with the ORM.
_PASSTHROUGH = frozenset(
    {
        "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField",
        "SmallIntegerField", "PositiveIntegerField", "PositiveBigIntegerField",
        "PositiveSmallIntegerField", "CharField", "SlugField", "TextField", "BooleanField",
        "FloatField",
    }
)  # fmt: skip
_PASSTHROUGH_BY_VENDOR = {
    "postgresql": _PASSTHROUGH | {"DateField", "TimeField", "DateTimeField", "DecimalField"},
    "sqlite": _PASSTHROUGH | {"DateField", "DecimalField"},
}

Converter = Callable[[Any], Any] | None


def bulk_insert(
    model: type[models.Model],
    rows: Iterable[Sequence[Any]],
    fields: Sequence[str],
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    using: str = DEFAULT_DB_ALIAS,
) -> int:
    """Insert ``rows`` (tuples in ``fields`` order) into ``model``'s table; returns the count.

    ``fields`` are model field names (``branch`` or ``branch_id`` for a foreign key).
    Rows are consumed lazily, so a generator of millions of rows needs little memory.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    if not fields:
        raise ValueError("name at least one field")
    connection = connections[using]
    concrete = [model._meta.get_field(name) for name in fields]
    columns: list[str] = []
    converters: list[Converter] = []
    for name, field in zip(fields, concrete, strict=True):
        if not isinstance(field, models.Field) or not field.concrete or field.many_to_many:
            raise ValueError(f"{model._meta.label}.{name} is not a column")
        columns.append(field.column)
        converters.append(_converter(field, connection))
    table = connection.ops.quote_name(model._meta.db_table)
    column_list = ", ".join(connection.ops.quote_name(column) for column in columns)
    prepared = _prepare(rows, converters, len(fields))
    with transaction.atomic(using=using, savepoint=False):
        if connection.vendor == "postgresql":
            return _copy(connection, f"COPY {table} ({column_list}) FROM STDIN", prepared)
        placeholders = ", ".join(["%s"] * len(columns))
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        return _executemany(connection, sql, prepared, batch_size)


def _converter(field: models.Field[Any, Any], connection: Any) -> Converter:
    target = field.target_field if isinstance(field, models.ForeignKey) else field
    passthrough = _PASSTHROUGH_BY_VENDOR.get(connection.vendor, _PASSTHROUGH)
    if target.get_internal_type() in passthrough:
        return None
    return partial(field.get_db_prep_save, connection=connection)


def _prepare(
    rows: Iterable[Sequence[Any]], converters: list[Converter], width: int
) -> Iterator[Sequence[Any]]:
    converting = [(index, convert) for index, convert in enumerate(converters) if convert]
    for row in rows:
        if len(row) != width:
            raise ValueError(f"expected {width} values per row, got {len(row)}: {row!r}")
        if converting:
            row = list(row)
            for index, convert in converting:
                if row[index] is not None:
                    row[index] = convert(row[index])
        yield row


def _copy(connection: Any, sql: str, rows: Iterator[Sequence[Any]]) -> int:
    count = 0
    # The raw psycopg cursor has copy(); wrap_database_errors turns its errors into
    # Django's (IntegrityError…), as every other query does.
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _executemany(connection: Any, sql: str, rows: Iterator[Sequence[Any]], batch_size: int) -> int:
    count = 0
    with connection.cursor() as cursor:
        while batch := list(islice(rows, batch_size)):
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
