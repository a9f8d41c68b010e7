import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from icilabas.matching.csvio import InputError, read_records, write_pairs
from icilabas.matching.scan import DEFAULT_THRESHOLD, scan


class Command(BaseCommand):
    help = "Détection des doublons de projets. `dedup scan --input F.csv --output PAIRES.csv`."

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

    def handle(self, *args, action, **options):
        threshold = options["threshold"]
        if not 0 <= threshold <= 1:
            raise CommandError("--threshold doit être compris entre 0 et 1.")
        started = time.perf_counter()
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
