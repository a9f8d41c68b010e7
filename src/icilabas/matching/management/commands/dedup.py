import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext

from icilabas.matching.csvio import InputError, read_records, write_pairs
from icilabas.matching.scan import DEFAULT_THRESHOLD, MAX_BLOCK, scan
from icilabas.matching.services import scan_registry


class Command(BaseCommand):
    help = (
        "Détection des doublons de projets : `dedup scan --input F.csv --output PAIRES.csv` "
        "pour un fichier, `dedup registry` pour le registre (file de revue)."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        scan_parser = sub.add_parser("scan", help="score un fichier CSV de projets")
        scan_parser.add_argument("--input", required=True, type=Path)
        scan_parser.add_argument("--output", required=True, type=Path)
        scan_parser.add_argument(
            "--threshold",
            type=float,
            default=DEFAULT_THRESHOLD,
            help="probabilité minimale d'une paire retenue (0 à 1)",
        )
        scan_parser.add_argument(
            "--with-reasons", action="store_true", help="ajoute une colonne « reasons » en clair"
        )
        scan_parser.add_argument(
            "--engine",
            choices=["icilabas", "splink"],
            default="icilabas",
            help="splink : le moteur Splink (DuckDB), pour des fichiers de plusieurs millions de "
            "lignes ; option à installer : pip install 'icilabas[scale]'",
        )
        registry_parser = sub.add_parser(
            "registry", help="analyse tout le registre et remplit la file de revue"
        )
        registry_parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)

    def handle(self, *args, action, **options):
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError(gettext("--threshold doit être compris entre 0 et 1."))
        if action == "registry":
            self.scan_registry(threshold)
            return
        started = time.perf_counter()
        if options["engine"] == "splink":
            self.scan_with_splink(options, threshold, started)
            return
        try:
            records = read_records(options["input"])
        except InputError as error:
            raise CommandError(str(error)) from error
        pairs, stats = scan(records, threshold=threshold)
        write_pairs(options["output"], pairs, with_reasons=options["with_reasons"])
        self.stderr.write(
            f"{stats['records']} projets, {stats['candidate_pairs']} paires candidates "
            f"(réduction {stats['reduction_ratio']:.4%}), {stats['matches']} paires retenues, "
            f"{time.perf_counter() - started:.1f} s → {options['output']}"
        )
        if stats["oversized_blocks"]:
            self.stderr.write(
                f"{stats['oversized_blocks']} blocs de plus de {MAX_BLOCK} projets partageant "
                "une même clé (localité, autorité, mots du titre) : découpés par mot, et chaque "
                "projet comparé à ses voisins par titre seulement."
            )
        if not stats["estimated"]:
            self.stderr.write(
                "Trop peu de paires candidates pour estimer les poids sur ce fichier : "
                "poids par défaut."
            )

    def scan_with_splink(self, options: dict, threshold: float, started: float) -> None:
        try:
            from icilabas.matching import splink_engine
        except ImportError as error:
            raise CommandError(
                gettext("Le moteur Splink n'est pas installé : pip install 'icilabas[scale]'.")
            ) from error
        try:
            pairs = splink_engine.scan_file(options["input"], threshold)
        except InputError as error:
            raise CommandError(str(error)) from error
        write_pairs(options["output"], pairs, with_reasons=options["with_reasons"])
        self.stderr.write(
            f"Splink : {len(pairs)} paires retenues, {time.perf_counter() - started:.1f} s "
            f"→ {options['output']}"
        )

    def scan_registry(self, threshold: float) -> None:
        def progress(done: int, total: int, step: str) -> None:
            self.stderr.write(f"  {step} : {done}/{total} projets")

        stats = scan_registry(threshold=threshold, progress=progress)
        self.stdout.write(
            f"{stats['records']} projets, {stats['candidate_pairs']} paires candidates, "
            f"{stats['queued']} paires à revoir en {stats['clusters']} groupes."
        )
