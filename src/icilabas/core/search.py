"""One small search interface over each engine's own full-text machinery.

Records register a `SearchDocument` provider; services call `index()` / `unindex()` after they
write. `search()` runs FTS5 on SQLite and `french` text search on PostgreSQL, and both see the same
accent-free text, so results agree across engines. A query is widened by the synonyms other apps
register (the glossary's variants), narrowed by facets (country, theme, year), and its hits show
the passage that matched.
"""

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from html import escape
from itertools import combinations

from django.core.cache import cache
from django.db import connection, models
from django.utils.safestring import SafeString, mark_safe

from . import bulk, page_cache
from .models import SearchEntry
from .text import fold, search_terms, stem, words


@dataclass(frozen=True)
class SearchDocument:
    title: str
    summary: str
    body: str
    # Facets: where, on what (the broadest theme) and when the record is about.
    country: str = ""
    theme: str = ""
    year: int | None = None


@dataclass(frozen=True)
class SearchHit:
    kind: str
    kind_label: str
    object_id: int
    title: str
    summary: str
    url: str
    entry_id: int = 0
    excerpt: SafeString = field(default_factory=lambda: mark_safe(""))
    country: str = ""
    theme: str = ""
    year: int | None = None


FACETS = ("country", "theme", "year")
# The text kept for excerpts and indexed: a long attached document is searched on its start.
BODY_CHARS = 100_000


_providers: dict[str, tuple[type[models.Model], str, Callable[[models.Model], SearchDocument]]] = {}
# kind → related records a document reads, fetched once per batch when indexing in bulk
_prefetch: dict[str, tuple[str, ...]] = {}
# kind → {model whose name the document shows: path from the document's model to it}
_shows: dict[str, dict[type[models.Model], str]] = {}
BULK_PREFETCH_BATCH = 500


def register(
    kind: str,
    model: type[models.Model],
    label: str,
    *,
    prefetch: tuple = (),
    shows: dict[type[models.Model], str] | None = None,
):
    """Decorator registering how a model becomes a search document; `prefetch` names what it
    reads of related records, so that indexing thousands costs a few queries per batch;
    `shows` the related records whose names the document holds (re-indexed when they change,
    `index_documents_showing`)."""

    def wrap(func: Callable[[models.Model], SearchDocument]):
        _providers[kind] = (model, label, func)
        _prefetch[kind] = prefetch
        _shows[kind] = shows or {}
        return func

    return wrap


def index_documents_showing(record: models.Model) -> None:
    """Refresh the documents that hold this record's name (a partnership shows its partners'
    names): the app that owns the record need not know the apps whose documents show it."""
    for kind, (model, _label, _func) in _providers.items():
        path = _shows[kind].get(type(record))
        if path:
            for instance in _prefetched(model.objects.filter(**{path: record}).distinct()):
                index(instance)


def _prefetched(instances, *, created: bool = False):
    """The instances, with what their documents read fetched by batch. `created`: records
    just inserted, which have nothing on their many-valued relations yet."""
    batch: list = []
    for instance in instances:
        batch.append(instance)
        if len(batch) == BULK_PREFETCH_BATCH:
            yield from _with_related(batch, created=created)
            batch = []
    yield from _with_related(batch, created=created)


def _with_related(batch: list, *, created: bool = False) -> list:
    by_kind: dict[str, list] = {}
    for instance in batch:
        by_kind.setdefault(kind_of(instance) or "", []).append(instance)
    for kind, same in by_kind.items():
        lookups = _prefetch.get(kind) or ()
        if created:
            lookups = _nothing_related(same, lookups)
        if lookups:
            models.prefetch_related_objects(same, *lookups)
    return batch


def _nothing_related(instances: list, lookups) -> list[str]:
    """Records just created have no row on their many-valued relations: each relation's
    prefetch cache is set to one empty queryset instead of asking the database (Django would
    build a queryset per record and relation, a third of an import batch's time). Returns
    the lookups left to prefetch."""
    model = type(instances[0])
    left, empty = [], {}
    for lookup in lookups:
        relation = model._meta.get_field(lookup.split("__")[0])
        if relation.many_to_many or relation.one_to_many:
            nothing = relation.related_model._base_manager.none()
            nothing._result_cache, nothing._prefetch_done = [], True
            empty[relation.cache_name] = nothing
        else:
            left.append(lookup)
    for instance in instances:
        instance._prefetched_objects_cache = {**empty}
    return left


def kind_of(instance: models.Model) -> str | None:
    for kind, (model, _label, _func) in _providers.items():
        if isinstance(instance, model):
            return kind
    return None


def kind_labels() -> dict[str, str]:
    return {kind: label for kind, (_m, label, _f) in _providers.items()}


def _stems(text: str) -> str:
    return " ".join(stem(w) for w in words(text))


def _entry_values(instance: models.Model, document: SearchDocument) -> dict:
    body = " ".join(" ".join([document.summary, document.body]).split())[:BODY_CHARS]
    # PostgreSQL stems the folded texts itself (`french` configuration); the stems are FTS5's.
    stemmed = connection.vendor == "sqlite"
    return {
        "title": document.title[:300],
        "summary": document.summary[:400],
        "url": instance.get_absolute_url(),
        "body": body,
        "title_text": fold(document.title),
        "body_text": fold(body),
        "title_stems": _stems(document.title) if stemmed else "",
        "body_stems": _stems(body) if stemmed else "",
        "country": (document.country or "")[:2],
        "theme": (document.theme or "")[:200],
        "year": document.year,
    }


def _public(instance: models.Model) -> bool:
    """Only what visitors may see is searchable (drafts are found from their owner's pages)."""
    return getattr(instance, "deleted_at", None) is None and getattr(instance, "is_public", True)


def index(instance: models.Model) -> None:
    kind = kind_of(instance)
    if kind is None:
        return
    if not _public(instance):
        unindex(instance)
        return
    document = _providers[kind][2](instance)
    SearchEntry.objects.update_or_create(
        kind=kind, object_id=instance.pk, defaults=_entry_values(instance, document)
    )


def unindex(instance: models.Model) -> None:
    kind = kind_of(instance)
    if kind is not None:
        SearchEntry.objects.filter(kind=kind, object_id=instance.pk).delete()


def unindex_records(model: type[models.Model], ids: list[int]) -> None:
    """Remove the entries of records about to be deleted in bulk."""
    kind = kind_of(model())
    if kind is not None:
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
        page_cache.registry_changed()


def bulk_index(instances, *, created: bool = False) -> int:
    """Index many records at once (generator, imports, reindex command): one insert per batch.
    `created`: records just inserted (see `_nothing_related`).

    Every bulk write of records ends here, so this is where visitors' stored pages retire."""
    entries = []
    for instance in _prefetched(instances, created=created):
        kind = kind_of(instance)
        if kind is None or not _public(instance):
            continue
        document = _providers[kind][2](instance)
        entries.append(
            SearchEntry(kind=kind, object_id=instance.pk, **_entry_values(instance, document))
        )
    bulk.insert(SearchEntry, entries)
    page_cache.registry_changed()
    return len(entries)


def bulk_reindex(instances: list) -> int:
    """Replace the entries of many records (an import batch): one delete, one insert."""
    by_kind: dict[str, list[int]] = {}
    for instance in instances:
        kind = kind_of(instance)
        if kind is not None:
            by_kind.setdefault(kind, []).append(instance.pk)
    for kind, ids in by_kind.items():
        SearchEntry.objects.filter(kind=kind, object_id__in=ids).delete()
    return bulk_index(instances)


def reindex_all() -> int:
    SearchEntry.objects.all().delete()
    total = 0
    for model, _label, _func in _providers.values():
        total += bulk_index(model.objects.all().iterator(chunk_size=2000))
    return total


# Beyond the records whose title matches, body-only matches are ranked among the first
# CANDIDATE_CAP found: a word present in tens of thousands of descriptions would otherwise have
# every one of them scored on each keystroke.
CANDIDATE_CAP = 2000

# Functions giving other phrasings of a query (the glossary's variants), registered by the apps
# that know them: the kernel knows no domain app.
_synonym_sources: list[Callable[[str], list[str]]] = []


def register_synonyms(source: Callable[[str], list[str]]) -> None:
    if source not in _synonym_sources:
        _synonym_sources.append(source)


@dataclass(frozen=True)
class Query:
    """The words typed (the last one a prefix, for search as you type) and the other phrasings
    that mean the same; a record matching any of them is found."""

    terms: tuple[str, ...]
    synonyms: tuple[tuple[str, ...], ...] = ()
    phrasings: tuple[str, ...] = ()  # the synonyms as written, to tell the reader

    @classmethod
    def of(cls, text: str) -> "Query":
        terms = tuple(search_terms(text))
        widened: dict[tuple[str, ...], str] = {}
        for phrase in (phrase for source in _synonym_sources for phrase in source(text)):
            words = tuple(search_terms(phrase))
            if words and words != terms:
                widened.setdefault(words, phrase)
        return cls(terms, tuple(widened), tuple(widened.values()))

    @property
    def words(self) -> list[str]:
        return list(dict.fromkeys([*self.terms, *(w for s in self.synonyms for w in s)]))

    def sqlite(self) -> str:
        stems = [stem(t) for t in self.terms]
        typed = " ".join(
            f'"{s}"*' if i == len(stems) - 1 else f'"{s}"' for i, s in enumerate(stems)
        )
        if not self.synonyms:
            return typed
        others = ["(" + " ".join(f'"{stem(w)}"' for w in s) + ")" for s in self.synonyms]
        return " OR ".join([f"({typed})", *others])

    def postgresql(self) -> str:
        last = len(self.terms) - 1
        typed = " & ".join(f"{t}:*" if i == last else t for i, t in enumerate(self.terms))
        if not self.synonyms:
            return typed
        others = ["(" + " & ".join(s) + ")" for s in self.synonyms]
        return " | ".join([f"({typed})", *others])


def _where(kinds: list[str] | None, filters: dict | None) -> tuple[str, list]:
    """The SQL narrowing a search to some kinds of record and facet values."""
    clause, params = "", []
    if kinds:
        clause += " AND e.kind IN ({})".format(",".join(["%s"] * len(kinds)))
        params += list(kinds)
    for name, value in (filters or {}).items():
        if name in FACETS and value not in (None, ""):
            clause += f" AND e.{name} = %s"
            params.append(value)
    return clause, params


def _sqlite_ids(cursor, query: Query, where, limit: int) -> list[int]:
    expression = query.sqlite()
    clause, params = where
    ranked_among_candidates = (
        "SELECT id FROM (SELECT e.id AS id, e.title AS title, "
        "bm25(core_searchentry_fts) AS score "
        "FROM core_searchentry_fts f JOIN core_searchentry e ON e.id = f.rowid "
        "WHERE core_searchentry_fts MATCH %s" + clause + " LIMIT %s) "
        "ORDER BY score, title LIMIT %s"
    )
    # As on PostgreSQL, titles are ranked among the first candidates too: scoring every
    # title holding a common word ("santé") took 24 ms at 100,000 projects, 6 ms capped.
    cursor.execute(
        ranked_among_candidates,
        ["{title_stems} : (" + expression + ")", *params, CANDIDATE_CAP, limit],
    )
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < limit:
        cursor.execute(
            ranked_among_candidates, [expression, *params, CANDIDATE_CAP, limit + len(ids)]
        )
        seen = set(ids)
        ids += [row[0] for row in cursor.fetchall() if row[0] not in seen][: limit - len(ids)]
    return ids


def _postgresql_ids(cursor, query: Query, where, limit: int) -> list[int]:
    expression = query.postgresql()
    clause, params = where
    ranked_among_candidates = (
        "SELECT c.id FROM (SELECT e.id, e.title, e.{vector} AS vector FROM core_searchentry e "
        "WHERE e.{vector} @@ to_tsquery('french', %s)" + clause + " LIMIT %s) c "
        "ORDER BY ts_rank(c.vector, to_tsquery('french', %s)) DESC, c.title LIMIT %s"
    )
    # ts_rank reads each vector: ranking every title match of a common word ("jeunes") took
    # 75 ms at 100,000 projects, so titles are capped too (they all contain the words).
    cursor.execute(
        ranked_among_candidates.format(vector="title_vector"),
        [expression, *params, CANDIDATE_CAP, expression, limit],
    )
    ids = [row[0] for row in cursor.fetchall()]
    if len(ids) < limit:
        cursor.execute(
            ranked_among_candidates.format(vector="vector"),
            [expression, *params, CANDIDATE_CAP, expression, limit + len(ids)],
        )
        seen = set(ids)
        ids += [row[0] for row in cursor.fetchall() if row[0] not in seen][: limit - len(ids)]
    return ids


def _matching_ids(query: Query, kinds, filters, limit: int) -> list[int]:
    """Title matches first (ranked), then records matching anywhere."""
    where = _where(kinds, filters)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            return _postgresql_ids(cursor, query, where, limit)
        return _sqlite_ids(cursor, query, where, limit)


def search(
    text: "str | Query",
    *,
    kinds: list[str] | None = None,
    filters: dict | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Records matching every word of `text` (the last one as a prefix) or one of its
    synonyms, within the facet values of `filters`, best first."""
    query = text if isinstance(text, Query) else Query.of(text)
    if not query.terms:
        return []
    ids = _matching_ids(query, kinds, filters, limit)
    entries = SearchEntry.objects.defer("body", "body_text", "body_stems").in_bulk(ids)
    labels = kind_labels()
    return [
        SearchHit(
            kind=e.kind,
            kind_label=labels.get(e.kind, e.kind),
            object_id=e.object_id,
            title=e.title,
            summary=e.summary,
            url=e.url,
            entry_id=e.pk,
            country=e.country,
            theme=e.theme,
            year=e.year,
        )
        for e in (entries[i] for i in ids if i in entries)
    ]


@dataclass(frozen=True)
class Facets:
    """How many hits fall in each kind, country, theme and year; `capped` when the hits were
    cut at the search's limit (the counts are then among the best-ranked ones)."""

    counts: dict[str, list[tuple]]
    capped: bool


def facets(hits: list[SearchHit], *, limit: int) -> Facets:
    """The facets of the hits a search returned: counted in Python, no query of their own (a
    second full-text query cost up to 30 ms on PostgreSQL at 100,000 projects)."""
    counts = {}
    for name in ("kind", *FACETS):
        found = Counter(getattr(h, name) for h in hits if getattr(h, name) not in (None, ""))
        order = (lambda item: -item[0]) if name == "year" else (lambda item: (-item[1], item[0]))
        counts[name] = sorted(found.items(), key=order)
    return Facets(counts, capped=len(hits) >= limit)


EXCERPT_CHARS = 260
# Where a match is looked for in a long text: the excerpt of a 300-page report is its start.
EXCERPT_SCAN_CHARS = 20_000


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    return fold(char)


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` folded as the index folds it, and for each folded character its position in
    `text` (folding may drop accents or turn "œ" into two letters)."""
    if text.isascii():
        return text.lower(), list(range(len(text) + 1))
    pieces, origin = [], []
    for position, char in enumerate(text):
        folded = _fold_char(char)
        pieces.append(folded)
        origin.extend([position] * len(folded))
    origin.append(len(text))
    return "".join(pieces), origin


def highlight(text: str, words: list[str], *, width: int | None = EXCERPT_CHARS) -> SafeString:
    """`text` (or, with `width`, the passage around the first match) as HTML where the words
    found by the query are in <mark>. A word counts when it starts with a query word's stem,
    as the engines match it ("coopérations" for "coopération")."""
    text = text[:EXCERPT_SCAN_CHARS]
    stems = sorted({stem(w) for w in words if len(stem(w)) > 1}, key=len, reverse=True)
    if not text or not stems:
        return mark_safe(escape(text[:width] if width else text))
    folded, origin = _folded(text)
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")[a-z0-9]*")
    found = list(pattern.finditer(folded))
    start, end = 0, len(text)
    if width is not None:
        first = origin[found[0].start()] if found else 0
        start = 0 if first < width // 3 else text.rfind(" ", 0, first - width // 3) + 1
        end = min(len(text), start + width)
        if end < len(text):
            end = max(text.rfind(" ", start, end), first + 1)
    html, last = ["…" if start else ""], start
    for match in found:
        a, b = origin[match.start()], origin[match.end()]
        if a < last or b > end:
            continue
        html += [escape(text[last:a]), "<mark>", escape(text[a:b]), "</mark>"]
        last = b
    html += [escape(text[last:end]), "…" if end < len(text) else ""]
    return mark_safe("".join(html))


def with_excerpts(hits: list[SearchHit], text: "str | Query") -> list[SearchHit]:
    """The hits of one page, each with the passage of its text that matched, highlighted."""
    words = (text if isinstance(text, Query) else Query.of(text)).words
    bodies = dict(
        SearchEntry.objects.filter(id__in=[h.entry_id for h in hits]).values_list("id", "body")
    )
    return [
        replace(hit, excerpt=highlight(bodies.get(hit.entry_id) or hit.summary, words))
        for hit in hits
    ]


TITLE_WORDS = 5
# A word is common in more than 2 % of the titles, and in more than 200 (a small registry has
# no common words: every pair of words is kept).
COMMON_SHARE = 0.02
COMMON_MIN_TITLES = 200
TITLE_COUNTS_SECONDS = 3600


def _title_term_counts(cursor, terms: list[str]) -> tuple[dict[str, int], float]:
    """In how many titles each term appears, and the count above which a term is common."""
    if connection.vendor == "sqlite":
        cursor.execute("SELECT max(rowid) FROM core_searchentry")
        entries = cursor.fetchone()[0] or 0
        stems = {stem(t): t for t in terms}
        marks = ", ".join(["%s"] * len(stems))
        cursor.execute(
            "SELECT term, doc FROM core_searchentry_vocabulary "
            f"WHERE col = 'title_stems' AND term IN ({marks})",
            list(stems),
        )
        found = dict(cursor.fetchall())
        counts = {t: found.get(stem(t), 0) for t in terms}
    else:
        # PostgreSQL keeps no word counts at hand: each term's count is looked up once
        # through the title index, then kept an hour (they move slowly).
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'core_searchentry'")
        entries = max(cursor.fetchone()[0], 0)
        keys = {t: f"search:title-count:{t}" for t in terms}
        stored = cache.get_many(keys.values())
        counts = {t: stored[keys[t]] for t in terms if keys[t] in stored}
        missing = [t for t in terms if t not in counts]
        if missing:
            cursor.execute(
                " UNION ALL ".join(
                    [
                        "SELECT %s, count(*) FROM core_searchentry "
                        "WHERE title_vector @@ to_tsquery('french', %s)"
                    ]
                    * len(missing)
                ),
                [value for t in missing for value in (t, t)],
            )
            counts.update(cursor.fetchall())
            cache.set_many({keys[t]: counts[t] for t in missing}, TITLE_COUNTS_SECONDS)
    return counts, max(entries * COMMON_SHARE, COMMON_MIN_TITLES)


def objects_with_title_words(text: str, *, kind: str, limit: int = 100) -> list[int]:
    """Object ids of `kind` whose title shares at least two meaningful words with `text` (one
    when it has only one), best ranked first. Used to find look-alikes: requiring two shared
    words keeps common words ("eau", "école") from matching half the registry."""
    terms = list(dict.fromkeys(t for t in search_terms(text) if len(t) > 2))
    if not terms:
        return []
    groups = [(terms[0],)]
    with connection.cursor() as cursor:
        if len(terms) > 1:
            counts, common_from = _title_term_counts(cursor, terms)
            # The query has one group per pair of words: a long title keeps its five rarest
            # (most telling) words, 10 pairs rather than 21 for seven words.
            terms = sorted(terms, key=lambda t: (counts[t], -len(t)))[:TITLE_WORDS]
            groups = list(combinations(terms, 2))
            # Two words that thousands of titles share ("appui", "échanges") find thousands
            # of rows to rank and say little: such pairs go, unless nothing else is left.
            groups = [g for g in groups if not all(counts[t] > common_from for t in g)] or groups
        if connection.vendor == "postgresql":
            query = " | ".join("(" + " & ".join(g) + ")" for g in groups)
            cursor.execute(
                "SELECT e.object_id FROM core_searchentry e, to_tsquery('french', %s) q "
                "WHERE e.kind = %s AND e.title_vector @@ q "
                "ORDER BY ts_rank(e.title_vector, q) DESC LIMIT %s",
                [query, kind, limit],
            )
        else:
            expression = " OR ".join(
                "(" + " AND ".join(f'"{stem(t)}"' for t in g) + ")" for g in groups
            )
            cursor.execute(
                "SELECT e.object_id FROM core_searchentry_fts f "
                "JOIN core_searchentry e ON e.id = f.rowid "
                "WHERE core_searchentry_fts MATCH %s AND e.kind = %s "
                "ORDER BY bm25(core_searchentry_fts) LIMIT %s",
                ["{title_stems} : (" + expression + ")", kind, limit],
            )
        return [row[0] for row in cursor.fetchall()]
