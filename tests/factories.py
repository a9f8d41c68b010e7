"""Test data built through the services (the only write path), with the demo system user."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from itertools import count
from zoneinfo import ZoneInfo

from django.utils import timezone

from icilabas.actors.models import ForeignAuthority, Organisation, Person, Position
from icilabas.cooperation.models import (
    ActionStep,
    BudgetLine,
    Commitment,
    LocalImpact,
    Participation,
    Partnership,
    PartnershipDocument,
    Project,
    ProjectLocation,
    SecondaryTheme,
)
from icilabas.core.services import create_record
from icilabas.demo.loader import system_user
from icilabas.knowledge.models import ExperienceSheet, Guide, SheetDocument, Term
from icilabas.meetings.models import FollowUpAction, Meeting, MinutesSection, Session, WorkingGroup
from icilabas.meetings.services import MeetingServices
from icilabas.reference.models import Concept

_sequence = count(1)


def theme(code: str = "3.1.1") -> Concept:
    return Concept.objects.get(vocabulary__slug="atlas-theme", code=code)


def organisation(**data) -> Organisation:
    n = next(_sequence)
    values = {"name": f"Commune test {n}", "kind": "commune", "insee_code": "33063"}
    values.update(data)
    return create_record(Organisation, user=system_user(), data=values)


def foreign_authority(**data) -> ForeignAuthority:
    n = next(_sequence)
    values = {"name": f"Autorité test {n}", "country": "SN", "locality": "Dakar"}
    values.update(data)
    return create_record(ForeignAuthority, user=system_user(), data=values)


def person(**data) -> Person:
    n = next(_sequence)
    values = {"first_name": "Awa", "last_name": f"Diop {n}", "public_consent": True}
    values.update(data)
    return create_record(Person, user=system_user(), data=values)


def position(**data) -> Position:
    values = {"title": "Chargée de mission", "role": "technicien"}
    values.update(data)
    if "person" not in values:
        values["person"] = person()
    if "organisation" not in values:
        values["organisation"] = organisation()
    return create_record(Position, user=system_user(), data=values)


def partnership(**data) -> Partnership:
    n = next(_sequence)
    values = {"title": f"Partenariat test {n}", "status": "en_cours"}
    values.update(data)
    if "foreign_authority" not in values:
        values["foreign_authority"] = foreign_authority()
    if "french_partners" not in values:
        values["french_partners"] = [organisation()]
    return create_record(Partnership, user=system_user(), data=values)


def project(**data) -> Project:
    n = next(_sequence)
    values = {
        "title": f"Projet test {n}",
        "status": "en_cours",
        "start_on": date(2020, 1, 1),
        "primary_theme": theme(),
    }
    values.update(data)
    return create_record(Project, user=system_user(), data=values)


def _child(model, parent_field: str, parent_factory, **data):
    if parent_field not in data:
        data[parent_field] = parent_factory()
    return create_record(model, user=system_user(), data=data)


def commitment(**data) -> Commitment:
    data = {"side": "ici", "text": "Accueillir une délégation", **data}
    return _child(Commitment, "partnership", partnership, **data)


def partnership_document(**data) -> PartnershipDocument:
    data = {"title": "Convention 2024", "url": "https://example.org/convention.pdf", **data}
    return _child(PartnershipDocument, "partnership", partnership, **data)


def secondary_theme(**data) -> SecondaryTheme:
    data = {"theme": theme("4.1"), "rank": 1, **data}
    return _child(SecondaryTheme, "project", project, **data)


def project_location(**data) -> ProjectLocation:
    data = {"name": "Thiès", "country": "SN", **data}
    return _child(ProjectLocation, "project", project, **data)


def action_step(**data) -> ActionStep:
    data = {"title": "Mission de diagnostic", "status": "prevu", **data}
    return _child(ActionStep, "project", project, **data)


def participation(**data) -> Participation:
    data = {"role": "pilote", **data}
    if "organisation" not in data:
        data["organisation"] = organisation()
    return _child(Participation, "project", project, **data)


def budget_line(**data) -> BudgetLine:
    data = {"label": "Forage", "amount": Decimal("1000"), "currency": "EUR", **data}
    return _child(BudgetLine, "project", project, **data)


def local_impact(**data) -> LocalImpact:
    data = {"category": "animation_locale", "text": "Soirée-débat", **data}
    return _child(LocalImpact, "project", project, **data)


def term(**data) -> Term:
    n = next(_sequence)
    values = {"name": f"Terme {n}", "definition": "Une définition.", "status": "adopte"}
    values.update(data)
    return create_record(Term, user=system_user(), data=values)


def experience_sheet(**data) -> ExperienceSheet:
    n = next(_sequence)
    values = {
        "title": f"Fiche {n}",
        "summary": "Ce que nous avons appris.",
        "lessons": "Écouter d'abord la population.",
    }
    values.update(data)
    if "organisation" not in values:
        values["organisation"] = organisation()
    return create_record(ExperienceSheet, user=system_user(), data=values)


def sheet_document(**data) -> SheetDocument:
    data = {"title": "Rapport de mission", "url": "https://example.org/rapport.pdf", **data}
    return _child(SheetDocument, "sheet", experience_sheet, **data)


def guide(**data) -> Guide:
    n = next(_sequence)
    return create_record(Guide, user=system_user(), data={"title": f"Guide {n}", **data})


def in_days(days: int, hour: int = 10) -> datetime:
    """A time `days` from today at `hour` o'clock, Paris time."""
    paris = ZoneInfo("Europe/Paris")
    day = (timezone.now() + timedelta(days=days)).astimezone(paris).date()
    return datetime.combine(day, time(hour), tzinfo=paris)


def meeting(**data) -> Meeting:
    n = next(_sequence)
    values = {
        "title": f"Journée d’échanges {n}",
        "kind": "journee",
        "starts_at": in_days(30, 10),
        "ends_at": in_days(30, 16),
        "venue": "Maison des Suds",
        "city": "Pessac",
        "postal_code": "33600",
    }
    values.update(data)
    return MeetingServices.create(Meeting, user=system_user(), data=values)


def working_group(**data) -> WorkingGroup:
    n = next(_sequence)
    return create_record(WorkingGroup, user=system_user(), data={"name": f"Groupe {n}", **data})


def session(**data) -> Session:
    if "meeting" not in data:
        data["meeting"] = meeting()
    data = {"title": "Accueil", "starts_at": data["meeting"].starts_at, **data}
    return create_record(Session, user=system_user(), data=data)


def minutes_section(**data) -> MinutesSection:
    data = {"title": "Débat", "text": "Les élus hésitent.", **data}
    return _child(MinutesSection, "meeting", meeting, **data)


def follow_up_action(**data) -> FollowUpAction:
    data = {"what": "Organiser une rencontre d’élus", **data}
    return _child(FollowUpAction, "meeting", meeting, **data)
