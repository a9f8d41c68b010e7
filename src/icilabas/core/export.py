"""Any list page as a spreadsheet (CSV, XLSX, ODS) with its current filters and sort."""

import datetime
import re
from decimal import Decimal

import tablib
from django.http import HttpResponse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.text import slugify
from django.utils.translation import gettext

from . import permissions
from .templatetags.records import raw_value

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
MAX_ROWS = 200_000
# A cell starting with these is a formula to Excel or LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


NUMBER = re.compile(r"-?\d+([.,]\d+)?")


def neutralise(value) -> str:
    """Text a spreadsheet will not run: a leading formula character gets an apostrophe
    (plain numbers such as -0.58 are left alone). The import takes the apostrophe off."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in FORMULA_STARTS else text


def spreadsheet_response(
    queryset, columns, *, fmt: str, title: str, site_url: str, extras: tuple = ()
) -> HttpResponse:
    """The list's columns, then `extras`: (header, function of the record) pairs for what a
    spreadsheet wants beside what the page shows (a project's equivalent sectors), then the
    record's page as a whole address (`site_url` + path) that still opens from a mail or a
    shared drive."""
    headers = [
        "id",
        *(c.label for c in columns),
        *(label for label, _value in extras),
        gettext("Lien"),
    ]
    dataset = tablib.Dataset(headers=headers, title=title[:31])
    for record in queryset[:MAX_ROWS].iterator(chunk_size=2000):
        dataset.append(
            [
                record.pk,
                *(spreadsheet_cell(raw_value(record, c.accessor), fmt) for c in columns),
                *(neutralise(value(record)) for _label, value in extras),
                site_url + record.get_absolute_url(),
            ]
        )
    return dataset_response(dataset, fmt=fmt, title=title)


def spreadsheet_cell(value, fmt: str):
    """A list's value as a spreadsheet wants it: dates as date cells in XLSX and ODS (ISO in
    CSV), numbers as numbers, text neutralised."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.replace(tzinfo=None) if fmt != "csv" else value.isoformat(timespec="minutes")
    if isinstance(value, datetime.date):
        return value if fmt != "csv" else value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool) and fmt != "csv":
        return value
    return neutralise("" if value is None else localize(value))


def cell(value) -> str:
    """A form value as the import reads it back: ids of related records (several joined by
    ";"), ISO dates, codes rather than labels."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(cell(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return neutralise(getattr(value, "pk", value))


def complete_response(queryset, form_class, *, user, fmt: str, title: str) -> HttpResponse:
    """Every field of the records, in the import template's columns: edit it, import it back.

    A visitor gets the model's public fields only; an editor the others too, filled for the
    records she may change; staff everything."""
    model = queryset.model
    public = set(model.public_fields or ())
    names = list(form_class._meta.fields)
    if not permissions.can_edit(user):
        names = [name for name in names if name in public]
    private = [name for name in names if name not in public]
    editable = None
    if private and not permissions.is_staff(user):
        owned = model._base_manager.filter(permissions.editable_q(model, user))
        editable = set(owned.values_list("pk", flat=True))
    many = [f.name for f in model._meta.many_to_many if f.name in names]
    dataset = tablib.Dataset(headers=["id", *names], title=title[:31])
    for record in queryset.prefetch_related(*many)[:MAX_ROWS].iterator(chunk_size=2000):
        form = form_class(instance=record)
        hidden = editable is not None and record.pk not in editable
        dataset.append(
            [
                record.pk,
                *("" if hidden and name in private else cell(form[name].value()) for name in names),
            ]
        )
    return dataset_response(dataset, fmt=fmt, title=f"{title} complet")


def dataset_response(dataset, *, fmt: str, title: str) -> HttpResponse:
    """A tablib dataset as a download (CSV with the byte-order mark Excel needs)."""
    body = dataset.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # Excel opens UTF-8 correctly only with a byte-order mark
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(title)}.{fmt}"'
    return response
