"""Query helpers shared by list pages."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


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
