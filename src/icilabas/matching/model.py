"""The Fellegi–Sunter model of the duplicate scan, with weights estimated on the records scanned.

Each candidate pair is compared field by field into a level (0 = different … top = the same;
-1 = one side does not say). Two sets of probabilities say how often each level is seen: `m`
among true duplicates, `u` among different projects; a level's weight is log(m / u), and a
missing field weighs nothing. Both, and the share of duplicates among the candidate pairs, are
estimated by expectation–maximisation on the candidate pairs themselves, without labels (the
Fellegi–Sunter model as Splink and the record-linkage literature use it). So another
network's data, with other habits of typing, gets weights that fit it: a field often misspelt
there counts for less when it differs.
"""

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

# Each field and its number of levels (the top level is "the same").
LEVELS = {
    "title": 6,
    "description": 4,
    "authority": 4,
    "locality": 4,
    "country": 2,
    "theme": 2,
    "year": 4,
}
FIELDS = tuple(LEVELS)
UNKNOWN = -1
# What the model compares: a field alone, or fields together when they depend on each other.
# Title, authority, place and country go together: among candidates, one authority's other
# projects at one place share three of them (and differ in title), and one action is often
# run at one place by several authorities (same title, other authority). Counted one by one,
# each says little; together they tell a project written twice. The theme is left out of the
# score: it follows from the title's action, so counting both made EM take "same action" for
# "same project" (measured in docs/benchmarks.md), and themes get recoded anyway; it is still
# shown among the reasons.
COMPARISONS = {
    "identity": ("title", "authority", "locality", "country"),
    "description": ("description",),
    "year": ("year",),
}


def _size(fields: tuple[str, ...]) -> int:
    if len(fields) == 1:
        return LEVELS[fields[0]]
    return int(np.prod([LEVELS[name] + 1 for name in fields]))


SIZES = {name: _size(fields) for name, fields in COMPARISONS.items()}


def _marginal(probabilities: np.ndarray, fields: tuple[str, ...]) -> np.ndarray:
    """For each code of fields compared together, the probability of its known levels
    whatever the unknown ones: a field one side does not give weighs nothing, as alone. (A
    title typed with nothing else, as on the project form, is judged by the title.)"""
    shape = [LEVELS[name] + 1 for name in fields]  # index 0: unknown
    cube = probabilities.reshape(shape)
    out = np.empty_like(cube)
    for known in np.ndindex(*(2,) * len(fields)):
        unknown_axes = tuple(axis for axis, flag in enumerate(known) if not flag)
        summed = cube.sum(axis=unknown_axes, keepdims=True) if unknown_axes else cube
        where = tuple(slice(1, None) if flag else slice(0, 1) for flag in known)
        out[where] = np.broadcast_to(summed, cube.shape)[where]
    return out.ravel()


def decode(name: str, code: int) -> dict[str, int]:
    """Each field's level (-1 unknown) in a code of the comparison `name`."""
    levels = {}
    for part in reversed(COMPARISONS[name]):
        if len(COMPARISONS[name]) == 1:
            return {part: code}
        code, level = divmod(code, LEVELS[part] + 1)
        levels[part] = level - 1
    return dict(reversed(levels.items()))


def comparison_codes(levels: np.ndarray) -> np.ndarray:
    """Pairs × `COMPARISONS` codes from pairs × `FIELDS` levels: a field alone keeps its level
    (-1 unknown, which weighs nothing); fields together make one code where "unknown" is one
    more level of each."""
    codes = np.empty((len(levels), len(COMPARISONS)), dtype=np.int64)
    for k, fields in enumerate(COMPARISONS.values()):
        if len(fields) == 1:
            codes[:, k] = levels[:, FIELDS.index(fields[0])]
            continue
        code = np.zeros(len(levels), dtype=np.int64)
        for name in fields:
            code = code * (LEVELS[name] + 1) + levels[:, FIELDS.index(name)] + 1
        codes[:, k] = code
    return codes


SMOOTHING = 1e-4  # no level is ever impossible: one odd pair must not veto or prove a match
DEFAULT_PATH = Path(__file__).parent / "data" / "default_model.json"


@dataclass
class Model:
    """Share of duplicates among candidate pairs (`prior`), and per field the probability of
    each level among duplicates (`m`) and among different projects (`u`)."""

    prior: float
    m: dict[str, list[float]]
    u: dict[str, list[float]]
    iterations: int = 0
    pairs: int = 0
    # log(m/u) per comparison, as arrays indexed by code + 1 (index 0: unknown, weight 0).
    weights: dict[str, np.ndarray] = field(init=False, repr=False)

    def __post_init__(self):
        self.weights = {}
        for name, fields in COMPARISONS.items():
            m, u = np.asarray(self.m[name]), np.asarray(self.u[name])
            if len(fields) > 1:
                m, u = _marginal(m, fields), _marginal(u, fields)
            self.weights[name] = np.concatenate(([0.0], np.log(m / u)))

    def logits_of_codes(self, codes: np.ndarray) -> np.ndarray:
        z = np.full(len(codes), math.log(self.prior / (1 - self.prior)))
        for column, name in enumerate(COMPARISONS):
            z += self.weights[name][codes[:, column] + 1]
        return z

    def probabilities(self, levels: np.ndarray) -> np.ndarray:
        """Probability of being the same project for rows of levels (pairs × `FIELDS`)."""
        z = np.empty(len(levels))
        for start in range(0, len(levels), CHUNK):
            chunk = slice(start, start + CHUNK)
            z[chunk] = self.logits_of_codes(comparison_codes(levels[chunk]))
        return 1 / (1 + np.exp(-z))

    def weight(self, name: str, code: int) -> float:
        return float(self.weights[name][code + 1])

    def as_dict(self) -> dict:
        return {
            "prior": self.prior,
            "m": self.m,
            "u": self.u,
            "iterations": self.iterations,
            "pairs": self.pairs,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Model":
        return cls(
            prior=float(data["prior"]),
            m={name: list(map(float, data["m"][name])) for name in COMPARISONS},
            u={name: list(map(float, data["u"][name])) for name in COMPARISONS},
            iterations=int(data.get("iterations", 0)),
            pairs=int(data.get("pairs", 0)),
        )


def default_model() -> Model:
    """Weights estimated (without labels) on the harsh labelled benchmark file; used for the
    live check until a registry scan has estimated the registry's own."""
    return Model.from_dict(json.loads(DEFAULT_PATH.read_text(encoding="utf-8")))


def _distribution(column: np.ndarray, counts: np.ndarray, size: int) -> np.ndarray:
    known = column >= 0
    totals = np.bincount(column[known], weights=counts[known], minlength=size)[:size]
    totals = totals + SMOOTHING * max(totals.sum(), 1.0)
    return totals / totals.sum()


def _distributions(patterns: np.ndarray, counts: np.ndarray) -> dict[str, list[float]]:
    """How often each code is seen among these patterns of codes, counted `counts` times."""
    return {
        name: _distribution(patterns[:, k], counts, SIZES[name]).tolist()
        for k, name in enumerate(COMPARISONS)
    }


def _starting_m() -> dict[str, list[float]]:
    """Duplicates mostly agree: each field's level weighs 2**level (an unknown one, half the
    top), fields together multiply."""
    start = {}
    for name, fields in COMPARISONS.items():
        if len(fields) == 1:
            raw = np.array([2.0**level for level in range(LEVELS[fields[0]])])
        else:
            raw = np.ones(1)
            for part in fields:
                top = LEVELS[part] - 1
                factors = np.array([2.0 ** (top / 2), *(2.0**level for level in range(top + 1))])
                raw = np.outer(raw, factors).ravel()
        start[name] = (raw / raw.sum()).tolist()
    return start


def _em(patterns, counts, m, u, prior, *, fixed_u: bool, max_iterations: int, tolerance: float):
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007  (reported in the model)
        p = 1 / (1 + np.exp(-Model(prior, m, u).logits_of_codes(patterns)))
        matched = counts * p
        new_prior = float(np.clip(matched.sum() / counts.sum(), 1e-6, 0.5))
        new_m = _distributions(patterns, matched)
        new_u = u if fixed_u else _distributions(patterns, counts * (1 - p))
        change = max(
            abs(new_prior - prior),
            *(
                abs(a - b)
                for name in COMPARISONS
                for a, b in zip(new_m[name] + new_u[name], m[name] + u[name], strict=True)
            ),
        )
        prior, m, u = new_prior, new_m, new_u
        if change < tolerance:
            break
    return m, u, prior, iteration


def _mean_level(probabilities: list[float], comparison: str, field: str) -> float:
    """Mean level of `field` (unknown left out) under these probabilities of `comparison`."""
    fields = COMPARISONS[comparison]
    if len(fields) == 1:
        dist = np.asarray(probabilities)
    else:
        cube = np.asarray(probabilities).reshape([LEVELS[name] + 1 for name in fields])
        axis = fields.index(field)
        dist = cube.sum(axis=tuple(k for k in range(len(fields)) if k != axis))[1:]
    return float((dist * np.arange(len(dist))).sum() / max(dist.sum(), 1e-12))


def is_plausible(model: Model) -> bool:
    """Duplicates agree more than different projects on the title and the description: if
    not, EM has found some other split of the pairs (such as "same place"), not duplicates."""
    return model.prior < 0.5 and all(
        _mean_level(model.m[comparison], comparison, field)
        > _mean_level(model.u[comparison], comparison, field) + 0.5
        for comparison, field in (("identity", "title"), ("description", "description"))
    )


CHUNK = 1_000_000  # pairs coded at once: bounds memory whatever the number of pairs
RADICES = [SIZES[name] + 1 for name in COMPARISONS]  # codes + 1: index 0 is "unknown"


def _pattern_counts(levels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct patterns of comparison codes among these pairs, and how many pairs show
    each: each pattern is one integer below prod(RADICES) (~13,000), so counting is a bincount."""
    space = int(np.prod(RADICES))
    counts = np.zeros(space)
    for start in range(0, len(levels), CHUNK):
        codes = comparison_codes(levels[start : start + CHUNK])
        combined = np.zeros(len(codes), dtype=np.int64)
        for column, radix in enumerate(RADICES):
            combined = combined * radix + codes[:, column] + 1
        counts += np.bincount(combined, minlength=space)
    present = np.flatnonzero(counts)
    patterns = np.empty((len(present), len(RADICES)), dtype=np.int64)
    rest = present
    for column in reversed(range(len(RADICES))):
        rest, patterns[:, column] = np.divmod(rest, RADICES[column])
    return patterns - 1, counts[present]


def estimate(candidate_levels: np.ndarray, *, max_iterations: int = 300, tolerance: float = 1e-6):
    """Estimate the model by expectation–maximisation over the candidate pairs' levels.

    Duplicates are a few per cent of the candidates; most are different projects that share a
    place, an authority or title words (that is why they are candidates). So `u` starts as the
    levels of all the candidates and is held while `m` and the prior are estimated from "a
    duplicate mostly agrees"; then all three are re-estimated together. Started from random
    pairs' `u`, or with everything free from the start, EM takes "same place" or "same action"
    for "same project". Pairs with the same codes are counted once (a million pairs make a few
    thousand patterns), so an iteration is cheap whatever the number of pairs.
    """
    if not len(candidate_levels):
        return default_model()
    patterns, counts = _pattern_counts(candidate_levels)
    settings = {"max_iterations": max_iterations, "tolerance": tolerance}
    m, u, prior, first = _em(
        patterns,
        counts,
        _starting_m(),
        _distributions(patterns, counts),
        0.02,
        fixed_u=True,
        **settings,
    )
    m, u, prior, second = _em(patterns, counts, m, u, prior, fixed_u=False, **settings)
    return Model(prior, m, u, iterations=first + second, pairs=len(candidate_levels))
