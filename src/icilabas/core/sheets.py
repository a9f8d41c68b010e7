"""XLSX and ODS sheets read as a stream of rows, within bounds: the archive's declared unpacked
size is checked before anything is unpacked (a 1 MB file may hold 1 GB), and reading stops as
soon as the file has more rows than an import takes. tablib's readers build the whole document
in memory (3.7 GB for a 617 KB ODS of 500,000 rows); these keep one row at a time."""

import datetime
import io
import itertools
import zipfile
from collections.abc import Iterator

import openpyxl
from lxml import etree

from .files import check_unpacked_size

TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
# A cell repeated along a row, e.g. LibreOffice's empty cells up to column 1024.
MAX_COLUMNS = 1000


class TooManyRows(ValueError):
    pass


def xlsx_rows(raw: bytes) -> Iterator[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        sheet = book.active or book.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield tuple(row[:MAX_COLUMNS])
    finally:
        book.close()


def _ods_value(cell) -> object:
    kind = cell.get(f"{{{OFFICE}}}value-type")
    if kind in ("float", "percentage", "currency"):
        text = cell.get(f"{{{OFFICE}}}value", "")
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "date":
        value = cell.get(f"{{{OFFICE}}}date-value", "")
        try:
            return datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
    if kind == "boolean":
        return cell.get(f"{{{OFFICE}}}boolean-value", "")
    paragraphs = cell.findall(f"{{{TEXT}}}p")
    return "\n".join("".join(p.itertext()) for p in paragraphs) or None


def _ods_row(row) -> tuple:
    values = []
    for cell in row:
        if cell.tag not in (f"{{{TABLE}}}table-cell", f"{{{TABLE}}}covered-table-cell"):
            continue
        repeat = int(cell.get(f"{{{TABLE}}}number-columns-repeated", "1") or 1)
        value = _ods_value(cell)
        values.extend([value] * min(repeat, MAX_COLUMNS - len(values)))
        if len(values) >= MAX_COLUMNS:
            break
    while values and values[-1] in (None, ""):
        values.pop()
    return tuple(values)


def ods_rows(raw: bytes) -> Iterator[tuple]:
    """The first sheet's rows; a row repeated N times (number-rows-repeated) comes N times."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive, archive.open("content.xml") as content:
        tables = 0
        for event, element in etree.iterparse(
            content, events=("start", "end"), tag=(f"{{{TABLE}}}table", f"{{{TABLE}}}table-row")
        ):
            if element.tag == f"{{{TABLE}}}table":
                if event == "start":
                    tables += 1
                elif tables == 1:
                    return
                continue
            if event != "end" or tables != 1:
                continue
            repeat = int(element.get(f"{{{TABLE}}}number-rows-repeated", "1") or 1)
            row = _ods_row(element)
            element.clear()
            yield from itertools.repeat(row, repeat)


def read_sheet(raw: bytes, extension: str, *, max_rows: int) -> tuple[list, list[tuple]]:
    """(header, rows) of the first sheet; trailing empty rows dropped; `TooManyRows` as soon
    as more than `max_rows` rows hold something; `UnsafeFile` for an archive that unpacks too
    big."""
    check_unpacked_size(io.BytesIO(raw))
    rows = ods_rows(raw) if extension == "ods" else xlsx_rows(raw)
    header = next(rows, ())
    kept: list[tuple] = []
    empty = 0  # empty rows seen since the last full one: kept only if a full one follows
    for row in rows:
        if not any(value not in (None, "") for value in row):
            empty += 1
            if empty > max_rows:  # a sheet of nothing but repeated empty rows
                break
            continue
        if len(kept) + empty >= max_rows:
            raise TooManyRows
        kept.extend([()] * empty)
        empty = 0
        kept.append(row)
    return list(header), kept
