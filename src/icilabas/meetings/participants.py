"""Who came, grouped as the network's reports list them (the 2011 study day's Annexe 2):
invited speakers, then participants by kind of authority, then the organising team. Read by
the staff's page, the spreadsheets and the PDF the worker writes."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from icilabas.actors.models import Organisation
from icilabas.core import pdf

from .models import Registration

Kind = Organisation.Kind
GROUPS = (
    (_("Communes"), {Kind.COMMUNE}),
    (_("Intercommunalités / Pays"), {Kind.EPCI, Kind.PNR_PAYS}),
    (_("Conseils départementaux (généraux)"), {Kind.DEPARTEMENT}),
    (_("Conseil régional"), {Kind.REGION}),
)
OTHER_ACTORS = _("Autres acteurs")
SPEAKERS = _("Intervenant·es invité·es")
ORGANISERS = _("Équipe organisatrice")
PDF_FOLDER = "meetings"


@dataclass
class OrganisationLine:
    """One organisation of a group, with its people."""

    name: str
    people: list = field(default_factory=list)


@dataclass
class Group:
    title: str
    organisations: list[OrganisationLine] = field(default_factory=list)


def attendees(meeting):
    """Those with a seat, in name order."""
    return (
        meeting.registrations.filter(status=Registration.Status.CONFIRMED)
        .select_related("organisation")
        .order_by("organisation_name", "last_name", "first_name", "pk")
    )


def _group_title(registration) -> str:
    if registration.attending_as == Registration.Attending.SPEAKER:
        return str(SPEAKERS)
    if registration.attending_as == Registration.Attending.ORGANISER:
        return str(ORGANISERS)
    kind = (
        registration.organisation.kind
        if registration.organisation
        else registration.organisation_kind
    )
    for title, kinds in GROUPS:
        if kind in kinds:
            return str(title)
    return str(OTHER_ACTORS)


def grouped(registrations) -> list[Group]:
    """Speakers first, then the kinds of authority in the seed's order, other actors, and the
    organising team last; within a group, one line per organisation with its people."""
    order = [str(SPEAKERS), *(str(t) for t, _k in GROUPS), str(OTHER_ACTORS), str(ORGANISERS)]
    groups = {title: Group(title) for title in order}
    for registration in registrations:
        group = groups[_group_title(registration)]
        name = registration.organisation_name or "—"
        if not group.organisations or group.organisations[-1].name != name:
            group.organisations.append(OrganisationLine(name))
        group.organisations[-1].people.append(registration)
    return [group for group in groups.values() if group.organisations]


def digest(meeting) -> str:
    """Changes whenever what the list shows changes: the PDF is made again then only."""
    rows = list(
        attendees(meeting).values_list(
            "pk",
            "first_name",
            "last_name",
            "organisation_name",
            "role",
            "attending_as",
            "checked_in_at",
        )
    )
    state = json.dumps([meeting.title, str(meeting.starts_at), rows], default=str)
    return hashlib.sha256(state.encode()).hexdigest()[:16]


def pdf_path(meeting) -> Path:
    return (
        Path(settings.MEDIA_ROOT) / PDF_FOLDER / f"participants-{meeting.pk}-{digest(meeting)}.pdf"
    )


def write_pdf(meeting) -> str:
    """The list as PDF in MEDIA_ROOT/meetings/ (older versions removed)."""
    return pdf.write_pdf(
        template="meetings/participants_pdf.html",
        context={"meeting": meeting, "groups": grouped(attendees(meeting))},
        target=pdf_path(meeting),
    )
