"""Writes of the cooperation domain. Generic validation and history come from core.services;
what is added here keeps derived data (search documents of dependent records) current."""

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from icilabas.core import contributions, search
from icilabas.core.services import create_record, update_record

from .models import Commitment, Participation, Partnership, Project


def reindex(*, partnerships, projects) -> None:
    """Refresh the search documents of partnerships and projects whose related names changed
    (a partner authority, an organisation, a partnership)."""
    for partnership in partnerships.select_related("foreign_authority").prefetch_related(
        "french_partners"
    ):
        search.index(partnership)
    for project in projects.select_related("partnership__foreign_authority", "primary_theme"):
        search.index(project)


COMMITMENT_FIELDS = {"commitments_here": "ici", "commitments_there": "la_bas"}
MAX_COMMITMENTS = 30  # per side, typed at creation


def commitment_lines(text: str | None, *, field: str) -> list[str]:
    lines = [line.strip(" -•\t") for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > MAX_COMMITMENTS:
        raise ValidationError(
            {
                field: _("Au plus %(max)s engagements par côté ici ; ajoutez les autres ensuite.")
                % {"max": MAX_COMMITMENTS}
            }
        )
    return lines


def add_commitments(
    partnership: Partnership,
    *,
    user,
    commitments: Iterable[tuple[str, str]],
    reason: str = "Création",
    source: str = "",
) -> None:
    """Each (side, text) as a commitment of the partnership, in the order given."""
    for order, (side, text) in enumerate(commitments, start=1):
        create_record(
            Commitment,
            user=user,
            data={
                "partnership": partnership,
                "side": side,
                "text": text,
                "order": order,
                "source": source,
            },
            reason=reason,
        )


class PartnershipServices:
    """A partnership's locality and partners appear in its projects' search documents; its
    form, on creation, also carries each side's commitments (one per line)."""

    @staticmethod
    @transaction.atomic
    def create(model, *, user, data: Mapping, reason: str = "Création") -> Partnership:
        fields = dict(data)
        sides = {
            side: commitment_lines(fields.pop(name, ""), field=name)
            for name, side in COMMITMENT_FIELDS.items()
        }

        def then(partnership):
            add_commitments(
                partnership,
                user=user,
                commitments=[(side, text) for side, lines in sides.items() for text in lines],
                reason=reason,
            )

        return create_record(model, user=user, data=fields, reason=reason, then=then)

    @staticmethod
    @transaction.atomic
    def update(partnership, *, user, data: Mapping, reason: str = "Modification") -> Partnership:
        partnership = update_record(partnership, user=user, data=data, reason=reason)
        search.index_documents_showing(partnership)
        return partnership


class ProjectServices:
    """A project's form also carries its lead organisation, and what the editor said of its
    look-alikes (for the duplicate detection, which registers what to do with it)."""

    @staticmethod
    @transaction.atomic
    def create(model, *, user, data: Mapping, reason: str = "Création") -> Project:
        fields = dict(data)
        later = contributions.take_after_save(model, fields)
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
        contributions.run_after_save(project, user=user, calls=later)
        return project

    @staticmethod
    @transaction.atomic
    def update(project, *, user, data: Mapping, reason: str = "Modification") -> Project:
        fields = dict(data)
        later = contributions.take_after_save(Project, fields)
        fields.pop("lead_organisation", None)
        project = update_record(project, user=user, data=fields, reason=reason)
        contributions.run_after_save(project, user=user, calls=later)
        return project


def note_end_notice(*, partnership: Partnership, day) -> None:
    """Remember that the end of this convention was announced (not a change of the record:
    no history, no new version for its editors)."""
    Partnership.all_objects.filter(pk=partnership.pk).update(end_notice_sent_on=day)
