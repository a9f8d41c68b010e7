"""The IATI regions (OECD DAC vocabulary), for the import's codelist checks."""

from django.db import migrations


def load(apps, schema_editor):
    from icilabas.reference.loaders import load_iati_codelist

    Vocabulary = apps.get_model("reference", "Vocabulary")
    load_iati_codelist(Vocabulary, apps.get_model("reference", "Concept"), "iati-region")


def unload(apps, schema_editor):
    apps.get_model("reference", "Vocabulary").objects.filter(slug="iati-region").delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_iati_transaction_types")]

    operations = [migrations.RunPython(load, unload)]
