"""Documents attached to experience sheets (and partnerships): checked from their content when
sent, handed out only to those who may see the record, and their text searchable once the
background task has read it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icilabas.core import extraction, search
from icilabas.core.services import create_record, update_record
from icilabas.demo.loader import system_user
from icilabas.knowledge.models import ExperienceSheet, SheetDocument

from . import documents
from . import factories as f
from .test_knowledge import editor_of

pytestmark = pytest.mark.django_db


def _attach(client, sheet, name: str, content: bytes, *, title="Rapport de mission"):
    return client.post(
        reverse("knowledge:sheetdocument_create"),
        {"sheet": sheet.pk, "title": title, "file": SimpleUploadedFile(name, content)},
    )


@pytest.mark.parametrize(
    ("name", "content", "word"),
    [
        (
            "rapport.pdf",
            documents.pdf("Bilan du chantier", "La pepiniere de Foundiougne"),
            "pepiniere",
        ),
        ("compte-rendu.docx", documents.docx("Atelier sur le maraîchage solidaire"), "maraichage"),
        ("restitution.odt", documents.odt("Restitution au conseil municipal"), "restitution"),
        ("diaporama.pptx", documents.pptx("Titre", "Forage et château d'eau"), "chateau"),
    ],
)
def test_a_document_s_text_makes_its_sheet_findable(
    staff_client, django_capture_on_commit_callbacks, name, content, word
):
    sheet = f.experience_sheet(title="Chantier de jeunes à Foundiougne")
    assert not search.search(word, kinds=["sheet"])
    with django_capture_on_commit_callbacks(execute=True):
        response = _attach(staff_client, sheet, name, content)
    assert response.status_code == 302, response.content.decode()[:1500]
    document = SheetDocument.objects.get()
    assert word in search.search_terms(document.text)
    hits = search.search(word, kinds=["sheet"])
    assert [h.object_id for h in hits] == [sheet.pk]
    excerpt = search.with_excerpts(hits, word)[0].excerpt
    assert "<mark>" in excerpt


def test_the_search_page_shows_the_passage_of_the_document_that_matched(
    client, staff_client, django_capture_on_commit_callbacks
):
    sheet = f.experience_sheet(title="Santé à Kolobo")
    report = documents.pdf("Le centre de sante a recu 1200 consultations", "Suite: vaccination")
    with django_capture_on_commit_callbacks(execute=True):
        _attach(staff_client, sheet, "bilan.pdf", report)
    page = client.get(reverse("portal:search"), {"q": "consultations"}).content.decode()
    assert sheet.get_absolute_url() in page
    assert "<mark>consultations</mark>" in page


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("rapport.pdf", b"<html><script>alert(1)</script></html>", "Type de fichier non accepté"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>',
            "Type de fichier non accepté",
        ),
        ("rapport.odt", documents.zip_bomb_odt(210), "se décompresse en plus de 200 Mo"),
        ("rapport.docx", documents.pdf("x"), "renommez-le en .pdf"),
    ],
)
def test_hostile_files_are_refused_by_name_and_nothing_is_saved(
    staff_client, name, content, message
):
    sheet = f.experience_sheet()
    response = _attach(staff_client, sheet, name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SheetDocument.objects.exists()


def test_entities_in_an_office_file_are_not_resolved(tmp_path, settings):
    secret = tmp_path / "secret.txt"
    secret.write_text("MOT-DE-PASSE")
    doctype = f'<!DOCTYPE d [<!ENTITY x SYSTEM "file://{secret}">]>'
    upload = SimpleUploadedFile("piege.docx", documents.docx("avant &x; apres", doctype=doctype))
    sheet = f.experience_sheet()
    document = create_record(
        SheetDocument, user=system_user(), data={"sheet": sheet, "title": "Piège", "file": upload}
    )
    assert "MOT-DE-PASSE" not in extraction.document_text(document.file)


def test_an_unreadable_pdf_gives_no_text_and_stays_downloadable(staff_client):
    sheet = f.experience_sheet()
    broken = b"%PDF-1.7\n" + b"\x00garbage" * 200
    document = create_record(
        SheetDocument,
        user=system_user(),
        data={"sheet": sheet, "title": "Abîmé", "file": SimpleUploadedFile("abime.pdf", broken)},
    )
    assert extraction.document_text(document.file) == ""
    response = staff_client.get(document.download_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_a_draft_sheet_s_documents_are_not_handed_to_visitors(client):
    organisation = f.organisation()
    sheet = f.experience_sheet(organisation=organisation)
    document = create_record(
        SheetDocument,
        user=system_user(),
        data={
            "sheet": sheet,
            "title": "Convention",
            "file": SimpleUploadedFile("convention.pdf", documents.pdf("Convention")),
        },
    )
    ExperienceSheet.objects.filter(pk=sheet.pk).update(publication="brouillon")
    assert client.get(document.download_url).status_code == 404
    client.force_login(editor_of(organisation))
    response = client.get(document.download_url)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"


def test_replacing_the_file_reads_the_new_text(django_capture_on_commit_callbacks, author):
    sheet = f.experience_sheet()
    with django_capture_on_commit_callbacks(execute=True):
        document = create_record(
            SheetDocument,
            user=author,
            data={
                "sheet": sheet,
                "title": "Bilan",
                "file": SimpleUploadedFile("bilan.pdf", documents.pdf("Premier bilan apiculture")),
            },
        )
    assert search.search("apiculture", kinds=["sheet"])
    with django_capture_on_commit_callbacks(execute=True):
        update_record(
            document,
            user=author,
            data={
                "file": SimpleUploadedFile("bilan2.pdf", documents.pdf("Second bilan pisciculture"))
            },
        )
    assert not search.search("apiculture", kinds=["sheet"])
    assert search.search("pisciculture", kinds=["sheet"])
