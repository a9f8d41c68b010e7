"""Normalisation of French cooperation records for comparison: text, organisation and place
names, countries."""

import re
from functools import lru_cache

from django.utils import translation
from django_countries import countries
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from icilabas.core.text import FRENCH_STOP_WORDS, fold, words

# Words that say what kind of body an authority is, not which one.
AUTHORITY_WORDS = frozenset(
    """
    ville commune mairie municipalite communaute agglomeration metropole conseil general
    departemental departement regional region collectivite territoriale comite jumelage
    association cercle prefecture province wilaya district rurale urbaine city town of
    municipality
    """.split()  # noqa: SIM905  (a readable word list)
)
SAINT = re.compile(r"\bst\b")
SAINTE = re.compile(r"\bste\b")
BRACKETS = re.compile(r"\([^)]*\)")

COUNTRY_ALIASES = {
    "united states": "US",
    "usa": "US",
    "etats unis": "US",
    "czech republic": "CZ",
    "republique tcheque": "CZ",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "angleterre": "GB",
    "ecosse": "GB",
    "pays de galles": "GB",
    "royaume uni": "GB",
    "uk": "GB",
    "turkey": "TR",
    "turquie": "TR",
    "republic of ireland": "IE",
    "cape verde": "CV",
    "cap vert": "CV",
    "kosovo": "XK",
    "northern cyprus": "CY",
    "ivory coast": "CI",
    "cote divoire": "CI",
    "cote d ivoire": "CI",
    "moldavia": "MD",
    "falkland islands": "FK",
    "east timor": "TL",
    "bosnia and hercegovina": "BA",
    "surinam": "SR",
    "federated states of micronesia": "FM",
    "madagaskar": "MG",
    "west bank": "PS",
    "gaza": "PS",
    "palestine": "PS",
    "russia": "RU",
    "russie": "RU",
    "south korea": "KR",
    "coree du sud": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "viet nam": "VN",
    "laos": "LA",
    "syria": "SY",
    "syrie": "SY",
    "iran": "IR",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "tanzanie": "TZ",
    "congo brazzaville": "CG",
    "rdc": "CD",
    "congo kinshasa": "CD",
    "republique democratique du congo": "CD",
    "burma": "MM",
    "birmanie": "MM",
    "macedonia": "MK",
    "macedoine": "MK",
    "swaziland": "SZ",
    "the gambia": "GM",
    "gambie": "GM",
    "taiwan": "TW",
    "holland": "NL",
    "the netherlands": "NL",
}


def meaningful_words(text: str) -> list[str]:
    """Accent-free lower-case words without stop words, in their original order."""
    return [w for w in words(text or "") if w not in FRENCH_STOP_WORDS]


@lru_cache(maxsize=2**16)  # places and authorities repeat from record to record
def place_name(name: str) -> str:
    """ "Saint-Louis (Sénégal)" and "St Louis" -> "saint louis"."""
    folded = fold(BRACKETS.sub(" ", name or ""))
    folded = re.sub(r"[^a-z0-9]+", " ", folded)
    return SAINTE.sub("sainte", SAINT.sub("saint", folded)).strip()


def compact_place(name: str) -> str:
    """ "Tabé Zalou" and "tabezalou" alike: the place name without its spaces (spacing is
    spelling too, and often lost)."""
    return place_name(name).replace(" ", "")


@lru_cache(maxsize=2**16)
def authority_name(name: str) -> str:
    """ "Ville de Martignas-sur-Jalle", "Mairie de Martignas sur Jalle" -> "martignas sur jalle"."""
    kept = [
        w
        for w in place_name(name).split()
        if w not in AUTHORITY_WORDS and w not in FRENCH_STOP_WORDS
    ]
    return " ".join(kept) or place_name(name)


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    names = dict(COUNTRY_ALIASES)
    for language in ("en", "fr"):
        with translation.override(language):
            for code, name in countries:
                names.setdefault(place_name(str(name)), code)
    for code, _name in countries:
        names[code.lower()] = code
        alpha3 = countries.alpha3(code)
        if alpha3:
            names[alpha3.lower()] = code
    return names


@lru_cache(maxsize=10_000)
def country_code(value: str) -> str:
    """ISO 3166 alpha-2 from a French or English name, an alias or a code; else the folded name
    (still comparable between records); "" when empty."""
    if not value or not value.strip():
        return ""
    names = _country_names()
    candidates = [value, *value.split(","), BRACKETS.sub(" ", value)]
    for candidate in candidates:
        key = place_name(candidate)
        if key in names:
            return names[key]
    key = place_name(value)
    best = process.extractOne(key, list(names), scorer=fuzz.ratio, score_cutoff=88)
    if best:
        return names[best[0]]
    return _misspelt_country(key) or key


@lru_cache(maxsize=1)
def _country_spellings() -> tuple[str, ...]:
    return tuple(name for name in _country_names() if len(name) >= 4)


def _misspelt_country(key: str) -> str:
    """A short name typed with a slip ("Mlai", "Mal", "Seengal", "Toog"), which the ratio
    above cannot tell from another word: the one country within one edit of it (two from
    seven letters; two letters swapped count as one), when every name that close is that
    country's ("Malt" is as close to Mali as to Malta: not guessed). Codes are not
    compared: three letters are too few."""
    if len(key) < 3:
        return ""
    allowed = 1 if len(key) < 7 else 2
    close = process.extract(
        key, _country_spellings(), scorer=OSA.distance, score_cutoff=allowed, limit=None
    )
    if not close:
        return ""
    nearest = min(distance for _name, distance, _index in close)
    codes = {_country_names()[name] for name, distance, _index in close if distance == nearest}
    return codes.pop() if len(codes) == 1 else ""
