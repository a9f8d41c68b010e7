"""Any list exported to CSV, XLSX or ODS with its current filters, formulas neutralised."""

import io
import re

import pytest
import tablib
from django.test import Client
from django.urls import reverse

from icilabas.cooperation.forms import ProjectForm
from icilabas.reference.models import ConceptMapping

from . import factories as f

pytestmark = pytest.mark.django_db


def test_csv_export_keeps_filters_and_neutralises_formulas(client):
    f.project(title='=HYPERLINK("http://evil.example","clic")', country="ML")
    f.project(title="Puits de Kayes", country="ML")
    f.project(title="Festival", country="FR")
    response = client.get(
        reverse("cooperation:project_list"), {"country": "ML", "sort": "title", "export": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(tablib.Dataset().load(text.lstrip("\ufeff"), format="csv"))
    titles = [row[1] for row in rows]
    assert titles == ['\'=HYPERLINK("http://evil.example","clic")', "Puits de Kayes"]


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheet_exports_open_with_the_same_rows(client, fmt):
    f.organisation(name="Ville de Bègles", insee_code="33039")
    response = client.get(reverse("actors:organisation_list"), {"export": fmt})
    data = tablib.Dataset().load(io.BytesIO(response.content).read(), format=fmt)
    assert "Ville de Bègles" in [row[1] for row in data]


def test_list_page_offers_exports_with_its_filters(client):
    f.project(country="ML")
    body = client.get(reverse("cooperation:project_list"), {"country": "ML"}).content.decode()
    assert "?country=ML&amp;export=xlsx" in body


def test_a_project_export_gives_its_theme_s_equivalents_in_one_query(
    client, django_assert_max_num_queries
):
    mapping = ConceptMapping.objects.select_related("source", "target__vocabulary").first()
    for n in range(5):
        f.project(title=f"Projet {n}", primary_theme=mapping.source)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("cooperation:project_list"), {"export": "csv"})
    rows = tablib.Dataset().load(response.content.decode().lstrip("\ufeff"), format="csv")
    assert "Équivalences" in rows.headers
    expected = f"{mapping.target.vocabulary.name} : {mapping.target.code} – {mapping.target.label}"
    assert all(expected in value for value in rows["Équivalences"])


def test_dates_are_date_cells_in_xlsx_and_ods_and_iso_in_csv(client):
    """A spreadsheet can sort and compute on the dates: real date cells, not "1 mars 2024"."""
    import datetime

    import openpyxl

    f.project(title="Puits de Kayes", country="ML", start_on=datetime.date(2024, 3, 1))
    url = reverse("cooperation:project_list")
    workbook = openpyxl.load_workbook(io.BytesIO(client.get(url, {"export": "xlsx"}).content))
    sheet = workbook.active
    headers = [c.value for c in sheet[1]]
    start = sheet.cell(row=2, column=headers.index("Début") + 1)
    assert start.is_date and start.value.date() == datetime.date(2024, 3, 1)
    ods = tablib.Dataset().load(client.get(url, {"export": "ods"}).content, format="ods")
    assert ods["Début"][0] in (datetime.date(2024, 3, 1), datetime.datetime(2024, 3, 1))
    text = client.get(url, {"export": "csv"}).content.decode("utf-8").lstrip("\ufeff")
    assert tablib.Dataset().load(text, format="csv")["Début"][0] == "2024-03-01"


def test_the_columns_of_the_complete_spreadsheet_are_explained_to_anyone(staff_client):
    guide_url = reverse("cooperation:project_columns")
    f.project()  # a list with a row shows its export links
    list_page = Client().get(reverse("cooperation:project_list")).content.decode()
    assert f'href="{guide_url}"' in list_page
    page = Client().get(guide_url).content.decode()
    rows = dict(re.findall(r"<tr><td><code>(\w+)</code></td>(.*?)</tr>", page, re.S))
    columns = ["id", *ProjectForm._meta.fields]
    assert list(rows) == columns  # every column, in the file's order
    assert "Numéro (id) d&#x27;une fiche « partenariat »" in rows["partnership"]
    assert "séparés par « ; »" in rows["sdgs"]
    assert "en_cours (En cours)" in rows["status"]
    assert "jj/mm/aaaa" in rows["start_on"]
    assert "met à jour cette fiche" in rows["id"]
    assert ">oui<" in rows["title"] and ">non<" in rows["summary"]  # required or not
    importing = staff_client.get(reverse("cooperation:project_import")).content.decode()
    assert f'href="{guide_url}"' in importing
