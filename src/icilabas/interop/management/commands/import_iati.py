from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.core.permissions import command_line_user
from icilabas.interop.services import import_iati


class Command(BaseCommand):
    help = "Importe des fichiers d'activités IATI (2.01 à 2.03) ; rapport gradué par ligne."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path)
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="importe les activités valides même si d'autres sont en erreur (sinon, tout "
            "ou rien)",
        )

    def handle(self, *args, files, valid_only, **options):
        refused = 0
        for path in files:
            if not path.exists():
                raise CommandError(gettext("Fichier introuvable : %(path)s") % {"path": path})
            report = import_iati(path=path, user=command_line_user(), valid_only=valid_only)
            verdict = (
                "REFUSÉ, rien importé"
                if report.refused
                else (f"{report.created} créé(s), {report.updated} mis à jour")
            )
            self.stdout.write(f"{path.name} : {verdict}")
            for problem in report.problems:
                where = f"ligne {problem.line}" if problem.line else "fichier"
                self.stdout.write(f"  [{problem.level}] {where} : {problem.message}")
            refused += report.refused
        if refused:
            raise CommandError(gettext("%(refused)s fichier(s) refusé(s).") % {"refused": refused})
