"""Reads of the knowledge app: what a page shows of the glossary and of the sheets."""

from django.db.models import Q

from icilabas.core.permissions import visible

from .models import ExperienceSheet, Term

LESSONS_SHOWN = 10


def term_overview(*, term: Term, viewer) -> dict:
    terms = visible(Term.objects.all(), viewer)
    return {
        "variants": term.variants.order_by("actor_kind"),
        "translations": term.translations.order_by("language"),
        "related_terms": terms.filter(pk__in=term.related.values("pk")),
        "contrasted_terms": terms.filter(pk__in=term.contrasted.values("pk")),
    }


def lessons_about(*, viewer, projects=(), authorities=(), countries=(), themes=()):
    """Published sheets (or the viewer's drafts) that tell of these projects, partner
    authorities, countries or themes: "Ce que d'autres ont appris ici"."""
    about = Q(pk__in=[])
    if projects:
        about |= Q(projects__in=projects)
    if authorities:
        about |= Q(foreign_authorities__in=authorities)
    for code in countries:
        about |= Q(countries__icontains=code)
    if themes:
        about |= Q(themes__in=themes)
    matching = ExperienceSheet.objects.filter(about).values("pk")
    return (
        visible(ExperienceSheet.objects.all(), viewer)
        .filter(pk__in=matching)
        .select_related("organisation")
        .order_by("-updated_at")[:LESSONS_SHOWN]
    )
