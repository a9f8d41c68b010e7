"""The pair score of `scan.signals`/`scan.probability`, computed for all candidate pairs at once
with numpy, scipy.sparse and rapidfuzz's C++ (the per-pair code stays the reference, and a test
checks that both agree)."""

import math

import numpy as np
from rapidfuzz import fuzz, process
from scipy import sparse

from .scan import INTERCEPT, THIN_CAP, WEIGHTS, Rarity, Record


def _codes(values: list[str]) -> np.ndarray:
    """Small integers for equal strings; 0 for missing."""
    table: dict[str, int] = {}
    return np.array([table.setdefault(v, len(table) + 1) if v else 0 for v in values])


def _incidence(word_sets: list[frozenset], idf: dict[str, float]):
    """Binary records × words matrix (the words of `idf`, which holds every word seen), and
    each word's weight."""
    column = {word: k for k, word in enumerate(idf)}
    lengths = np.fromiter((len(words) for words in word_sets), dtype=np.int64, count=len(word_sets))
    columns = np.fromiter(
        (column[w] for words in word_sets for w in words), dtype=np.int64, count=int(lengths.sum())
    )
    rows = np.repeat(np.arange(len(word_sets)), lengths)
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.float32), (rows, columns)),
        shape=(len(word_sets), max(len(column), 1)),
    )
    weights = np.zeros(max(len(column), 1))
    weights[: len(column)] = np.fromiter(idf.values(), dtype=float, count=len(idf))
    return matrix, weights


PAIR_CHUNK = 200_000  # pairs scored at once: bounds memory whatever the number of pairs


def _blend(shared, total_a, total_b):
    return (shared / (total_a + total_b - shared) + shared / np.minimum(total_a, total_b)) / 2


class _Columns:
    """What scoring needs of every record, as arrays built once for all the chunks of pairs."""

    def __init__(self, records: list[Record], rarity: Rarity):
        self.records = records
        self.titles = np.array([r.title_clean for r in records], dtype=object)
        self.description, weights = _incidence(
            [r.description_stems for r in records], rarity.description
        )
        self.description_weights = weights
        self.description_totals = self.description @ weights
        self.has_description = np.array([bool(r.description_stems) for r in records])
        self.authority, weights = _incidence([r.authority_words for r in records], rarity.authority)
        self.authority_weights = weights
        self.authority_totals = self.authority @ weights
        self.has_authority = np.array([bool(r.authority_key) for r in records])
        self.locality = _codes([r.locality_key for r in records])
        self.country = _codes([r.country_key for r in records])
        self.theme = _codes([r.theme_key for r in records])
        self.year = np.array([r.start_year or 0 for r in records])
        self.thin = np.array([r.is_thin for r in records])

    def overlap(self, name: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        matrix, weights = getattr(self, name), getattr(self, f"{name}_weights")
        totals = getattr(self, f"{name}_totals")
        shared = np.asarray(matrix[left].multiply(matrix[right]) @ weights).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(shared > 0, _blend(shared, totals[left], totals[right]), 0.0)

    def title_similarity(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        titles_a, titles_b = self.titles[left].tolist(), self.titles[right].tolist()
        return (
            np.maximum(
                process.cpdist(titles_a, titles_b, scorer=fuzz.token_set_ratio, workers=-1),
                process.cpdist(titles_a, titles_b, scorer=fuzz.token_sort_ratio, workers=-1),
            )
            / 100
        )

    def place_differs(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Both places known and not the same name (typos of 10 % or less are the same)."""
        locality = self.locality
        differs = (locality[left] > 0) & (locality[right] > 0) & (locality[left] != locality[right])
        if differs.any():
            index = np.flatnonzero(differs)
            close = (
                process.cpdist(
                    [self.records[left[k]].locality_key for k in index],
                    [self.records[right[k]].locality_key for k in index],
                    scorer=fuzz.ratio,
                    workers=-1,
                )
                >= 90
            )
            differs[index[close]] = False
        return differs

    def logits(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        z = np.full(len(left), INTERCEPT)
        z += WEIGHTS["title"] * self.title_similarity(left, right)

        both = self.has_description[left] & self.has_description[right]
        z += WEIGHTS["description"] * np.where(both, self.overlap("description", left, right), 0.0)
        z += WEIGHTS["description_unknown"] * ~both

        both = self.has_authority[left] & self.has_authority[right]
        z += WEIGHTS["authority"] * np.where(both, self.overlap("authority", left, right), 0.0)

        z += WEIGHTS["place_differs"] * self.place_differs(left, right)

        country = self.country
        z += WEIGHTS["country_differs"] * (
            (country[left] > 0) & (country[right] > 0) & (country[left] != country[right])
        )

        theme = self.theme
        both = (theme[left] > 0) & (theme[right] > 0)
        z += WEIGHTS["theme"] * (both & (theme[left] == theme[right]))
        z += WEIGHTS["theme_unknown"] * ~both

        year = self.year
        both = (year[left] > 0) & (year[right] > 0)
        gap = np.abs(year[left] - year[right])
        z += WEIGHTS["year_close"] * np.where(both & (gap <= 1), 1.0 - gap / 2, 0.0)
        z += WEIGHTS["year_far"] * (both & (gap >= 3))
        z += WEIGHTS["year_unknown"] * ~both
        return z


def probabilities(records: list[Record], left: np.ndarray, right: np.ndarray, rarity: Rarity):
    """Probability that records[left[k]] and records[right[k]] are the same project, scored
    `PAIR_CHUNK` pairs at a time."""
    columns = _Columns(records, rarity)
    p = np.empty(len(left))
    for k in range(0, len(left), PAIR_CHUNK):
        chunk_left, chunk_right = left[k : k + PAIR_CHUNK], right[k : k + PAIR_CHUNK]
        chunk = 1 / (1 + np.exp(-columns.logits(chunk_left, chunk_right)))
        thin = columns.thin[chunk_left] | columns.thin[chunk_right]
        p[k : k + PAIR_CHUNK] = np.where(thin, np.minimum(chunk, THIN_CAP), chunk)
    return p


def logit(threshold: float) -> float:
    return math.log(threshold / (1 - threshold))
