"""The yearly national declarations prepared from the registry: the Atlas of decentralised
cooperation (one row per project active in the year) and the e-APD declaration of official
development aid (the year's amounts by country, channel and DAC sector).

A workbook with three sheets — Atlas, e-APD, and what could not be attributed — ready to copy
into the national forms. Only published records are declared."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import tablib
from django.db.models import Prefetch, Q
from django.utils import translation
from django_countries import countries

from icilabas.actors.models import Organisation
from icilabas.cooperation.models import BudgetLine, Participation, Project, SecondaryTheme
from icilabas.core.export import neutralise

ATLAS_HEADERS = [
    "Collectivité",
    "SIREN",
    "Projet",
    "Autorité partenaire",
    "Pays",
    "Année de la première convention",
    "Thématique (niveau 1)",
    "Thématique (niveau 2)",
    "Thématique (niveau 3)",
    "Thématiques secondaires (par rang)",
    "Année de début",
    "Statut",
    "Date de fin",
    "Contexte",
    "Fiche",
]
APD_HEADERS = [
    "Collectivité",
    "SIREN",
    "Pays",
    "Code pays",
    "Canal d'acheminement",
    "Code canal CRS",
    "Secteur CAD",
    "Montant (EUR)",
    "Lignes",
]
CHECK_HEADERS = ["Projet", "Ligne budgétaire", "Montant", "Devise", "Problème", "Fiche"]


@dataclass(frozen=True)
class Declaration:
    atlas: list[list]
    apd: list[list]
    checks: list[list]

    def workbook(self, *, year: int, fmt: str = "xlsx") -> bytes:
        book = tablib.Databook(
            [
                tablib.Dataset(*self.atlas, headers=ATLAS_HEADERS, title=f"Atlas {year}"),
                tablib.Dataset(*self.apd, headers=APD_HEADERS, title=f"e-APD {year}"),
                tablib.Dataset(*self.checks, headers=CHECK_HEADERS, title="À vérifier"),
            ]
        )
        return book.export(fmt)


def active_in(year: int) -> Q:
    """Projects running at some point of the year (undated ones are left out)."""
    started = Q(start_on__year__lte=year)
    not_ended = Q(end_on__isnull=True) | Q(end_on__year__gte=year)
    return started & not_ended


def _theme_levels(concept) -> list[str]:
    chain = []
    while concept is not None:
        chain.append(concept.label)
        concept = concept.parent
    chain.reverse()
    return [*chain, "", "", ""][:3]


def _projects():
    return (
        Project.objects.published()
        .select_related(
            "partnership__foreign_authority",
            "primary_theme__parent__parent",
            "dac_sector",
        )
        .prefetch_related(
            "partnership__french_partners",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("organisation"),
            ),
            Prefetch(
                "secondary_themes",
                queryset=SecondaryTheme.objects.select_related("theme").order_by("rank"),
            ),
        )
    )


def french_authorities(project: Project) -> list[Organisation]:
    """The local authorities that carry the project: its partnership's French side and the
    organisations taking part as lead or funder."""
    found = {}
    if project.partnership_id:
        for organisation in project.partnership.french_partners.all():
            found[organisation.pk] = organisation
    for participation in project.participations.all():
        if participation.role in (Participation.Role.LEAD, Participation.Role.FUNDER):
            found[participation.organisation_id] = participation.organisation
    return [o for o in found.values() if o.kind in Organisation.LOCAL_AUTHORITY_KINDS]


def declaring_authority(line: BudgetLine) -> Organisation | None:
    """Who declares a budget line: its co-financer when it is a local authority, else the
    project's lead, else the partnership's only French authority; None when ambiguous."""
    if line.cofinancer is not None:
        is_authority = line.cofinancer.kind in Organisation.LOCAL_AUTHORITY_KINDS
        return line.cofinancer if is_authority else None
    project = line.project
    leads = [
        p.organisation
        for p in project.participations.all()
        if p.role == Participation.Role.LEAD
        and p.organisation.kind in Organisation.LOCAL_AUTHORITY_KINDS
    ]
    if leads:
        return leads[0] if len(leads) == 1 else None
    authorities = french_authorities(project)
    return authorities[0] if len(authorities) == 1 else None


@translation.override("fr")  # national forms in French, whatever the staff member's language
def prepare(*, year: int, organisation: Organisation | None = None) -> Declaration:
    """The year's declarations, for every local authority or for one."""
    atlas = []
    projects = _projects().filter(active_in(year)).order_by("title", "pk")
    if organisation is not None:
        projects = projects.filter(
            Q(partnership__french_partners=organisation)
            | Q(
                participations__organisation=organisation,
                participations__deleted_at__isnull=True,
                participations__link_accepted=True,
            )
        ).distinct()
    for project in projects.iterator(chunk_size=500):
        partnership = project.partnership
        authority = partnership.foreign_authority if partnership else None
        levels = _theme_levels(project.primary_theme)
        for declarer in french_authorities(project):
            if organisation is not None and declarer.pk != organisation.pk:
                continue
            atlas.append(
                [
                    neutralise(value)
                    for value in (
                        declarer.name,
                        declarer.siren,
                        project.title,
                        authority.name if authority else "",
                        project.country.name if project.country else "",
                        (partnership.first_convention_year or "") if partnership else "",
                        *levels,
                        "; ".join(s.theme.label for s in project.secondary_themes.all()),
                        project.start_on.year if project.start_on else "",
                        project.get_status_display(),
                        project.end_on.isoformat() if project.end_on else "",
                        project.summary or project.description[:500],
                        project.get_absolute_url(),
                    )
                ]
            )
    apd, checks = _apd(year=year, organisation=organisation)
    return Declaration(atlas=atlas, apd=apd, checks=checks)


def _apd(*, year: int, organisation: Organisation | None) -> tuple[list[list], list[list]]:
    lines = (
        BudgetLine.objects.filter(year=year, project__in=Project.objects.published())
        .select_related("cofinancer", "project__partnership", "project__dac_sector")
        .prefetch_related(
            "project__partnership__french_partners",
            Prefetch(
                "project__participations",
                queryset=Participation.objects.select_related("organisation"),
            ),
        )
        .order_by("project__title", "pk")
    )
    totals: dict[tuple, list] = defaultdict(lambda: [Decimal(0), 0])
    declarers: dict[int, Organisation] = {}
    checks = []

    def check(line, problem):
        checks.append(
            [
                neutralise(line.project.title),
                neutralise(line.label),
                line.amount,
                line.currency,
                problem,
                line.project.get_absolute_url(),
            ]
        )

    for line in lines.iterator(chunk_size=500):
        declarer = declaring_authority(line)
        if organisation is not None and (declarer is None or declarer.pk != organisation.pk):
            if declarer is None and organisation in french_authorities(line.project):
                check(line, "Plusieurs collectivités portent le projet : précisez le cofinanceur.")
            continue
        if declarer is None:
            check(line, "Aucune collectivité déclarante : précisez le cofinanceur ou le pilote.")
            continue
        if line.currency != "EUR":
            check(line, "Montant hors euros : convertissez-le avant de le déclarer.")
            continue
        if not line.project.country:
            check(line, "Pays d'intervention inconnu.")
            continue
        declarers[declarer.pk] = declarer
        sector = line.project.dac_sector
        sector_name = f"{sector.code} {sector.label}" if sector else ""
        key = (declarer.pk, line.project.country.code, line.channel, sector_name)
        totals[key][0] += line.amount
        totals[key][1] += 1
    rows = []
    for (declarer_pk, country, channel, sector), (amount, count) in sorted(
        totals.items(), key=lambda item: (declarers[item[0][0]].name, *item[0][1:])
    ):
        declarer = declarers[declarer_pk]
        rows.append(
            [
                neutralise(declarer.name),
                declarer.siren,
                countries.name(country),
                country,
                BudgetLine.Channel(channel).label,
                BudgetLine.CRS_CHANNELS.get(channel, ""),
                sector,
                amount,
                count,
            ]
        )
    return rows, checks
