"""`icilabas backup --output FILE`: the whole installation in one archive (core.backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from icilabas.core.backup import write_backup


class Command(BaseCommand):
    help = "Sauvegarde données (JSON indépendant du moteur), fichiers et manifeste en une archive."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Archive à écrire (.tar.gz).")

    def handle(self, *args, output, **options):
        manifest = write_backup(Path(output))
        rows = sum(manifest["counts"].values())
        files = len(manifest["sha256"]) - 1
        self.stdout.write(
            self.style.SUCCESS(f"Sauvegarde écrite : {output} — {rows} lignes, {files} fichiers.")
        )
