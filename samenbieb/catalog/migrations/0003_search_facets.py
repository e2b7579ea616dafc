"""Filter and facet columns beside the search index, so a search never joins the records.

PostgreSQL: seven columns added to ``catalog_search_document`` (the tsvector table of
migration 0002) and filled from the records and the items on the shelf. SQLite: a plain
table of the same name and columns beside the FTS5 tables, filled the same way. Django
sees both as the unmanaged model ``SearchFacets``.

At a million records the fill runs with the document indexes dropped and builds them again
after (a few minutes): updating every row through four GIN indexes takes far longer.
"""

from django.db import migrations, models

COLUMNS = [
    ("format", "varchar(20) NOT NULL DEFAULT ''"),
    ("language", "varchar(3) NOT NULL DEFAULT ''"),
    ("year", "smallint"),
    ("audience_min_age", "smallint"),
    ("audience_max_age", "smallint"),
    ("avi_level", "varchar(10) NOT NULL DEFAULT ''"),
    ("available_at", "text NOT NULL DEFAULT ''"),
]
RECORD_COLUMNS = [name for name, _type in COLUMNS if name != "available_at"]

# The indexes of migration 0002 but the primary key, as they were made there.
INDEXES = {
    "catalog_search_document_fts": "USING gin (document)",
    "catalog_search_document_title": "(title_key)",
    "catalog_search_document_authors": "USING gin (author_keys)",
    "catalog_search_document_trgm": "USING gin (fuzzy_text gin_trgm_ops)",
}
MANY = 100_000

POSTGRES_ADD = [
    "ALTER TABLE catalog_search_document "
    + ", ".join(f"ADD COLUMN {name} {kind}" for name, kind in COLUMNS),
]
POSTGRES_FILL = [
    "UPDATE catalog_search_document d SET "
    + ", ".join(f"{name} = r.{name}" for name in RECORD_COLUMNS)
    + " FROM catalog_record r WHERE r.id = d.record_id",
    # Where a copy is on the shelf: "|b<branch>|…|o<organisation>|…|".
    """
    UPDATE catalog_search_document d SET available_at = a.places FROM (
        SELECT i.record_id,
            '|' || string_agg(DISTINCT 'b' || i.current_branch_id, '|') || '|'
            || string_agg(DISTINCT 'o' || b.organisation_id, '|') || '|' AS places
        FROM holdings_item i JOIN network_branch b ON b.id = i.current_branch_id
        WHERE i.status = 'available' GROUP BY i.record_id
    ) a WHERE a.record_id = d.record_id
    """,
    "ANALYZE catalog_search_document",
]
POSTGRES_REVERSE = [
    "ALTER TABLE catalog_search_document "
    + ", ".join(f"DROP COLUMN {name}" for name, _kind in COLUMNS)
]

SQLITE = [
    "CREATE TABLE catalog_search_document (record_id integer PRIMARY KEY, "
    + ", ".join(f"{name} {kind.replace('smallint', 'integer')}" for name, kind in COLUMNS)
    + ")",
    "INSERT INTO catalog_search_document (record_id, "
    + ", ".join(RECORD_COLUMNS)
    + ") SELECT id, "
    + ", ".join(RECORD_COLUMNS)
    + " FROM catalog_record WHERE id IN (SELECT rowid FROM catalog_search_fts)",
    """
    UPDATE catalog_search_document SET available_at = coalesce((
        SELECT '|' || group_concat(place, '|') || '|' FROM (
            SELECT DISTINCT 'b' || i.current_branch_id AS place FROM holdings_item i
            WHERE i.record_id = catalog_search_document.record_id AND i.status = 'available'
            UNION
            SELECT DISTINCT 'o' || b.organisation_id FROM holdings_item i
            JOIN network_branch b ON b.id = i.current_branch_id
            WHERE i.record_id = catalog_search_document.record_id AND i.status = 'available'
            ORDER BY 1
        )
    ), '')
    """,
]
SQLITE_REVERSE = ["DROP TABLE IF EXISTS catalog_search_document"]


def _run(statements, schema_editor):
    for statement in statements:
        schema_editor.execute(statement)


def _postgres(schema_editor):
    _run(POSTGRES_ADD, schema_editor)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT count(*) > %s FROM catalog_search_document", [MANY])
        many = cursor.fetchone()[0]
    if not many:
        _run(POSTGRES_FILL, schema_editor)
        return
    _run(["SET LOCAL maintenance_work_mem = '512MB'"], schema_editor)
    _run([f"DROP INDEX {name}" for name in INDEXES], schema_editor)
    _run(POSTGRES_FILL, schema_editor)
    _run(
        [f"CREATE INDEX {name} ON catalog_search_document {how}" for name, how in INDEXES.items()],
        schema_editor,
    )


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgres(schema_editor)
    elif vendor == "sqlite":
        _run(SQLITE, schema_editor)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(POSTGRES_REVERSE, schema_editor)
    elif vendor == "sqlite":
        _run(SQLITE_REVERSE, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_search_index"),
        ("holdings", "0001_initial"),
        ("network", "0004_ordering_without_joins"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchFacets",
            fields=[
                ("record_id", models.BigIntegerField(primary_key=True, serialize=False)),
                ("format", models.CharField(max_length=20)),
                ("language", models.CharField(max_length=3)),
                ("year", models.PositiveSmallIntegerField(null=True)),
                ("audience_min_age", models.PositiveSmallIntegerField(null=True)),
                ("audience_max_age", models.PositiveSmallIntegerField(null=True)),
                ("avi_level", models.CharField(max_length=10)),
                ("available_at", models.TextField()),
            ],
            options={
                "db_table": "catalog_search_document",
                "managed": False,
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
