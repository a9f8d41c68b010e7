"""Duplicate detection benchmark: quality (pairs precision, recall, F1; blocking's pairs
completeness and reduction ratio) and speed, with Splink on DuckDB as the baseline in the same
run when it is installed.

    python benchmarks/dedup/run.py --projects 10000
"""

import argparse
import csv
import os
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")


def truth_pairs(path: Path) -> set[tuple[str, str]]:
    members = defaultdict(list)
    with open(path, encoding="utf-8") as f:
        for row in csv.DictReader(f):
            members[row["cluster"]].append(row["id"])
    return {tuple(sorted(p)) for ids in members.values() for p in combinations(ids, 2)}


def quality(found: set, truth: set) -> dict:
    hits = len(found & truth)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "pairs": len(found)}


def run_ours(path: Path, threshold: float):
    from icilabas.matching.csvio import read_records
    from icilabas.matching.scan import candidate_pairs, scan

    started = time.perf_counter()
    records = read_records(path)
    pairs, stats = scan(records, threshold=threshold)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # whole process
    left, right = candidate_pairs(records)
    candidates = {
        tuple(sorted((records[i].id, records[j].id)))
        for i, j in zip(left.tolist(), right.tolist(), strict=True)
    }
    return pairs, candidates, stats, elapsed, peak


def print_sweep(pairs, truth: set) -> None:
    """What another threshold would give: is there one meeting every target at once?"""
    print(f"{'threshold':>9}{'precision':>10}{'recall':>8}{'F1':>7}")
    for tenth in range(1, 10):
        found = {(p.id_a, p.id_b) for p in pairs if p.probability >= tenth / 10}
        q = quality(found, truth)
        print(f"{tenth / 10:>9.1f}{q['precision']:>10.4f}{q['recall']:>8.4f}{q['f1']:>7.4f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=10_000)
    parser.add_argument("--twinnings", type=int, default=3_000)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--seed", type=int, default=2011, help="2011 is tuned on; keep 4242 unseen")
    parser.add_argument("--harsh", action="store_true", help="the harsh generator (labelled.py)")
    parser.add_argument("--input", type=Path, help="a labelled CSV (with a cluster column)")
    parser.add_argument("--no-splink", action="store_true")
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="also print precision, recall and F1 of our scan at thresholds 0.1 to 0.9",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from benchmarks.dedup import labelled

    path = args.input
    if path is None:
        name = f"labelled-{args.projects}{'-harsh' if args.harsh else ''}-s{args.seed}.csv"
        path = ROOT / "var" / "bench" / "dedup" / name
        if not path.exists():
            rows = labelled.build(args.projects, args.seed, args.twinnings, harsh=args.harsh)
            labelled.write(rows, path)
    truth = truth_pairs(path)
    scan_threshold = min(args.threshold, 0.1) if args.sweep else args.threshold
    pairs, candidates, stats, elapsed, peak = run_ours(path, scan_threshold)
    found = {(p.id_a, p.id_b) for p in pairs if p.probability >= args.threshold}
    ours = quality(found, truth)
    completeness = len(candidates & truth) / len(truth) if truth else 1.0
    print(
        f"\nDuplicate detection — {stats['records']} records, {len(truth)} true pairs ({path.name})"
    )
    print(f"{'engine':<22}{'precision':>10}{'recall':>8}{'F1':>7}{'seconds':>9}{'peak RSS MB':>12}")
    print(
        f"{'icilabas':<22}{ours['precision']:>10.4f}{ours['recall']:>8.4f}{ours['f1']:>7.4f}"
        f"{elapsed:>9.1f}{peak / 2**20:>12.0f}"
    )
    print(
        f"blocking: {stats['candidate_pairs']} candidate pairs, pairs completeness "
        f"{completeness:.4f}, reduction ratio {stats['reduction_ratio']:.6f}"
    )
    if args.sweep:
        print_sweep(pairs, truth)
    if not args.no_splink:
        try:
            from icilabas.matching import splink_engine as splink_baseline
        except ImportError as error:
            print(f"Splink baseline skipped: {error}")
        else:
            # Trained on labels (its m from the truth) of a file made like the one scored.
            suffix = "-harsh" if args.harsh else ""
            train_path = ROOT / "var" / "bench" / "dedup" / f"splink-train{suffix}.csv"
            if not train_path.exists():
                labelled.write(labelled.build(5000, 7, 2000, harsh=args.harsh), train_path)
            splink_found, splink_elapsed = splink_baseline.run(path, args.threshold, train_path)
            theirs = quality(splink_found, truth)
            print(
                f"{'splink (duckdb)':<22}{theirs['precision']:>10.4f}{theirs['recall']:>8.4f}"
                f"{theirs['f1']:>7.4f}{splink_elapsed:>9.1f}{'':>9}"
            )
            print(f"speed: icilabas takes {elapsed / splink_elapsed:.2f}x Splink's time")
    missed = sorted(truth - found)[:5]
    wrong = sorted(found - truth)[:5]
    print(f"examples missed: {missed}\nexamples wrong: {wrong}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
