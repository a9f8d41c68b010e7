"""The IATI regions (OECD DAC vocabulary), for the import's codelist checks."""

from django.db import migrations

from icilabas.reference.loaders import iati_codelists_operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0003_iati_transaction_types")]

    operations = [iati_codelists_operation("iati-region")]
