from django.db import migrations


def end_thread_jobs(apps, schema_editor):
    """Jobs left waiting or running by threads of a web process that is gone (before the task
    queue): none of them can still end, and nothing is queued for them."""
    ImportJob = apps.get_model("interop", "ImportJob")
    ImportJob.objects.filter(state__in=["en_attente", "en_cours"]).update(
        state="echec",
        problems=[
            [
                "critique",
                None,
                "Interrompu par un redémarrage du serveur : déposez le fichier à nouveau.",
            ]
        ],
    )


class Migration(migrations.Migration):
    dependencies = [("interop", "0003_import_job_valid_only")]

    operations = [migrations.RunPython(end_thread_jobs, migrations.RunPython.noop)]
