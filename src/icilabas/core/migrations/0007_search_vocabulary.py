"""SQLite: a read-only view of the search index's vocabulary (in how many titles each word
appears), so that look-alike queries can leave out pairs of very common words."""

from django.db import migrations

FORWARD = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS core_searchentry_vocabulary "
    "USING fts5vocab(core_searchentry_fts, 'col')"
)
BACKWARD = "DROP TABLE IF EXISTS core_searchentry_vocabulary"


def on_sqlite(statement: str):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(statement)

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0006_spreadsheet_dry_run")]

    operations = [migrations.RunPython(on_sqlite(FORWARD), on_sqlite(BACKWARD))]
