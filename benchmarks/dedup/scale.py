"""Duplicate detection at scale: `icilabas dedup scan` on about a million records, its wall time
and peak memory, beside the same command on a tenth of the file (the baseline, in the same run).

    make bench-dedup-scale        # = python benchmarks/dedup/scale.py --projects 725000
    python benchmarks/dedup/scale.py --projects 650000 --harsh --seed 4242
    python benchmarks/dedup/scale.py --projects 70000

The labelled file comes from labelled.py (kept under var/bench/dedup/). Each scan runs as the
command a user would type, in a child process: its time is from the CSV read to the pairs
written, its peak RSS is the child's own. Quality (pairs precision, recall, F1) is computed
afterwards from the pairs file against the truth.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
BENCH = ROOT / "var" / "bench" / "dedup"
TIME_TARGET_S = 300
MEMORY_TARGET_MB = 4096


def scan(path: Path, output: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one `icilabas dedup scan` (the parent stays small: Linux
    keeps the RSS a child had at fork as the start of its peak)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    started = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "icilabas.cli",
            "dedup",
            "scan",
            "--input",
            str(path),
            "--output",
            str(output),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    _pid, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"the scan of {path.name} failed")
    return elapsed, usage.ru_maxrss / 1024


def head(path: Path, share: float) -> Path:
    """The first share of the file's rows (whole clusters are not guaranteed: quality is only
    reported for the full file)."""
    target = path.with_name(f"{path.stem}-head.csv")
    with open(path, encoding="utf-8") as source:
        lines = source.readlines()
    keep = 1 + int((len(lines) - 1) * share)
    target.write_text("".join(lines[:keep]), encoding="utf-8")
    return target


def read_pairs(path: Path) -> set[tuple[str, str]]:
    with open(path, encoding="utf-8") as f:
        return {(row["id_a"], row["id_b"]) for row in csv.DictReader(f)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=725_000)
    parser.add_argument("--twinnings", type=int, default=8_000)
    parser.add_argument("--harsh", action="store_true", help="the harsh generator (labelled.py)")
    parser.add_argument("--seed", type=int, default=2011)
    args = parser.parse_args()

    from benchmarks.dedup import labelled
    from benchmarks.dedup.run import quality, truth_pairs

    BENCH.mkdir(parents=True, exist_ok=True)
    harsh = "-harsh" if args.harsh else ""
    path = BENCH / f"labelled-{args.projects}-{args.twinnings}{harsh}-s{args.seed}.csv"
    if not path.exists():  # in another process: a child's peak RSS counts its parent's at fork
        print(f"Writing the labelled file {path.name}…", flush=True)
        subprocess.run(
            [
                sys.executable,
                str(Path(labelled.__file__)),
                f"--projects={args.projects}",
                f"--twinnings={args.twinnings}",
                f"--seed={args.seed}",
                f"--output={path}",
                *(["--harsh"] if args.harsh else []),
            ],
            check=True,
        )
    with open(path, encoding="utf-8") as f:
        records = sum(1 for _ in f) - 1

    tenth = head(path, 0.1)
    base_seconds, base_mb = scan(tenth, BENCH / "scale-pairs-head.csv")
    seconds, peak_mb = scan(path, BENCH / "scale-pairs.csv")
    result = quality(read_pairs(BENCH / "scale-pairs.csv"), truth_pairs(path))

    print(f"\nDuplicate detection at scale — `icilabas dedup scan` on {path.name}")
    print(f"{'input':<28}{'records':>10}{'seconds':>9}{'peak RSS MB':>13}")
    print(f"{'baseline: first tenth':<28}{records // 10:>10}{base_seconds:>9.1f}{base_mb:>13.0f}")
    print(f"{'whole file':<28}{records:>10}{seconds:>9.1f}{peak_mb:>13.0f}")
    print(
        f"growth: {seconds / base_seconds:.1f}x the time and {peak_mb / base_mb:.1f}x the memory "
        "for 10x the records"
    )
    print(
        f"quality: precision {result['precision']:.4f}, recall {result['recall']:.4f}, "
        f"F1 {result['f1']:.4f} ({result['pairs']} pairs)"
    )
    missed = []
    if seconds > TIME_TARGET_S:
        missed.append(f"{seconds:.0f} s > {TIME_TARGET_S} s")
    if peak_mb > MEMORY_TARGET_MB:
        missed.append(f"{peak_mb:.0f} MB > {MEMORY_TARGET_MB} MB")
    print("Targets met." if not missed else "Targets missed: " + "; ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
