"""Load the shipped reference data (territories, codelists, themes) so every database has it."""

from django.db import migrations


def load(apps, schema_editor):
    from icilabas.reference.loaders import load_all

    names = ["Region", "Departement", "Commune", "Vocabulary", "Concept", "ConceptMapping"]
    load_all({name: apps.get_model("reference", name) for name in names})


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
