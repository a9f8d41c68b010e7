from django.db import migrations


def end_thread_jobs(apps, schema_editor):
    """Spreadsheet jobs left checking or running by threads of a web process that is gone
    (before the task queue): none of them can still end."""
    SpreadsheetImport = apps.get_model("core", "SpreadsheetImport")
    SpreadsheetImport.objects.filter(state__in=["verification", "en_cours"]).update(
        state="echec", message="Interrompu par un redémarrage du serveur : rien n'a été importé."
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0011_worker_heartbeat_scheduled_run")]

    operations = [migrations.RunPython(end_thread_jobs, migrations.RunPython.noop)]
