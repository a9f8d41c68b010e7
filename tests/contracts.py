"""One description per model; test_contracts.py derives CRUD, validation, permission and
history tests from it (in the spirit of NetBox's model test cases, without metaprogramming)."""

from collections.abc import Callable
from dataclasses import dataclass

from . import factories as f


@dataclass(frozen=True)
class ModelCase:
    name: str  # model_name, used in URL names
    namespace: str
    factory: Callable
    valid_post: Callable[[], dict]  # form data creating a record
    edit_field: str  # a text field changed by the update test
    invalid_post: Callable[[], dict]
    invalid_field: str
    invalid_message: str  # a fragment of the French error shown on that field
    has_list: bool = False
    staff_only: bool = False  # the network's own records (its meetings): no organisation owns them

    def __str__(self) -> str:
        return self.name


def _project_post():
    return {
        "title": "Maraîchage à Thiès",
        "status": "en_cours",
        "start_on": "2021-03-01",
        "primary_theme": f.theme("2.1.2").pk,
    }


CASES = [
    ModelCase(
        "organisation",
        "actors",
        f.organisation,
        lambda: {"name": "Ville de Test", "kind": "commune", "insee_code": "33318"},
        "name",
        lambda: {"name": "Ville de Test", "kind": "commune", "siren": "123456789"},
        "siren",
        "clé de contrôle",
        has_list=True,
    ),
    ModelCase(
        "foreignauthority",
        "actors",
        f.foreign_authority,
        lambda: {
            "name": "Commune de Thiès",
            "kind": "municipalite",
            "country": "SN",
            "locality": "Thies",
        },
        "name",
        lambda: {
            "name": "Nulle part",
            "kind": "municipalite",
            "country": "SN",
            "locality": "Zzyzxqwv",
        },
        "locality",
        "introuvable dans le gazetteer",
        has_list=True,
    ),
    ModelCase(
        "person",
        "actors",
        f.person,
        lambda: {"first_name": "Fatou", "last_name": "Ndiaye"},
        "last_name",
        lambda: {"first_name": "Fatou", "last_name": "Ndiaye", "email": "pas-un-courriel"},
        "email",
        "valide",
        has_list=True,
    ),
    ModelCase(
        "position",
        "actors",
        f.position,
        lambda: {
            "person": f.person().pk,
            "organisation": f.organisation().pk,
            "title": "Maire",
            "role": "elu",
        },
        "title",
        lambda: {
            "person": f.person().pk,
            "organisation": f.organisation().pk,
            "title": "Maire",
            "role": "elu",
            "start_on": "2020-01-01",
            "end_on": "2019-01-01",
        },
        "end_on",
        "postérieure à la date de début",
    ),
    ModelCase(
        "partnership",
        "cooperation",
        f.partnership,
        lambda: {
            "title": "Talence – Thiès",
            "french_partners": [f.organisation().pk],
            "foreign_authority": f.foreign_authority().pk,
            "status": "en_cours",
        },
        "title",
        lambda: {
            "title": "Talence – Thiès",
            "french_partners": [f.organisation().pk],
            "foreign_authority": f.foreign_authority().pk,
            "status": "en_cours",
            "signed_on": "2020-05-01",
            "end_on": "2019-05-01",
        },
        "end_on",
        "postérieure à la date de début",
        has_list=True,
    ),
    ModelCase(
        "project",
        "cooperation",
        f.project,
        _project_post,
        "title",
        lambda: {**_project_post(), "end_on": "2020-01-01"},
        "end_on",
        "postérieure à la date de début",
        has_list=True,
    ),
    ModelCase(
        "commitment",
        "cooperation",
        f.commitment,
        lambda: {
            "partnership": f.partnership().pk,
            "side": "la_bas",
            "text": "Mettre à disposition un local",
            "status": "prevu",
            "order": 0,
        },
        "text",
        lambda: {"partnership": f.partnership().pk, "side": "ailleurs", "text": "x", "order": 0},
        "side",
        "Sélectionnez un choix valide",
    ),
    ModelCase(
        "partnershipdocument",
        "cooperation",
        f.partnership_document,
        lambda: {
            "partnership": f.partnership().pk,
            "title": "Avenant",
            "url": "https://example.org/avenant.pdf",
        },
        "title",
        lambda: {"partnership": f.partnership().pk, "title": "Avenant sans fichier"},
        "url",
        "Joignez un fichier",
    ),
    ModelCase(
        "secondarytheme",
        "cooperation",
        f.secondary_theme,
        lambda: {"project": f.project().pk, "theme": f.theme("4.2").pk, "rank": 1},
        "rank",
        lambda: {
            "project": f.project(primary_theme=f.theme("3.3")).pk,
            "theme": f.theme("3.3").pk,
            "rank": 1,
        },
        "theme",
        "déjà la thématique principale",
    ),
    ModelCase(
        "projectlocation",
        "cooperation",
        f.project_location,
        lambda: {"project": f.project().pk, "name": "Kolda", "country": "SN"},
        "name",
        lambda: {
            "project": f.project().pk,
            "name": "Kolda",
            "country": "SN",
            "latitude": "95",
            "longitude": "10",
        },
        "latitude",
        "inférieure ou égale à 90",
    ),
    ModelCase(
        "actionstep",
        "cooperation",
        f.action_step,
        lambda: {"project": f.project().pk, "title": "Restitution", "status": "prevu"},
        "title",
        lambda: {
            "project": f.project().pk,
            "title": "Restitution",
            "status": "prevu",
            "start_on": "2022-06-01",
            "end_on": "2022-05-01",
        },
        "end_on",
        "postérieure à la date de début",
    ),
    ModelCase(
        "participation",
        "cooperation",
        f.participation,
        lambda: {
            "project": f.project().pk,
            "organisation": f.organisation().pk,
            "role": "financeur",
        },
        "role",
        lambda: {
            "project": f.project().pk,
            "organisation": f.organisation().pk,
            "role": "spectateur",
        },
        "role",
        "Sélectionnez un choix valide",
    ),
    ModelCase(
        "budgetline",
        "cooperation",
        f.budget_line,
        lambda: {
            "project": f.project().pk,
            "label": "Formation",
            "amount": "2500,50",
            "currency": "EUR",
            "year": "2023",
        },
        "label",
        lambda: {
            "project": f.project().pk,
            "label": "Formation",
            "amount": "-10",
            "currency": "EUR",
        },
        "amount",
        "ne peut pas être négatif",
    ),
    ModelCase(
        "localimpact",
        "cooperation",
        f.local_impact,
        lambda: {
            "project": f.project().pk,
            "category": "image_rayonnement",
            "text": "Article dans la presse locale",
        },
        "text",
        lambda: {"project": f.project().pk, "category": "autre", "text": "x"},
        "category",
        "Sélectionnez un choix valide",
    ),
]


CASES.append(
    ModelCase(
        "experiencesheet",
        "knowledge",
        f.experience_sheet,
        lambda: {
            "title": "Un chantier de jeunes à Foundiougne",
            "organisation": f.organisation().pk,
            "summary": "Trente jeunes des deux pays reconstruisent un collège.",
            "lessons": "Préparer le chantier avec les jeunes de là-bas.",
        },
        "title",
        lambda: {
            "title": "Sans rien",
            "organisation": f.organisation().pk,
            "summary": "Une fiche vide.",
        },
        "lessons",
        "au moins une rubrique",
        has_list=True,
    )
)
CASES.append(
    ModelCase(
        "sheetdocument",
        "knowledge",
        f.sheet_document,
        lambda: {
            "sheet": f.experience_sheet().pk,
            "title": "Bilan du chantier",
            "url": "https://example.org/bilan.pdf",
        },
        "title",
        lambda: {"sheet": f.experience_sheet().pk, "title": "Sans fichier ni lien"},
        "url",
        "Joignez un fichier",
    )
)

CASES += [
    ModelCase(
        "meeting",
        "meetings",
        f.meeting,
        lambda: {
            "title": "Journée d'échanges",
            "kind": "journee",
            "starts_at": "2031-02-10T10:00",
            "ends_at": "2031-02-10T16:30",
            "time_zone": "Europe/Paris",
            "city": "Pessac",
        },
        "title",
        lambda: {
            "title": "À l'envers",
            "kind": "journee",
            "starts_at": "2031-02-10T16:00",
            "ends_at": "2031-02-10T10:00",
            "time_zone": "Europe/Paris",
        },
        "ends_at",
        "postérieure à la date de début",
        has_list=True,
        staff_only=True,
    ),
    ModelCase(
        "workinggroup",
        "meetings",
        f.working_group,
        lambda: {"name": "Groupe de travail des petites communes", "is_active": "on"},
        "name",
        lambda: {"name": ""},
        "name",
        "obligatoire",
        has_list=True,
        staff_only=True,
    ),
    ModelCase(
        "session",
        "meetings",
        f.session,
        lambda: {
            "meeting": f.meeting().pk,
            "title": "Présentation de l'étude",
            "starts_at": "2031-02-10T10:30",
        },
        "title",
        lambda: {
            "meeting": f.meeting().pk,
            "title": "À l'envers",
            "starts_at": "2031-02-10T11:00",
            "ends_at": "2031-02-10T10:00",
        },
        "ends_at",
        "postérieure à la date de début",
        staff_only=True,
    ),
    ModelCase(
        "minutessection",
        "meetings",
        f.minutes_section,
        lambda: {
            "meeting": f.meeting().pk,
            "order": "1",
            "kind": "partie",
            "title": "Une question en débat",
        },
        "title",
        lambda: {"meeting": f.meeting().pk, "order": "1", "kind": "partie", "title": ""},
        "title",
        "obligatoire",
        staff_only=True,
    ),
    ModelCase(
        "followupaction",
        "meetings",
        f.follow_up_action,
        lambda: {
            "meeting": f.meeting().pk,
            "what": "Organiser une rencontre d'élus",
            "status": "prevu",
            "progress": "0",
        },
        "what",
        lambda: {
            "meeting": f.meeting().pk,
            "what": "Trop avancé",
            "status": "en_cours",
            "progress": "150",
        },
        "progress",
        "inférieure ou égale à 100",
        staff_only=True,
    ),
]


def _project_of(organisation):
    return f.project(partnership=f.partnership(french_partners=[organisation]))


def _authority_of(organisation):
    authority = f.foreign_authority()
    f.partnership(foreign_authority=authority, french_partners=[organisation])
    return authority


def _person_of(organisation):
    person = f.person()
    f.position(person=person, organisation=organisation)
    return person


# How each kind of record comes to belong to an organisation (whose editors may then change it).
OWNED_BY = {
    "organisation": lambda org: org,
    "foreignauthority": _authority_of,
    "person": _person_of,
    "position": lambda org: f.position(organisation=org),
    "partnership": lambda org: f.partnership(french_partners=[org]),
    "project": _project_of,
    "commitment": lambda org: f.commitment(partnership=f.partnership(french_partners=[org])),
    "partnershipdocument": lambda org: f.partnership_document(
        partnership=f.partnership(french_partners=[org])
    ),
    "secondarytheme": lambda org: f.secondary_theme(project=_project_of(org)),
    "projectlocation": lambda org: f.project_location(project=_project_of(org)),
    "actionstep": lambda org: f.action_step(project=_project_of(org)),
    "participation": lambda org: f.participation(project=_project_of(org), organisation=org),
    "budgetline": lambda org: f.budget_line(project=_project_of(org)),
    "localimpact": lambda org: f.local_impact(project=_project_of(org)),
    "experiencesheet": lambda org: f.experience_sheet(organisation=org),
    "sheetdocument": lambda org: f.sheet_document(sheet=f.experience_sheet(organisation=org)),
    # The network's own records: staff only, whatever the organisation.
    "meeting": lambda org: f.meeting(),
    "workinggroup": lambda org: f.working_group(organisations=[org]),
    "session": lambda org: f.session(),
    "minutessection": lambda org: f.minutes_section(),
    "followupaction": lambda org: f.follow_up_action(responsible_organisation=org),
}
assert set(OWNED_BY) == {case.name for case in CASES}
