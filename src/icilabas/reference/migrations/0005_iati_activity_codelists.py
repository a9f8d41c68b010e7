"""The IATI codelists of an activity's and a transaction's default codes (scope, collaboration,
flow, finance and aid types, tied status, disbursement channel), for the import's checks."""

from django.db import migrations

from icilabas.reference.loaders import iati_codelists_operation


class Migration(migrations.Migration):
    dependencies = [("reference", "0004_iati_regions")]

    operations = [
        iati_codelists_operation(
            "iati-activity-scope",
            "iati-collaboration-type",
            "iati-flow-type",
            "iati-finance-type",
            "iati-aid-type",
            "iati-tied-status",
            "iati-disbursement-channel",
        )
    ]
