"""Uploaded files: what a file really is, read from its first bytes and (for office files) its
archive's table of contents, never from the name or the type the browser claims; and how a
stored file is handed back (as an attachment the browser will not sniff or run)."""

import contextlib
import errno
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext

# An office archive whose parts add up to more than this once unpacked is refused (zip bomb).
MAX_UNPACKED_BYTES = 200 * 2**20


@dataclass(frozen=True)
class FileKind:
    label: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("PDF", "application/pdf", ("pdf",))
PNG = FileKind("PNG", "image/png", ("png",))
JPEG = FileKind("JPEG", "image/jpeg", ("jpg", "jpeg"))
GIF = FileKind("GIF", "image/gif", ("gif",))
WEBP = FileKind("WebP", "image/webp", ("webp",))
OLD_OFFICE = FileKind("Office 97–2003", "application/octet-stream", ("doc", "xls", "ppt"))
OOXML = {
    "word/": FileKind(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ("docx",),
    ),
    "xl/": FileKind(
        "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)
    ),
    "ppt/": FileKind(
        "PowerPoint",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ("pptx",),
    ),
}
ODF = {
    "application/vnd.oasis.opendocument.text": FileKind(
        "OpenDocument texte", "application/vnd.oasis.opendocument.text", ("odt",)
    ),
    "application/vnd.oasis.opendocument.spreadsheet": FileKind(
        "OpenDocument classeur", "application/vnd.oasis.opendocument.spreadsheet", ("ods",)
    ),
    "application/vnd.oasis.opendocument.presentation": FileKind(
        "OpenDocument présentation", "application/vnd.oasis.opendocument.presentation", ("odp",)
    ),
}
CONTENT_TYPES = {
    extension: kind.content_type
    for kind in (PDF, PNG, JPEG, GIF, WEBP, OLD_OFFICE, *OOXML.values(), *ODF.values())
    for extension in kind.extensions
}
DOCUMENT_KINDS_LABEL = "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF ou WebP"


class UnsafeFile(ValueError):
    """The file is not of an accepted kind; the message says why, in French."""


def check_unpacked_size(upload, limit: int = MAX_UNPACKED_BYTES) -> list[zipfile.ZipInfo]:
    """The archive's entries, if their declared unpacked sizes stay within `limit` (Python's
    zipfile never unpacks more than an entry declares, so the declaration is what counts)."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as error:
        raise UnsafeFile(gettext("Archive illisible ou abîmée.")) from error
    finally:
        upload.seek(0)
    if sum(entry.file_size for entry in entries) > limit:
        raise UnsafeFile(
            gettext("Le fichier se décompresse en plus de %(megabytes)s Mo : il est refusé.")
            % {"megabytes": limit // 2**20}
        )
    return entries


def _archive_kind(upload) -> FileKind:
    names = {entry.filename for entry in check_unpacked_size(upload)}
    try:
        with zipfile.ZipFile(upload) as archive:
            if "mimetype" in names:
                kind = ODF.get(archive.read("mimetype")[:100].decode("ascii", "replace").strip())
                if kind:
                    return kind
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for prefix, kind in OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return kind
    raise UnsafeFile(gettext("Archive qui n'est pas un document bureautique."))


def check_document(upload) -> FileKind:
    """An uploaded document within the size cap and of an accepted kind (`UnsafeFile` else)."""
    if upload.size > settings.DOCUMENT_MAX_BYTES:
        raise UnsafeFile(
            gettext(
                "Le document dépasse %(megabytes)s Mo : réduisez-le ou indiquez plutôt un lien."
            )
            % {"megabytes": settings.DOCUMENT_MAX_BYTES // 2**20}
        )
    return sniff_document(upload)


def sniff_document(upload) -> FileKind:
    """The kind of an uploaded document, from its content; `UnsafeFile` for anything else
    (HTML, SVG, scripts, executables…) or for a name whose extension says another kind."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head.startswith((b"GIF87a", b"GIF89a")):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        kind = OLD_OFFICE
    elif head.startswith(b"PK\x03\x04"):
        kind = _archive_kind(upload)
    else:
        raise UnsafeFile(
            gettext("Type de fichier non accepté : joignez un fichier %(kinds)s.")
            % {"kinds": DOCUMENT_KINDS_LABEL}
        )
    extension = Path(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension not in kind.extensions:
        raise UnsafeFile(
            gettext(
                "Le contenu est un fichier %(label)s mais son nom finit par « .%(extension)s » : "
                "renommez-le en .%(expected)s."
            )
            % {"label": kind.label, "extension": extension, "expected": kind.extensions[0]}
        )
    return kind


def attachment_response(stored, *, filename: str) -> HttpResponse:
    """A stored file as a download: never shown inline, never sniffed, never run. With
    SENDFILE_HEADER (X-Accel-Redirect for nginx, X-Sendfile for Apache) the front server sends
    the bytes; the permission was checked here."""
    # The upload was checked against its content and its extension then: the extension
    # says its type now, with no read of the file on each download.
    extension = Path(stored.name).suffix.lower().lstrip(".")
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    if settings.SENDFILE_HEADER:
        response = HttpResponse(content_type=content_type)
        relative = Path(stored.name).as_posix()
        response[settings.SENDFILE_HEADER] = (
            settings.SENDFILE_URL_PREFIX + relative
            if settings.SENDFILE_HEADER == "X-Accel-Redirect"
            else str(Path(settings.MEDIA_ROOT) / relative)
        )
        response["Content-Disposition"] = content_disposition_header(True, filename)
    else:
        stored.open("rb")
        response = FileResponse(stored, as_attachment=True, filename=filename)
        response["Content-Type"] = content_type
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def remove_old_uploads(folder: Path, *, in_use: set[str]) -> int:
    """Files of `folder` older than IMPORT_FILE_HOURS that no job in progress will read."""
    if not folder.exists():
        return 0
    limit = time.time() - settings.IMPORT_FILE_HOURS * 3600
    removed = 0
    for path in folder.iterdir():
        if path.is_file() and path.name not in in_use and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


DISK_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class MediaStorage(FileSystemStorage):
    """Uploaded files on disk. A write that fails midway (the disk full) leaves no partial file:
    the record is not saved (`core.services` says why, on the file's field), nor its file."""

    def _save(self, name, content):
        try:
            return super()._save(name, content)
        except OSError:
            with contextlib.suppress(OSError):
                self.delete(name)
            raise
