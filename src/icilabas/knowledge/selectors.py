"""Reads of the knowledge app: what a page shows of the glossary and of the sheets."""

from django.core.cache import cache
from django.db.models import Count, Q

from icilabas.cooperation.models import Project
from icilabas.core.permissions import editable_q, visible
from icilabas.core.text import words

from .markup import CACHE_SECONDS, glossary_version
from .models import ExperienceSheet, Guide, StepCheck, Term

LESSONS_SHOWN = 10


def term_overview(*, term: Term, viewer) -> dict:
    terms = visible(Term.objects.all(), viewer)
    comments = (
        term.comments.filter(withdrawn_at__isnull=True).select_related("author")
        if viewer.is_authenticated
        else []
    )
    return {
        "comments": comments,
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


PROJECTS_OFFERED = 200


def editable_projects(*, user):
    """The projects whose checklists the user may tick (hers, or all for staff)."""
    projects = Project.objects.all()
    if not user.is_staff:
        projects = projects.filter(
            pk__in=Project._base_manager.filter(editable_q(Project, user)).values("pk")
        )
    return projects.order_by("title")[:PROJECTS_OFFERED]


def guide_overview(*, guide: Guide, project=None) -> list[dict]:
    """Each step with its checklist, and for a project which items are ticked."""
    ticked = set()
    if project is not None:
        ticked = set(
            StepCheck.objects.filter(project=project, step__guide=guide).values_list(
                "step_id", "item"
            )
        )
    return [
        {
            "step": step,
            "items": [
                {"index": index, "label": label, "ticked": (step.pk, index) in ticked}
                for index, label in enumerate(step.items)
            ],
        }
        for step in guide.steps.order_by("order", "pk")
    ]


def project_progress(*, project) -> list[dict]:
    """For each published guide: how many of its checklist items are ticked for the project."""
    totals = {}
    for guide in Guide.objects.published().prefetch_related("steps"):
        total = sum(len(step.items) for step in guide.steps.all())
        if total:
            totals[guide] = total
    if not totals:
        return []
    done = dict(
        StepCheck.objects.filter(project=project, step__guide__in=list(totals))
        .values_list("step__guide")
        .annotate(ticked=Count("pk"))
        .order_by()
    )
    return [
        {"guide": guide, "done": done.get(guide.pk, 0), "total": total}
        for guide, total in totals.items()
    ]


def _phrase_key(text: str) -> str:
    return " ".join(words(text))


def _synonym_groups() -> dict[str, list[str]]:
    """Each wording of a published term (its name, the variants in use) → the other wordings;
    computed once per glossary version."""
    key = f"knowledge:synonyms:{glossary_version()}"
    groups = cache.get(key)
    if groups is None:
        groups = {}
        for term in Term.objects.published().prefetch_related("variants"):
            wordings = {
                _phrase_key(w): w for w in [term.name, *(v.wording for v in term.variants.all())]
            }
            for phrase in wordings:
                others = [w for other, w in wordings.items() if other != phrase]
                if phrase and others:
                    groups.setdefault(phrase, []).extend(others)
        cache.set(key, groups, CACHE_SECONDS)
    return groups


def synonyms_of(text: str) -> list[str]:
    """Other wordings of a query that names a glossary term or one of its variants: a search
    for "jumelage" also finds "partenariat de jumelage" and "comité de jumelage"."""
    return _synonym_groups().get(_phrase_key(text), [])
