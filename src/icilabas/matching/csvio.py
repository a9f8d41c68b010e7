"""Read project records from any CSV (French spreadsheet habits included) and write pairs."""

import csv
import io
import sys
from pathlib import Path

from icilabas.core.importing import decode_text

from .records import Record, year_of
from .scan import ScoredPair

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
    """Records of a CSV file, streamed when it is UTF-8 (a million-row file is never held whole
    in memory); Windows-1252 and UTF-16 files are decoded whole, then read the same way."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as stream:
            return _records(stream, path)
    except UnicodeDecodeError:
        pass
    except OSError as error:
        raise InputError(f"Impossible de lire {path} : {error.strerror}.") from error
    text = decode_text(Path(path).read_bytes())
    return _records(io.StringIO(text, newline=""), path)


# Values that repeat from row to row (authorities, places, countries, themes) are stored once.
SHARED_COLUMNS = ("french_authority", "partner_locality", "partner_country", "theme")


def _records(stream, path: Path) -> list[Record]:
    sample = stream.read(20_000)
    if not sample.strip():
        raise InputError(f"{path} est vide.")
    stream.seek(0)
    reader = csv.DictReader(stream, dialect=_dialect(sample))
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
        for name in SHARED_COLUMNS:
            values[name] = sys.intern(values[name])
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
