"""What the public face shows, read from the registry: a commune's cooperation, the maps'
places, an elected official's briefing and the regional dashboard. Published records only:
these pages are the same for every visitor and cached."""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django_countries import countries

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import BudgetLine, LocalImpact, Participation, Partnership, Project
from icilabas.cooperation.selectors import carried_project_ids
from icilabas.core.models import Publication
from icilabas.core.page_cache import visitor_version
from icilabas.matching.activity import active_actors, aid_world_actors, mentors
from icilabas.meetings.models import Meeting
from icilabas.reference.gazetteer import commune_key
from icilabas.reference.models import Commune, Concept

from .worldmap import Place

COMMUNE_RESULTS = 20
POPULATION_BAND = (0.5, 2.0)  # comparable: from half to twice the population
FIGURES_SECONDS = 24 * 3600  # a new registry version makes a new key anyway
MAP_PLACES = 100  # points per map: beyond, the page outgrows its weight budget (150 KB)


# --- Communes -------------------------------------------------------------------------------


def find_communes(query: str, *, limit: int = COMMUNE_RESULTS) -> list[Commune]:
    """By postal code (or its first digits), INSEE code, or name as people type it; exact
    names first, then the most populous."""
    query = query.strip()[:100]
    communes = Commune.objects.select_related("departement")
    if query.isdigit() or (len(query) == 5 and query[:2].upper() in {"2A", "2B"}):
        if len(query) < 2:
            return []
        matches = communes.filter(
            Q(postcodes__contains=query) | Q(insee_code=query.upper())
            if len(query) == 5
            else Q(postcodes__startswith=query)
        )
        return list(matches.order_by(F("population").desc(nulls_last=True), "name")[:limit])
    key = commune_key(query)
    if len(key) < 2:
        return []
    exact = list(communes.filter(search_key=key).order_by(F("population").desc(nulls_last=True)))
    rest = communes.filter(search_key__startswith=key).exclude(search_key=key)
    return (exact + list(rest.order_by(F("population").desc(nulls_last=True))[:limit]))[:limit]


def projects_of(organisations):
    """Published projects an organisation takes part in, or that run under one of its
    partnerships."""
    return Project.objects.published().filter(pk__in=carried_project_ids(organisations))


def once_per_registry_version(name: str, compute):
    """Figures over the whole registry (every partnership, every project) are computed once
    per version of the registry and language, then read from the shared cache: a logged-in
    user's page is rendered, but does not scan 100,000 projects again. The version is the one
    visitors' pages follow (`visitor_version`): while editors keep saving, the figures lag by
    at most `PAGE_CACHE_SETTLE_SECONDS` instead of being computed again at every save."""
    key = f"portal:{name}:{visitor_version()}:{get_language()}"
    return cache.get_or_set(key, compute, FIGURES_SECONDS)


def impact_by_category(projects) -> list[dict]:
    """Local impact of these projects in the seed's six categories, with their figures."""
    rows = {
        row["category"]: row
        for row in LocalImpact.objects.filter(project__in=projects.values("pk"))
        .values("category")
        .annotate(
            entries=Count("pk"),
            people=Sum("people_reached"),
            events=Sum("events_count"),
            projects=Count("project", distinct=True),
        )
    }
    return [
        {
            "category": value,
            "label": label,
            "entries": rows[value]["entries"],
            "people": rows[value]["people"] or 0,
            "events": rows[value]["events"] or 0,
            "projects": rows[value]["projects"],
        }
        for value, label in LocalImpact.Category.choices
        if value in rows
    ]


def upcoming_public_events(*, departement: str = "", limit: int = 5) -> dict:
    """Public events (Festival des Solidarités, Semaine de la solidarité internationale…) in
    the département, or elsewhere in the network when there are none."""
    events = (
        Meeting.objects.published()
        .filter(kind__in=Meeting.PUBLIC_KINDS, ends_at__gte=timezone.now())
        .order_by("starts_at")
    )
    near = list(events.filter(departement=departement)[:limit]) if departement else []
    return {"near": near, "elsewhere": [] if near else list(events[:limit])}


def commune_overview(commune: Commune) -> dict:
    """ "Notre coopération": what the commune's organisations, its département and its région do
    with partners abroad, what it brings here, events near and associations to join."""
    here = Organisation.objects.published().filter(insee_code=commune.insee_code)
    around = Organisation.objects.published().filter(
        Q(kind=Organisation.Kind.DEPARTEMENT, departement=commune.departement_id)
        | Q(kind=Organisation.Kind.REGION, region=commune.departement.region_id)
    )
    projects = projects_of(here)
    partnerships = (
        Partnership.objects.published()
        .filter(french_partners__in=here)
        .distinct()
        .select_related("foreign_authority")
        .order_by("title")
    )
    around_partnerships = (
        Partnership.objects.published()
        .filter(french_partners__in=around)
        .distinct()
        .select_related("foreign_authority")
        .order_by("title")
    )
    joinable = (
        Organisation.objects.published()
        .filter(kind__in=Organisation.JOINABLE_KINDS)
        .filter(Q(insee_code=commune.insee_code) | Q(departement=commune.departement_id))
        .order_by("name")
    )
    joinable = sorted(joinable[:40], key=lambda o: o.insee_code != commune.insee_code)[:12]
    return {
        "here": list(here.order_by("name")),
        "around": list(around.order_by("kind", "name")),
        "partnerships": list(partnerships[:50]),
        "around_partnerships": list(around_partnerships[:20]),
        "projects": list(
            projects.select_related("primary_theme", "partnership__foreign_authority").order_by(
                "-start_on", "title"
            )[:30]
        ),
        "project_count": projects.count(),
        "impacts": impact_by_category(projects),
        "events": upcoming_public_events(departement=commune.departement.code),
        "joinable": joinable,
    }


# --- Home and country pages ---------------------------------------------------------------


def home() -> dict:
    return once_per_registry_version("home", home_figures)


def home_figures() -> dict:
    return {
        "counts": {
            "organisations": Organisation.objects.published().count(),
            "authorities": ForeignAuthority.objects.published().count(),
            "partnerships": Partnership.objects.published().count(),
            "projects": Project.objects.published().count(),
        },
        "recent_projects": list(
            Project.objects.published().select_related("primary_theme").order_by("-updated_at")[:6]
        ),
    }


def country(code: str, theme: Concept | None) -> dict:
    return once_per_registry_version(
        f"country:{code}:{theme.pk if theme else ''}", lambda: country_figures(code, theme)
    )


def country_figures(code: str, theme) -> dict:
    """Who works in the country: counts over all its projects (up to a tenth of a second at
    100,000), so computed once per registry version."""
    actors = active_actors(country=code, theme=theme)
    authorities = (
        ForeignAuthority.objects.published()
        .filter(country=code)
        .annotate(
            partnership_count=Count("partnerships", filter=Q(partnerships__deleted_at__isnull=True))
        )
        .order_by("-partnership_count", "name")[:20]
    )
    return {
        "actors": actors,
        "mentors": mentors(actors, theme=theme),
        "aid_world": aid_world_actors(country=code),
        "authorities": list(authorities),
        "project_count": Project.objects.published().filter(country=code).count(),
    }


def busiest_countries(limit: int = 30) -> list[str]:
    return list(
        Project.objects.published()
        .exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("country", flat=True)[:limit]
    )


# --- Maps -----------------------------------------------------------------------------------


def partnerships_by_country() -> dict[str, int]:
    return once_per_registry_version("countries", _partnerships_by_country)


def _partnerships_by_country() -> dict[str, int]:
    rows = (
        Partnership.objects.published()
        .values("foreign_authority__country")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        row["foreign_authority__country"]: row["n"]
        for row in rows
        if row["foreign_authority__country"]
    }


def partner_places() -> list[Place]:
    return once_per_registry_version("partner-places", _partner_places)


def _partner_places(*, limit: int = MAP_PLACES) -> list[Place]:
    """Partner localities with a position, as points of the world map."""
    authorities = (
        ForeignAuthority.objects.published()
        .filter(latitude__isnull=False, longitude__isnull=False)
        .annotate(
            partnership_count=Count(
                "partnerships",
                filter=Q(
                    partnerships__deleted_at__isnull=True,
                    partnerships__publication=Publication.PUBLISHED,
                ),
            )
        )
        .order_by("-partnership_count", "name")[:limit]
    )
    return [
        Place(
            label=authority.name,
            url=authority.get_absolute_url(),
            latitude=authority.latitude,
            longitude=authority.longitude,
            detail=countries.name(authority.country),
        )
        for authority in authorities
    ]


def engaged_organisations():
    """Published organisations with at least one published partnership or project."""
    partnered = Partnership.objects.published().filter(french_partners=OuterRef("pk"))
    participating = Participation.objects.filter(
        organisation=OuterRef("pk"),
        deleted_at__isnull=True,
        link_accepted=True,
        project__deleted_at__isnull=True,
        project__publication=Publication.PUBLISHED,
    )
    return Organisation.objects.published().filter(Exists(partnered) | Exists(participating))


def engaged_places() -> list[Place]:
    return once_per_registry_version("engaged-places", _engaged_places)


def _engaged_places(*, limit: int = MAP_PLACES) -> list[Place]:
    """The most engaged organisations, at their own position or their commune's: the map of
    ici."""
    organisations = list(
        engaged_organisations()
        .only("pk", "name", "kind", "insee_code", "latitude", "longitude", "city")
        .annotate(n=Count("partnerships", distinct=True))
        .order_by("-n", "name")[:limit]
    )
    communes = Commune.objects.in_bulk(
        [o.insee_code for o in organisations if o.latitude is None and o.insee_code],
        field_name="insee_code",
    )
    places = []
    for organisation in organisations:
        latitude, longitude = organisation.latitude, organisation.longitude
        commune = communes.get(organisation.insee_code)
        if latitude is None and commune is not None:
            latitude, longitude = commune.latitude, commune.longitude
        if latitude is None or longitude is None:
            continue
        places.append(
            Place(
                label=organisation.name,
                url=organisation.get_absolute_url(),
                latitude=latitude,
                longitude=longitude,
                detail=organisation.get_kind_display(),
            )
        )
    return places


# --- The elected officials' briefing ---------------------------------------------------------


def population_of(organisation: Organisation) -> int | None:
    """The population an authority serves, from INSEE's communes (2021)."""
    if organisation.kind == Organisation.Kind.COMMUNE and organisation.insee_code:
        return (
            Commune.objects.filter(insee_code=organisation.insee_code)
            .values_list("population", flat=True)
            .first()
        )
    if organisation.kind == Organisation.Kind.DEPARTEMENT and organisation.departement_id:
        total = Commune.objects.filter(departement=organisation.departement_id).aggregate(
            n=Sum("population")
        )
        return total["n"]
    if organisation.kind == Organisation.Kind.REGION and organisation.region_id:
        total = Commune.objects.filter(departement__region=organisation.region_id).aggregate(
            n=Sum("population")
        )
        return total["n"]
    return None


@dataclass
class Money:
    total: Decimal
    own: Decimal
    others: Decimal
    unattributed: Decimal

    @property
    def leverage(self) -> Decimal | None:
        """Euros brought by others for each euro of the authority's own."""
        return (self.others / self.own).quantize(Decimal("0.01")) if self.own else None


def money(projects, organisation: Organisation) -> Money:
    lines = BudgetLine.objects.filter(project__in=projects.values("pk"), currency="EUR")
    sums = lines.aggregate(
        total=Sum("amount"),
        own=Sum("amount", filter=Q(cofinancer=organisation)),
        others=Sum(
            "amount",
            filter=(Q(cofinancer__isnull=False) & ~Q(cofinancer=organisation))
            | (Q(cofinancer__isnull=True) & ~Q(cofinancer_name="")),
        ),
    )
    total, own, others = (sums[k] or Decimal(0) for k in ("total", "own", "others"))
    return Money(total=total, own=own, others=others, unattributed=total - own - others)


def comparable_authorities(organisation: Organisation, population: int | None) -> dict:
    """Authorities of the same kind (and, where known, a population within the band): how
    many of them the registry shows engaged, and the most engaged."""
    peers = (
        Organisation.objects.published().filter(kind=organisation.kind).exclude(pk=organisation.pk)
    )
    band = None
    if population and organisation.kind == Organisation.Kind.COMMUNE:
        low, high = (int(population * factor) for factor in POPULATION_BAND)
        band = (low, high)
        codes = Commune.objects.filter(population__range=band).values("insee_code")
        peers = peers.filter(insee_code__in=codes)
    engaged = peers.filter(pk__in=engaged_organisations().values("pk"))
    ranked = engaged.annotate(
        partnership_count=Count(
            "partnerships",
            filter=Q(
                partnerships__deleted_at__isnull=True,
                partnerships__publication=Publication.PUBLISHED,
            ),
            distinct=True,
        )
    ).order_by("-partnership_count", "name")
    return {
        "band": band,
        "peers": peers.count(),
        "engaged": engaged.count(),
        "examples": list(ranked[:5]),
    }


def briefing(organisation: Organisation) -> dict:
    """The figures of the "dossier élus", and a digest that changes when they do (the PDF is
    made again then only)."""
    projects = projects_of([organisation])
    partnerships = (
        Partnership.objects.published()
        .filter(french_partners=organisation)
        .select_related("foreign_authority")
        .order_by("title")
    )
    impacts = impact_by_category(projects)
    population = population_of(organisation)
    figures = {
        "organisation": organisation,
        "population": population,
        "partnerships": list(partnerships),
        "projects": list(
            projects.select_related("primary_theme", "partnership__foreign_authority").order_by(
                "-start_on", "title"
            )[:40]
        ),
        "project_count": projects.count(),
        "countries": sorted(
            {countries.name(code) for code in projects.values_list("country", flat=True) if code}
        ),
        "money": money(projects, organisation),
        "impacts": impacts,
        "people_reached": sum(row["people"] for row in impacts),
        "young_people": sum(
            row["people"] for row in impacts if row["category"] == LocalImpact.Category.YOUTH
        ),
        "events": upcoming_public_events(
            departement=organisation.departement.code if organisation.departement_id else ""
        ),
        "comparables": comparable_authorities(organisation, population),
    }
    figures["digest"] = _digest(figures)
    return figures


def _digest(figures: dict) -> str:
    state = {
        "name": figures["organisation"].name,
        "updated": figures["organisation"].updated_at,
        "partnerships": [(p.pk, p.title, p.updated_at) for p in figures["partnerships"]],
        "projects": [(p.pk, p.title, p.updated_at) for p in figures["projects"]],
        "money": figures["money"].__dict__,
        "impacts": figures["impacts"],
        "events": [(e.pk, e.updated_at) for e in figures["events"]["near"]],
        "comparables": [figures["comparables"]["peers"], figures["comparables"]["engaged"]],
    }
    encoded = json.dumps(state, default=str, sort_keys=True).encode()
    return hashlib.sha256(encoded).hexdigest()[:16]


# --- The regional dashboard -----------------------------------------------------------------


@dataclass
class Chart:
    slug: str
    title: str
    unit: str
    rows: list[tuple[str, float]]

    @property
    def most(self) -> float:
        return max((value for _label, value in self.rows), default=0)


def _top(rows: list[tuple[str, float]], limit: int) -> list[tuple[str, float]]:
    if len(rows) <= limit:
        return rows
    rest = sum(value for _label, value in rows[limit - 1 :])
    return [*rows[: limit - 1], (_("Autres"), rest)]


def dashboard() -> dict:
    """A quarter of a second of aggregates at 100,000 projects: once per registry version."""
    return once_per_registry_version("dashboard", _dashboard)


def _dashboard() -> dict:
    projects = Project.objects.published()
    region = settings.NETWORK_REGION
    region_communes = Commune.objects.filter(departement__region__code=region)
    engaged = engaged_organisations()
    authorities = engaged.filter(kind__in=Organisation.LOCAL_AUTHORITY_KINDS)
    engaged_communes = (
        authorities.filter(
            kind=Organisation.Kind.COMMUNE, insee_code__in=region_communes.values("insee_code")
        )
        .values("insee_code")
        .distinct()
        .count()
    )
    commune_total = region_communes.count()
    by_country = [
        (countries.name(row["country"]) or row["country"], row["n"])
        for row in projects.exclude(country="")
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("-n", "country")
    ]
    themes = {
        concept.pk: concept.label
        for concept in Concept.objects.of("atlas-theme").only("pk", "label")
    }
    by_theme = [
        (themes.get(row["primary_theme"], "?"), row["n"])
        for row in projects.filter(primary_theme__isnull=False)
        .values("primary_theme")
        .annotate(n=Count("pk"))
        .order_by("-n")
    ]
    this_year = timezone.localdate().year
    by_year = [
        (str(row["year"]), row["n"])
        for row in projects.filter(start_on__year__gte=this_year - 14)
        .annotate(year=ExtractYear("start_on"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("year")
    ]
    statuses = dict(Project.Status.choices)
    by_status = [
        (str(statuses.get(row["status"], row["status"])), row["n"])
        for row in projects.values("status").annotate(n=Count("pk")).order_by("-n")
    ]
    budgets = [
        (str(row["year"]), float(row["total"]))
        for row in BudgetLine.objects.filter(
            currency="EUR",
            year__gte=this_year - 14,
            project__in=projects.values("pk"),
        )
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by("year")
    ]
    charts = [
        Chart("pays", _("Projets par pays"), _("projets"), _top(by_country, 15)),
        Chart("thematiques", _("Projets par thématique"), _("projets"), _top(by_theme, 12)),
        Chart("annees", _("Projets par année de début"), _("projets"), by_year),
        Chart("statuts", _("Projets par état d'avancement"), _("projets"), by_status),
        Chart("budgets", _("Budgets par année (euros)"), _("euros"), budgets),
    ]
    return {
        "authorities": authorities.count(),
        "organisations": engaged.count(),
        "engaged_communes": engaged_communes,
        "commune_total": commune_total,
        "commune_share": round(100 * engaged_communes / commune_total, 1)
        if commune_total
        else None,
        "region": region_communes.values_list("departement__region__name", flat=True).first() or "",
        "projects": projects.count(),
        "partnerships": Partnership.objects.published().count(),
        "countries": len(by_country),
        "charts": charts,
    }
