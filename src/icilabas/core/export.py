"""Any list page as a spreadsheet (CSV, XLSX, ODS) with its current filters and sort."""

import tablib
from django.http import HttpResponse
from django.utils.text import slugify

from .templatetags.records import record_value

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
MAX_ROWS = 200_000
# A cell starting with these is a formula to Excel or LibreOffice (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_response(queryset, columns, *, fmt: str, title: str) -> HttpResponse:
    dataset = tablib.Dataset(headers=["id", *(c.label for c in columns), "url"], title=title[:31])
    for record in queryset[:MAX_ROWS].iterator(chunk_size=2000):
        dataset.append(
            [
                record.pk,
                *(neutralise(record_value(record, c.accessor)) for c in columns),
                record.get_absolute_url(),
            ]
        )
    body = dataset.export(fmt)
    if fmt == "csv":
        body = "\ufeff" + body  # Excel opens UTF-8 correctly only with a byte-order mark
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{slugify(title)}.{fmt}"'
    return response
