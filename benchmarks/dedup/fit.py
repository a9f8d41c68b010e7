"""Estimate the duplicate model on a file, without its labels, and write it as the default
model (used by the live check until a registry scan has estimated the registry's own).

    python benchmarks/dedup/fit.py --input var/bench/dedup/labelled-20000-harsh-s2011.csv \\
        --output src/icilabas/matching/data/default_model.json

Prints the weight, log(m/u), of each level of the comparisons of one field, and of the most
frequent patterns of the fields compared together.
"""

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--input", type=Path, required=True)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    import django

    django.setup()
    from icilabas.matching.csvio import read_records
    from icilabas.matching.model import COMPARISONS, Model, decode
    from icilabas.matching.scan import scan

    _pairs, stats = scan(read_records(args.input))
    model = Model.from_dict(stats["model"])
    print(
        f"{stats['candidate_pairs']} candidate pairs, prior {model.prior:.4f}, "
        f"{model.iterations} iterations"
    )
    for name, fields in COMPARISONS.items():
        if len(fields) == 1:
            weights = " ".join(
                f"{model.weight(name, code):+6.2f}" for code in range(len(model.m[name]))
            )
            print(f"{name:<12}{weights}")
            continue
        print(f"{name} ({', '.join(fields)}), the 8 patterns most frequent among duplicates:")
        for code in sorted(range(len(model.m[name])), key=lambda c: -model.m[name][c])[:8]:
            levels = ", ".join(f"{field} {level}" for field, level in decode(name, code).items())
            weight = model.weight(name, code)
            print(f"  {levels:<44} m {model.m[name][code]:.3f} weight {weight:+6.2f}")
    if args.output:
        args.output.write_text(json.dumps(model.as_dict(), indent=1) + "\n", encoding="utf-8")
        print(f"→ {args.output}")


if __name__ == "__main__":
    main()
