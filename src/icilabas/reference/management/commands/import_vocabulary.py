"""`icilabas import-vocabulary`: a network's own vocabulary and its crosswalks, from CSV,
XLSX or ODS files (every row checked first; nothing written if one is wrong)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icilabas.core.importing import ImportFileError, read_rows
from icilabas.core.permissions import scheduler_user
from icilabas.reference.vocabularies import VocabularyFileError, import_vocabulary


class Command(BaseCommand):
    help = (
        "Charge un vocabulaire (colonnes code, label, parent, label_en) et ses correspondances "
        "(source_code, target_vocabulary, target_code, relation[, source_vocabulary])."
    )

    def add_arguments(self, parser):
        parser.add_argument("concepts", help="Fichier des concepts (CSV, XLSX ou ODS).")
        parser.add_argument("--name", required=True, help="Nom du vocabulaire.")
        parser.add_argument("--slug", default="", help="Identifiant (déduit du nom sinon).")
        parser.add_argument("--vocabulary-version", dest="vocabulary_version", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--mappings", default="", help="Fichier des correspondances.")

    def handle(self, *args, concepts, name, slug, vocabulary_version, source, mappings, **opts):
        try:
            _header, concept_rows = read_rows(concepts, Path(concepts).read_bytes())
            mapping_rows = read_rows(mappings, Path(mappings).read_bytes())[1] if mappings else []
            result = import_vocabulary(
                name=name,
                slug=slug,
                version=vocabulary_version,
                source=source or Path(concepts).name,
                concepts=concept_rows,
                mappings=mapping_rows,
                user=scheduler_user(),
            )
        except (OSError, ImportFileError) as error:
            raise CommandError(f"Fichier illisible : {error}") from error
        except VocabularyFileError as error:
            raise CommandError("Rien n'a été chargé :\n" + "\n".join(error.problems)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"« {result.vocabulary.name} » ({result.vocabulary.slug}) : {result.created} "
                f"concept(s) créé(s), {result.updated} mis à jour, {result.mappings} "
                "correspondance(s)."
            )
        )
