"""Mon espace and the searchable pickers at scale (issue 21), in-process, beside the framework
floor measured in the same run.

    python benchmarks/my_space.py --database-url postgres://postgres@127.0.0.1:5432/icilabas_bench

The registry is generated once (`benchmarks/run.py`'s `prepare`, 100,000 projects by default).
Mon espace is asked for by a staff account and by an editor of the organisation carrying the
most projects, 20 of them made drafts and 20 others, with 5 of her partnerships, left
unconfirmed for 400 days (so that each list of her page is full); the pickers' suggestions
for organisations and partnerships with a few typical words. Every request is rendered (Mon
espace is never stored: it is hers). Each URL is asked for 3 times to warm up, then
`--repeat` times; the table gives the median and the 95th percentile. Targets: Mon espace
≤ 50 ms, suggestions p95 ≤ 50 ms.
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src")]

from benchmarks.run import BENCH_DIR, prepare  # noqa: E402

TARGET_MS = 50
WORDS = ["ville", "comm", "jumelage bor", "asso", "kayes", "dakar", "sol", "mbour"]


def _timings(client, url: str, repeat: int) -> list[float]:
    for _ in range(3):
        assert client.get(url).status_code == 200, url
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, url
    return timings


def _accounts():
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from icilabas.actors.models import Organisation
    from icilabas.members.models import Membership, Role

    users = get_user_model()
    staff, _ = users.objects.get_or_create(username="bench-staff", defaults={"is_staff": True})
    editor, _ = users.objects.get_or_create(username="bench-editor")
    busiest = (
        Organisation.objects.annotate(n=Count("partnerships__projects"))
        .order_by("-n", "pk")
        .first()
    )
    Membership.objects.get_or_create(
        user=editor, organisation=busiest, defaults={"role": Role.EDITOR}
    )
    _give_her_work(busiest)
    return staff, editor, busiest


def _give_her_work(organisation) -> None:
    """Every section of her page full: the generator publishes everything and dates it
    today, so 20 of her projects become drafts and 20 others, with 5 of her partnerships,
    published records nobody confirmed for 400 days (every list shows its 15)."""
    from datetime import timedelta

    from django.utils import timezone

    from icilabas.cooperation.models import Partnership, Project
    from icilabas.core.models import Publication

    long_ago = timezone.now() - timedelta(days=400)
    projects = list(
        Project._base_manager.filter(partnership__french_partners=organisation)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    Project._base_manager.filter(pk__in=projects[:20]).update(publication=Publication.DRAFT)
    Project._base_manager.filter(pk__in=projects[20:40]).update(
        publication=Publication.PUBLISHED, updated_at=long_ago, confirmed_at=None
    )
    partnerships = organisation.partnerships.order_by("pk").values_list("pk", flat=True)[:5]
    Partnership._base_manager.filter(pk__in=list(partnerships)).update(
        publication=Publication.PUBLISHED, updated_at=long_ago, confirmed_at=None
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=f"sqlite:///{BENCH_DIR / 'bench.sqlite3'}")
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    data = prepare(args.database_url, args.projects, str(BENCH_DIR / "cache"))

    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    settings.ALLOWED_HOSTS.append("testserver")  # the test client's host
    staff, editor, busiest = _accounts()
    print(
        f"{data['projects']:,} projects on {connection.vendor}; editor of «{busiest}»", flush=True
    )
    rows = []
    anonymous = Client()
    rows.append(("framework floor (bare view)", _timings(anonymous, "/bench/floor", args.repeat)))
    for label, user in (("Mon espace, staff", staff), ("Mon espace, editor", editor)):
        client = Client()
        client.force_login(user)
        rows.append((label, _timings(client, reverse("members:home"), args.repeat)))
    client = Client()
    client.force_login(editor)
    for model in ("actors.Organisation", "cooperation.Partnership"):
        url = reverse("picker_options", args=[model])
        timings = []
        for word in WORDS:
            timings += _timings(client, f"{url}?q={word}", max(3, args.repeat // len(WORDS)))
        rows.append((f"picker suggestions, {model}", timings))

    print("\n| page | median ms | p95 ms | target |\n|---|---:|---:|---|")
    for label, timings in rows:
        p95 = statistics.quantiles(timings, n=20)[18]
        target = (
            "" if "floor" in label else f"≤ {TARGET_MS} ms" + (" p95" if "picker" in label else "")
        )
        print(f"| {label} | {statistics.median(timings):.1f} | {p95:.1f} | {target} |")


if __name__ == "__main__":
    main()
