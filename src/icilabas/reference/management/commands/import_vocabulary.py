"""`icilabas import-vocabulary`: a network's own vocabulary and its crosswalks, from CSV,
XLSX or ODS files, or from a SKOS file (Turtle, RDF/XML, N-Triples). Everything is
checked first; nothing is written if one row or one concept is wrong."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.core.importing import ImportFileError, read_rows
from icilabas.core.permissions import command_line_user
from icilabas.reference.skos import is_skos, read_skos
from icilabas.reference.vocabularies import VocabularyFileError, import_vocabulary


def _namespace(text: str) -> tuple[str, str]:
    prefix, _sep, slug = text.rpartition("=")
    if not prefix or not slug:
        raise CommandError(
            gettext("--namespace « %(text)s » : écrivez PREFIXE=vocabulaire.") % {"text": text}
        )
    return prefix, slug


class Command(BaseCommand):
    help = (
        "Charge un vocabulaire : un fichier SKOS (.ttl, .rdf, .nt), ou un tableur "
        "(colonnes code, label, parent, label_en) et ses correspondances (source_code, "
        "target_vocabulary, target_code, relation[, source_vocabulary])."
    )

    def add_arguments(self, parser):
        parser.add_argument("concepts", help="Fichier SKOS, ou tableur des concepts.")
        parser.add_argument(
            "--name", default="", help="Nom du vocabulaire (celui du fichier SKOS sinon)."
        )
        parser.add_argument("--slug", default="", help="Identifiant (déduit du nom sinon).")
        parser.add_argument("--vocabulary-version", dest="vocabulary_version", default="")
        parser.add_argument("--source", default="")
        parser.add_argument("--mappings", default="", help="Tableur des correspondances.")
        parser.add_argument(
            "--namespace",
            action="append",
            default=[],
            type=_namespace,
            help="SKOS : PREFIXE=vocabulaire, les URI des concepts d'un vocabulaire déjà chargé "
            "(ex. https://unstats.un.org/sdgs/=odd).",
        )

    def handle(self, *args, concepts, name, slug, vocabulary_version, source, mappings, **opts):
        try:
            data = Path(concepts).read_bytes()
            if is_skos(concepts):
                found = read_skos(data, filename=concepts, namespaces=dict(opts["namespace"]))
                if found.problems:
                    raise VocabularyFileError(found.problems)
                name = name or found.name
                concept_rows, mapping_rows = found.concepts, found.mappings
            else:
                concept_rows = read_rows(concepts, data)[1]
                mapping_rows = (
                    read_rows(mappings, Path(mappings).read_bytes())[1] if mappings else []
                )
            if not name:
                raise CommandError(gettext("Donnez le nom du vocabulaire (--name)."))
            result = import_vocabulary(
                name=name,
                slug=slug,
                version=vocabulary_version,
                source=source or Path(concepts).name,
                concepts=concept_rows,
                mappings=mapping_rows,
                user=command_line_user(),
            )
        except (OSError, ImportFileError) as error:
            raise CommandError(
                gettext("Fichier illisible : %(error)s") % {"error": error}
            ) from error
        except VocabularyFileError as error:
            raise CommandError(
                gettext("Rien n'a été chargé :\n%(problems)s")
                % {"problems": "\n".join(error.problems)}
            ) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"« {result.vocabulary.name} » ({result.vocabulary.slug}) : {result.created} "
                f"concept(s) créé(s), {result.updated} mis à jour, {result.mappings} "
                "correspondance(s)."
            )
        )
