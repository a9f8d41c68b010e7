from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext

from icilabas.actors.models import Organisation
from icilabas.interop.atlas import prepare


class Command(BaseCommand):
    help = (
        "Prépare les déclarations annuelles : Atlas de la coopération décentralisée (projets "
        "actifs dans l'année) et e-APD (montants de l'année par pays, canal et secteur), dans un "
        "classeur XLSX ou ODS, avec une feuille « À vérifier »."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="Année déclarée, ex. 2025.")
        parser.add_argument("--output", help="Fichier produit (défaut : declarations-ANNÉE.xlsx).")
        parser.add_argument("--organisation", type=int, help="Une seule collectivité (son id).")
        parser.add_argument("--format", choices=["xlsx", "ods"], default="xlsx")

    def handle(self, *args, year, output, organisation, format, **options):
        if not 1950 <= year <= timezone.now().year + 1:
            raise CommandError(gettext("Année invalide : %(year)s.") % {"year": year})
        chosen = None
        if organisation is not None:
            chosen = Organisation.objects.filter(pk=organisation).first()
            if chosen is None:
                raise CommandError(
                    gettext("Aucune organisation n° %(organisation)s.")
                    % {"organisation": organisation}
                )
        declaration = prepare(year=year, organisation=chosen)
        path = Path(output or f"declarations-{year}.{format}")
        path.write_bytes(declaration.workbook(year=year, fmt=format))
        self.stdout.write(
            self.style.SUCCESS(
                f"{path} : {len(declaration.atlas)} ligne(s) Atlas, {len(declaration.apd)} "
                f"ligne(s) e-APD, {len(declaration.checks)} à vérifier."
            )
        )
