"""Spreadsheet import: French Excel habits, dry run with errors by row and column, all or
nothing unless the valid rows only are chosen, updates by id or SIREN."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import Project
from icilabas.core import importing

from . import factories as f

pytestmark = pytest.mark.django_db
URL = "actors:organisation_import"


def upload(client, name, content: bytes, url=URL):
    return client.post(reverse(url), {"file": SimpleUploadedFile(name, content)})


def confirm(client, response, choice="all", url=URL):
    return client.post(reverse(url), {"token": response.context["token"], "confirm": choice})


FRENCH_CSV = (
    "id;name;kind;insee_code;siren;description\n"
    ";Ville de Cenon;commune;33119;;Jumelée avec une commune du Sénégal\n"
    ";Comité de jumelage d'Eysines;jumelage;33162;;\n"
).encode("cp1252")


def test_template_lists_the_columns(staff_client):
    response = staff_client.get(reverse(URL), {"template": "xlsx"})
    headers = tablib.Dataset().load(io.BytesIO(response.content), format="xlsx").headers
    assert headers[:3] == ["id", "name", "acronym"]


def test_windows_1252_semicolon_csv_previews_then_imports(staff_client, staff_user):
    preview = upload(staff_client, "acteurs.csv", FRENCH_CSV)
    assert preview.context["plan"].valid_count == 2
    assert not Organisation.objects.filter(name="Ville de Cenon").exists()  # dry run
    done = confirm(staff_client, preview)
    assert done.status_code == 302
    cenon = Organisation.objects.get(name="Ville de Cenon")
    assert cenon.departement.code == "33"
    assert cenon.description == "Jumelée avec une commune du Sénégal"
    assert cenon.history.first().history_change_reason == "Import de tableur"
    assert cenon.history.first().history_user == staff_user


def test_errors_are_listed_by_row_and_column_and_nothing_is_written(staff_client):
    content = (
        b"name;kind;siren;insee_code\n"
        b"Ville A;commune;123456789;\n"
        b"Ville B;planete;;\n"
        b"Ville C;commune;;99999\n"
        b"Ville D;commune;;33063\n"
    )
    preview = upload(staff_client, "acteurs.csv", content)
    errors = {(e.row, e.column) for e in preview.context["plan"].errors}
    assert errors == {(2, "siren"), (3, "kind"), (4, "insee_code")}
    body = preview.content.decode()
    assert "clé de contrôle" in body and "Code INSEE inconnu" in body
    assert "Importer seulement les 1 ligne(s) valides" in body
    refused = confirm(staff_client, preview, "all")
    assert "rien n&#x27;a été importé" in refused.content.decode()
    assert not Organisation.objects.filter(name__startswith="Ville ").exists()
    confirm(staff_client, preview, "valid")
    assert list(
        Organisation.objects.filter(name__startswith="Ville ").values_list("name", flat=True)
    ) == ["Ville D"]


def test_rows_with_an_id_or_a_siren_update_and_keep_other_fields(staff_client):
    pessac = f.organisation(
        name="Ville de Pessac",
        insee_code="33318",
        description="Ancienne description",
        website="https://pessac.fr",
    )
    bordeaux = f.organisation(name="Ville de Bordeaux", insee_code="33063", siren="213300635")
    content = (
        "id,siren,name,kind,description\n"
        f"{pessac.pk},,Ville de Pessac,commune,Nouvelle description\n"
        ",213300635,Ville de Bordeaux,commune,Trouvée par le SIREN\n"
    ).encode()
    preview = upload(staff_client, "maj.csv", content)
    assert not preview.context["plan"].errors, preview.context["plan"].errors
    assert len(preview.context["plan"].to_update) == 2
    confirm(staff_client, preview)
    pessac.refresh_from_db()
    bordeaux.refresh_from_db()
    assert pessac.description == "Nouvelle description"
    assert pessac.website == "https://pessac.fr"  # a column absent from the file is kept
    assert bordeaux.description == "Trouvée par le SIREN"
    assert Organisation.objects.count() == 2
    unknown_id = upload(staff_client, "x.csv", b"id,name,kind\n999999,X,commune\n")
    assert unknown_id.context["plan"].errors[0].column == "id"


def test_a_file_pasted_together_from_utf8_and_windows_1252_reads_right(staff_client):
    """Mixed encodings: each line is read in the one it is in (the whole file was read as
    Windows-1252 before, so the UTF-8 lines came out as « BÃ¨gles »)."""
    content = (
        b"name;kind;insee_code\n"
        + "Ville de Bègles;commune;33039\n".encode()
        + "Ville de Léognan;commune;33238\n".encode("cp1252")
        + "Comité de jumelage de Pessac;jumelage;\n".encode()
    )
    preview = upload(staff_client, "mixte.csv", content)
    assert preview.context["plan"].valid_count == 3
    confirm(staff_client, preview)
    assert set(Organisation.objects.values_list("name", flat=True)) >= {
        "Ville de Bègles",
        "Ville de Léognan",
        "Comité de jumelage de Pessac",
    }


def test_duplicate_keys_within_the_file_are_refused(staff_client):
    content = b"siren,name,kind\n213300635,A,commune\n213300635,B,association\n"
    preview = upload(staff_client, "d.csv", content)
    assert [(e.row, e.message[:22]) for e in preview.context["plan"].errors] == [
        (3, "Doublon dans le fichie")
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.pdf", b"%PDF", "Format non reconnu"),
        ("a.xlsx", b"pas un tableur", "illisible"),
        ("a.csv", b"", "noms des colonnes"),
        ("a.csv", b"name|kind\nVille A|commune\n", "Aucune colonne reconnue"),
        ("a.csv", b"nom;genre\nVille A;commune\n", "(\u00ab nom genre \u00bb)"),
    ],
)
def test_unreadable_files_get_a_clear_message(staff_client, name, content, message):
    assert message in upload(staff_client, name, content).context["file_error"]


def test_projects_import_with_french_dates_and_an_xlsx_file(staff_client):
    dataset = tablib.Dataset(headers=["title", "status", "start_on", "end_on", "country"])
    dataset.append(["Forage à Kayes", "en_cours", "15/01/2024", "31/12/2025", "ML"])
    preview = upload(
        staff_client, "projets.xlsx", dataset.export("xlsx"), url="cooperation:project_import"
    )
    assert preview.context["plan"].valid_count == 1, preview.context["plan"].errors
    confirm(staff_client, preview, url="cooperation:project_import")
    project = Project.objects.get(title="Forage à Kayes")
    assert str(project.start_on) == "2024-01-15"


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_dates_typed_as_dates_in_a_spreadsheet_are_read(staff_client, fmt):
    """Excel and LibreOffice store a typed date as a date cell, read back as a datetime at
    midnight: every such row was refused with "Saisissez une date valide" before."""
    import datetime

    dataset = tablib.Dataset(headers=["title", "status", "start_on", "end_on", "country"])
    start, end = datetime.date(2024, 1, 15), datetime.datetime(2025, 12, 31)
    dataset.append(["Forage à Kayes", "en_cours", start, end, "ML"])
    url = "cooperation:project_import"
    preview = upload(staff_client, f"projets.{fmt}", dataset.export(fmt), url=url)
    assert preview.context["plan"].errors == []
    confirm(staff_client, preview, url=url)
    project = Project.objects.get(title="Forage à Kayes")
    assert (project.start_on, project.end_on) == (start, end.date())


def test_codes_a_spreadsheet_stored_as_numbers_get_their_leading_zero_back(staff_client):
    """01004 typed in Excel becomes the number 1004: the commune is still found. Column
    names are read whatever their case."""
    dataset = tablib.Dataset(headers=["Name", "KIND", "insee_code ", "postcode"])  # any case
    dataset.append(["Ville d'Ambérieu-en-Bugey", "commune", 1004, 1500])
    preview = upload(staff_client, "acteurs.xlsx", dataset.export("xlsx"))
    assert preview.context["plan"].errors == []
    confirm(staff_client, preview)
    town = Organisation.objects.get(name="Ville d'Ambérieu-en-Bugey")
    assert (town.insee_code, town.postcode, town.departement.code) == ("01004", "01500", "01")


def test_import_is_for_staff_only(member_client):
    assert member_client.get(reverse(URL)).status_code == 403
    assert upload(member_client, "a.csv", FRENCH_CSV).status_code == 403


def test_a_big_file_is_checked_then_imported_in_the_background(
    staff_client, settings, django_capture_on_commit_callbacks
):
    from icilabas.core.models import SpreadsheetImport

    settings.SPREADSHEET_BACKGROUND_ROWS = 1  # this two-row file counts as big
    with django_capture_on_commit_callbacks(execute=True):  # checked once the job is committed
        sent = upload(staff_client, "acteurs.csv", FRENCH_CSV)
    job = SpreadsheetImport.objects.get()
    assert sent["Location"] == reverse("spreadsheet_import", args=[job.pk])
    assert job.state == "verifiee" and job.preview["to_create"] == 2
    assert not Organisation.objects.filter(name="Ville de Cenon").exists()  # a dry run
    page = staff_client.get(sent["Location"]).content.decode()
    assert "2 fiche(s) à créer" in page and "Importer les 2 ligne(s)" in page
    with django_capture_on_commit_callbacks(execute=True):
        done = staff_client.post(
            job.import_url, {"token": job.token, "job": job.pk, "confirm": "all"}
        )
    assert done["Location"] == sent["Location"]  # the same job goes on
    job.refresh_from_db()
    assert job.state == "terminee" and job.counts["created"] == 2
    assert Organisation.objects.filter(name="Ville de Cenon").exists()
    page = staff_client.get(done["Location"]).content.decode()
    assert "Import terminé : 2 créé(s)" in page
    assert not job.progress.path.exists()
    assert SpreadsheetImport.objects.count() == 1


def test_a_big_file_shows_each_error_after_its_background_check(
    staff_client, settings, django_capture_on_commit_callbacks
):
    from icilabas.core.models import SpreadsheetImport

    settings.SPREADSHEET_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        upload(
            staff_client, "erreurs.csv", b"name;kind;siren\nVille A;commune;\nVille B;planete;\n"
        )
    job = SpreadsheetImport.objects.get()
    assert job.preview["errors"] == [
        {"row": 3, "column": "kind", "message": job.preview["errors"][0]["message"]}
    ]
    page = staff_client.get(reverse("spreadsheet_import", args=[job.pk])).content.decode()
    assert "planete" in page and "Importer seulement les 1 ligne(s) valides" in page


def test_the_check_reports_progress_every_hundred_rows():
    from icilabas.actors.forms import OrganisationForm

    seen = []
    rows = [{"name": f"Association {n}", "kind": "association"} for n in range(250)]
    plan = importing.plan_import(
        rows,
        form_class=OrganisationForm,
        find_existing=lambda row: None,
        key_of=lambda row: None,
        progress=lambda done, total, step: seen.append((done, total, step)),
    )
    assert plan.valid_count == 250
    assert seen == [(99, 250, "vérification"), (199, 250, "vérification")]


def test_a_big_file_with_errors_forced_through_is_refused_whole(
    staff_client, settings, django_capture_on_commit_callbacks
):
    from icilabas.core.models import SpreadsheetImport

    settings.SPREADSHEET_BACKGROUND_ROWS = 1
    content = b"name;kind;siren\nVille A;commune;\nVille B;planete;\n"
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, "erreurs.csv", content)
    job = SpreadsheetImport.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(job.import_url, {"token": job.token, "job": job.pk, "confirm": "all"})
    job.refresh_from_db()
    assert job.state == "refusee" and "rien n'a été importé" in job.message
    assert not Organisation.objects.filter(name="Ville A").exists()


def test_a_big_file_s_check_speaks_the_language_of_the_page_that_started_it(
    staff_client, settings, django_capture_on_commit_callbacks
):
    """The worker has no request: the job carries the language it was started in."""
    from icilabas.core.models import SpreadsheetImport

    settings.SPREADSHEET_BACKGROUND_ROWS = 1
    staff_client.cookies["django_language"] = "en"
    with django_capture_on_commit_callbacks(execute=True):
        upload(staff_client, "errors.csv", b"name;kind;siren\nVille A;commune;\nVille B;planete;\n")
    message = SpreadsheetImport.objects.get().preview["errors"][0]["message"]
    assert "Select a valid choice" in message


def test_two_rows_a_unique_rule_forbids_together_are_caught_by_the_check(staff_client):
    """Each row is valid alone; together they would make two organisations of one kind with
    the same name (case aside) or two with one SIREN: the check names the row and the earlier
    one, and confirming imports nothing (it crashed on the second write before)."""
    content = (
        "name;kind;siren\n"
        "Ville de Zed;commune;\n"
        "VILLE DE ZED;commune;\n"
        "Ville de Zed;association;\n"
        "Comité A;jumelage;213300635\n"
    ).encode()
    preview = upload(staff_client, "z.csv", content)
    assert [(e.row, e.column, e.message) for e in preview.context["plan"].errors] == [
        (3, "name", "Une organisation de ce type porte déjà ce nom (ligne 2 du fichier)."),
    ]
    assert "rien n'a été importé" in confirm(staff_client, preview).context["file_error"]
    assert not Organisation.objects.filter(name__iexact="Ville de Zed").exists()
    done = confirm(staff_client, preview, choice="valid")
    assert done.status_code == 302
    assert Organisation.objects.filter(name__iexact="Ville de Zed").count() == 2


def test_a_row_the_database_refuses_at_write_time_is_named_and_nothing_stays(staff_user):
    """The safety net behind the check: two forms validated before either is written."""
    from icilabas.actors import forms as actor_forms
    from icilabas.actors.services import OrganisationServices

    def valid_form(name):
        form = actor_forms.OrganisationForm(data={"name": name, "kind": "commune"})
        assert form.is_valid(), form.errors
        return form

    def plan():
        return importing.ImportPlan(
            to_create=[(2, valid_form("Ville Y")), (3, valid_form("ville y"))]
        )

    arguments = {"services": OrganisationServices, "model": Organisation, "user": staff_user}
    with pytest.raises(importing.ImportFileError, match=r"^Ligne 3 : .* Rien n'a été importé"):
        importing.run_import(plan(), valid_only=False, **arguments)
    assert not Organisation.objects.filter(name__iexact="Ville Y").exists()
    counts = importing.run_import(plan(), valid_only=True, **arguments)
    assert counts == {"created": 1, "updated": 0, "skipped": 1}
    assert Organisation.objects.filter(name__iexact="Ville Y").count() == 1


def test_files_of_dry_runs_never_confirmed_are_deleted_after_a_day(staff_client, settings):
    import os
    import time
    from pathlib import Path

    first = upload(staff_client, "acteurs.csv", FRENCH_CSV)
    folder = Path(settings.MEDIA_ROOT) / "imports"
    stale = folder / first.context["token"]
    assert stale.exists()
    day_and_a_bit = time.time() - (settings.IMPORT_FILE_HOURS + 1) * 3600
    os.utime(stale, (day_and_a_bit, day_and_a_bit))
    second = upload(staff_client, "acteurs.csv", FRENCH_CSV)
    assert not stale.exists()
    assert (folder / second.context["token"]).exists()  # a fresh one waits for its answer


def test_a_box_to_tick_is_read_from_oui_or_non_and_anything_else_is_named(staff_client):
    content = (
        "name;kind;insee_code;is_network_member;trusted\n"
        "Ville de Cenon;commune;33119;oui;NON\n"
        "Ville de Floirac;commune;33167;0;x\n"
        "Ville de Lormont;commune;33249;peut-être;\n"
    ).encode()
    preview = upload(staff_client, "acteurs.csv", content)
    errors = [(e.row, e.column, e.message) for e in preview.context["plan"].errors]
    assert errors == [(4, "is_network_member", "« peut-être » : écrivez oui ou non.")]
    confirm(staff_client, preview, "valid")
    read = dict(
        Organisation.objects.filter(name__startswith="Ville de ")
        .order_by("name")
        .values_list("name", "is_network_member")
    )
    assert read == {"Ville de Cenon": True, "Ville de Floirac": False}
    assert Organisation.objects.get(name="Ville de Floirac").trusted is True
    assert (
        Organisation.objects.get(name="Ville de Cenon").trusted is False
    )  # "NON" no longer reads as ticked
