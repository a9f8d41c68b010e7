"""Read project records from any CSV (French spreadsheet habits included) and write pairs."""

import csv
import io
import sys
from pathlib import Path

from django.utils.translation import gettext

from icilabas.core.collection import cycle_collector_paused
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
        raise InputError(
            gettext("Impossible de lire %(path)s : %(strerror)s.")
            % {"path": path, "strerror": error.strerror}
        ) from error
    text = decode_text(Path(path).read_bytes())
    return _records(io.StringIO(text, newline=""), path)


# Values that repeat from row to row (authorities, places, countries, themes) are stored once.
SHARED_COLUMNS = ("french_authority", "partner_locality", "partner_country", "theme")


@cycle_collector_paused()
def _records(stream, path: Path) -> list[Record]:
    sample = stream.read(20_000)
    if not sample.strip():
        raise InputError(gettext("%(path)s est vide.") % {"path": path})
    stream.seek(0)
    reader = csv.reader(stream, dialect=_dialect(sample))
    columns = {name.strip().lower(): position for position, name in enumerate(next(reader, []))}
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise InputError(
            gettext("Colonnes manquantes dans %(path)s : %(missing)s (colonnes lues : %(read)s).")
            % {
                "path": path,
                "missing": ", ".join(missing),
                "read": ", ".join(columns) or gettext("aucune"),
            }
        )
    records, seen = [], set()
    positions = [columns[c] for c in REQUIRED_COLUMNS]
    for row in reader:
        if not row:
            continue  # a blank line
        line = reader.line_num
        cells = [row[p].strip() if p < len(row) else "" for p in positions]
        values = dict(zip(REQUIRED_COLUMNS, cells, strict=True))
        if not values["id"]:
            raise InputError(
                gettext("Ligne %(line)s : la colonne « id » est vide.") % {"line": line}
            )
        if values["id"] in seen:
            raise InputError(
                gettext("Ligne %(line)s : l'identifiant « %(id)s » est en double.")
                % {"line": line, "id": values["id"]}
            )
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
