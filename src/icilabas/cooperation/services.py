"""Writes of the cooperation domain. Generic validation and history come from core.services;
what is added here keeps derived data (search documents of dependent records) current."""

from collections.abc import Mapping

from django.db import transaction

from icilabas.core import search
from icilabas.core.services import create_record, update_record

from .models import Partnership, Project


class PartnershipServices:
    """A partnership's locality and partners appear in its projects' search documents."""

    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(partnership, *, user, data: Mapping, reason: str = "Modification") -> Partnership:
        partnership = update_record(partnership, user=user, data=data, reason=reason)
        for project in Project.objects.filter(partnership=partnership).select_related(
            "partnership__foreign_authority", "primary_theme"
        ):
            search.index(project)
        return partnership
