"""Writes of the actors domain. Names of organisations and partner authorities appear in the
search documents of their partnerships and projects, which are re-indexed when they change."""

from collections.abc import Mapping

from django.db import transaction

from icilabas.cooperation.models import Partnership, Project
from icilabas.cooperation.services import reindex
from icilabas.core.services import create_record, update_record

from .models import ForeignAuthority, Organisation


class OrganisationServices:
    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(organisation, *, user, data: Mapping, reason: str = "Modification") -> Organisation:
        organisation = update_record(organisation, user=user, data=data, reason=reason)
        reindex(
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
        reindex(
            partnerships=Partnership.objects.filter(foreign_authority=authority),
            projects=Project.objects.filter(partnership__foreign_authority=authority),
        )
        return authority
