"""A file over the size limit is dropped while it arrives: a clear page names it, nothing is
stored, the upload is not kept anywhere."""

import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
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
    """A partnership document with a 5,009-byte file."""
    return client.post(
        reverse("cooperation:partnershipdocument_create"),
        {
            "partnership": f.partnership().pk,
            "title": "Convention signée",
            "file": SimpleUploadedFile("convention.pdf", b"%PDF-1.7\n" + b"x" * 5_000),
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
    assert document.file.size == 5_009


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


# ---------------------------------------------------------------- documents: kind from content


def _document(client, name: str, content: bytes, partnership=None):
    return client.post(
        reverse("cooperation:partnershipdocument_create"),
        {
            "partnership": (partnership or f.partnership()).pk,
            "title": "Pièce jointe",
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
        },
    )


def _office_file(parts: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _office_file({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})
ODT = _office_file({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"})


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("page.html", b"<!doctype html><script>alert(document.cookie)</script>"),
        ("image.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("code.js", b"alert(1)"),
        ("convention.pdf", b"<html><script>alert(1)</script></html>"),  # a PDF by name only
        ("rapport.html", b"%PDF-1.7\n%real pdf named .html"),
        ("archive.zip", _office_file({"a.txt": b"x"})),
        ("programme.exe", b"MZ\x90\x00\x03"),
        ("bombe.docx", None),  # built in the test: 201 Mo of zeros, 200 ko packed
    ],
    ids=["html", "svg", "js", "html-named-pdf", "pdf-named-html", "zip", "exe", "zip-bomb"],
)
def test_a_document_of_a_refused_kind_is_named_on_its_field_and_nothing_is_kept(
    name, content, staff_client
):
    if content is None:
        content = _office_file(
            {"[Content_Types].xml": b"<Types/>", "word/a.xml": b"0" * (201 * 2**20)}
        )
        assert len(content) < 2**20
    response = _document(staff_client, name, content)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "file" in errors, errors
    assert not PartnershipDocument.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("convention.pdf", b"%PDF-1.7\n..."),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
        ("compte-rendu.docx", DOCX),
        ("compte-rendu.odt", ODT),
    ],
)
def test_documents_of_accepted_kinds_go_through(name, content, staff_client):
    response = _document(staff_client, name, content)
    assert response.status_code == 302, response.context["form"].errors
    assert PartnershipDocument.objects.count() == 1


def test_a_document_is_handed_out_as_an_attachment_to_those_who_may_see_it(staff_client, settings):
    client = Client()  # a visitor beside the staff member
    partnership = f.partnership()
    _document(staff_client, "convention.pdf", b"%PDF-1.7\n...", partnership=partnership)
    document = PartnershipDocument.objects.get()
    url = reverse("cooperation:partnershipdocument_file", args=[document.pk])
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert url in page and document.file.url not in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The media folder is not served as such, whatever DEBUG says.
    assert client.get("/" + settings.MEDIA_URL + document.file.name).status_code == 404
    # A draft partnership's document is nobody's business but its editors'.
    from icilabas.core.services import change_publication

    change_publication(partnership, user=f.system_user(), transition="return")
    assert client.get(url).status_code == 404
    settings.SENDFILE_HEADER = "X-Accel-Redirect"
    sent = staff_client.get(url)
    assert sent["X-Accel-Redirect"] == settings.SENDFILE_URL_PREFIX + document.file.name
    assert sent["Content-Disposition"].startswith("attachment")


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a 64 kB file system of its own (mounting one needs root: CI has it)."""
    media = tmp_path / "media"
    media.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(media)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root)")
    settings.MEDIA_ROOT = str(media)
    yield media
    subprocess.run(["umount", str(media)], check=True)


def test_the_disk_filling_up_during_an_upload_saves_nothing_and_says_so(
    staff_client, settings, small_disk
):
    settings.MAX_UPLOAD_BYTES = 10**6
    big = SimpleUploadedFile("convention.pdf", b"%PDF-1.7\n" + b"x" * 200_000)
    response = staff_client.post(
        reverse("cooperation:partnershipdocument_create"),
        {"partnership": f.partnership().pk, "title": "Convention signée", "file": big},
    )
    assert response.status_code == 200
    assert "Le serveur n'a plus de place pour ce fichier" in response.content.decode().replace(
        "&#x27;", "'"
    )
    assert not PartnershipDocument.objects.exists()
    assert _stored_files(small_disk) == []  # the part written before the disk was full is gone
    assert _post_document(staff_client).status_code == 302  # a file that fits goes through
    assert len(_stored_files(small_disk)) == 1
