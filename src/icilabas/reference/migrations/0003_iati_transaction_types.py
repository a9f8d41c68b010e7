"""The IATI transaction types, for the import's codelist checks (added after 0002 had run)."""

from django.db import migrations

from icilabas.reference.loaders import iati_codelists_operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0002_load_reference_data")]

    operations = [iati_codelists_operation("iati-transaction-type")]
