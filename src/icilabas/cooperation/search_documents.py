"""How partnerships and projects appear in the search index."""

from django.utils import translation

from icilabas.core.search import SearchDocument, register

from .models import Partnership, Project


@register("partnership", Partnership, "Partenariat")
def partnership_document(partnership: Partnership) -> SearchDocument:
    authority = partnership.foreign_authority
    with translation.override("fr"):
        country = str(authority.country.name)
    partners = ", ".join(o.name for o in partnership.french_partners.all())
    return SearchDocument(
        title=partnership.title,
        summary=f"{partners} ↔ {authority.name} ({country})",
        body=" ".join([authority.locality, partnership.description]),
    )


@register("project", Project, "Projet")
def project_document(project: Project) -> SearchDocument:
    with translation.override("fr"):
        country = str(project.country.name) if project.country else ""
    place = ""
    if project.partnership_id:
        place = project.partnership.foreign_authority.locality
    theme = project.primary_theme.label if project.primary_theme_id else ""
    return SearchDocument(
        title=project.title,
        summary=project.summary or " · ".join(filter(None, [place, country, theme])),
        body=" ".join([place, country, theme, project.description, project.objectives]),
    )
