"""Query helpers shared by list pages."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from .page_cache import registry_version, visitor_version


def count_subquery(related: QuerySet, link: str) -> Coalesce:
    """Number of `related` rows whose `link` points at the outer row.

    A correlated subquery is computed only for the rows of the page shown, where a JOIN with
    GROUP BY would aggregate the whole table before paginating.
    """
    counted = (
        related.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _stored(kind: str, queryset: QuerySet, compute, empty):
    """`compute()` once per registry version as visitors' pages see it (`visitor_version`:
    while editors keep saving, a lag of at most `PAGE_CACHE_SETTLE_SECONDS`, where each save
    made every list count its rows again), shared by every page and user; keyed by the
    query's SQL, so what a user may see is part of the key. The rows themselves are read live."""
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return empty
    digest = hashlib.sha1(f"{sql}|{params!r}".encode(), usedforsecurity=False).hexdigest()
    return _cached(f"{kind}:{visitor_version()}:{digest}", compute)


def _cached(key: str, compute):
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.PAGE_CACHE_SECONDS)
    return found


def stored_figures(name: str, compute):
    """`compute()` once per registry version and day, for figures drawn from many queries
    that do not depend on who asks (the staff dashboard's counts): one cache read where
    each count would compile its query to find its own key."""
    if not settings.PAGE_CACHE_SECONDS:
        return compute()
    return _cached(
        f"figures:{name}:{registry_version()}:{timezone.localdate().isoformat()}", compute
    )


def stored_count(queryset: QuerySet) -> int:
    """The number of rows (a COUNT over 100,000 rows is most of a page's time on PostgreSQL)."""
    queryset = queryset.order_by()
    return _stored("count", queryset, queryset.count, 0)


def stored_values(queryset: QuerySet, field: str) -> frozenset:
    """The distinct values `field` takes in `queryset` (what a list's filter may offer)."""
    values = queryset.order_by().values_list(field, flat=True).distinct()
    return _stored("values", values, lambda: frozenset(values), frozenset())


class StoredCountPaginator(Paginator):
    """Counts a list's rows once per registry version (`stored_count`): every page of a list,
    and every visitor, shares the count."""

    @cached_property
    def count(self) -> int:
        if not isinstance(self.object_list, QuerySet):
            return super().count
        return stored_count(self.object_list)
