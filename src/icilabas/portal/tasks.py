"""The elected officials' briefing, made as PDF by the worker."""

from pathlib import Path

from django.conf import settings
from django_tasks import task

from icilabas.actors.models import Organisation
from icilabas.core import pdf

from . import selectors

PDF_FOLDER = "briefings"


def briefing_path(organisation: Organisation, digest: str) -> Path:
    return Path(settings.MEDIA_ROOT) / PDF_FOLDER / f"dossier-elus-{organisation.pk}-{digest}.pdf"


@task()
def build_briefing(organisation_pk: int) -> str:
    """The briefing as its figures stand now; returns the file's name."""
    organisation = Organisation.objects.published().filter(pk=organisation_pk).first()
    if organisation is None:
        return ""
    figures = selectors.briefing(organisation)
    return pdf.write_pdf(
        template="portal/briefing_pdf.html",
        context=figures,
        target=briefing_path(organisation, figures["digest"]),
    )
