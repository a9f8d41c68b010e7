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
    """Binary records × words matrix, and each word's weight."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, words in enumerate(word_sets):
        for word in words:
            rows.append(row)
            cols.append(vocabulary.setdefault(word, len(vocabulary)))
    matrix = sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(word_sets), max(len(vocabulary), 1))
    )
    weights = np.zeros(max(len(vocabulary), 1))
    for word, column in vocabulary.items():
        weights[column] = idf[word]
    return matrix, weights


def _overlap(matrix, weights, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    totals = matrix @ weights
    shared = np.asarray(matrix[left].multiply(matrix[right]) @ weights).ravel()
    union = totals[left] + totals[right] - shared
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(shared > 0, shared / union, 0.0)


def probabilities(records: list[Record], pairs: list[tuple[int, int]], rarity: Rarity):
    """(probabilities, title similarities) of the pairs, in pair order."""
    left = np.array([i for i, _ in pairs], dtype=np.int64)
    right = np.array([j for _, j in pairs], dtype=np.int64)
    z = np.full(len(pairs), INTERCEPT)

    titles_a = [records[i].title_clean for i in left]
    titles_b = [records[j].title_clean for j in right]
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
    z += WEIGHTS["theme"] * ((theme[left] > 0) & (theme[left] == theme[right]))

    year = np.array([r.start_year or 0 for r in records])
    both = (year[left] > 0) & (year[right] > 0)
    gap = np.abs(year[left] - year[right])
    z += WEIGHTS["year_close"] * np.where(both & (gap <= 1), 1.0 - gap / 2, 0.0)
    z += WEIGHTS["year_far"] * (both & (gap >= 3))

    p = 1 / (1 + np.exp(-z))
    thin = np.array([r.is_thin for r in records])
    p = np.where(thin[left] | thin[right], np.minimum(p, THIN_CAP), p)
    return p, title


def logit(threshold: float) -> float:
    return math.log(threshold / (1 - threshold))
