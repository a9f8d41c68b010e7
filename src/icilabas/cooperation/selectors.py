"""Reads of the cooperation domain used by several pages."""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from icilabas.core.models import Publication
from icilabas.core.permissions import visible
from icilabas.core.queries import count_subquery
from icilabas.reference.models import Concept, ConceptMapping
from icilabas.reference.selectors import concept_tree

from .models import (
    BudgetLine,
    Commitment,
    LocalImpact,
    Participation,
    Partnership,
    Project,
    ProjectLocation,
    SecondaryTheme,
)


def carried_project_ids(organisations) -> QuerySet:
    """The ids of the projects these organisations take part in (accepted links) or that run
    under one of their partnerships: each way by its own index, then united. The two ORed
    across joins read every project (451 ms for an organisation of 71 projects among
    100,000, on each visit of its page)."""
    taking_part = (
        Participation.objects.filter(organisation__in=organisations, link_accepted=True)
        .order_by()
        .values("project")
    )
    under_partnerships = (
        Project._base_manager.filter(partnership__french_partners__in=organisations)
        .order_by()
        .values("pk")
    )
    return taking_part.union(under_partnerships)


def organisation_projects(*, organisation, viewer=None):
    """Projects the organisation takes part in, or that run under one of its partnerships."""
    return (
        visible(Project.objects.all(), viewer)
        .filter(pk__in=carried_project_ids([organisation]))
        .select_related("partnership__foreign_authority", "primary_theme")
        .order_by("-start_on", "title")
    )


def organisation_overview(organisation, *, viewer) -> dict:
    """An organisation's partnerships, projects and what they bring back home (its page)."""
    projects = organisation_projects(organisation=organisation, viewer=viewer)
    return {
        "partnerships": visible(Partnership.objects.all(), viewer)
        .filter(french_partners=organisation)
        .select_related("foreign_authority")
        .order_by("title"),
        "projects": projects,
        "impacts": LocalImpact.objects.filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("category"),
    }


def foreign_authority_overview(authority, *, viewer) -> dict:
    """A partner authority's partnerships and the projects under them (its page)."""
    return {
        "partnerships": visible(Partnership.objects.all(), viewer)
        .filter(foreign_authority=authority)
        .prefetch_related("french_partners")
        .order_by("title"),
        "projects": visible(Project.objects.all(), viewer)
        .filter(partnership__foreign_authority=authority)
        .select_related("primary_theme")
        .order_by("-start_on", "title"),
    }


def partnership_count_of_organisation():
    """For the organisation list: its partnerships (a correlated count, page rows only)."""
    links = Partnership.french_partners.through.objects.filter(partnership__deleted_at__isnull=True)
    return count_subquery(links, "organisation")


def partnership_count_of_authority():
    return count_subquery(Partnership.objects.all(), "foreign_authority")


def partnership_overview(*, partnership: Partnership, viewer) -> dict:
    commitments = list(partnership.commitments.all())
    here = [c for c in commitments if c.side == Commitment.Side.HERE]
    there = [c for c in commitments if c.side == Commitment.Side.THERE]
    return {
        "commitments_here": here,
        "commitments_there": there,
        "kept_here": sum(c.status == Commitment.Status.KEPT for c in here),
        "kept_there": sum(c.status == Commitment.Status.KEPT for c in there),
        "documents": partnership.documents.all(),
        "projects": visible(partnership.projects.all(), viewer)
        .select_related("primary_theme")
        .order_by("-start_on"),
    }


def project_overview(*, project: Project) -> dict:
    """The project's lists, each ordered within the project: the children's own ordering
    starts with "project", which joins the projects' table to sort by their title."""
    budget_lines = list(
        BudgetLine.objects.filter(project=project)
        .select_related("cofinancer")
        .order_by("year", "pk")
    )
    return {
        "secondary_themes": project.secondary_themes.all(),  # prefetched with their themes
        "locations": project.locations.all(),  # prefetched: the small map reads them too
        "action_steps": project.action_steps.select_related("owner").order_by("start_on", "pk"),
        "participations": project.participations.select_related("organisation").order_by("role"),
        "budget_lines": budget_lines,
        "budget_totals": budget_totals(budget_lines),
        "impacts": project.local_impacts.order_by("category"),
        "equivalents": theme_equivalents(project=project),
    }


def budget_totals(lines: list[BudgetLine]) -> list[dict]:
    """The total per currency of the lines the page lists: added here, not asked again."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.currency] = totals.get(line.currency, Decimal(0)) + line.amount
    return [{"currency": currency, "total": totals[currency]} for currency in sorted(totals)]


def theme_equivalents(*, project: Project) -> list:
    """What the project's themes (and the broader ones) correspond to in the other
    vocabularies (DAC sectors, SDGs…): the crosswalks of reference.ConceptMapping."""
    themes = [project.primary_theme] if project.primary_theme_id else []
    themes += [secondary.theme for secondary in project.secondary_themes.all()]
    lineage = {}
    for theme in themes:
        while theme is not None:
            lineage[theme.pk] = None
            theme = theme.parent
    mappings_from = concept_tree().mappings_from
    found = [mapping for pk in lineage for mapping in mappings_from.get(pk, ())]
    return sorted(found, key=lambda m: (m.target.vocabulary.name, m.target.code))


def with_concepts(project: Project) -> Project:
    """The project with its themes, DAC sector and their broader concepts taken from the
    vocabularies held in memory (`reference.selectors.concept_tree`) instead of joined into
    its query. A concept newer than the tree is left to be read as usual."""
    concepts = concept_tree().concepts
    for record, name in (
        (project, "primary_theme"),
        (project, "dac_sector"),
        *((secondary, "theme") for secondary in project.secondary_themes.all()),
    ):
        pk = getattr(record, f"{name}_id")
        if pk in concepts:
            setattr(record, name, concepts[pk])
    return project


def equivalents_by_theme() -> dict[int, str]:
    """Each theme → its equivalents in the other vocabularies, its own and its broader themes'
    ("Secteurs CAD : 14030 – …; ODD : 6 – …"): read once for a whole export."""
    direct: dict[int, list[str]] = {}
    for mapping in ConceptMapping.objects.select_related("target__vocabulary").order_by(
        "target__vocabulary__name", "target__code"
    ):
        target = mapping.target
        direct.setdefault(mapping.source_id, []).append(
            f"{target.vocabulary.name} : {target.code} – {target.label}"
        )
    parents = dict(Concept.objects.filter(parent__isnull=False).values_list("pk", "parent_id"))
    found = {}
    for theme in {*direct, *parents}:
        lineage, current = [], theme
        while current is not None:
            lineage += direct.get(current, [])
            current = parents.get(current)
        if lineage:
            found[theme] = "; ".join(dict.fromkeys(lineage))
    return found


def project_detail_queryset():
    """A project with what its page shows, each read once: its secondary themes (for the
    crosswalks) and its localities (for the list and the small map). Its concepts come from
    memory: `with_concepts`."""
    return Project.objects.select_related("partnership__foreign_authority").prefetch_related(
        # Ordered by their own fields: their default ordering joins the projects (or the
        # vocabularies, for the SDGs, all of one vocabulary) only to sort.
        Prefetch("sdgs", queryset=Concept.objects.order_by("code")),
        Prefetch("locations", queryset=ProjectLocation.objects.order_by("name")),
        Prefetch("secondary_themes", queryset=SecondaryTheme.objects.order_by("rank")),
    )


def partnership_detail_queryset():
    return Partnership.objects.select_related("foreign_authority").prefetch_related(
        Prefetch("french_partners")
    )


def projects_with_carrier(projects):
    """Projects with who carries them (`carrier`: the lead organisation, else the
    partnership's first French partner; published organisations only, as every reader may see
    the list) and where (`partner_locality`: the partner authority's locality)."""
    lead = (
        Participation.objects.filter(
            project=OuterRef("pk"),
            role=Participation.Role.LEAD,
            deleted_at__isnull=True,
            link_accepted=True,
        )
        .filter(organisation__publication=Publication.PUBLISHED)
        .order_by("pk")
        .values("organisation__name")[:1]
    )
    signatory = (
        Partnership.french_partners.through.objects.filter(partnership=OuterRef("partnership"))
        .filter(organisation__publication=Publication.PUBLISHED)
        .order_by("pk")
        .values("organisation__name")[:1]
    )
    return projects.annotate(
        carrier=Coalesce(Subquery(lead), Subquery(signatory)),
        partner_locality=F("partnership__foreign_authority__locality"),
    )


ENDING_WITHIN = timedelta(days=90)


def conventions_ending(partnerships, *, today: date | None = None):
    """Running conventions among `partnerships` that end within ENDING_WITHIN (90 days),
    soonest first."""
    today = today or timezone.localdate()
    return (
        partnerships.filter(
            status=Partnership.Status.ONGOING,
            end_on__gte=today,
            end_on__lte=today + ENDING_WITHIN,
        )
        .select_related("foreign_authority")
        .prefetch_related("french_partners")
        .order_by("end_on", "title")
    )
