"""Writes of the actors domain. Names of organisations and partner authorities appear in the
search documents of their partnerships and projects, which are re-indexed when they change."""

from collections.abc import Mapping

from django.db import transaction

from icilabas.cooperation.models import Partnership, Project
from icilabas.core import search
from icilabas.core.services import create_record, update_record

from .models import ForeignAuthority, Organisation


def reindex_cooperation(*, partnerships, projects) -> None:
    for partnership in partnerships.select_related("foreign_authority").prefetch_related(
        "french_partners"
    ):
        search.index(partnership)
    for project in projects.select_related("partnership__foreign_authority", "primary_theme"):
        search.index(project)


class OrganisationServices:
    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(organisation, *, user, data: Mapping, reason: str = "Modification") -> Organisation:
        organisation = update_record(organisation, user=user, data=data, reason=reason)
        reindex_cooperation(
            partnerships=Partnership.objects.filter(french_partners=organisation),
            projects=Project.objects.none(),
        )
        return organisation


class ForeignAuthorityServices:
    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(authority, *, user, data: Mapping, reason: str = "Modification") -> ForeignAuthority:
        authority = update_record(authority, user=user, data=data, reason=reason)
        reindex_cooperation(
            partnerships=Partnership.objects.filter(foreign_authority=authority),
            projects=Project.objects.filter(partnership__foreign_authority=authority),
        )
        return authority
