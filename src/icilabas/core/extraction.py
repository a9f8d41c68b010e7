"""The text of attached documents, for search: read in the background (a 200-page PDF takes
seconds), stored beside the document, and added to its record's search document.

PDF through pypdf; Word, PowerPoint, Excel and OpenDocument files by reading their XML parts
with entities and network access off (no XXE). Images and old binary Office files have no text
to give. A file that cannot be read gives no text rather than an error: the document stays
downloadable, only its words are not searchable."""

import logging
import re
import zipfile
from pathlib import Path

from django.apps import apps
from django.db import transaction
from django_tasks import task
from lxml import etree
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from . import files, jobs, search
from .models import AttachedDocument

logger = logging.getLogger(__name__)

# Enough for search and excerpts; a long report is searched on its first pages.
MAX_TEXT_CHARS = search.BODY_CHARS
MAX_PDF_PAGES = 300
# The parts of an office archive that hold its text, and the elements ending a paragraph.
TEXT_PARTS = re.compile(
    r"^(word/document\.xml|word/(header|footer)\d*\.xml|ppt/slides/slide\d+\.xml"
    r"|xl/sharedStrings\.xml|content\.xml)$"
)
PARAGRAPHS = {"p", "h", "si"}


def _pdf_text(stream) -> str:
    reader = PdfReader(stream)
    if reader.is_encrypted:
        return ""
    pieces, total = [], 0
    for page in reader.pages[:MAX_PDF_PAGES]:
        text = page.extract_text() or ""
        pieces.append(text)
        total += len(text)
        if total > MAX_TEXT_CHARS:
            break
    return "\n".join(pieces)


def _xml_paragraphs(stream) -> list[str]:
    found = []
    parser = etree.iterparse(
        stream, events=("end",), resolve_entities=False, no_network=True, huge_tree=False
    )
    for _event, element in parser:
        if etree.QName(element).localname in PARAGRAPHS:
            text = "".join(element.itertext()).strip()
            if text:
                found.append(text)
            element.clear()
    return found


def _office_text(stream) -> str:
    files.check_unpacked_size(stream)
    pieces: list[str] = []
    with zipfile.ZipFile(stream) as archive:
        for name in sorted(archive.namelist(), key=_natural):
            if TEXT_PARTS.match(name):
                with archive.open(name) as part:
                    pieces += _xml_paragraphs(part)
            if sum(map(len, pieces)) > MAX_TEXT_CHARS:
                break
    return "\n".join(pieces)


def _natural(name: str) -> list:
    """slide2.xml before slide10.xml."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def document_text(stored) -> str:
    """The text of a stored file, "" when it has none or cannot be read."""
    extension = Path(stored.name).suffix.lower().lstrip(".")
    try:
        with stored.open("rb") as stream:
            if extension == "pdf":
                text = _pdf_text(stream)
            elif extension in {"docx", "pptx", "xlsx", "odt", "odp", "ods"}:
                text = _office_text(stream)
            else:
                return ""
    except (OSError, ValueError, KeyError, PdfReadError, zipfile.BadZipFile, etree.Error) as error:
        logger.warning("Texte illisible dans %s : %s", stored.name, error)
        return ""
    return " ".join(text.split())[:MAX_TEXT_CHARS]


@task()
def extract_document_text(model_label: str, pk: int) -> int:
    """Read a document's text, keep it, and make its record findable by it. Returns the
    number of characters found."""
    model = apps.get_model(model_label)
    document = model._base_manager.filter(pk=pk).first()
    if document is None:
        return 0  # removed meanwhile
    text = document_text(document.file) if document.file else ""
    parent = getattr(document, document.parent_field, None) if document.parent_field else None
    # Derived from the file, like the search index: not a change of the record, no history.
    # The text and the index land together: nobody sees one without the other.
    with transaction.atomic():
        model._base_manager.filter(pk=pk).update(text=text)
        if parent is not None:
            search.index(parent)
    logger.info(
        "texte extrait de %s #%s",
        model_label,
        pk,
        extra={
            "action": "texte extrait",
            "model": model_label,
            "object_id": pk,
            "characters": len(text),
        },
    )
    return len(text)


def extract_later(document: AttachedDocument) -> None:
    """Queue the extraction once the document's file is saved for good."""
    jobs.enqueue(extract_document_text, document._meta.label_lower, document.pk)
