"""Comparison levels of record pairs (`model.FIELDS`), computed for all candidate pairs at once
with numpy, scipy.sparse and rapidfuzz's C++: the live check's handful of pairs and the batch
scan's millions go through the same code."""

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from .model import FIELDS, UNKNOWN
from .records import Rarity, Record, blend, one_sided_titles

PAIR_CHUNK = 200_000  # pairs compared at once: bounds memory whatever the number of pairs
MAX_THREADS = 4  # chunks compared at once


def _cores() -> int:
    """The cores this process may run on (a container's share, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# Lower bounds of each level above 0, on a 0-1 similarity (the top one is "the same").
TITLE_LEVELS = (0.5, 0.65, 0.8, 0.9, 0.97)
DESCRIPTION_LEVELS = (0.15, 0.35, 0.6)
NAME_LEVELS = (0.65, 0.85, 1.0)  # partner locality and French authority: spelling similarity


def _codes(values: list[str]) -> np.ndarray:
    """Small integers for equal strings; 0 for missing."""
    table: dict[str, int] = {}
    return np.array(
        [table.setdefault(v, len(table) + 1) if v else 0 for v in values], dtype=np.int64
    )


def _incidence(word_sets: list[tuple], idf: dict[str, float]):
    """Binary records × words matrix (the words of `idf`, which holds every word seen), and
    each word's weight."""
    column = {word: k for k, word in enumerate(idf)}
    lengths = np.fromiter((len(words) for words in word_sets), dtype=np.int64, count=len(word_sets))
    columns = np.fromiter(
        (column[w] for words in word_sets for w in words),
        dtype=np.int64,
        count=int(lengths.sum()),
    )
    rows = np.repeat(np.arange(len(word_sets)), lengths)
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)),
        shape=(len(word_sets), max(len(column), 1)),
    )
    weights = np.zeros(max(len(column), 1))
    weights[: len(column)] = np.fromiter(idf.values(), dtype=float, count=len(idf))
    return matrix, weights


def _distinct(codes_a: np.ndarray, codes_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One pair per distinct (code a, code b), and for every pair the position of its own:
    candidate pairs repeat the same two actions or names many times (6.4 M pairs of the
    155k-record benchmark file hold 0.9 M distinct pairs of titles), so each is scored once."""
    width = int(max(codes_a.max(initial=0), codes_b.max(initial=0))) + 1
    _keys, first, inverse = np.unique(
        codes_a.astype(np.int64) * width + codes_b, return_index=True, return_inverse=True
    )
    return first, inverse


def _level(similarity: np.ndarray, bounds: tuple[float, ...]) -> np.ndarray:
    return np.searchsorted(np.asarray(bounds), similarity, side="right").astype(np.int8)


def _title_scores(titles_a, titles_b) -> np.ndarray:
    # token_set_ratio alone: token_sort_ratio changed 8 levels in 804,631 candidate pairs of
    # the harsh benchmark file, for a third of the comparing time. Below the first level,
    # level 0 whatever the score: rapidfuzz skips the work.
    similarity = process.cpdist(
        list(titles_a),
        list(titles_b),
        scorer=fuzz.token_set_ratio,
        score_cutoff=TITLE_LEVELS[0] * 100,
        workers=-1,
    )
    return similarity / 100


class Columns:
    """What comparing needs of every record, as arrays built once for all the chunks of pairs."""

    def __init__(self, records: list[Record], rarity: Rarity):
        self.records = records
        self.titles = np.array([r.title_clean for r in records], dtype=object)
        self.actions = np.array([r.title_action for r in records], dtype=object)
        # One numbering for titles and actions: the same words get the same number.
        numbers = _codes([*self.titles.tolist(), *self.actions.tolist()])
        self.title_number, self.action_number = numbers[: len(records)], numbers[len(records) :]
        self.description, self.description_weights = _incidence(
            [r.description_stems for r in records], rarity.description
        )
        self.description_totals = self.description @ self.description_weights
        self.authorities = np.array([r.authority_key for r in records], dtype=object)
        self.authority = _codes(self.authorities.tolist())
        # Spaces are spelling too: "Tabé Zalou" is typed "tabezalou".
        self.localities = np.array([r.locality_key.replace(" ", "") for r in records], dtype=object)
        self.locality = _codes(self.localities.tolist())
        self.country = _codes([r.country_key for r in records])
        self.theme = _codes([r.theme_key for r in records])
        self.year = np.array([r.start_year or 0 for r in records], dtype=np.int64)
        self.thin = np.array([r.is_thin for r in records], dtype=bool)

    def title_similarity(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """The actions compared: the titles without the partner locality's words. When only
        one record names its place, the other's title loses it only if it names the same place
        ("Forage à Kayes" typed with no locality); the whole titles when neither does."""
        has_a, has_b = self.locality[left] > 0, self.locality[right] > 0
        both = has_a & has_b
        first, inverse = _distinct(
            np.where(both, self.action_number[left], self.title_number[left]),
            np.where(both, self.action_number[right], self.title_number[right]),
        )
        a, b, both = left[first], right[first], both[first]
        similarity = _title_scores(
            np.where(both, self.actions[a], self.titles[a]).tolist(),
            np.where(both, self.actions[b], self.titles[b]).tolist(),
        )[inverse]
        one_sided = np.flatnonzero(has_a ^ has_b)
        if len(one_sided):
            records = self.records
            titles = [
                one_sided_titles(records[left[k]], records[right[k]]) for k in one_sided.tolist()
            ]
            similarity[one_sided] = _title_scores(*zip(*titles, strict=True))
        return similarity

    def shares(self, left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """What the reasons quote: how alike these pairs' titles and descriptions are."""
        return self.title_similarity(left, right), self.description_overlap(left, right)

    def description_overlap(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        matrix, weights = self.description, self.description_weights
        shared = np.asarray(matrix[left].multiply(matrix[right]) @ weights).ravel()
        totals = self.description_totals
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(shared > 0, blend(shared, totals[left], totals[right]), 0.0)

    @staticmethod
    def _name_levels(codes, texts, left, right, scorers=(fuzz.ratio,)) -> np.ndarray:
        """Same name (top level), or how close the spellings are (the best of `scorers`)."""
        levels = np.full(len(left), UNKNOWN, dtype=np.int8)
        known = (codes[left] > 0) & (codes[right] > 0)
        levels[known & (codes[left] == codes[right])] = len(NAME_LEVELS)
        differ = np.flatnonzero(known & (codes[left] != codes[right]))
        if len(differ):
            first, inverse = _distinct(codes[left[differ]], codes[right[differ]])
            texts_a = texts[left[differ[first]]].tolist()
            texts_b = texts[right[differ[first]]].tolist()
            cutoff = NAME_LEVELS[0] * 100
            similarity = np.max(
                [
                    process.cpdist(texts_a, texts_b, scorer=scorer, score_cutoff=cutoff, workers=-1)
                    for scorer in scorers
                ],
                axis=0,
            )[inverse]
            levels[differ] = np.minimum(_level(similarity / 100, NAME_LEVELS), len(NAME_LEVELS) - 1)
        return levels

    def _equal(self, name: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        codes = getattr(self, name)
        known = (codes[left] > 0) & (codes[right] > 0)
        return np.where(known, codes[left] == codes[right], UNKNOWN).astype(np.int8)

    def levels(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Pairs × `model.FIELDS` comparison levels (-1: one side does not say), computed
        `PAIR_CHUNK` pairs at a time, in as many threads as the machine has cores: numpy,
        scipy and rapidfuzz let go of the interpreter lock while they work (two threads on
        two cores: 2.8 → 1.75 s for 3.6 M pairs)."""
        out = np.empty((len(left), len(FIELDS)), dtype=np.int8)
        chunks = [slice(k, k + PAIR_CHUNK) for k in range(0, len(left), PAIR_CHUNK)]
        if len(chunks) < 2:  # the live check's handful of pairs: no thread
            for chunk in chunks:
                out[chunk] = self._levels(left[chunk], right[chunk])
            return out
        with ThreadPoolExecutor(min(len(chunks), _cores(), MAX_THREADS)) as pool:
            done = pool.map(lambda chunk: self._levels(left[chunk], right[chunk]), chunks)
            for chunk, levels in zip(chunks, done, strict=True):
                out[chunk] = levels
        return out

    def _levels(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        out = np.full((len(left), len(FIELDS)), UNKNOWN, dtype=np.int8)
        column = {name: k for k, name in enumerate(FIELDS)}

        known = (self.titles[left] != "") & (self.titles[right] != "")
        index = np.flatnonzero(known)
        out[index, column["title"]] = _level(
            self.title_similarity(left[index], right[index]), TITLE_LEVELS
        )
        totals = self.description_totals
        known = np.flatnonzero((totals[left] > 0) & (totals[right] > 0))
        out[known, column["description"]] = _level(
            self.description_overlap(left[known], right[known]), DESCRIPTION_LEVELS
        )
        # "Association Presles Solidarité" is Presles's: a name inside the other is close.
        out[:, column["authority"]] = self._name_levels(
            self.authority, self.authorities, left, right, (fuzz.ratio, fuzz.token_set_ratio)
        )
        out[:, column["locality"]] = self._name_levels(self.locality, self.localities, left, right)
        out[:, column["country"]] = self._equal("country", left, right)
        out[:, column["theme"]] = self._equal("theme", left, right)

        year = self.year
        known = (year[left] > 0) & (year[right] > 0)
        gap = np.abs(year[left] - year[right])
        out[:, column["year"]] = np.where(known, 3 - np.minimum(gap, 3), UNKNOWN)
        return out

    def thin_pairs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        return self.thin[left] | self.thin[right]
