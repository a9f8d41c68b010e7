"""Read project records from any CSV (French spreadsheet habits included) and write pairs."""

import csv
import io
from pathlib import Path

from icilabas.core.importing import decode_text

from .scan import Record, ScoredPair, year_of

REQUIRED_COLUMNS = (
    "id",
    "title",
    "description",
    "french_authority",
    "partner_locality",
    "partner_country",
    "theme",
    "start_year",
)


class InputError(ValueError):
    """A problem with the input file, worded for the person who made it."""


def _dialect(sample: str):
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def read_records(path: Path) -> list[Record]:
    try:
        text = decode_text(Path(path).read_bytes())
    except OSError as error:
        raise InputError(f"Impossible de lire {path} : {error.strerror}.") from error
    if not text.strip():
        raise InputError(f"{path} est vide.")
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=_dialect(text[:20_000]))
    columns = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            f"Colonnes manquantes dans {path} : {', '.join(missing)} "
            f"(colonnes lues : {', '.join(columns) or 'aucune'})."
        )
    records, seen = [], set()
    for line, row in enumerate(reader, start=2):
        values = {c: (row.get(columns[c]) or "").strip() for c in REQUIRED_COLUMNS}
        if not values["id"]:
            raise InputError(f"Ligne {line} : la colonne « id » est vide.")
        if values["id"] in seen:
            raise InputError(f"Ligne {line} : l'identifiant « {values['id']} » est en double.")
        seen.add(values["id"])
        records.append(
            Record(
                id=values["id"],
                title=values["title"],
                description=values["description"],
                french_authority=values["french_authority"],
                partner_locality=values["partner_locality"],
                partner_country=values["partner_country"],
                theme=values["theme"],
                start_year=year_of(values["start_year"]),
            )
        )
    return records


def write_pairs(path: Path, pairs: list[ScoredPair], *, with_reasons: bool = False) -> None:
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id_a", "id_b", "probability", *(["reasons"] if with_reasons else [])])
        for pair in pairs:
            row = [pair.id_a, pair.id_b, f"{pair.probability:.4f}"]
            if with_reasons:
                row.append(" ; ".join(pair.reasons))
            writer.writerow(row)
