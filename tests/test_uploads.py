"""A file over the size limit is dropped while it arrives: a clear page names it, nothing is
stored, the upload is not kept anywhere."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from icilabas.cooperation.models import PartnershipDocument
from icilabas.interop.models import ImportJob

from . import factories as f


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_an_oversized_iati_file_is_refused_by_name_and_nothing_is_kept(
    staff_client, settings, tmp_path
):
    settings.MAX_UPLOAD_BYTES = 10_000
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    big = SimpleUploadedFile("enorme.xml", b"<iati-activities>" + b" " * 20_000)
    response = staff_client.post(reverse("interop:iati_import"), {"file": big})
    assert response.status_code == 413
    page = response.content.decode()
    assert "« enorme.xml » dépasse la taille acceptée" in page and "rien n’a été enregistré" in page
    assert not ImportJob.objects.exists()
    assert _stored_files(tmp_path / "uploads") == []  # the partial copy is gone
    assert _stored_files(settings.MEDIA_ROOT) == []


def _post_document(client):
    """A partnership document with a 5,004-byte file."""
    return client.post(
        reverse("cooperation:partnershipdocument_create"),
        {
            "partnership": f.partnership().pk,
            "title": "Convention signée",
            "file": SimpleUploadedFile("convention.pdf", b"%PDF" + b"x" * 5_000),
        },
    )


def test_a_document_form_with_an_oversized_file_saves_nothing(staff_client, settings):
    """The document's file is optional: without the check, the record would have been saved
    without the file the user thought she had sent."""
    settings.MAX_UPLOAD_BYTES = 1_000
    response = _post_document(staff_client)
    assert response.status_code == 413 and "convention.pdf" in response.content.decode()
    assert not PartnershipDocument.objects.exists()


def test_files_under_the_limit_go_through(staff_client, settings):
    settings.MAX_UPLOAD_BYTES = 100_000
    response = _post_document(staff_client)
    assert response.status_code == 302, response.content.decode()[:2000]
    document = PartnershipDocument.objects.get()
    assert document.file.size == 5_004


def test_the_refusal_speaks_english_on_request(staff_client, settings):
    settings.MAX_UPLOAD_BYTES = 1_000
    staff_client.cookies["django_language"] = "en"
    big = SimpleUploadedFile("huge.xml", b" " * 5_000)
    response = staff_client.post(reverse("interop:iati_import"), {"file": big})
    assert response.status_code == 413
    assert "The file “huge.xml” is larger than accepted" in response.content.decode()


def test_the_import_page_states_the_limit_in_force(staff_client, settings):
    def help_text():
        page = staff_client.get(reverse("interop:iati_import")).content.decode()
        return page.replace("\xa0", " ").replace("&#x27;", "'")

    assert "Jusqu'à 2,0 Gio." in help_text()
    settings.MAX_UPLOAD_BYTES = 50 * 2**20
    assert "Jusqu'à 50,0 Mio." in help_text()
