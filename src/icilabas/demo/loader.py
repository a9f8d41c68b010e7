"""Load the seed's world through the services, idempotently (natural keys: names and titles)."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from icilabas.actors.models import ForeignAuthority, Organisation, Person, Position
from icilabas.cooperation.models import (
    ActionStep,
    BudgetLine,
    LocalImpact,
    Participation,
    Partnership,
    Project,
    ProjectLocation,
    SecondaryTheme,
)
from icilabas.cooperation.services import add_commitments
from icilabas.core.permissions import system_account
from icilabas.core.services import create_record, update_record
from icilabas.knowledge.models import (
    ExperienceSheet,
    Guide,
    GuideStep,
    Term,
    TermTranslation,
    TermVariant,
)
from icilabas.meetings import services as meeting_services
from icilabas.meetings.models import (
    FollowUpAction,
    Meeting,
    MinutesSection,
    Quote,
    Registration,
    Session,
    WorkingGroup,
)
from icilabas.members.models import Membership, Role
from icilabas.reference.models import Concept, Departement, Region

from . import knowledge_world, meetings_world, world
from .world import ILLUSTRATIVE

SYSTEM_USERNAME = "icilabas-demo"


def system_user():
    """The author recorded in history for demo data."""
    return system_account(
        username=SYSTEM_USERNAME, first_name="Données", last_name="de démonstration"
    )


def ensure_account(
    *, username: str, password: str, organisation_name: str = "", **names: str
) -> bool:
    """Create a demo account if missing: network staff, or (with an organisation) its editor.
    Returns True when it was created."""
    User = get_user_model()
    if User.objects.filter(username=username).exists():
        return False
    staff = not organisation_name
    user = User.objects.create_user(
        username=username, password=password, is_staff=staff, is_superuser=staff, **names
    )
    if organisation_name:
        organisation = Organisation.objects.get(name=organisation_name)
        Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return True


def _concept(vocabulary: str, code: str | None):
    if not code:
        return None
    return Concept.objects.get(vocabulary__slug=vocabulary, code=code)


def _get_or_create(model, lookup: dict, data: dict, user):
    """Loading again leaves every record as it is, a binned one included: re-creating it
    would keep the original from ever being restored (its name is taken)."""
    existing = model.all_objects.filter(**lookup).order_by("pk").first()
    if existing:
        return existing, False
    return create_record(model, user=user, data=data, reason="Monde de démonstration"), True


def _organisations(user) -> dict[str, Organisation]:
    result = {}
    for spec in world.ORGANISATIONS:
        data = dict(spec)
        if "departement" in data:
            data["departement"] = Departement.objects.get(code=data["departement"])
        if "region" in data:
            data["region"] = Region.objects.get(code=data["region"])
        org, _ = _get_or_create(
            Organisation, {"name": data["name"], "kind": data["kind"]}, data, user
        )
        result[org.name] = org
        if org.acronym:
            result[org.acronym] = org
    return result


def _authorities(user) -> dict[str, ForeignAuthority]:
    result = {}
    for spec in world.FOREIGN_AUTHORITIES:
        authority, _ = _get_or_create(
            ForeignAuthority, {"name": spec["name"], "country": spec["country"]}, spec, user
        )
        result[authority.name] = authority
    return result


def _partnerships(user, orgs, authorities) -> dict[str, Partnership]:
    result = {}
    for spec in world.PARTNERSHIPS:
        data = {k: v for k, v in spec.items() if k != "commitments"}
        data["french_partners"] = [orgs[name] for name in spec["french_partners"]]
        data["foreign_authority"] = authorities[spec["foreign_authority"]]
        if "signed_on" in data:
            data["signed_on"] = date.fromisoformat(data["signed_on"])
        partnership, created = _get_or_create(Partnership, {"title": spec["title"]}, data, user)
        if created:
            add_commitments(
                partnership,
                user=user,
                commitments=spec["commitments"],
                source=world.ILLUSTRATIVE,
            )
        result[partnership.title] = partnership
    return result


def _project_children(project, spec, user, orgs):
    def child(model, **data):
        create_record(model, user=user, data={"project": project, "source": spec["source"], **data})

    for rank, code in enumerate(spec.get("secondary_themes", []), start=1):
        child(SecondaryTheme, theme=_concept("atlas-theme", code), rank=rank)
    for name, role in spec["participations"]:
        child(Participation, organisation=orgs[name], role=role)
    for name, country, lat, lon in spec["locations"]:
        child(ProjectLocation, name=name, country=country, latitude=lat, longitude=lon)
    for label, amount, year, cofinancer in spec["budget"]:
        child(
            BudgetLine,
            label=label,
            amount=Decimal(amount),
            year=year,
            currency="EUR",
            cofinancer=orgs.get(cofinancer) if cofinancer else None,
        )
    for category, text, people, events in spec["impacts"]:
        child(LocalImpact, category=category, text=text, people_reached=people, events_count=events)
    for title, start, end, status in spec["steps"]:
        child(
            ActionStep,
            title=title,
            start_on=date.fromisoformat(start),
            end_on=date.fromisoformat(end),
            status=status,
            owner=project_lead(spec, orgs),
        )


def project_lead(spec, orgs):
    leads = [orgs[name] for name, role in spec["participations"] if role == "pilote"]
    return leads[0] if leads else None


def _projects(user, orgs, partnerships) -> int:
    created_count = 0
    children = {"secondary_themes", "participations", "locations", "budget", "impacts", "steps"}
    for spec in world.PROJECTS:
        data = {k: v for k, v in spec.items() if k not in children}
        if "partnership" in data:
            data["partnership"] = partnerships[data["partnership"]]
        for field in ("start_on", "end_on"):
            if field in data:
                data[field] = date.fromisoformat(data[field])
        data["primary_theme"] = _concept("atlas-theme", spec.get("primary_theme"))
        data["dac_sector"] = _concept("dac-sector", spec.get("dac_sector"))
        data["sdgs"] = [_concept("sdg", code) for code in spec.get("sdgs", [])]
        project, created = _get_or_create(Project, {"title": spec["title"]}, data, user)
        if created:
            _project_children(project, spec, user, orgs)
            created_count += 1
    return created_count


def _people(user, orgs) -> int:
    created_count = 0
    for first, last, org_name, title, role in world.PEOPLE:
        person, created = _get_or_create(
            Person,
            {"first_name": first, "last_name": last},
            {"first_name": first, "last_name": last, "source": world.SEED},
            user,
        )
        if created:
            create_record(
                Position,
                user=user,
                data={
                    "person": person,
                    "organisation": orgs[org_name],
                    "title": title,
                    "role": role,
                    "source": world.SEED,
                },
            )
            created_count += 1
    return created_count


def _glossary(user) -> int:
    """The terms the seed defines or contrasts, with their variants and translations."""
    terms, created_count = {}, 0
    for spec in knowledge_world.TERMS:
        data = {
            "name": spec["name"],
            "definition": spec["definition"],
            "source": spec["source"],
            "status": Term.Status.ADOPTED,
        }
        term, created = _get_or_create(Term, {"name": spec["name"]}, data, user)
        terms[term.name] = (term, created)
        if not created:
            continue
        created_count += 1
        for kind, wording, meaning in spec["variants"]:
            data = {"term": term, "actor_kind": kind, "wording": wording, "meaning": meaning}
            create_record(TermVariant, user=user, data={**data, "source": spec["source"]})
        for language, label in spec["translations"]:
            data = {"term": term, "language": language, "label": label, "source": ILLUSTRATIVE}
            create_record(TermTranslation, user=user, data=data)
    for spec in knowledge_world.TERMS:
        term, created = terms[spec["name"]]
        if created and (spec["related"] or spec["contrasted"]):
            links = {
                "related": [terms[name][0] for name in spec["related"]],
                "contrasted": [terms[name][0] for name in spec["contrasted"]],
            }
            update_record(term, user=user, data=links, reason="Monde de démonstration")
    return created_count


def _sheets(user, orgs) -> int:
    """Experience sheets written from the seed's testimonies."""
    created_count = 0
    for spec in knowledge_world.SHEETS:
        data = {k: v for k, v in spec.items() if k not in ("organisation", "projects")}
        data["organisation"] = orgs[spec["organisation"]]
        data["projects"] = list(Project.all_objects.filter(title__in=spec["projects"]))
        _sheet, created = _get_or_create(ExperienceSheet, {"title": spec["title"]}, data, user)
        created_count += created
    return created_count


def _guide(user) -> int:
    spec = knowledge_world.GUIDE
    data = {k: spec[k] for k in ("title", "introduction", "source")}
    guide, created = _get_or_create(Guide, {"title": spec["title"]}, data, user)
    if created:
        for order, (title, text, checklist, feature) in enumerate(spec["steps"], start=1):
            step = {"guide": guide, "order": order, "title": title, "text": text}
            step |= {"checklist": checklist, "feature": feature, "source": spec["source"]}
            create_record(GuideStep, user=user, data=step)
    return int(created)


PARIS = ZoneInfo("Europe/Paris")


def _at(day: date, hour_minute: tuple[int, int]) -> datetime:
    return datetime.combine(day, time(*hour_minute), tzinfo=PARIS)


def _person(first: str, last: str) -> Person:
    return Person.all_objects.get(first_name=first, last_name=last)


def _study_day(user, orgs) -> Meeting | None:
    """The 10 February 2011 study day: programme, Annexe 2, minutes, what it decided."""
    spec = meetings_world.STUDY_DAY
    if Meeting.all_objects.filter(title=spec["title"]).exists():
        return None
    group = create_record(
        WorkingGroup,
        user=user,
        data={**meetings_world.WORKING_GROUP},
        reason="Monde de démonstration",
    )
    day = date(*spec["day"])
    fields = ("title", "kind", "summary", "description", "venue", "address", "postal_code", "city")
    data = {name: spec[name] for name in fields} | {
        "starts_at": _at(day, spec["hours"][0]),
        "ends_at": _at(day, spec["hours"][1]),
        "working_group": group,
        "source": spec["source"],
    }
    meeting = meeting_services.MeetingServices.create(Meeting, user=user, data=data)
    for start, end, title, text, speakers, organisations in meetings_world.SESSIONS:
        create_record(
            Session,
            user=user,
            data={
                "meeting": meeting,
                "starts_at": _at(day, start),
                "ends_at": _at(day, end),
                "title": title,
                "description": text,
                "speakers": [_person(*name) for name in speakers],
                "speaker_organisations": [orgs[name] for name in organisations],
                "source": meetings_world.SEED_TIMES,
            },
        )
    attending = Registration.Attending
    for first, last, org_name, title, _role in world.PEOPLE:
        if org_name == meetings_world.ORGANISERS_FROM:
            attending_as = attending.ORGANISER
        elif (first, last) in meetings_world.SPEAKERS:
            attending_as = attending.SPEAKER
        else:
            attending_as = attending.PARTICIPANT
        meeting_services.add_attendee(
            meeting=meeting,
            user=user,
            person=_person(first, last),
            organisation=orgs[org_name],
            role=title,
            attending_as=attending_as,
            present=True,
        )
    group.organisations.set(
        {
            orgs[org]
            for _f, _l, org, _t, _r in world.PEOPLE
            if orgs[org].kind in Organisation.LOCAL_AUTHORITY_KINDS
        }
    )
    for order, (title, kind, text, quotes) in enumerate(meetings_world.MINUTES, start=1):
        section = create_record(
            MinutesSection,
            user=user,
            data={
                "meeting": meeting,
                "order": order,
                "kind": kind,
                "title": title,
                "text": text,
                "source": world.SEED,
            },
        )
        for speaker, organisation, words in quotes:
            person = _person(*speaker) if isinstance(speaker, tuple) else None
            create_record(
                Quote,
                user=user,
                data={
                    "section": section,
                    "speaker": person,
                    "speaker_name": f"{person.first_name} {person.last_name}"
                    if person
                    else speaker,
                    "organisation": orgs.get(organisation),
                    "text": words,
                    "source": world.SEED,
                },
            )
    today = timezone.localdate()
    for what, organisation, status, progress, due_in, source in meetings_world.ACTIONS:
        create_record(
            FollowUpAction,
            user=user,
            data={
                "meeting": meeting,
                "working_group": group,
                "what": what,
                "responsible_organisation": orgs[organisation],
                "status": status,
                "progress": progress,
                "due_on": today + timedelta(days=due_in),
                "source": source,
            },
        )
    return meeting


def _upcoming_meetings(user, group) -> int:
    """Meetings to come, dated from the day the demo is loaded (illustrative)."""
    created = 0
    today = timezone.localdate()
    for spec in meetings_world.UPCOMING:
        if Meeting.all_objects.filter(title=spec["title"]).exists():
            continue
        day = today + timedelta(days=spec["in_days"])
        fields = ("title", "kind", "summary", "venue", "postal_code", "city", "capacity")
        data = {name: spec[name] for name in fields} | {
            "starts_at": _at(day, spec["hours"][0]),
            "ends_at": _at(day, spec["hours"][1]),
            "questions": spec.get("questions", ""),
            "working_group": group if spec["group"] else None,
            "source": ILLUSTRATIVE,
        }
        meeting_services.MeetingServices.create(Meeting, user=user, data=data)
        created += 1
    return created


def _meetings(user, orgs) -> int:
    study_day = _study_day(user, orgs)
    group = WorkingGroup.all_objects.filter(name=meetings_world.WORKING_GROUP["name"]).first()
    return int(study_day is not None) + _upcoming_meetings(user, group)


@transaction.atomic
def load_demo_world() -> dict[str, int]:
    user = system_user()
    orgs = _organisations(user)
    authorities = _authorities(user)
    partnerships = _partnerships(user, orgs, authorities)
    return {
        "organisations": Organisation.objects.count(),
        "autorités partenaires": len(authorities),
        "partenariats": len(partnerships),
        "nouveaux projets": _projects(user, orgs, partnerships),
        "nouvelles personnes": _people(user, orgs),
        "nouveaux termes du glossaire": _glossary(user),
        "nouvelles fiches d'expérience": _sheets(user, orgs),
        "nouveaux guides": _guide(user),
        "nouvelles rencontres": _meetings(user, orgs),
    }
