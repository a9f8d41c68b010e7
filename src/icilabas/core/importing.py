"""Spreadsheet import shared by every record type: each row goes through the same form and
services as the web interface; a dry run lists every error by row and column; nothing is
written unless the whole file is valid, or the user explicitly imports the valid rows only."""

import codecs
import csv
import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils.translation import gettext

from . import bulk, sheets
from . import services as record_services
from .export import unneutralise
from .files import UnsafeFile, remove_old_uploads
from .models import SpreadsheetImport

REASON = "Import de tableur"
MAX_ROWS = 20_000
MAX_BYTES = 20 * 2**20


class ImportFileError(ValueError):
    """The file as a whole cannot be read: wrong format, encoding, size, no header."""


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportPlan:
    to_create: list = field(default_factory=list)  # (row, form)
    to_update: list = field(default_factory=list)  # (row, form)
    errors: list[RowError] = field(default_factory=list)

    @property
    def error_rows(self) -> set[int]:
        return {e.row for e in self.errors}

    @property
    def valid_count(self) -> int:
        return len(self.to_create) + len(self.to_update)

    def summary(self, *, rows: int, unknown_columns: list[str]) -> dict:
        """What the dry-run page shows, as plain data a background job can keep."""
        return {
            "rows": rows,
            "to_create": len(self.to_create),
            "to_update": len(self.to_update),
            "error_rows": len(self.error_rows),
            "valid_count": self.valid_count,
            "errors": [
                {"row": e.row, "column": e.column, "message": str(e.message)}
                for e in self.errors[:SHOWN_ERRORS]
            ],
            "hidden_errors": max(len(self.errors) - SHOWN_ERRORS, 0),
            "unknown_columns": unknown_columns,
        }


SHOWN_ERRORS = 2000  # beyond, the page says how many more there are


def decode_text(raw: bytes) -> str:
    """Spreadsheet text as saved by Excel or LibreOffice: UTF-16, UTF-8 (BOM or not), or
    Windows-1252 — or both, line by line, in a file pasted together from two sources."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        lines = raw.removeprefix(codecs.BOM_UTF8).split(b"\n")
        return "\n".join(_decode_line(line) for line in lines)


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("cp1252", errors="replace")


def _cell(value) -> str:
    """A spreadsheet cell as the form reads it: LibreOffice stores 12 as 12.0; a date typed
    in Excel is a date cell, read as a datetime at midnight (ISO, which every language's
    date fields take)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def read_rows(name: str, raw: bytes) -> tuple[list[str], list[dict[str, str]]]:
    """Header and rows of a CSV (`;` or `,`, UTF-8 or Windows-1252), XLSX or ODS file; column
    names in lower case (Excel users write "ID")."""
    if len(raw) > MAX_BYTES:
        too_big = gettext("Fichier trop volumineux (plus de %(size)s Mo).")
        raise ImportFileError(too_big % {"size": MAX_BYTES // 2**20})
    extension = name.rsplit(".", 1)[-1].lower()
    try:
        if extension in ("xlsx", "ods"):
            names, cells = sheets.read_sheet(raw, extension, max_rows=MAX_ROWS)
            header = [str(h or "").strip().lower() for h in names]
            rows = [dict(zip(header, map(_cell, row), strict=False)) for row in cells]
        elif extension in ("csv", "txt"):
            text = decode_text(raw)
            try:
                dialect = csv.Sniffer().sniff(text[:20_000], delimiters=";,\t")
            except csv.Error:
                dialect = csv.excel
            reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
            header = [h.strip().lower() for h in reader.fieldnames or []]
            rows = [
                {(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in reader
            ]
        else:
            raise ImportFileError(
                gettext("Format non reconnu : envoyez un fichier CSV, XLSX ou ODS.")
            )
    except ImportFileError:
        raise
    except UnsafeFile as error:
        raise ImportFileError(str(error)) from error
    except sheets.TooManyRows as error:
        too_many = gettext("Trop de lignes : %(rows)s au plus par fichier.")
        raise ImportFileError(too_many % {"rows": MAX_ROWS}) from error
    except Exception as error:  # a damaged spreadsheet: say so, do not crash
        unreadable = gettext("Fichier illisible (%(error)s).")
        raise ImportFileError(unreadable % {"error": type(error).__name__}) from error
    if not header or not any(header):
        raise ImportFileError(gettext("La première ligne doit contenir les noms des colonnes."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            gettext("Trop de lignes : %(rows)s au plus par fichier.") % {"rows": MAX_ROWS}
        )
    return header, rows


def _unique_keys(model) -> list[tuple[list[tuple[str, bool]], str]]:
    """The model's unique constraints that rows of one file could break between themselves,
    as ([(field, compared lower-cased)], message). Constraints on other expressions than a
    field or its `Lower` are left to the database (`run_import` reports what it refuses)."""
    keys = []
    for constraint in model._meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint):
            continue
        parts = [(name, False) for name in constraint.fields]
        for expression in constraint.expressions:
            if isinstance(expression, Lower) and isinstance(expression.source_expressions[0], F):
                parts.append((expression.source_expressions[0].name, True))
            elif isinstance(expression, F):
                parts.append((expression.name, False))
            else:
                break
        else:
            keys.append((parts, constraint.get_violation_error_message()))
    return keys


def _key(instance, parts: list[tuple[str, bool]]) -> tuple | None:
    """None when a part is empty: empty values (no SIREN) are not compared."""
    values = []
    for name, lowered in parts:
        value = getattr(instance, instance._meta.get_field(name).attname)
        if value in (None, ""):
            return None
        values.append(value.lower() if lowered and isinstance(value, str) else value)
    return tuple(values)


def plan_import(
    rows: list[dict[str, str]],
    *,
    form_class,
    find_existing: Callable[[dict[str, str]], object | None],
    key_of: Callable[[dict[str, str]], str | None],
    progress: Callable[..., None] | None = None,
) -> ImportPlan:
    """Validate every row with the web form; rows found by `find_existing` update a record.
    `progress(done, total, "vérification")` is called every hundred rows."""
    plan = ImportPlan()
    fields = form_class.base_fields
    several = {name for name, f in fields.items() if isinstance(f, forms.MultipleChoiceField)} | {
        name for name, f in fields.items() if isinstance(f, forms.ModelMultipleChoiceField)
    }
    yes_no = {name for name, f in fields.items() if isinstance(f, forms.BooleanField)}
    seen: dict[str, int] = {}
    unique_keys = _unique_keys(form_class._meta.model)
    taken: dict[tuple, int] = {}  # (constraint, key) -> the row that has it
    for number, row in enumerate(rows, start=2):  # line 1 is the header
        if progress is not None and number % 100 == 0:
            progress(number - 1, len(rows), "vérification")
        values = {
            k: unneutralise(v.strip()) for k, v in row.items() if k in fields and v is not None
        }
        if not any(values.values()):
            continue
        for name in several & values.keys():  # "3;7" or "3, 7": several related records
            values[name] = [
                part.strip() for part in values[name].replace(",", ";").split(";") if part.strip()
            ]
        wrong = _read_yes_no(values, yes_no, number)
        if wrong:
            plan.errors += wrong
            continue
        key = key_of(row)
        if key:
            if key in seen:
                plan.errors.append(
                    RowError(
                        number,
                        "",
                        gettext(
                            "Doublon dans le fichier : même clé que la ligne %(row)s (%(key)s)."
                        )
                        % {"row": seen[key], "key": key},
                    )
                )
                continue
            seen[key] = number
        instance = find_existing(row)
        if instance is False:
            unknown = gettext("Aucune fiche ne porte cet identifiant.")
            plan.errors.append(RowError(number, "id", unknown))
            continue
        if instance is not None:
            unbound = form_class(instance=instance)
            current = {name: unbound[name].value() for name in unbound.fields}
            values = {**{k: v for k, v in current.items() if v is not None}, **values}
        form = form_class(data=values, instance=instance)
        if form.is_valid():
            clash = _clash(form.instance, unique_keys, taken, number)
            if clash is not None:
                plan.errors.append(clash)
                continue
            (plan.to_update if instance is not None else plan.to_create).append((number, form))
        else:
            for column, messages in form.errors.items():
                for message in messages:
                    plan.errors.append(
                        RowError(number, column if column != "__all__" else "", message)
                    )
    return plan


YES = {"oui", "o", "vrai", "x", "1", "true", "yes", "y"}
NO = {"non", "n", "faux", "0", "false", "no", ""}


def _read_yes_no(values: dict, names: set[str], number: int) -> list[RowError]:
    """A box to tick, written oui/non (or vrai/faux, 1/0, x): the form alone would read any
    word, "non" included, as ticked."""
    errors = []
    for name in names & values.keys():
        word = str(values[name]).strip().lower()
        if word in YES or word in NO:
            values[name] = "true" if word in YES else "false"
        else:
            message = gettext("« %(value)s » : écrivez oui ou non.") % {"value": values[name]}
            errors.append(RowError(number, name, message))
    return errors


def _clash(instance, unique_keys, taken: dict, number: int) -> RowError | None:
    """Two rows of the file that the form found valid one by one, but that a unique
    constraint forbids together (the same new organisation twice)."""
    keys = []
    for index, (parts, message) in enumerate(unique_keys):
        key = _key(instance, parts)
        if key is None:
            continue
        if (index, key) in taken:
            text = gettext("%(message)s (ligne %(row)s du fichier).") % {
                "message": str(message).rstrip("."),
                "row": taken[index, key],
            }
            return RowError(number, parts[0][0], text)
        keys.append((index, key))
    for found in keys:
        taken[found] = number
    return None


def run_import(
    plan: ImportPlan,
    *,
    services,
    model,
    user,
    valid_only: bool,
    progress=None,
    job: SpreadsheetImport | None = None,
) -> dict[str, int]:
    """Write the plan through the services; all or nothing unless `valid_only`.
    `progress(done, total)` is called every hundred rows, or after each transaction.

    A job's file on SQLite, where one connection writes at a time, is written in short
    transactions, so that logins and edits wait for one of them at most rather than for the
    whole file; each notes what it wrote (`ImportedRecord`), so that a row refused midway, or
    a worker gone, takes the rows before it back (`core.services.undo_import`)."""
    if plan.errors and not valid_only:
        raise ImportFileError(gettext("Le fichier contient des erreurs : rien n'a été importé."))
    rows = [*plan.to_create, *plan.to_update]
    counts = {"created": 0, "updated": 0, "skipped": len(plan.error_rows)}
    short = job is not None and connection.vendor == "sqlite" and not connection.in_atomic_block

    def write(row: tuple[int, forms.ModelForm]) -> tuple[models.Model, dict | None] | None:
        number, form = row
        try:
            # A rule the check could not see (one row against another the file writes first):
            # that row alone is undone when importing the valid rows only, else everything.
            with transaction.atomic():
                if form.instance.pk is None:
                    written = services.create(
                        model, user=user, data=form.cleaned_data, reason=REASON
                    )
                    counts["created"] += 1
                    return written, None
                before = record_services.stored_state(form.instance) if short else None
                written = services.update(
                    form.instance, user=user, data=form.cleaned_data, reason=REASON
                )
                counts["updated"] += 1
                return written, before
        except ValidationError as error:
            if not valid_only:
                refused = gettext("Ligne %(row)s : %(errors)s Rien n'a été importé.")
                raise ImportFileError(
                    refused % {"row": number, "errors": " ".join(error.messages)}
                ) from error
            counts["skipped"] += 1
            return None

    if short:
        try:
            for done in bulk.in_short_transactions(
                rows,
                write,
                end_batch=lambda written: record_services.journal_import(
                    job, [pair for pair in written if pair is not None]
                ),
            ):
                if progress is not None:
                    progress(done, len(rows))
        except BaseException:
            record_services.undo_import(job, user=user)
            raise
        return counts
    with transaction.atomic():
        for done, row in enumerate(rows, start=1):
            write(row)
            if progress is not None and done % 100 == 0:
                progress(done, len(rows))
    return counts


def purge_stale_uploads(folder: Path) -> int:
    """Files checked in a dry run but never confirmed, older than IMPORT_FILE_HOURS: they may
    hold personal data and would pile up. A big file still checked or imported is kept."""
    working = SpreadsheetImport.objects.filter(
        state__in=[
            SpreadsheetImport.State.CHECKING,
            SpreadsheetImport.State.CHECKED,
            SpreadsheetImport.State.RUNNING,
        ]
    ).values_list("token", flat=True)
    return remove_old_uploads(folder, in_use=set(working))
