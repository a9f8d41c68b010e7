"""A project as the duplicate scan compares it, whatever it comes from (the registry, an IATI
import, any CSV), and the rarity of its words among the records compared."""

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field
from functools import lru_cache

import numpy as np

from icilabas.core.text import stem

from .normalize import authority_name, country_code, meaningful_words, place_name

DESCRIPTION_CHARS = 400  # compared
DESCRIPTION_SHOWN = 150  # kept as text
SENTENCE_ENDS = tuple(".!?…»)\"'")


@dataclass(slots=True)
class Record:
    """One project as the scan compares it. Only what comparing needs is kept (word tuples
    rather than sets, no raw description): a million records must fit in memory."""

    id: str
    title: str = ""
    description: InitVar[str] = ""
    french_authority: str = ""
    partner_locality: str = ""
    partner_country: str = ""
    theme: str = ""
    start_year: int | None = None
    # Derived once, compared many times. Word tuples are sorted and hold shared strings.
    title_clean: str = field(default="", init=False)
    title_stems: tuple[str, ...] = field(default=(), init=False)
    description_clean: str = field(default="", init=False)  # its start, for display
    description_stems: tuple[str, ...] = field(default=(), init=False)
    authority_key: str = field(default="", init=False)
    authority_words: tuple[str, ...] = field(default=(), init=False)
    locality_key: str = field(default="", init=False)
    country_key: str = field(default="", init=False)
    theme_key: str = field(default="", init=False)

    def __post_init__(self, description: str):
        title_words = meaningful_words(self.title)
        self.title_clean = " ".join(title_words)
        self.title_stems = tuple(sorted({s for s in map(stem, title_words) if len(s) > 2}))
        description_words = meaningful_words((description or "")[: DESCRIPTION_CHARS * 2])
        joined = " ".join(description_words)
        description_clean = joined[:DESCRIPTION_CHARS]
        self.description_clean = description_clean[:DESCRIPTION_SHOWN]
        self.authority_key = authority_name(self.french_authority)
        self.authority_words = _words_of(self.authority_key)
        self.locality_key = place_name(self.partner_locality)
        # The place and the authority are compared on their own: in the description their
        # names would count twice ("L'association … de Kayes réunit…", "Ville de X apporte…").
        named = {*self.locality_key.split(), *self.authority_words}
        kept = description_words if len(joined) <= DESCRIPTION_CHARS else description_clean.split()
        if kept and (
            len(description_clean) == DESCRIPTION_CHARS
            or not (description or "").rstrip().endswith(SENTENCE_ENDS)
        ):
            kept.pop()  # a description cut short ends with a piece of word ("… reconstr")
        self.description_stems = tuple(
            sorted({stem(w) for w in kept if len(w) > 1 and w not in named})
        )
        self.country_key = country_code(self.partner_country)
        self.theme_key = theme_key(self.theme)

    @property
    def title_action(self) -> str:
        """The title without the partner locality's words: "Forage à Kayes" and "Latrines à
        Kayes" are two actions at one place, not two titles two-thirds alike."""
        return self.title_without(self.locality_key)

    def title_without(self, place: str) -> str:
        """The title without the words of `place` when it names that place (else whole)."""
        words = set(meaningful_words(place))  # as the title's: "de", "la" are not in it
        title = self.title_clean.split()
        if not words or not words.issubset(title):
            return self.title_clean
        return " ".join(w for w in title if w not in words) or self.title_clean

    @property
    def is_thin(self) -> bool:
        """Too little to be sure of anything: a one-word title and no description."""
        return len(self.title_stems) < 2 and not self.description_clean


@lru_cache(maxsize=2**16)  # authorities repeat from record to record
def _words_of(name: str) -> tuple[str, ...]:
    return tuple(sorted(set(name.split())))


@lru_cache(maxsize=2**14)
def theme_key(theme: str) -> str:
    return " ".join(meaningful_words(theme))


def year_of(value) -> int | None:
    try:
        year = int(str(value).strip()[:4])
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


def blend(shared, total_a, total_b):
    """Mean of the weighted Jaccard and the weighted containment: a truncated description, or
    "Ville de X" against "X", is contained in the other without being equal to it."""
    return (shared / (total_a + total_b - shared) + shared / np.minimum(total_a, total_b)) / 2


class Rarity:
    """Inverse document frequency of words over the records being compared: words every
    record uses ("projet", "commune", "solidarité") weigh little, specific ones much."""

    def __init__(self, records: Iterable[Record]):
        records = list(records)
        self.total = max(len(records), 1)
        self.description = self._idf(r.description_stems for r in records)

    def _idf(self, word_lists: Iterable[tuple[str, ...]]) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for words in word_lists:
            for word in words:
                counts[word] += 1
        return {w: math.log((self.total + 1) / (n + 0.5)) for w, n in counts.items()}


def one_sided_titles(a: Record, b: Record) -> tuple[str, str]:
    """Titles to compare when only one record names its partner locality: without the
    place's words if the other title names it too (the same place), else whole."""
    placed, other = (a, b) if a.locality_key else (b, a)
    place = placed.locality_key
    if other.title_without(place) == other.title_clean:
        return a.title_clean, b.title_clean
    return a.title_without(place), b.title_without(place)
