"""Duplicate detection for cooperation projects: blocking, pair scoring with reasons, clusters.

Pure Python over plain records, so the same engine scores the registry, an IATI import or any
CSV. Candidate generation never compares all pairs: records meet only in blocks that share a
partner locality, a French authority or a title word (combined with one another when a block is
too big), and only blocks of at most `max_block` records are expanded into pairs.
"""

import math
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import InitVar, dataclass, field
from functools import lru_cache
from itertools import combinations

import numpy as np
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_noop
from rapidfuzz import fuzz

from icilabas.core.text import stem

from .normalize import authority_name, country_code, meaningful_words, place_name

MAX_BLOCK = 60
DESCRIPTION_CHARS = 400  # compared
DESCRIPTION_SHOWN = 150  # kept as text
DEFAULT_THRESHOLD = 0.5


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
        self.title_stems = _sorted_set(s for s in map(stem, title_words) if len(s) > 2)
        description_words = meaningful_words((description or "")[: DESCRIPTION_CHARS * 2])
        description_clean = " ".join(description_words)[:DESCRIPTION_CHARS]
        self.description_clean = description_clean[:DESCRIPTION_SHOWN]
        self.description_stems = _sorted_set(
            stem(w) for w in description_clean.split() if len(w) > 1
        )
        self.authority_key = authority_name(self.french_authority)
        self.authority_words = _sorted_set(self.authority_key.split())
        self.locality_key = place_name(self.partner_locality)
        self.country_key = country_code(self.partner_country)
        self.theme_key = theme_key(self.theme)

    @property
    def is_thin(self) -> bool:
        """Too little to be sure of anything: a one-word title and no description."""
        return len(self.title_stems) < 2 and not self.description_clean


def _sorted_set(words: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(words)))


@lru_cache(maxsize=2**14)
def theme_key(theme: str) -> str:
    return " ".join(meaningful_words(theme))


def year_of(value) -> int | None:
    try:
        year = int(str(value).strip()[:4])
    except (TypeError, ValueError):
        return None
    return year if 1900 <= year <= 2100 else None


# ---------------------------------------------------------------- candidate generation


def _place(record: Record) -> tuple | None:
    return (record.country_key, record.locality_key) if record.locality_key else None


def blocking_keys(record: Record) -> Iterator[tuple]:
    """Broad keys: the partner place, the French authority, each pair of title words."""
    place = _place(record)
    if place:
        yield ("place", *place)
    if record.authority_key:
        yield ("authority", record.authority_key)
    for first, second in combinations(sorted(record.title_stems), 2):
        yield ("words", first, second)


def narrower_keys(record: Record, key: tuple) -> Iterator[tuple]:
    """Keys splitting an oversized place or authority block by title word."""
    for word in record.title_stems:
        yield (*key, word)


KINDS = {"words": 0, "place": 1, "authority": 2}
SPLIT_KINDS = (KINDS["place"], KINDS["authority"])  # blocks too big are split by title word
TITLE_WINDOW = 4  # and each of their records is paired with its next 4 in title order


def _pairs_of_blocks(key_ids: np.ndarray, record_ids: np.ndarray, max_block: int, n: int):
    """Encoded pairs (i * n + j, i < j) of every block of 2..max_block members, vectorised: the
    blocks of one size are expanded together. Also returns, for each block too big to expand,
    the positions of its members in `order` (the sort of the entries by key)."""
    order = np.lexsort((record_ids, key_ids))
    sorted_keys, sorted_records = key_ids[order], record_ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    encoded = []
    for size in range(2, max_block + 1):
        block_starts = starts[sizes == size]
        if not len(block_starts):
            continue
        members = sorted_records[block_starts[:, None] + np.arange(size)]  # blocks × size
        first, second = np.triu_indices(size, 1)
        encoded.append((members[:, first] * n + members[:, second]).ravel())
    big = sizes > max_block
    return encoded, order, starts[big], sizes[big]


def _title_neighbours(records: list[Record], members: list[int], n: int) -> np.ndarray:
    """Encoded pairs of each member with the next `TITLE_WINDOW` in title order.

    In a place or authority with thousands of projects, even a block of one place and one
    title word can be too big to expand; sorted by title then description, the same project
    written twice still sits side by side (sorted neighbourhood)."""
    ordered = np.array(
        sorted(
            members,
            key=lambda index: (records[index].title_clean, records[index].description_clean),
        )
    )
    pairs = []
    for offset in range(1, min(TITLE_WINDOW, len(ordered) - 1) + 1):
        first, second = ordered[:-offset], ordered[offset:]
        low, high = np.minimum(first, second), np.maximum(first, second)
        pairs.append(low * n + high)
    return np.concatenate(pairs)


def candidate_pairs(records: list[Record], *, max_block: int = MAX_BLOCK):
    """Index pairs (left[k] < right[k]), sorted and unique, of records that share at least one
    block of at most `max_block` records.

    A place or authority block too big to expand (a capital with hundreds of projects) is split
    by title word, and its records sorted by title are paired with their neighbours; pairs of
    title words catch duplicates whose place and authority are both written differently. Keys
    are kept as their 64-bit hashes in arrays, not as tuples in a dict: a million records make
    tens of millions of keys (a collision only adds a pair to score).
    """
    n = len(records)
    key_ids, record_ids, kinds = array("q"), array("q"), array("b")
    for index, record in enumerate(records):
        for key in blocking_keys(record):
            key_ids.append(hash(key))
            record_ids.append(index)
            kinds.append(KINDS[key[0]])
    key_ids, record_ids = np.frombuffer(key_ids, np.int64), np.frombuffer(record_ids, np.int64)
    encoded, order, big_starts, big_sizes = _pairs_of_blocks(key_ids, record_ids, max_block, n)
    kinds = np.frombuffer(kinds, np.int8)[order]
    narrow_keys, narrow_records = array("q"), array("q")
    for start, size in zip(big_starts.tolist(), big_sizes.tolist(), strict=True):
        if kinds[start] not in SPLIT_KINDS:
            continue
        key = int(key_ids[order[start]])
        members = record_ids[order[start : start + size]].tolist()
        for index in members:
            for narrower in narrower_keys(records[index], (key,)):
                narrow_keys.append(hash(narrower))
                narrow_records.append(index)
        encoded.append(_title_neighbours(records, members, n))
    del key_ids, record_ids, kinds, order
    if narrow_keys:
        encoded += _pairs_of_blocks(
            np.frombuffer(narrow_keys, np.int64),
            np.frombuffer(narrow_records, np.int64),
            max_block,
            n,
        )[0]
    unique = np.unique(np.concatenate(encoded)) if encoded else np.zeros(0, dtype=np.int64)
    del encoded
    return unique // n, unique % n


# ---------------------------------------------------------------- scoring

# Logistic weights, fitted on the labelled benchmark (benchmarks/dedup) and kept here so the
# score is reproducible and explainable: each term is one signal.
INTERCEPT = -15.3
WEIGHTS = {
    "title": 6.9,
    "description": 6.0,
    "place_differs": -5.6,
    "authority": 4.5,
    "country_differs": -2.6,
    "theme": 2.8,
    "year_close": 1.1,
    "year_far": -3.6,
    # A signal one record lacks: neither for nor against, relative to a present but
    # dissimilar one (fitted too).
    "description_unknown": 3.4,
    "theme_unknown": 1.8,
    "year_unknown": -0.3,
}
THIN_CAP = 0.5


@dataclass(frozen=True)
class Judgement:
    probability: float
    reasons: list[str]


def _title_similarity(a: Record, b: Record) -> float:
    if not a.title_clean or not b.title_clean:
        return 0.0
    return (
        max(
            fuzz.token_set_ratio(a.title_clean, b.title_clean),
            fuzz.token_sort_ratio(a.title_clean, b.title_clean),
        )
        / 100
    )


def _blend(shared, total_a, total_b):
    """Mean of the weighted Jaccard and the weighted containment: a truncated description, or
    "Ville de X" against "X", is contained in the other without being equal to it."""
    return (shared / (total_a + total_b - shared) + shared / min(total_a, total_b)) / 2


class Rarity:
    """Inverse document frequency of words over the records being compared: words every
    record uses ("projet", "commune", "solidarité") weigh little, specific ones much."""

    def __init__(self, records: Iterable[Record]):
        records = list(records)
        self.total = max(len(records), 1)
        self.unseen = math.log(self.total + 1)
        self.description = self._idf(r.description_stems for r in records)
        self.authority = self._idf(r.authority_words for r in records)

    def _idf(self, word_lists: Iterable[tuple[str, ...]]) -> dict[str, float]:
        counts: dict[str, int] = defaultdict(int)
        for words in word_lists:
            for word in words:
                counts[word] += 1
        return {w: math.log((self.total + 1) / (n + 0.5)) for w, n in counts.items()}

    def weight(self, words: Iterable[str], idf: dict[str, float]) -> float:
        return sum(idf.get(w, self.unseen) for w in words)

    def overlap(self, a: tuple[str, ...], b: tuple[str, ...], idf: dict[str, float]) -> float:
        """Weight of the shared words against the weight of each side's words."""
        shared_words = set(a).intersection(b)
        if not shared_words:
            return 0.0
        shared = self.weight(shared_words, idf)
        return _blend(shared, self.weight(a, idf), self.weight(b, idf))

    def description_overlap(self, a: Record, b: Record) -> float:
        return self.overlap(a.description_stems, b.description_stems, self.description)

    def authority_overlap(self, a: Record, b: Record) -> float:
        return self.overlap(a.authority_words, b.authority_words, self.authority)


def signals(a: Record, b: Record, rarity: Rarity) -> dict[str, float]:
    found = {"title": _title_similarity(a, b)}
    if a.description_stems and b.description_stems:
        found["description"] = rarity.description_overlap(a, b)
    else:
        found["description_unknown"] = 1.0
    if a.locality_key and b.locality_key:
        same = a.locality_key == b.locality_key or fuzz.ratio(a.locality_key, b.locality_key) >= 90
        found["place" if same else "place_differs"] = 1.0
    if a.authority_key and b.authority_key:
        found["authority"] = rarity.authority_overlap(a, b)
    if a.country_key and b.country_key and a.country_key != b.country_key:
        found["country_differs"] = 1.0
    if not (a.theme_key and b.theme_key):
        found["theme_unknown"] = 1.0
    elif a.theme_key == b.theme_key:
        found["theme"] = 1.0
    if not (a.start_year and b.start_year):
        found["year_unknown"] = 1.0
    else:
        gap = abs(a.start_year - b.start_year)
        if gap <= 1:
            found["year_close"] = 1.0 - gap / 2
        elif gap >= 3:
            found["year_far"] = 1.0
    return found


def probability(found: dict[str, float]) -> float:
    z = INTERCEPT + sum(WEIGHTS.get(name, 0.0) * value for name, value in found.items())
    return 1 / (1 + math.exp(-z))


def score(a: Record, b: Record, rarity: Rarity) -> tuple[float, dict[str, float]]:
    found = signals(a, b, rarity)
    p = probability(found)
    if a.is_thin or b.is_thin:
        p = min(p, THIN_CAP)
    return p, found


def judge(a: Record, b: Record, rarity: Rarity) -> Judgement:
    """The probability that a and b are the same project, with the reasons in words."""
    p, found = score(a, b, rarity)
    phrases = _phrases(get_language() or "fr")
    reasons = _reasons(a, b, found, phrases)
    if a.is_thin or b.is_thin:
        reasons.append(phrases["thin"])
    return Judgement(p, reasons)


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


# The reasons in words, marked for translation. They are looked up once per language, not per
# pair: gettext costs ~8 µs a call, and the batch scan judges hundreds of thousands of pairs.
PHRASES = {
    "thin": gettext_noop("peu d'information (titre d'un mot, sans description)"),
    "place": gettext_noop("même localité partenaire : %(place)s"),
    "place_differs": gettext_noop("localités différentes : %(a)s / %(b)s"),
    "title": gettext_noop("titres proches à %(share)s"),
    "description": gettext_noop("descriptions proches à %(share)s"),
    "authority": gettext_noop("même autorité française : %(name)s"),
    "country_differs": gettext_noop("pays différents"),
    "theme": gettext_noop("même thématique : %(theme)s"),
    "year_close": gettext_noop("années proches : %(a)s / %(b)s"),
    "year_far": gettext_noop("années éloignées : %(a)s / %(b)s"),
}


@lru_cache(maxsize=8)
def _phrases(language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: gettext(text) for key, text in PHRASES.items()}


def _reasons(a: Record, b: Record, found: dict[str, float], phrases: dict[str, str]) -> list[str]:
    reasons = []
    years = {"a": a.start_year, "b": b.start_year}
    if found.get("place"):
        reasons.append(phrases["place"] % {"place": a.partner_locality or b.partner_locality})
    if found.get("place_differs"):
        places = {"a": a.partner_locality, "b": b.partner_locality}
        reasons.append(phrases["place_differs"] % places)
    if found["title"] >= 0.6:
        reasons.append(phrases["title"] % {"share": percent(found["title"])})
    if found.get("description", 0) >= 0.4:
        reasons.append(phrases["description"] % {"share": percent(found["description"])})
    if found.get("authority", 0) >= 0.9:
        authority = a.french_authority or b.french_authority
        reasons.append(phrases["authority"] % {"name": authority})
    if found.get("country_differs"):
        reasons.append(phrases["country_differs"])
    if found.get("theme"):
        reasons.append(phrases["theme"] % {"theme": a.theme})
    if "year_close" in found:
        reasons.append(phrases["year_close"] % years)
    if found.get("year_far"):
        reasons.append(phrases["year_far"] % years)
    return reasons


# ---------------------------------------------------------------- batch scan


@dataclass(frozen=True)
class ScoredPair:
    id_a: str
    id_b: str
    probability: float
    reasons: tuple[str, ...]


def scan(
    records: list[Record], *, threshold: float = DEFAULT_THRESHOLD, max_block: int = MAX_BLOCK
) -> tuple[list[ScoredPair], dict]:
    """Pairs judged the same project (probability >= threshold), best first, and statistics."""
    from .batch import probabilities

    left, right = candidate_pairs(records, max_block=max_block)
    rarity = Rarity(records)
    matches = []
    if len(left):
        scores = probabilities(records, left, right, rarity)
        for index in np.flatnonzero(scores >= threshold):
            i, j = int(left[index]), int(right[index])
            judgement = judge(records[i], records[j], rarity)
            a, b = sorted((records[i].id, records[j].id))
            matches.append(ScoredPair(a, b, float(scores[index]), tuple(judgement.reasons)))
    matches.sort(key=lambda pair: (-pair.probability, pair.id_a, pair.id_b))
    n = len(records)
    all_pairs = n * (n - 1) // 2
    stats = {
        "records": n,
        "candidate_pairs": len(left),
        "reduction_ratio": 1 - len(left) / all_pairs if all_pairs else 1.0,
        "matches": len(matches),
    }
    return matches, stats


# Groups are drawn from near-certain pairs only: one doubtful pair must not chain two groups.
CLUSTER_THRESHOLD = 0.9


def clusters(pairs: Iterable[ScoredPair], *, strong: float = CLUSTER_THRESHOLD) -> list[set[str]]:
    """Connected components of the pairs at or above `strong` (union-find)."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if pair.probability >= strong:
            parent[root(pair.id_a)] = root(pair.id_b)
    groups: dict[str, set[str]] = defaultdict(set)
    for member in list(parent):
        groups[root(member)].add(member)
    return [group for group in groups.values() if len(group) > 1]


def weak_bridges(pairs: Iterable[ScoredPair], groups: list[set[str]]) -> set[tuple[str, str]]:
    """Pairs below the groups' threshold that would pull a record into a group, or join two
    groups: accepting one merges more than the two records it shows."""
    group_of = {member: number for number, group in enumerate(groups) for member in group}
    return {
        (pair.id_a, pair.id_b)
        for pair in pairs
        if group_of.get(pair.id_a, -1) != group_of.get(pair.id_b, -2)
        and (pair.id_a in group_of or pair.id_b in group_of)
    }
