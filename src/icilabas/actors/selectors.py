"""Reads that span several models, kept out of views so the API and exports reuse them."""

from django.db.models import F, OuterRef, Q, Subquery

from icilabas.cooperation.models import LocalImpact, Partnership, Project
from icilabas.core.models import Publication
from icilabas.core.permissions import visible

from .models import ForeignAuthority, Organisation, Person, Position


def organisation_projects(*, organisation: Organisation, viewer=None):
    """Projects the organisation takes part in, or that run under one of its partnerships."""
    return (
        visible(Project.objects.all(), viewer)
        .filter(
            Q(
                participations__organisation=organisation,
                participations__deleted_at__isnull=True,
                participations__link_accepted=True,
            )
            | Q(partnership__french_partners=organisation)
        )
        .distinct()
        .select_related("partnership__foreign_authority", "primary_theme")
        .order_by("-start_on", "title")
    )


def organisation_overview(*, organisation: Organisation, viewer) -> dict:
    projects = organisation_projects(organisation=organisation, viewer=viewer)
    return {
        "partnerships": visible(Partnership.objects.all(), viewer)
        .filter(french_partners=organisation)
        .select_related("foreign_authority")
        .order_by("title"),
        "projects": projects,
        "positions": Position.objects.filter(
            organisation=organisation, person__in=visible(Person.objects.all(), viewer)
        )
        .select_related("person")
        .order_by("-end_on", "person__last_name"),
        "impacts": LocalImpact.objects.filter(project__in=projects.values("pk"))
        .select_related("project")
        .order_by("category"),
    }


def foreign_authority_overview(*, authority: ForeignAuthority, viewer) -> dict:
    partnerships = (
        visible(Partnership.objects.all(), viewer)
        .filter(foreign_authority=authority)
        .prefetch_related("french_partners")
        .order_by("title")
    )
    from icilabas.matching.activity import active_actors

    return {
        "others_here": active_actors(
            country=authority.country.code,
            locality=authority.locality,
            near=(authority.latitude, authority.longitude),
            limit=10,
        ),
        "partnerships": partnerships,
        "projects": visible(Project.objects.all(), viewer)
        .filter(partnership__foreign_authority=authority)
        .select_related("primary_theme")
        .order_by("-start_on", "title"),
    }


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
