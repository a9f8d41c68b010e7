"""PostgreSQL: a title-only vector, so title matches are found without reading every record
whose body has the word (the weighted vector's GIN index cannot filter on weights)."""

from django.db import migrations

FORWARD = [
    "ALTER TABLE core_searchentry ADD COLUMN title_vector tsvector GENERATED ALWAYS AS ("
    "to_tsvector('french', title_text)) STORED",
    "CREATE INDEX core_searchentry_title_vector ON core_searchentry USING gin (title_vector)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS core_searchentry_title_vector",
    "ALTER TABLE core_searchentry DROP COLUMN IF EXISTS title_vector",
]


def run(statements):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0002_search_index")]

    operations = [migrations.RunPython(run(FORWARD), run(BACKWARD))]
