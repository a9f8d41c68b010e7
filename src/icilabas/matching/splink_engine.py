"""The scale-out engine of the batch scan: Splink 5 (DuckDB on one machine, Spark on a
cluster), with the same features as our own scan (same normalisation of titles, descriptions,
authorities, localities, countries, themes, years).

`icilabas dedup scan --engine splink` trains it on the file itself (match prior from
deterministic rules, u by random sampling, m by expectation-maximisation within blocks) and
writes the same PAIRS.csv. The duplicate benchmark trains it on a labelled file instead, as the
baseline. Optional: `pip install 'icilabas[scale]'`.
"""

import csv
import logging
import time
from pathlib import Path

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

from .csvio import read_records
from .scan import ScoredPair


def prepared_rows(path: Path, clusters: dict[str, str] | None = None) -> list[dict]:
    return [
        {
            "unique_id": r.id,
            "title": r.title_clean or None,
            "title_start": r.title_clean[:12] or None,
            "description": r.description_clean[:150] or None,
            "authority": r.authority_key or None,
            "locality": r.locality_key or None,
            "country": r.country_key or None,
            "theme": r.theme_key or None,
            "start_year": r.start_year,
            **({"cluster": clusters[r.id]} if clusters is not None else {}),
        }
        for r in read_records(path)
    ]


def settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        comparisons=[
            cl.JaroWinklerAtThresholds("title", [0.95, 0.88, 0.8]),
            cl.JaroWinklerAtThresholds("description", [0.9, 0.75]),
            cl.JaroWinklerAtThresholds("authority", [0.95, 0.85]),
            cl.ExactMatch("locality").configure(term_frequency_adjustments=True),
            cl.ExactMatch("country"),
            cl.ExactMatch("theme"),
            cl.CustomComparison(
                output_column_name="start_year",
                comparison_levels=[
                    cll.NullLevel("start_year"),
                    cll.ExactMatchLevel("start_year"),
                    cll.AbsoluteDifferenceLevel("start_year", 1),
                    cll.AbsoluteDifferenceLevel("start_year", 2),
                    cll.ElseLevel(),
                ],
            ),
        ],
        # Rules that keep blocks small, like icilabas's capped blocks: same partner place,
        # same French authority in the same country, or the same title.
        blocking_rules_to_generate_predictions=[
            block_on("locality", "country"),
            block_on("authority", "country"),
            block_on("title"),
        ],
        retain_intermediate_calculation_columns=False,
    )


def train(train_path: Path) -> dict:
    clusters = {}
    with open(train_path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            clusters[row["id"]] = row["cluster"]
    linker = Linker(DuckDBAPI().register(prepared_rows(train_path, clusters)), settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("title", "locality", "authority")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_m_from_label_column("cluster")
    return linker.misc.save_model_to_json()


def _predict(rows: list[dict], model, threshold: float) -> list[dict]:
    linker = Linker(DuckDBAPI().register(rows), model)
    return linker.inference.predict(threshold_match_probability=threshold).as_record_list()


def run(path: Path, threshold: float, train_path: Path) -> tuple[set[tuple[str, str]], float]:
    """The benchmark's baseline: trained on a labelled file, timed on the file to score."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    model = train(train_path)
    started = time.perf_counter()
    pairs = {
        tuple(sorted((row["unique_id_l"], row["unique_id_r"])))
        for row in _predict(prepared_rows(path), model, threshold)
    }
    return pairs, time.perf_counter() - started


def scan_file(path: Path, threshold: float) -> list[ScoredPair]:
    """Score a CSV of projects with Splink, trained without labels on the file itself."""
    logging.getLogger("splink").setLevel(logging.ERROR)
    rows = prepared_rows(path)
    linker = Linker(DuckDBAPI().register(rows), settings())
    linker.training.estimate_probability_two_random_records_match(
        [block_on("title", "locality"), block_on("title", "authority")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("locality", "country"), block_on("title")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    model = linker.misc.save_model_to_json()
    return [
        ScoredPair(
            *sorted((str(row["unique_id_l"]), str(row["unique_id_r"]))),
            float(row["match_probability"]),
            ("score Splink",),
        )
        for row in _predict(rows, model, threshold)
    ]
