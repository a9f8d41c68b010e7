"""How partnerships and projects appear in the search index."""

from django.utils import translation

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.core.search import SearchDocument, register

from .models import Partnership, Project


@register(
    "partnership",
    Partnership,
    "Partenariat",
    prefetch=("foreign_authority", "french_partners"),
    shows={Organisation: "french_partners", ForeignAuthority: "foreign_authority"},
)
def partnership_document(partnership: Partnership) -> SearchDocument:
    authority = partnership.foreign_authority
    with translation.override("fr"):
        country = str(authority.country.name)
    partners = ", ".join(o.name for o in partnership.french_partners.all())
    return SearchDocument(
        title=partnership.title,
        summary=f"{partners} ↔ {authority.name} ({country})",
        body=" ".join([authority.locality, partnership.description]),
        country=authority.country.code,
        year=partnership.signed_on.year
        if partnership.signed_on
        else partnership.first_convention_year,
    )


def _theme_words(theme) -> list[str]:
    """A theme with the broader ones above it ("Chantiers et échanges de jeunes" is found by
    "jeunesse" through "Éducation, jeunesse")."""
    return theme.lineage if theme is not None else []


@register(
    "project",
    Project,
    "Projet",
    prefetch=(
        "primary_theme__parent__parent",
        "secondary_themes__theme__parent__parent",
        "sdgs",
        "dac_sector",
        "local_impacts",
        "participations__organisation",
    ),
    shows={ForeignAuthority: "partnership__foreign_authority", Partnership: "partnership"},
)
def project_document(project: Project) -> SearchDocument:
    """A project is found by what it carries too: its themes and the broader ones, SDGs, DAC
    sector, what it brings back home, who takes part, where."""
    with translation.override("fr"):
        country = str(project.country.name) if project.country else ""
        impacts = [
            f"{impact.get_category_display()} {impact.text}"
            for impact in project.local_impacts.all()
        ]
    place = ""
    if project.partnership_id:
        place = project.partnership.foreign_authority.locality
    theme = project.primary_theme.label if project.primary_theme_id else ""
    carried = [
        *_theme_words(project.primary_theme),
        *(
            word
            for secondary in project.secondary_themes.all()
            for word in _theme_words(secondary.theme)
        ),
        *(sdg.label for sdg in project.sdgs.all()),
        project.dac_sector.label if project.dac_sector_id else "",
        *impacts,
        *(p.organisation.name for p in project.participations.all()),
    ]
    return SearchDocument(
        title=project.title,
        summary=project.summary or " · ".join(filter(None, [place, country, theme])),
        body=" ".join([place, country, project.description, project.objectives, *carried]),
        country=project.country.code if project.country else "",
        theme=project.primary_theme.lineage[-1] if project.primary_theme_id else "",
        year=project.start_on.year if project.start_on else None,
    )
