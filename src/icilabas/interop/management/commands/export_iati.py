from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icilabas.cooperation.models import Project
from icilabas.interop.iati_export import export_activities, validate


class Command(BaseCommand):
    help = "Exporte les projets en fichier d'activités IATI 2.03, validé contre les schémas."

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--organisation", type=int, help="seulement les projets de cet acteur")

    def handle(self, *args, output, organisation, **options):
        projects = Project.objects.all()
        if organisation:
            from icilabas.actors.models import Organisation
            from icilabas.actors.selectors import organisation_projects

            found = Organisation.objects.filter(pk=organisation).first()
            if found is None:
                raise CommandError(f"Acteur inconnu : {organisation}")
            projects = Project.objects.filter(
                pk__in=organisation_projects(organisation=found).values("pk")
            )
        counts = export_activities(output, projects)
        errors = validate(output)
        self.stdout.write(
            f"{counts['written']} activité(s) écrites, {counts['skipped']} sans "
            f"date écartée(s) → {output}"
        )
        if errors:
            for error in errors[:50]:
                self.stdout.write(f"  {error}")
            raise CommandError(f"Le fichier n'est pas valide IATI 2.03 ({len(errors)} erreurs).")
        self.stdout.write("Fichier valide (schéma IATI 2.03).")
