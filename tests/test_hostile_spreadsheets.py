"""Spreadsheets built to exhaust the server: a small archive that unpacks to gigabytes, half a
million rows in a few megabytes. Each is refused with a message, and reading it stays within a
memory budget, measured in a separate process (never timed)."""

import io
import json
import os
import subprocess
import sys
import zipfile

import pytest
from django.urls import reverse

from icilabas.core import importing

from . import factories as f

ODS_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
    '<office:body><office:spreadsheet><table:table table:name="Feuille1">'
)
ODS_TAIL = "</table:table></office:spreadsheet></office:body></office:document-content>"


def _row(*cells: str, repeat: int = 1) -> str:
    attribute = f' table:number-rows-repeated="{repeat}"' if repeat > 1 else ""
    inner = "".join(
        f'<table:table-cell office:value-type="string"><text:p>{c}</text:p></table:table-cell>'
        for c in cells
    )
    return f"<table:table-row{attribute}>{inner}</table:table-row>"


def ods_file(rows) -> bytes:
    """An ODS file with these rows (an iterable of row XML), written as a stream."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        with archive.open("content.xml", "w") as content:
            content.write(ODS_HEAD.encode())
            for row in rows:
                content.write(row.encode())
            content.write(ODS_TAIL.encode())
    return buffer.getvalue()


def half_a_million_rows() -> bytes:
    rows = (_row(f"Ville {n}", "commune") for n in range(500_000))
    return ods_file(iter([_row("name", "kind"), *rows]))


def xlsx_bomb() -> bytes:
    """A real XLSX whose sheet part unpacks to 300 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * 2**20
            for _ in range(300):
                sheet.write(block)
    return buffer.getvalue()


def test_a_well_formed_ods_reads_as_before():
    raw = ods_file([_row("name", "kind"), _row("Ville A", "commune"), _row("", "", repeat=10**6)])
    header, rows = importing.read_rows("x.ods", raw)
    assert header == ["name", "kind"]
    assert rows == [{"name": "Ville A", "kind": "commune"}]


def test_rows_repeated_past_the_cap_are_refused_without_unfolding_them():
    raw = ods_file([_row("name", "kind"), _row("Ville A", "commune", repeat=10**7)])
    assert len(raw) < 2000
    with pytest.raises(importing.ImportFileError, match="Trop de lignes"):
        importing.read_rows("x.ods", raw)


def test_an_archive_that_unpacks_too_big_is_refused_before_it_is_read():
    raw = xlsx_bomb()
    assert len(raw) < 2 * 2**20
    with pytest.raises(importing.ImportFileError, match="se décompresse en plus de"):
        importing.read_rows("x.xlsx", raw)


MEASURE = """
import json, sys, django
django.setup()
from icilabas.core import importing

def status(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1])

raw = open(sys.argv[1], "rb").read()
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # the peak (VmHWM) starts again from here
before = status("VmRSS:")
try:
    importing.read_rows(sys.argv[2], raw)
    message = ""
except importing.ImportFileError as error:
    message = str(error)
peak = status("VmHWM:")
print(json.dumps({"message": message, "grew_kib": peak - before, "peak_kib": peak}))
"""

# What reading may add to the peak memory (6.5 MB measured for 500,000 rows; tablib: 3.7 GB).
MEMORY_BUDGET_KIB = 64 * 1024


@pytest.mark.parametrize(
    ("name", "make", "refusal"),
    [
        ("lignes.ods", half_a_million_rows, "Trop de lignes"),
        ("bombe.xlsx", xlsx_bomb, "se décompresse"),
    ],
)
def test_hostile_spreadsheets_are_refused_within_a_memory_budget(name, make, refusal, tmp_path):
    path = tmp_path / name
    path.write_bytes(make())
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "icilabas.settings"}
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), name],
        capture_output=True,
        text=True,
        env=environment,
        check=True,
    )
    measured = json.loads(done.stdout.strip().splitlines()[-1])
    assert refusal in measured["message"]
    assert measured["grew_kib"] < MEMORY_BUDGET_KIB, measured


@pytest.mark.django_db
def test_the_import_page_names_the_refusal(staff_client):
    f.organisation()
    raw = ods_file([_row("name", "kind"), _row("Ville A", "commune", repeat=10**7)])
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff_client.post(
        reverse("actors:organisation_import"), {"file": SimpleUploadedFile("liste.ods", raw)}
    )
    assert response.status_code == 200
    assert "Trop de lignes" in response.content.decode()
