"""`icilabas restore FILE`: an archive of `icilabas backup` brought back on an empty instance,
from either engine to either engine."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = "Restaure une sauvegarde sur une installation neuve (migrée, sans données)."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="Archive écrite par icilabas backup.")

    def handle(self, *args, archive, **options):
        try:
            restored = restore_backup(Path(archive))
        except BackupError as error:
            raise CommandError(
                gettext("Rien n'a été restauré : %(error)s") % {"error": error}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration terminée : {restored.objects} lignes, {restored.files} fichiers ; "
                "index de recherche reconstruit."
            )
        )
