"""Look-alikes of a project in the registry, for the live check of the project form.

Candidates come from the index, never from a scan: projects at the same partner locality and
projects sharing title words (full-text index); they are then judged by the same scorer as the
batch scan, with the reasons in words.
"""

from dataclasses import dataclass

from django.db.models import Q

from icilabas.cooperation.models import Project

from .models import MatchDecision
from .scan import Judgement, Rarity, Record, judge

CANDIDATES_PER_SOURCE = 60
SHOWN_FROM = 0.3


@dataclass(frozen=True)
class LookAlike:
    project: Project
    judgement: Judgement

    @property
    def percent(self) -> int:
        return round(self.judgement.probability * 100)


def record_from_project(project: Project) -> Record:
    partnership = project.partnership
    authority = place = ""
    if partnership is not None:
        place = partnership.foreign_authority.locality
        partners = list(partnership.french_partners.all())
        authority = partners[0].name if partners else ""
    if not place:
        locations = list(project.locations.all())
        place = locations[0].name if locations else ""
    return Record(
        id=str(project.pk),
        title=project.title,
        description=" ".join(filter(None, [project.summary, project.description])),
        french_authority=authority,
        partner_locality=place,
        partner_country=project.country.code if project.country else "",
        theme=project.primary_theme.label if project.primary_theme_id else "",
        start_year=project.start_on.year if project.start_on else None,
    )


def _candidate_ids(record: Record, exclude: int | None) -> list[int]:
    from icilabas.core import search

    ids = search.objects_with_title_words(record.title, kind="project", limit=CANDIDATES_PER_SOURCE)
    if record.partner_locality:
        place = record.partner_locality
        ids += list(
            Project.objects.filter(
                Q(partnership__foreign_authority__locality__iexact=place)
                | Q(locations__name__iexact=place, locations__deleted_at__isnull=True)
            )
            .order_by("-pk")
            .values_list("pk", flat=True)[:CANDIDATES_PER_SOURCE]
        )
    return [pk for pk in dict.fromkeys(ids) if pk != exclude]


def _decided_ids(project_pk: int | None) -> set[int]:
    if project_pk is None:
        return set()
    pairs = MatchDecision.objects.filter(Q(project_a=project_pk) | Q(project_b=project_pk))
    return {pk for pair in pairs.values_list("project_a", "project_b") for pk in pair} - {
        project_pk
    }


def look_alikes(
    record: Record, *, exclude: int | None = None, ignore: set[int] = frozenset(), limit: int = 5
) -> list[LookAlike]:
    """Registered projects that may be the same as `record`, most likely first."""
    skip = _decided_ids(exclude) | set(ignore)
    ids = [pk for pk in _candidate_ids(record, exclude) if pk not in skip]
    projects = (
        Project.objects.filter(pk__in=ids)
        .select_related("partnership__foreign_authority", "primary_theme")
        .prefetch_related("partnership__french_partners", "locations")
    )
    candidates = [(project, record_from_project(project)) for project in projects]
    rarity = Rarity([record, *(other for _, other in candidates)])
    found = [LookAlike(project, judge(record, other, rarity)) for project, other in candidates]
    found = [f for f in found if f.judgement.probability >= SHOWN_FROM]
    found.sort(key=lambda f: -f.judgement.probability)
    return found[:limit]
