from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.demo.generator import generate


class Command(BaseCommand):
    help = "Génère un registre synthétique réaliste (pour les mesures de performance)."

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, required=True, help="nombre de projets")
        parser.add_argument("--seed", type=int, default=2011, help="graine aléatoire")

    def handle(self, *args, projects, seed, **options):
        if projects < 1:
            raise CommandError(gettext("--projects doit être un entier positif."))
        for name, count in generate(projects=projects, seed=seed).items():
            self.stdout.write(f"  {name} : {count}")
