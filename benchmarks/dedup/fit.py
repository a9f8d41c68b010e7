"""Fit the logistic weights of `icilabas.matching.scan` on a labelled file (IRLS, ridge 1.0),
to be copied into scan.WEIGHTS; evaluate on a file made with another seed.

    python benchmarks/dedup/fit.py --train var/bench/dedup/train.csv
"""

import argparse
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", type=Path, required=True)
    args = parser.parse_args()
    import django

    django.setup()
    from benchmarks.dedup.run import truth_pairs
    from icilabas.matching.csvio import read_records
    from icilabas.matching.scan import WEIGHTS, Rarity, candidate_pairs, signals

    records = read_records(args.train)
    truth = truth_pairs(args.train)
    names = list(WEIGHTS)
    rarity = Rarity(records)
    rows, labels = [], []
    left, right = candidate_pairs(records)
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        found = signals(records[i], records[j], rarity)
        rows.append([1.0] + [found.get(n, 0.0) for n in names])
        labels.append(tuple(sorted((records[i].id, records[j].id))) in truth)
    x, y = np.array(rows), np.array(labels, dtype=float)
    w = np.zeros(x.shape[1])
    for _ in range(50):  # Newton-Raphson (IRLS) with a small ridge
        p = 1 / (1 + np.exp(-x @ w))
        gradient = x.T @ (y - p) - 1.0 * w
        hessian = -(x.T * (p * (1 - p))) @ x - 1.0 * np.eye(len(w))
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    print(f"{len(y)} candidate pairs, {int(y.sum())} true")
    print(f"INTERCEPT = {w[0]:.2f}")
    print("WEIGHTS = {")
    for name, value in zip(names, w[1:], strict=True):
        print(f'    "{name}": {value:.2f},')
    print("}")


if __name__ == "__main__":
    main()
