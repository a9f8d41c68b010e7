"""Duplicate detection for cooperation projects: blocking, pair scoring with reasons, clusters.

Pure Python over plain records, so the same engine scores the registry, an IATI import or any
CSV. Candidate generation never compares all pairs: records meet only in blocks that share a
partner locality, a French authority or a title word (combined with one another when a block is
too big), and only blocks of at most `max_block` records are expanded into pairs.
"""

from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from functools import lru_cache
from itertools import combinations

import numpy as np
from django.utils import translation
from django.utils.translation import get_language, gettext, gettext_noop

from icilabas.core.collection import cycle_collector_paused

from .batch import Columns
from .model import FIELDS, LEVELS, Model, default_model, estimate, is_plausible
from .records import Rarity, Record

MAX_BLOCK = 60
DEFAULT_THRESHOLD = 0.5


# ---------------------------------------------------------------- candidate generation


class Block(IntEnum):
    """What a blocking key is made of: its first element, an int that goes straight into the
    array of kinds (oversized blocks are split or not by kind)."""

    TITLE_WORDS = 0  # blocks too big are paired by title order; all others are split
    PLACE = 1
    AUTHORITY = 2
    PLACE_START = 3
    PLACE_END = 4
    PLACE_LETTERS = 5
    AUTHORITY_WORD = 6


def _place(record: Record) -> tuple | None:
    return (record.country_key, record.locality_key) if record.locality_key else None


def blocking_keys(record: Record, common: frozenset = frozenset()) -> Iterator[tuple]:
    """Broad keys: the partner place, the French authority, each pair of title words; and,
    so that a typo in any one field still lets a duplicate meet its original, each word of
    the authority, and the place's first three letters, last three and set of letters
    ("Parakou" / "Paarakou", "Mhamid" / "Mhmaid") in its country. Authority words in `common`
    ("solidarite", "saint") make no key: their blocks are huge and say nothing."""
    place = _place(record)
    if place:
        yield (Block.PLACE, *place)
        letters = record.locality_key.replace(" ", "")
        yield (Block.PLACE_START, record.country_key, letters[:3])
        yield (Block.PLACE_END, record.country_key, letters[-3:])
        yield (Block.PLACE_LETTERS, record.country_key, "".join(sorted(set(letters))))
    if record.authority_key:
        yield (Block.AUTHORITY, record.authority_key)
        for word in record.authority_words:
            if len(word) > 3 and word not in common:
                yield (Block.AUTHORITY_WORD, word)
    for first, second in combinations(sorted(record.title_stems), 2):
        yield (Block.TITLE_WORDS, first, second)


COMMON_WORD_SHARE = 0.005


def common_authority_words(records: list[Record]) -> frozenset:
    """Authority words found in more than 0.5 % of the records (and more than a block)."""
    counts = Counter(word for record in records for word in record.authority_words)
    limit = max(MAX_BLOCK, COMMON_WORD_SHARE * len(records))
    return frozenset(word for word, count in counts.items() if count > limit)


TITLE_WINDOW = 4  # records of a block too big are paired with their next 4 in title order


class _PairSet:
    """Encoded pairs gathered from many blocks, made unique as they come: a pair shared by a
    place, its spelling keys and an authority word would otherwise be held many times over."""

    MERGE_AT = 10_000_000

    def __init__(self):
        self.merged = np.zeros(0, dtype=np.int64)
        self.pending: list[np.ndarray] = []
        self.size = 0

    def add(self, pairs: np.ndarray) -> None:
        self.pending.append(pairs)
        self.size += len(pairs)
        if self.size >= self.MERGE_AT:
            self.unique()

    def update(self, other: "_PairSet") -> None:
        self.add(other.unique())

    def unique(self) -> np.ndarray:
        if self.pending:
            self.merged = sorted_unique(np.concatenate([self.merged, *self.pending]))
            self.pending, self.size = [], 0
        return self.merged


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique` by sorting in place: numpy 2.4's hashing `unique` is ten times slower on
    tens of millions of 64-bit pair codes."""
    values.sort()
    if len(values) < 2:
        return values
    return values[np.r_[True, values[1:] != values[:-1]]]


def _pairs_of_blocks(key_ids: np.ndarray, record_ids: np.ndarray, max_block: int, n: int):
    """Encoded pairs (i * n + j, i < j) of every block of 2..max_block members, vectorised: the
    blocks of one size are expanded together. Also returns, for each block too big to expand,
    the positions of its members in `order` (the sort of the entries by key)."""
    order = np.lexsort((record_ids, key_ids))
    sorted_keys, sorted_records = key_ids[order], record_ids[order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    sizes = np.diff(np.r_[starts, len(sorted_keys)])
    encoded = _PairSet()
    for size in range(2, max_block + 1):
        block_starts = starts[sizes == size]
        if not len(block_starts):
            continue
        members = sorted_records[block_starts[:, None] + np.arange(size)]  # blocks × size
        first, second = np.triu_indices(size, 1)
        encoded.add((members[:, first] * n + members[:, second]).ravel())
    big = sizes > max_block
    return encoded, order, starts[big], sizes[big]


def _ranges(sizes: np.ndarray) -> np.ndarray:
    """0..size-1 for each size, end to end: [2, 3] -> [0, 1, 0, 1, 2]."""
    ends = np.cumsum(sizes)
    return np.arange(ends[-1] if len(ends) else 0) - np.repeat(ends - sizes, sizes)


AUTHORITY_SALT = 0x5BD1E995  # an authority word's code differs from the same title word's
NARROW_FACTOR = 1_000_003


def _split_oversized(
    records: list[Record], blocks: np.ndarray, keys: np.ndarray, members: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For the members of blocks too big to expand (entries of block number `blocks`, key
    `keys`, record `members`): the narrower keys splitting each block by title word and by
    authority word (as codes, with their records), and the encoded pairs of each member with
    the next `TITLE_WINDOW` in title order within its block.

    In a place or authority with thousands of projects, even a block of one place and one
    title word can be too big to expand; sorted by title then description, the same project
    written twice still sits side by side (sorted neighbourhood). Vectorised over all the
    blocks at once: a loop per member cost half the blocking time."""
    distinct = np.unique(members)
    indices = distinct.tolist()
    words, counts = [], []
    for index in indices:
        record = records[index]
        words += map(hash, record.title_stems)
        words += (hash(word) ^ AUTHORITY_SALT for word in record.authority_words)
        counts.append(len(record.title_stems) + len(record.authority_words))
    words = np.array(words, dtype=np.int64)
    counts = np.array(counts, dtype=np.int64)
    at = np.searchsorted(distinct, members)
    per_member = counts[at]
    entry = np.repeat(np.arange(len(members)), per_member)
    word = np.repeat(np.cumsum(counts)[at] - per_member, per_member) + _ranges(per_member)
    narrow_keys = keys[entry] * NARROW_FACTOR + words[word]  # wraps around: a hash
    in_title_order = sorted(
        range(len(indices)),
        key=lambda k: (records[indices[k]].title_clean, records[indices[k]].description_clean),
    )
    rank = np.empty(len(distinct), dtype=np.int64)
    rank[in_title_order] = np.arange(len(distinct))
    ordered = np.lexsort((rank[at], blocks))
    block, member = blocks[ordered], members[ordered]
    pairs = []
    for offset in range(1, TITLE_WINDOW + 1):
        same = np.flatnonzero(block[:-offset] == block[offset:])
        first, second = member[same], member[same + offset]
        pairs.append(np.minimum(first, second) * n + np.maximum(first, second))
    return narrow_keys, members[entry], np.concatenate(pairs)


def candidate_pairs(records: list[Record], *, max_block: int = MAX_BLOCK, stats=None):
    """Index pairs (left[k] < right[k]), sorted and unique, of records that share at least one
    block of at most `max_block` records.

    A place or authority block too big to expand (a capital with hundreds of projects) is split
    by title word, and its records sorted by title are paired with their neighbours; pairs of
    title words catch duplicates whose place and authority are both written differently. Keys
    are kept as their 64-bit hashes in arrays, not as tuples in a dict: a million records make
    tens of millions of keys (a collision only adds a pair to score). `stats`, a dict, is told
    how many blocks were too big to expand ("oversized_blocks").
    """
    n = len(records)
    common = common_authority_words(records)
    key_ids, kinds, counts = array("q"), array("b"), array("q")
    for record in records:
        keys = list(blocking_keys(record, common))
        key_ids.extend(map(hash, keys))
        kinds.extend([key[0] for key in keys])
        counts.append(len(keys))
    key_ids = np.frombuffer(key_ids, np.int64)
    record_ids = np.repeat(np.arange(n, dtype=np.int64), np.frombuffer(counts, np.int64))
    encoded, order, big_starts, big_sizes = _pairs_of_blocks(key_ids, record_ids, max_block, n)
    kinds = np.frombuffer(kinds, np.int8)[order]
    if stats is not None:
        stats["oversized_blocks"] = len(big_starts)
    split = np.flatnonzero(kinds[big_starts] != Block.TITLE_WORDS)
    sizes = big_sizes[split]
    entries = order[np.repeat(big_starts[split], sizes) + _ranges(sizes)]
    narrow_keys, narrow_records, neighbours = _split_oversized(
        records,
        np.repeat(np.arange(len(split)), sizes),
        key_ids[entries],
        record_ids[entries],
        n,
    )
    encoded.add(neighbours)
    del key_ids, record_ids, kinds, order
    if len(narrow_keys):
        encoded.update(_pairs_of_blocks(narrow_keys, narrow_records, max_block, n)[0])
    unique = encoded.unique()
    del encoded
    return unique // n, unique % n


# ---------------------------------------------------------------- scoring

THIN_CAP = 0.5
MIN_PAIRS_TO_ESTIMATE = 500  # below, too few pairs to estimate from: the default model


@dataclass(frozen=True)
class Judgement:
    probability: float
    reasons: list[str]


def estimate_model(levels: np.ndarray) -> Model:
    """The model estimated on these records' own candidate pairs; the default one when they
    are too few to estimate from, or when the estimate is not plausible (`is_plausible`)."""
    if len(levels) < MIN_PAIRS_TO_ESTIMATE:
        return default_model()
    model = estimate(levels)
    return model if is_plausible(model) else default_model()


def probabilities(model: Model, levels: np.ndarray, thin: np.ndarray) -> np.ndarray:
    """Probability of being the same project; never more than even for a thin record."""
    p = model.probabilities(levels)
    return np.where(thin, np.minimum(p, THIN_CAP), p)


def percent(share: float) -> str:
    return f"{round(share * 100)} %"


# The reasons in words, marked for translation. They are looked up once per language, not per
# pair: gettext costs ~8 µs a call, and the batch scan judges hundreds of thousands of pairs.
PHRASES = {
    "thin": gettext_noop("peu d'information (titre d'un mot, sans description)"),
    "place": gettext_noop("même localité partenaire : %(place)s"),
    "place_close": gettext_noop("localités partenaires d'orthographe proche : %(a)s / %(b)s"),
    "place_differs": gettext_noop("localités différentes : %(a)s / %(b)s"),
    "title": gettext_noop("titres proches à %(share)s"),
    "description": gettext_noop("descriptions proches à %(share)s"),
    "authority": gettext_noop("même autorité française : %(name)s"),
    "authority_close": gettext_noop("autorités françaises d'orthographe proche : %(a)s / %(b)s"),
    "country_differs": gettext_noop("pays différents"),
    "theme": gettext_noop("même thématique : %(theme)s"),
    "year_close": gettext_noop("années proches : %(a)s / %(b)s"),
    "year_far": gettext_noop("années éloignées : %(a)s / %(b)s"),
}


@lru_cache(maxsize=8)
def _phrases(language: str) -> dict[str, str]:
    with translation.override(language):
        return {key: gettext(text) for key, text in PHRASES.items()}


def explain(a: Record, b: Record, levels: np.ndarray, shares: tuple[float, float]) -> list[str]:
    """The reasons in words for a pair's comparison levels (a row of `Columns.levels`) and
    its titles' and descriptions' similarity (`Columns.shares`)."""
    phrases = _phrases(get_language() or "fr")
    level = dict(zip(FIELDS, levels.tolist(), strict=True))
    pair = {"a": a.partner_locality, "b": b.partner_locality}
    reasons = []
    if level["locality"] == LEVELS["locality"] - 1:
        reasons.append(phrases["place"] % {"place": a.partner_locality or b.partner_locality})
    elif level["locality"] >= 1:
        reasons.append(phrases["place_close"] % pair)
    elif level["locality"] == 0:
        reasons.append(phrases["place_differs"] % pair)
    title_share, description_share = shares
    if level["title"] >= 2:
        reasons.append(phrases["title"] % {"share": percent(title_share)})
    if level["description"] >= 2:
        reasons.append(phrases["description"] % {"share": percent(description_share)})
    if level["authority"] == LEVELS["authority"] - 1:
        authority = a.french_authority or b.french_authority
        reasons.append(phrases["authority"] % {"name": authority})
    elif level["authority"] == LEVELS["authority"] - 2:
        names = {"a": a.french_authority, "b": b.french_authority}
        reasons.append(phrases["authority_close"] % names)
    if level["country"] == 0:
        reasons.append(phrases["country_differs"])
    if level["theme"] == 1:
        reasons.append(phrases["theme"] % {"theme": a.theme})
    years = {"a": a.start_year, "b": b.start_year}
    if level["year"] >= 2:
        reasons.append(phrases["year_close"] % years)
    elif level["year"] == 0:
        reasons.append(phrases["year_far"] % years)
    if a.is_thin or b.is_thin:
        reasons.append(phrases["thin"])
    return reasons


def judge(a: Record, b: Record, rarity: Rarity, model: Model | None = None) -> Judgement:
    """The probability that a and b are the same project, with the reasons in words."""
    columns = Columns([a, b], rarity)
    first, second = np.array([0]), np.array([1])
    levels = columns.levels(first, second)
    model = model or default_model()
    p = probabilities(model, levels, columns.thin_pairs(first, second))
    titles, descriptions = columns.shares(first, second)
    return Judgement(float(p[0]), explain(a, b, levels[0], (titles[0], descriptions[0])))


# ---------------------------------------------------------------- batch scan


@dataclass(frozen=True)
class ScoredPair:
    id_a: str
    id_b: str
    probability: float
    reasons: tuple[str, ...]


@cycle_collector_paused()
def scan(
    records: list[Record], *, threshold: float = DEFAULT_THRESHOLD, max_block: int = MAX_BLOCK
) -> tuple[list[ScoredPair], dict]:
    """Pairs judged the same project (probability >= threshold), best first, and statistics
    (with the model estimated on these records, under "model")."""
    blocking: dict = {}
    left, right = candidate_pairs(records, max_block=max_block, stats=blocking)
    rarity = Rarity(records)
    columns = Columns(records, rarity)
    levels = columns.levels(left, right)
    model = estimate_model(levels)
    scores = probabilities(model, levels, columns.thin_pairs(left, right))
    matches = []
    kept = np.flatnonzero(scores >= threshold)
    titles, descriptions = columns.shares(left[kept], right[kept])
    for k, index in enumerate(kept.tolist()):
        i, j = int(left[index]), int(right[index])
        reasons = explain(records[i], records[j], levels[index], (titles[k], descriptions[k]))
        a, b = sorted((records[i].id, records[j].id))
        matches.append(ScoredPair(a, b, float(scores[index]), tuple(reasons)))
    del levels, scores
    matches.sort(key=lambda pair: (-pair.probability, pair.id_a, pair.id_b))
    n = len(records)
    all_pairs = n * (n - 1) // 2
    stats = {
        "records": n,
        "candidate_pairs": len(left),
        "reduction_ratio": 1 - len(left) / all_pairs if all_pairs else 1.0,
        "matches": len(matches),
        "oversized_blocks": blocking.get("oversized_blocks", 0),
        "estimated": model.pairs == len(left) > 0,
        "model": model.as_dict(),
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
