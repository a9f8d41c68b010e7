"""PostgreSQL: the search indexes keep a small pending list (256 kB rather than 4 MB).

GIN batches new entries in an unsorted pending list that every search reads in full until it is
merged. With the default 4 MB, generating 100,000 projects left 35,000 tuples there: 13 ms of
the look-alike check's 17 ms at p50. Without any list (`fastupdate = off`) searches are fast but
a 12,000-activity IATI import took 42–47 s instead of 35–40 s. A 256 kB list is merged by the
writer once it is full, so a search reads at most a few thousand pending tuples."""

from django.db import migrations

INDEXES = ("core_searchentry_vector", "core_searchentry_title_vector")


def pending_list(kilobytes: int | None):
    def apply(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for index in INDEXES:
            if kilobytes is None:
                schema_editor.execute(f"ALTER INDEX {index} RESET (gin_pending_list_limit)")
                continue
            schema_editor.execute(
                f"ALTER INDEX {index} SET (fastupdate = on, gin_pending_list_limit = {kilobytes})"
            )
            schema_editor.execute(f"SELECT gin_clean_pending_list('{index}'::regclass)")

    return apply


class Migration(migrations.Migration):
    dependencies = [("core", "0007_search_vocabulary")]

    operations = [migrations.RunPython(pending_list(256), pending_list(None))]
