"""Full-text index of core_searchentry in each engine's own machinery."""

from django.db import migrations

from ._search_index_triggers import SQLITE_TRIGGERS

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE core_searchentry_fts USING fts5("
    "title_stems, body_stems, content='core_searchentry', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    *SQLITE_TRIGGERS,
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS core_searchentry_au",
    "DROP TRIGGER IF EXISTS core_searchentry_ad",
    "DROP TRIGGER IF EXISTS core_searchentry_ai",
    "DROP TABLE IF EXISTS core_searchentry_fts",
]
POSTGRES_FORWARD = [
    # A stored vector: ranking reads it instead of re-parsing every matching text.
    "ALTER TABLE core_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('french', title_text), 'A') || "
    "setweight(to_tsvector('french', body_text), 'B')) STORED",
    "CREATE INDEX core_searchentry_vector ON core_searchentry USING gin (vector)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS vector",
]


def run(statements_by_vendor):
    def apply(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(
            run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
