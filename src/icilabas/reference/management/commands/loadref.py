from django.apps import apps
from django.core.management.base import BaseCommand

from icilabas.reference.loaders import load_all


class Command(BaseCommand):
    help = "Charge (ou met à jour) les données de référence livrées avec le produit."

    def handle(self, *args, **options):
        counts = load_all({m.__name__: m for m in apps.get_app_config("reference").get_models()})
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count}")
