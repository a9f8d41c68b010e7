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
        (np.ones(len(columns)), (rows, columns)), shape=(len(word_sets), max(len(column), 1))
    )
    weights = np.zeros(max(len(column), 1))
    weights[: len(column)] = np.fromiter(idf.values(), dtype=float, count=len(idf))
    return matrix, weights


CHUNK = 100_000  # pairs per sparse product: bounds memory whatever the number of pairs


def _blend(shared, total_a, total_b):
    return (shared / (total_a + total_b - shared) + shared / np.minimum(total_a, total_b)) / 2


def _overlap(matrix, weights, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    totals = matrix @ weights
    shared = np.concatenate(
        [
            np.asarray(
                matrix[left[k : k + CHUNK]].multiply(matrix[right[k : k + CHUNK]]) @ weights
            ).ravel()
            for k in range(0, len(left), CHUNK)
        ]
        or [np.zeros(0)]
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(shared > 0, _blend(shared, totals[left], totals[right]), 0.0)


def probabilities(records: list[Record], left: np.ndarray, right: np.ndarray, rarity: Rarity):
    """Probability that records[left[k]] and records[right[k]] are the same project."""
    z = np.full(len(left), INTERCEPT)

    titles = np.array([r.title_clean for r in records], dtype=object)
    titles_a, titles_b = titles[left].tolist(), titles[right].tolist()
    title = (
        np.maximum(
            process.cpdist(titles_a, titles_b, scorer=fuzz.token_set_ratio, workers=-1),
            process.cpdist(titles_a, titles_b, scorer=fuzz.token_sort_ratio, workers=-1),
        )
        / 100
    )
    z += WEIGHTS["title"] * title

    description, description_weights = _incidence(
        [r.description_stems for r in records], rarity.description
    )
    has_description = np.array([bool(r.description_stems) for r in records])
    both = has_description[left] & has_description[right]
    z += WEIGHTS["description"] * np.where(
        both, _overlap(description, description_weights, left, right), 0.0
    )
    z += WEIGHTS["description_unknown"] * ~both

    authority, authority_weights = _incidence(
        [r.authority_words for r in records], rarity.authority
    )
    has_authority = np.array([bool(r.authority_key) for r in records])
    both = has_authority[left] & has_authority[right]
    z += WEIGHTS["authority"] * np.where(
        both, _overlap(authority, authority_weights, left, right), 0.0
    )

    locality = _codes([r.locality_key for r in records])
    both = (locality[left] > 0) & (locality[right] > 0)
    differs = both & (locality[left] != locality[right])
    if differs.any():
        index = np.flatnonzero(differs)
        close = (
            process.cpdist(
                [records[left[k]].locality_key for k in index],
                [records[right[k]].locality_key for k in index],
                scorer=fuzz.ratio,
                workers=-1,
            )
            >= 90
        )
        differs[index[close]] = False
    z += WEIGHTS["place_differs"] * differs

    country = _codes([r.country_key for r in records])
    z += WEIGHTS["country_differs"] * (
        (country[left] > 0) & (country[right] > 0) & (country[left] != country[right])
    )

    theme = _codes([r.theme_key for r in records])
    both = (theme[left] > 0) & (theme[right] > 0)
    z += WEIGHTS["theme"] * (both & (theme[left] == theme[right]))
    z += WEIGHTS["theme_unknown"] * ~both

    year = np.array([r.start_year or 0 for r in records])
    both = (year[left] > 0) & (year[right] > 0)
    gap = np.abs(year[left] - year[right])
    z += WEIGHTS["year_close"] * np.where(both & (gap <= 1), 1.0 - gap / 2, 0.0)
    z += WEIGHTS["year_far"] * (both & (gap >= 3))
    z += WEIGHTS["year_unknown"] * ~both

    p = 1 / (1 + np.exp(-z))
    thin = np.array([r.is_thin for r in records])
    return np.where(thin[left] | thin[right], np.minimum(p, THIN_CAP), p)


def logit(threshold: float) -> float:
    return math.log(threshold / (1 - threshold))
