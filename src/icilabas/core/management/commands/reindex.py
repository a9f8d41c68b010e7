"""`icilabas reindex`: rebuild the search index from the records (after an upgrade that
changes what a document holds, or a restore)."""

from django.core.management.base import BaseCommand

from icilabas.core import search


class Command(BaseCommand):
    help = "Reconstruit l'index de recherche à partir des fiches publiées."

    def handle(self, *args, **options):
        total = search.reindex_all()
        self.stdout.write(self.style.SUCCESS(f"{total} fiche(s) indexée(s)."))
