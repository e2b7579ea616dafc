"""PostgreSQL: the words of titles and authors, for typo tolerance ("harry poter").

Typo tolerance first finds the known words closest to each query word (trigram
similarity over this small table, about one row per distinct word), then searches the
text index for those words. Scanning a million titles for trigrams instead took longer
than the search's time budget. SQLite keeps its FTS5 trigram table (migration 0002).

The trigram index over every document's title and author text is no longer read, so it
goes: keeping it up to date was the largest part of an import's index work.
"""

from django.db import migrations

POSTGRES = [
    "CREATE TABLE catalog_search_word (word text PRIMARY KEY)",
    """
    INSERT INTO catalog_search_word
    SELECT DISTINCT w FROM catalog_search_document, unnest(string_to_array(fuzzy_text, ' ')) w
    WHERE length(w) BETWEEN 3 AND 40
    """,
    "CREATE INDEX catalog_search_word_trgm ON catalog_search_word USING gin (word gin_trgm_ops)",
    "ANALYZE catalog_search_word",
    "DROP INDEX IF EXISTS catalog_search_document_trgm",
]
POSTGRES_REVERSE = [
    "CREATE INDEX IF NOT EXISTS catalog_search_document_trgm ON catalog_search_document"
    " USING gin (fuzzy_text gin_trgm_ops)",
    "DROP TABLE IF EXISTS catalog_search_word",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRES_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_search_facets")]

    operations = [migrations.RunPython(forwards, backwards)]
