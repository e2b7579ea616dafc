"""The catalogue search index, per database: see samenbieb/catalog/search/.

PostgreSQL: the unaccent and pg_trgm extensions, an IMMUTABLE unaccent wrapper, a key
function, and a document table with a weighted tsvector (GIN), the normalised title
(btree), author keys (GIN) and title/author text for typo tolerance (GIN trigram).
SQLite: an FTS5 table of Dutch stems and an FTS5 trigram table.

The tables are no Django models: nothing but the search module reads or writes them, and
they hold no foreign key, so flushing the catalogue between tests never trips over them.
A database that already holds records needs ``rebuild_index()`` once after this migration.
"""

from django.db import migrations

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is STABLE (it reads a dictionary); naming the dictionary makes it safe
    # to declare IMMUTABLE, which an index expression and a stored document need.
    """
    CREATE OR REPLACE FUNCTION samenbieb_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$
    """,
    """
    CREATE OR REPLACE FUNCTION samenbieb_search_key(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT btrim(regexp_replace(lower(samenbieb_unaccent($1)), '[^[:alnum:]]+', ' ', 'g')) $$
    """,
    """
    CREATE TABLE catalog_search_document (
        record_id bigint PRIMARY KEY,
        document tsvector NOT NULL,
        title_key text NOT NULL,
        author_keys text[] NOT NULL,
        fuzzy_text text NOT NULL
    )
    """,
    "CREATE INDEX catalog_search_document_fts ON catalog_search_document USING gin (document)",
    "CREATE INDEX catalog_search_document_title ON catalog_search_document (title_key)",
    "CREATE INDEX catalog_search_document_authors ON catalog_search_document USING gin (author_keys)",
    "CREATE INDEX catalog_search_document_trgm ON catalog_search_document"
    " USING gin (fuzzy_text gin_trgm_ops)",
]
POSTGRES_REVERSE = [
    "DROP TABLE IF EXISTS catalog_search_document",
    "DROP FUNCTION IF EXISTS samenbieb_search_key(text)",
    "DROP FUNCTION IF EXISTS samenbieb_unaccent(text)",
    # The extensions stay: other schemas or databases objects may use them.
]
SQLITE = [
    """
    CREATE VIRTUAL TABLE catalog_search_fts USING fts5(
        title, contributors, subjects, other,
        title_key UNINDEXED, author_keys UNINDEXED,
        tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    "CREATE VIRTUAL TABLE catalog_search_trigram USING fts5(fuzzy_text, tokenize = 'trigram')",
]
SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS catalog_search_trigram",
    "DROP TABLE IF EXISTS catalog_search_fts",
]


def _run(statements, schema_editor):
    for statement in statements:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(POSTGRES, schema_editor)
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
        ("catalog", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
