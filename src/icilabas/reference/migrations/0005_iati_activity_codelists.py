"""The IATI codelists of an activity's and a transaction's default codes (scope, collaboration,
flow, finance and aid types, tied status, disbursement channel), for the import's checks."""

from django.db import migrations

SLUGS = [
    "iati-activity-scope",
    "iati-collaboration-type",
    "iati-flow-type",
    "iati-finance-type",
    "iati-aid-type",
    "iati-tied-status",
    "iati-disbursement-channel",
]


def load(apps, schema_editor):
    from icilabas.reference.loaders import load_iati_codelist

    Vocabulary = apps.get_model("reference", "Vocabulary")
    for slug in SLUGS:
        load_iati_codelist(Vocabulary, apps.get_model("reference", "Concept"), slug)


def unload(apps, schema_editor):
    apps.get_model("reference", "Vocabulary").objects.filter(slug__in=SLUGS).delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0004_iati_regions")]

    operations = [migrations.RunPython(load, unload)]
