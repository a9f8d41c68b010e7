"""Who else works here: the actors of the territory active in a country, a locality or a theme,
and the experienced ones a newcomer could learn from (the seed's "mutualisation")."""

from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q
from rapidfuzz import fuzz

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Participation, Project, ProjectLocation
from icilabas.reference.models import Concept

from .normalize import compact_place

MENTOR_MIN_PROJECTS = 3
SAME_PLACE = 85  # % of spelling similarity, spaces and accents aside: "ndile" is Ndilé
PREFERRED_LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class ActiveActor:
    organisation: Organisation
    projects: int
    in_theme: int = 0


def _theme_filter(theme: Concept | None) -> Q:
    if theme is None:
        return Q()
    themes = Concept.objects.of("atlas-theme").filter(
        Q(code=theme.code) | Q(code__startswith=f"{theme.code}.")
    )
    return Q(primary_theme__in=themes)


def _project_counts(projects) -> Counter:
    """Projects per organisation, whether it takes part or signed the partnership."""
    pairs = (
        Participation.objects.filter(project__in=projects.values("pk"))
        .order_by()
        .values_list("organisation", "project")
        .union(
            # From the projects (by their own index), not from every partnership's partners:
            # 27 ms against 90 for a country of 13,000 projects.
            projects.filter(partnership__french_partners__isnull=False)
            .order_by()
            .values_list("partnership__french_partners", "pk")
        )
    )
    # Counted by the database: a country's 13,000 projects gave Python as many pairs to read.
    sql, params = pairs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT organisation, COUNT(*) FROM ({sql}) pairs GROUP BY organisation",
            params,
        )
        return Counter(dict(cursor.fetchall()))


SAME_SPOT = 0.02  # degrees (~2 km): partner authorities placed there are at the same locality


def locality_variants(*, country: str, locality: str, near=None) -> list[str]:
    """The spellings of one partner locality in the registry ("Ndilé", "ndile", "Ndile (centre)"):
    the partner authorities' and projects' localities of the country spelt alike, and, given
    the locality's coordinates (`near`: latitude, longitude, from the gazetteer or typed), the
    authorities placed at the same spot whatever their spelling."""
    wanted = compact_place(locality)
    if not wanted:
        return []
    names = set(
        ForeignAuthority.objects.filter(country=country)
        .exclude(locality="")
        .values_list("locality", flat=True)
    )
    names |= set(
        ProjectLocation.objects.filter(project__country=country).values_list("name", flat=True)
    )
    spelt = {name for name in names if fuzz.ratio(wanted, compact_place(name)) >= SAME_PLACE}
    placed = set()
    if near is not None and None not in near:
        latitude, longitude = near
        placed = set(
            ForeignAuthority.objects.filter(
                country=country,
                latitude__range=(latitude - SAME_SPOT, latitude + SAME_SPOT),
                longitude__range=(longitude - SAME_SPOT, longitude + SAME_SPOT),
            )
            .exclude(locality="")
            .values_list("locality", flat=True)
        )
    return sorted({locality, *spelt, *placed})


def active_actors(
    *,
    country: str = "",
    locality: str = "",
    theme: Concept | None = None,
    exclude: Organisation | None = None,
    near=None,
    limit: int = 20,
) -> list[ActiveActor]:
    """Organisations of the territory with projects in the country (or at the locality),
    most active first; with a theme, how many of those projects are on it. A locality counts
    with its other spellings (`locality_variants`)."""
    projects = Project.objects.published()
    if country:
        projects = projects.filter(country=country)
    if locality:
        variants = (
            locality_variants(country=country, locality=locality, near=near)
            if country
            else [locality]
        )
        places = Q()
        for variant in variants:
            places |= Q(partnership__foreign_authority__locality__iexact=variant)
            places |= Q(locations__name__iexact=variant)
        projects = projects.filter(places).distinct()
    counts = _project_counts(projects)
    in_theme = _project_counts(projects.filter(_theme_filter(theme))) if theme else {}
    if exclude is not None:
        counts.pop(exclude.pk, None)
    ranked = sorted(counts, key=lambda pk: (-in_theme.get(pk, 0), -counts[pk]))[:limit]
    organisations = Organisation.objects.published().in_bulk(ranked)
    return [
        ActiveActor(organisations[pk], counts[pk], in_theme.get(pk, 0))
        for pk in ranked
        if pk in organisations
    ]


def mentors(actors: list[ActiveActor], *, theme: Concept | None = None) -> list[ActiveActor]:
    """Experienced actors: several projects there (on the theme, when one is chosen)."""
    return [
        actor
        for actor in actors
        if actor.projects >= MENTOR_MIN_PROJECTS and (theme is None or actor.in_theme >= 1)
    ][:5]


def theme_mentors(actors: list[ActiveActor]) -> list[ActiveActor]:
    """Experienced on the theme itself, wherever they work."""
    return [actor for actor in actors if actor.in_theme >= MENTOR_MIN_PROJECTS][:5]


def countries_of_theme(theme: Concept, *, limit: int = 10) -> list[tuple[str, int]]:
    """Partner countries where the theme is most worked, with their number of projects."""
    rows = (
        Project.objects.published()
        .filter(_theme_filter(theme))
        .exclude(country="")
        .values("country")
        .annotate(projects=Count("pk"))
        .order_by("-projects", "country")[:limit]
    )
    return [(row["country"], row["projects"]) for row in rows]


def _name(names: dict[str, str]) -> str:
    for language in PREFERRED_LANGUAGES:
        if names.get(language):
            return names[language]
    return next((text for text in names.values() if text), "")


def aid_world_actors(*, country: str, limit: int = 10) -> list[tuple[str, int]]:
    """The wider aid world in a country: who reports the IATI activities imported there (an
    agency, a foundation, another country's authorities), most active first."""
    reporting = (
        Project.objects.published()
        .filter(country=country)
        .exclude(iati_identifier="")  # by its own index (coop_project_iati_country_idx)
        .order_by()
        .values_list("iati_source__data__reporting_org", flat=True)
    )
    counts = Counter()
    for organisation in reporting.iterator(chunk_size=2000):
        if isinstance(organisation, dict):
            name = _name(organisation.get("names") or {}) or organisation.get("ref", "")
            if name:
                counts[name] += 1
    return counts.most_common(limit)
