"""Writes of the cooperation domain. Generic validation and history come from core.services;
what is added here keeps derived data (search documents of dependent records) current."""

from collections.abc import Mapping

from django.db import transaction

from icilabas.core import search
from icilabas.core.services import create_record, update_record
from icilabas.matching.services import record_decisions

from .models import Participation, Partnership, Project


def reindex(*, partnerships, projects) -> None:
    """Refresh the search documents of partnerships and projects whose related names changed
    (a partner authority, an organisation, a partnership)."""
    for partnership in partnerships.select_related("foreign_authority").prefetch_related(
        "french_partners"
    ):
        search.index(partnership)
    for project in projects.select_related("partnership__foreign_authority", "primary_theme"):
        search.index(project)


class PartnershipServices:
    """A partnership's locality and partners appear in its projects' search documents."""

    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(partnership, *, user, data: Mapping, reason: str = "Modification") -> Partnership:
        partnership = update_record(partnership, user=user, data=data, reason=reason)
        reindex(
            partnerships=Partnership.objects.none(),
            projects=Project.objects.filter(partnership=partnership),
        )
        return partnership


class ProjectServices:
    """A project's form also carries what the editor said of its look-alikes."""

    @staticmethod
    @transaction.atomic
    def create(model, *, user, data: Mapping, reason: str = "Création") -> Project:
        fields, different, related = _split_decisions(data)
        lead = fields.pop("lead_organisation", None)

        def add_lead(project):
            if lead is not None:
                create_record(
                    Participation,
                    user=user,
                    data={"project": project, "organisation": lead, "role": "pilote"},
                    reason=reason,
                )

        project = create_record(model, user=user, data=fields, reason=reason, then=add_lead)
        record_decisions(project=project, user=user, different=different, related=related)
        return project

    @staticmethod
    @transaction.atomic
    def update(project, *, user, data: Mapping, reason: str = "Modification") -> Project:
        fields, different, related = _split_decisions(data)
        fields.pop("lead_organisation", None)
        project = update_record(project, user=user, data=fields, reason=reason)
        record_decisions(project=project, user=user, different=different, related=related)
        return project


def _split_decisions(data: Mapping) -> tuple[dict, list, list]:
    fields = dict(data)
    return fields, list(fields.pop("not_duplicate_of", [])), list(fields.pop("related_to", []))


def note_end_notice(*, partnership: Partnership, day) -> None:
    """Remember that the end of this convention was announced (not a change of the record:
    no history, no new version for its editors)."""
    Partnership.all_objects.filter(pk=partnership.pk).update(end_notice_sent_on=day)
