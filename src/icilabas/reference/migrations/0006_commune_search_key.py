"""Communes found by their name as people type it (no accents, hyphens, "St" for "Saint")."""

from django.db import migrations, models

from icilabas.reference.gazetteer import commune_key


def fill_keys(apps, schema_editor):
    Commune = apps.get_model("reference", "Commune")
    communes = list(Commune.objects.only("pk", "name"))
    for commune in communes:
        commune.search_key = commune_key(commune.name)
    Commune.objects.bulk_update(communes, ["search_key"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("reference", "0005_iati_activity_codelists")]

    operations = [
        migrations.AddField(
            model_name="commune",
            name="search_key",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
