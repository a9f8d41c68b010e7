"""The yearly Atlas and e-APD declarations prepared from the registry."""

from datetime import date
from decimal import Decimal
from io import BytesIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from icilabas.cooperation.models import Project
from icilabas.interop.atlas import prepare

from . import factories as f
from .test_members import editor_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def martignas():
    commune = f.organisation(name="Ville de Martignas-sur-Jalle", siren="213302730")
    authority = f.foreign_authority(name="Commune de Foundiougne", locality="Foundiougne")
    partnership = f.partnership(
        title="Martignas – Foundiougne",
        french_partners=[commune],
        foreign_authority=authority,
        first_convention_year=2005,
    )
    project = f.project(
        title="Collège de Foundiougne",
        partnership=partnership,
        start_on=date(2022, 9, 1),
        end_on=date(2025, 6, 30),
        primary_theme=f.theme("2.1.2"),
        summary="Reconstruire le collège",
    )
    f.secondary_theme(project=project, theme=f.theme("4.2"), rank=2)
    f.secondary_theme(project=project, theme=f.theme("4.1"), rank=1)
    f.budget_line(project=project, amount=Decimal("1000"), year=2024, channel="direct")
    f.budget_line(project=project, amount=Decimal("250.50"), year=2024, channel="direct")
    f.budget_line(
        project=project, amount=Decimal("500"), year=2024, channel="association", cofinancer=commune
    )
    f.budget_line(project=project, amount=Decimal("300"), year=2024, currency="XOF")
    f.budget_line(project=project, amount=Decimal("9999"), year=2023)
    f.project(
        title="Projet terminé",
        partnership=partnership,
        start_on=date(2015, 1, 1),
        end_on=date(2020, 1, 1),
    )
    draft = f.project(
        title="Projet en brouillon", partnership=partnership, start_on=date(2024, 1, 1)
    )
    Project.objects.filter(pk=draft.pk).update(publication="brouillon")
    return commune


@pytest.mark.parametrize("language", ["fr", "en"])  # the national forms are French
def test_atlas_rows_describe_the_projects_active_in_the_year(martignas, language):
    with translation.override(language):
        declaration = prepare(year=2024)
    assert len(declaration.atlas) == 1
    row = declaration.atlas[0]
    assert row[:6] == [
        "Ville de Martignas-sur-Jalle",
        "213302730",
        "Collège de Foundiougne",
        "Commune de Foundiougne",
        "Sénégal",
        "2005",
    ]
    levels = row[6:9]
    assert all(levels) and levels[2] == f.theme("2.1.2").label
    assert row[9] == f"{f.theme('4.1').label}; {f.theme('4.2').label}"  # by rank
    assert row[10:13] == ["2022", "En cours", "2025-06-30"]
    assert row[13] == "Reconstruire le collège"


def test_apd_sums_the_year_by_country_channel_and_sector_and_lists_what_to_check(martignas):
    declaration = prepare(year=2024)
    by_channel = {row[4]: (row[7], row[8]) for row in declaration.apd}
    assert by_channel == {
        "En direct par la collectivité": (Decimal("1250.50"), 2),
        "Via une association ou ONG française": (Decimal("500"), 1),
    }
    assert {row[3] for row in declaration.apd} == {"SN"}
    assert {row[5] for row in declaration.apd} == {"11000", "22000"}
    assert [row[4] for row in declaration.checks] == [
        "Montant hors euros : convertissez-le avant de le déclarer."
    ]


def test_a_line_of_a_project_carried_by_two_authorities_is_left_to_check():
    first, second = f.organisation(), f.organisation()
    project = f.project(
        partnership=f.partnership(french_partners=[first, second]),
        start_on=date(2024, 1, 1),
        country="ML",
    )
    f.budget_line(project=project, amount=Decimal("100"), year=2024)
    declaration = prepare(year=2024)
    assert declaration.apd == []
    assert "précisez le cofinanceur" in declaration.checks[0][4]
    assert len(declaration.atlas) == 2  # each authority declares the project in the Atlas
    assert "Plusieurs collectivités" in prepare(year=2024, organisation=first).checks[0][4]


def test_export_atlas_command_writes_a_workbook(martignas, tmp_path):
    output = tmp_path / "declarations.xlsx"
    call_command("export_atlas", "--year", "2024", "--output", str(output))
    book = openpyxl.load_workbook(output)
    assert book.sheetnames == ["Atlas 2024", "e-APD 2024", "À vérifier"]
    assert book["Atlas 2024"]["C2"].value == "Collège de Foundiougne"
    assert book["e-APD 2024"].max_row == 3


def test_an_authority_downloads_its_own_declarations_only(martignas, client):
    url = reverse("interop:declarations", args=[martignas.pk])
    assert client.get(url, {"annee": "2024"}).status_code == 302  # to the login page
    client.force_login(editor_of(f.organisation(), username="voisine"))
    assert client.get(url, {"annee": "2024"}).status_code == 403
    client.force_login(editor_of(martignas))
    page = client.get(martignas.get_absolute_url()).content.decode()
    assert "Déclarations annuelles" in page
    response = client.get(url, {"annee": "2024"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(BytesIO(response.content))
    assert book["Atlas 2024"].max_row == 2
    assert client.get(url, {"annee": "deux-mille"}).status_code == 404
