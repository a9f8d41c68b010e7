"""Synthetic registry at realistic volumes, for benchmarks and load tests.

Countries are weighted like the Atlas of decentralised cooperation (Mali, Burkina Faso, Sénégal,
Maroc… first); French partners are real communes drawn by population; foreign localities are
real gazetteer places. Writes go in bulk, with history rows, through the search index helpers.
"""

import random
from datetime import date, timedelta

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.reference import gazetteer
from icilabas.reference.models import Commune, Concept

from .loader import system_user

GENERATED_SOURCE = "Données synthétiques (icilabas generate)"
COUNTRY_WEIGHTS = {
    "ML": 12,
    "BF": 11,
    "SN": 11,
    "MA": 9,
    "MG": 6,
    "TN": 5,
    "BJ": 5,
    "CM": 4,
    "NE": 4,
    "VN": 4,
    "HT": 3,
    "TG": 3,
    "DZ": 3,
    "CI": 3,
    "LB": 2,
    "PS": 2,
    "GN": 2,
    "MR": 2,
    "CD": 2,
    "RO": 2,
    "PL": 1,
    "DE": 1,
    "BR": 1,
    "CL": 1,
    "KH": 1,
    "LA": 1,
    "AM": 1,
    "CN": 1,
}
ACTIONS = {
    "1": [
        "Appui à la gouvernance locale de",
        "Renforcement des services municipaux de",
        "Formation des élus et agents de",
        "Informatisation de l'état civil de",
    ],
    "2": [
        "Soutien aux filières agricoles de",
        "Développement du tourisme solidaire à",
        "Appui aux artisans de",
        "Création d'un marché couvert à",
    ],
    "3": [
        "Accès à l'eau potable à",
        "Assainissement des quartiers de",
        "Gestion des déchets ménagers de",
        "Électrification solaire de",
        "Reboisement autour de",
    ],
    "4": [
        "Construction d'un centre de santé à",
        "Équipement des écoles de",
        "Chantier de jeunes à",
        "Alphabétisation des femmes de",
        "Échanges scolaires avec",
    ],
    "5": ["Échanges culturels avec", "Valorisation du patrimoine de", "Bibliothèque de"],
    "6": ["Semaine de la solidarité avec", "Festival des solidarités autour de"],
    "7": ["Coopération universitaire avec", "Programme de recherche à"],
    "8": ["Reconstruction après les inondations à", "Aide d'urgence à"],
}
DESCRIPTIONS = [
    "Le projet associe la commune partenaire, les associations locales et les habitants.",
    "Une mission de diagnostic a précédé la définition du plan d'action avec la population.",
    "Les jeunes des deux territoires participent à la conception et à la réalisation.",
    "Le comité de jumelage assure le suivi et organise des restitutions publiques ici.",
    "La collectivité met à disposition l'expertise de ses services techniques.",
    "Des soirées-débats et une exposition présentent le projet aux habitants.",
]
ASSOCIATION_WORDS = ["Solidarité", "Amitié", "Partage", "Avenir", "Ponts", "Horizons"]


def _weighted_countries(rng: random.Random, n: int) -> list[str]:
    codes, weights = zip(*COUNTRY_WEIGHTS.items(), strict=True)
    return rng.choices(codes, weights=weights, k=n)


def _places_by_country() -> dict[str, list[gazetteer.Place]]:
    index = gazetteer._index()
    return {
        cc: [place for places in index.get(cc, {}).values() for place in places]
        for cc in COUNTRY_WEIGHTS
    }


def _organisations(rng, count: int, user) -> list[Organisation]:
    existing = set(Organisation.all_objects.values_list("name", flat=True))
    communes = list(
        Commune.objects.filter(population__gte=2000).select_related("departement__region")
    )
    weights = [c.population for c in communes]
    organisations, names = [], set()
    while len(organisations) < count:
        commune = rng.choices(communes, weights=weights)[0]
        kind = rng.choices(["commune", "association", "jumelage"], weights=[5, 3, 2])[0]
        name = {
            "commune": f"Ville de {commune.name_with_article}",
            "association": f"{rng.choice(ASSOCIATION_WORDS)} {commune.name} "
            f"{rng.choice(['Sahel', 'Afrique', 'Monde', 'Sud'])}",
            "jumelage": f"Comité de jumelage de {commune.name_with_article}",
        }[kind]
        if name in names or name in existing:
            continue
        names.add(name)
        organisations.append(
            Organisation(
                name=name,
                kind=kind,
                insee_code=commune.insee_code,
                city=commune.name,
                departement=commune.departement,
                region=commune.departement.region,
                latitude=commune.latitude,
                longitude=commune.longitude,
                source=GENERATED_SOURCE,
            )
        )
    return bulk_create_with_history(
        organisations,
        Organisation,
        batch_size=2000,
        default_user=user,
        default_change_reason="Génération synthétique",
    )


def _authorities(rng, count: int, user) -> list[ForeignAuthority]:
    existing = set(ForeignAuthority.all_objects.values_list("name", "country"))
    places = _places_by_country()
    authorities, keys = [], set()
    for country in _weighted_countries(rng, count * 3):
        if len(authorities) >= count:
            break
        if not places[country]:
            continue
        place = rng.choice(places[country])
        name = f"Commune de {place.name}"
        if (name, country) in keys or (name, country) in existing:
            continue
        keys.add((name, country))
        authorities.append(
            ForeignAuthority(
                name=name,
                country=country,
                locality=place.name,
                admin_area=place.admin1,
                latitude=place.latitude,
                longitude=place.longitude,
                location_source=ForeignAuthority.LocationSource.GAZETTEER,
                source=GENERATED_SOURCE,
            )
        )
    return bulk_create_with_history(
        authorities,
        ForeignAuthority,
        batch_size=2000,
        default_user=user,
        default_change_reason="Génération synthétique",
    )


def _random_date(rng, start_year: int, end_year: int) -> date:
    start = date(start_year, 1, 1)
    return start + timedelta(days=rng.randrange((date(end_year, 12, 31) - start).days))


def _partnerships(rng, count: int, organisations, authorities, user) -> list[Partnership]:
    partnerships = []
    pairs = []
    for _ in range(count):
        authority = rng.choice(authorities)
        partners = rng.sample(organisations, k=rng.choice([1, 1, 1, 2]))
        signed = _random_date(rng, 1985, 2024)
        partnerships.append(
            Partnership(
                title=f"{partners[0].city} – {authority.locality}",
                foreign_authority=authority,
                signed_on=signed,
                first_convention_year=signed.year,
                status=rng.choices(["en_cours", "termine", "suspendu"], weights=[7, 2, 1])[0],
                description=rng.choice(DESCRIPTIONS),
                source=GENERATED_SOURCE,
            )
        )
        pairs.append(partners)
    created = bulk_create_with_history(
        partnerships,
        Partnership,
        batch_size=2000,
        default_user=user,
        default_change_reason="Génération synthétique",
    )
    through = Partnership.french_partners.through
    through.objects.bulk_create(
        [
            through(partnership=p, organisation=o)
            for p, partners in zip(created, pairs, strict=True)
            for o in partners
        ],
        batch_size=5000,
    )
    return created


def _projects(rng, count: int, partnerships, authorities, user) -> list[Project]:
    themes = list(Concept.objects.of("atlas-theme").filter(level__gte=2))
    projects = []
    for _ in range(count):
        theme = rng.choice(themes)
        partnership = rng.choice(partnerships) if rng.random() < 0.8 else None
        authority = partnership.foreign_authority if partnership else rng.choice(authorities)
        start = _random_date(rng, 1995, 2025)
        end = start + timedelta(days=rng.randrange(90, 365 * 5)) if rng.random() < 0.7 else None
        action = rng.choice(ACTIONS[theme.code.split(".")[0]])
        projects.append(
            Project(
                title=f"{action} {authority.locality}",
                partnership=partnership,
                summary=rng.choice(DESCRIPTIONS),
                description=" ".join(rng.sample(DESCRIPTIONS, 3)),
                status=rng.choices(
                    ["en_cours", "termine", "identification", "suspendu"], weights=[5, 4, 1, 1]
                )[0],
                start_on=start,
                end_on=end,
                country=authority.country.code,
                primary_theme=theme,
                source=GENERATED_SOURCE,
            )
        )
    created = bulk_create_with_history(
        projects,
        Project,
        batch_size=2000,
        default_user=user,
        default_change_reason="Génération synthétique",
    )
    return created


def refresh_statistics() -> None:
    """After a bulk load, let the query planner see the new volumes (else PostgreSQL may sort
    100,000 rows for a page its index serves in milliseconds), and on SQLite merge the search
    index's segments into one (the live look-alike check's p95 went from 55 to 45 ms)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        if connection.vendor == "sqlite":
            cursor.execute(
                "INSERT INTO core_searchentry_fts(core_searchentry_fts) VALUES ('optimize')"
            )


@transaction.atomic
def generate(*, projects: int, seed: int = 2011) -> dict[str, int]:
    rng = random.Random(seed)
    user = system_user()
    organisations = _organisations(rng, max(20, projects // 25), user)
    authorities = _authorities(rng, max(20, projects // 10), user)
    partnerships = _partnerships(rng, max(10, projects // 4), organisations, authorities, user)
    created_projects = _projects(rng, projects, partnerships, authorities, user)
    indexed = 0
    for batch in (organisations, authorities):
        indexed += search.bulk_index(batch)
    indexed += search.bulk_index(
        Partnership.objects.filter(pk__in=[p.pk for p in partnerships])
        .select_related("foreign_authority")
        .prefetch_related("french_partners")
        .iterator(chunk_size=2000)
    )
    indexed += search.bulk_index(created_projects)
    refresh_statistics()
    return {
        "organisations": len(organisations),
        "autorités partenaires": len(authorities),
        "partenariats": len(partnerships),
        "projets": len(created_projects),
        "entrées de recherche": indexed,
    }
