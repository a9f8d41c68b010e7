"""The glossary linker's cost, beside its baseline measured in the same run.

    python benchmarks/glossary.py

A 5,000-word text (French words drawn with a fixed seed, 2 % of them glossary terms, in
paragraphs, lists, links and code) is rendered 50 times uncached:
- baseline: Markdown to HTML alone (knowledge.markup.render_markdown);
- with the linker: the same, then 500 adopted terms marked (link_terms).
Target (issue #15): the linker adds at most 5 ms per text. No database is needed.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "icilabas.settings")

import django  # noqa: E402

django.setup()

from icilabas.knowledge.markup import Glossary, GlossaryEntry, link_terms, render_markdown  # noqa: E402

WORDS = (
    *("le", "la", "les", "des", "une", "coopération", "projet", "commune", "partenaire"),
    *("jeunes", "santé", "eau", "école", "association", "convention", "échange"),
    *("population", "territoire", "développement", "réciprocité", "formation"),
    *("chantier", "village", "région", "département", "élus", "citoyens", "solidarité"),
)
RUNS = 50


def glossary(count: int, rng: random.Random) -> list[GlossaryEntry]:
    syllables = ["ma", "ri", "co", "pé", "ra", "tion", "dé", "cen", "tra", "li", "sé", "jou"]
    names = set()
    while len(names) < count:
        size = rng.choice((1, 1, 2, 3))
        names.add(
            " ".join("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(size))
        )
    return [
        GlossaryEntry(n, f"/savoirs/glossaire/{i}/", f"Définition de {n}.")
        for i, n in enumerate(sorted(names))
    ]


def text(words: int, terms: list[GlossaryEntry], rng: random.Random) -> str:
    out, paragraph = [], []
    for n in range(words):
        paragraph.append(rng.choice(terms).name if rng.random() < 0.02 else rng.choice(WORDS))
        if n % 120 == 119:
            kind = n // 120 % 4
            line = " ".join(paragraph)
            if kind == 1:
                line = "- " + line
            elif kind == 2:
                line = f"{line} [voir le site](https://example.org/{n})"
            elif kind == 3:
                line = f"{line} `code {paragraph[0]}`"
            out.append(line)
            paragraph = []
    out.append(" ".join(paragraph))
    return "\n\n".join(out)


def timed(function, *args) -> list[float]:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        function(*args)
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    rng = random.Random(2026)
    terms = glossary(500, rng)
    body = text(5000, terms, rng)
    baseline = timed(render_markdown, body)
    index = Glossary.of(terms)  # built once per glossary version in the product
    linked = timed(lambda t: link_terms(render_markdown(t), index), body)
    index_build = timed(Glossary.of, terms)
    marked = link_terms(render_markdown(body), terms).count('class="glossary-term"')
    base_median, linked_median = statistics.median(baseline), statistics.median(linked)
    print(f"text: {len(body.split())} words, {len(terms)} terms, {marked} marked (once each)")
    print(f"baseline, Markdown alone: median {base_median:.1f} ms, max {max(baseline):.1f} ms")
    print(f"with the linker:         median {linked_median:.1f} ms, max {max(linked):.1f} ms")
    print(f"the linker adds:         {linked_median - base_median:.1f} ms (target ≤ 5 ms)")
    print(
        "indexing the terms (once per glossary version):",
        f"{statistics.median(index_build):.1f} ms",
    )


if __name__ == "__main__":
    main()
