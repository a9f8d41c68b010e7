"""The elected officials' briefing, made as PDF by the worker; the public figures over the
whole registry, recomputed by the worker after a change rather than by a visitor."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django_tasks import task

from icilabas.actors.models import Organisation
from icilabas.core import jobs, pdf
from icilabas.core.page_cache import registry_version

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


WARMED_KEY = "portal:figures-warmed-for"


@jobs.every(timedelta(minutes=1), name="chiffres-du-portail", first_after=timedelta(0))
@task()
def warm_public_figures() -> int:
    """Within a minute of a change of the registry: the dashboard, both maps, the home page's
    counts and the busiest countries' figures (0.1–0.8 s each at 100,000 projects), in every
    language, so that the first visitors after the change do not compute them. Returns how
    many sets it asked for (0 when the registry has not changed since its last run)."""
    version = registry_version()
    if cache.get(WARMED_KEY) == version:
        return 0
    countries = selectors.busiest_countries()
    computed = 0
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            selectors.dashboard()
            selectors.partnerships_by_country()
            selectors.partner_places()
            selectors.engaged_places()
            selectors.home()
            for country in countries:
                selectors.country(country, None)
            computed += 5 + len(countries)
    cache.set(WARMED_KEY, version, None)
    return computed
