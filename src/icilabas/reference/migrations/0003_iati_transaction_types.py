"""The IATI transaction types, for the import's codelist checks (added after 0002 had run)."""

from django.db import migrations


def load(apps, schema_editor):
    from icilabas.reference.loaders import load_iati_codelist

    Vocabulary = apps.get_model("reference", "Vocabulary")
    load_iati_codelist(Vocabulary, apps.get_model("reference", "Concept"), "iati-transaction-type")


def unload(apps, schema_editor):
    apps.get_model("reference", "Vocabulary").objects.filter(slug="iati-transaction-type").delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_load_reference_data")]

    operations = [migrations.RunPython(load, unload)]
