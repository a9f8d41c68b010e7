import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Project
from icilabas.cooperation.selectors import organisation_projects
from icilabas.interop.iati_export import export_activities, export_organisations, validate


class Command(BaseCommand):
    help = (
        "Exporte les projets publiés en fichier d'activités IATI 2.03 et, sur demande, les "
        "organisations en fichier d'organisations ; chaque fichier est validé contre les schémas."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, type=Path)
        parser.add_argument("--organisation", type=int, help="seulement les projets de cet acteur")
        parser.add_argument(
            "--processes",
            type=int,
            default=min(4, os.cpu_count() or 1),
            help="processus qui écrivent chacun une part des activités (au-delà de 2 000 projets)",
        )
        parser.add_argument(
            "--organisations-output",
            type=Path,
            help="écrit aussi le fichier d'organisations (cet acteur, ou tous ceux du registre "
            "qui ne viennent pas d'un fichier IATI)",
        )

    def handle(self, *args, output, organisation, organisations_output, processes, **options):
        projects = Project.objects.published()
        organisations = Organisation.objects.published().filter(iati_identifier="")
        if organisation:
            found = Organisation.objects.filter(pk=organisation).first()
            if found is None:
                raise CommandError(
                    gettext("Acteur inconnu : %(organisation)s") % {"organisation": organisation}
                )
            projects = organisation_projects(organisation=found)
            organisations = Organisation.objects.filter(pk=found.pk)
        counts = export_activities(
            output,
            Project.objects.filter(pk__in=projects.values("pk")),
            processes=max(1, processes),
            validated=True,  # each process checks its part
        )
        if not counts["written"]:
            output.unlink()
            raise CommandError(
                gettext(
                    "Aucune activité à écrire : IATI demande une date par activité, et aucun des "
                    "%(skipped)s projet(s) choisi(s) n'en a."
                )
                % {"skipped": counts["skipped"]}
            )
        self._report(
            output,
            f"{counts['written']} activité(s) écrites, {counts['skipped']} sans date écartée(s)",
            counts["errors"],
        )
        if organisations_output:
            written = export_organisations(organisations_output, organisations)
            self._report(
                organisations_output,
                f"{written} organisation(s) écrite(s)",
                validate(organisations_output),
            )

    def _report(self, path: Path, summary: str, errors: list[str]) -> None:
        self.stdout.write(f"{summary} → {path}")
        if errors:
            for error in errors[:50]:
                self.stdout.write(f"  {error}")
            raise CommandError(
                gettext("Le fichier n'est pas valide IATI 2.03 (%(count)s erreurs).")
                % {"count": len(errors)}
            )
        self.stdout.write("Fichier valide (schéma IATI 2.03).")
