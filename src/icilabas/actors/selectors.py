"""Reads that span several models, kept out of views so the API and exports reuse them."""

from django.db.models import F, OuterRef, Subquery

from icilabas.core.models import Publication
from icilabas.core.permissions import visible

from .models import Organisation, Person, Position


def organisation_positions(*, organisation: Organisation, viewer):
    return (
        Position.objects.filter(
            organisation=organisation, person__in=visible(Person.objects.all(), viewer)
        )
        .select_related("person")
        .order_by("-end_on", "person__last_name")
    )


def people_with_position(people):
    """People with their current (else latest) position: `organisation_name` (published
    organisations only, as every reader may see the list) and `position_title`."""
    positions = Position.objects.filter(
        person=OuterRef("pk"),
        deleted_at__isnull=True,
        link_accepted=True,
        organisation__publication=Publication.PUBLISHED,
    ).order_by(F("end_on").desc(nulls_first=True), "-pk")
    return people.annotate(
        organisation_name=Subquery(positions.values("organisation__name")[:1]),
        position_title=Subquery(positions.values("title")[:1]),
    )
