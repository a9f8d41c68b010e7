"""Search: the text as written (for excerpts) and the facets (country, theme, year).

SQLite rebuilds the table to add columns with a default, which drops the triggers keeping the
full-text index current: they are made again. Entries get their new values when reindexed
(`icilabas reindex` after upgrading)."""

from django.db import migrations, models

from ._search_index_triggers import SQLITE_TRIGGERS


def restore_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0012_end_thread_jobs")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="body",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="country",
            field=models.CharField(blank=True, max_length=2, verbose_name="pays"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="theme",
            field=models.CharField(blank=True, max_length=200, verbose_name="thématique"),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="year",
            field=models.PositiveSmallIntegerField(blank=True, null=True, verbose_name="année"),
        ),
        migrations.RunPython(restore_triggers, migrations.RunPython.noop),
    ]
