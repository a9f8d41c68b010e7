"""The IATI codelists' French labels with their capitals' accents ("Équipements")."""

from django.db import migrations

from icilabas.core.french import with_accented_capitals


def accent(apps, schema_editor):
    Concept = apps.get_model("reference", "Concept")
    changed = []
    for concept in Concept.objects.filter(label__regex=r"(^|[^A-Za-z])E[a-z]"):
        label = with_accented_capitals(concept.label)
        if label != concept.label:
            concept.label = label
            changed.append(concept)
    Concept.objects.bulk_update(changed, ["label"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("reference", "0006_commune_search_key")]

    operations = [migrations.RunPython(accent, migrations.RunPython.noop)]
