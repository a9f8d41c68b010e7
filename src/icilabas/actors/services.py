"""Writes of the actors domain. Names of organisations and partner authorities appear in the
search documents of their partnerships and projects, which are re-indexed when they change."""

from collections.abc import Mapping

from django.db import transaction

from icilabas.cooperation.models import Partnership, Project
from icilabas.cooperation.services import reindex
from icilabas.core.permissions import require_edit, require_staff
from icilabas.core.services import create_record, update_record

from .models import ForeignAuthority, Organisation, Person, PersonalDataAccess


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


def _log(person: Person, *, user, action: str) -> None:
    PersonalDataAccess.objects.create(person=person, user=user, action=action)


def export_person_data(*, person: Person, user) -> dict:
    """Everything the registry holds about a person, history included; the access is logged."""
    require_edit(user, person)
    _log(person, user=user, action=PersonalDataAccess.Action.EXPORT)
    fields = ("first_name", "last_name", "email", "phone", "notes", "public_consent")
    return {
        "personne": {name: getattr(person, name) for name in fields}
        | {"consent_on": person.consent_on.isoformat() if person.consent_on else None},
        "fonctions": [
            {
                "organisation": str(position.organisation),
                "fonction": position.title,
                "role": position.get_role_display(),
                "debut": position.start_on.isoformat() if position.start_on else None,
                "fin": position.end_on.isoformat() if position.end_on else None,
            }
            for position in person.positions.select_related("organisation")
        ],
        "historique": [
            {
                "date": version.history_date.isoformat(),
                "modification": version.history_change_reason or "",
                **{name: getattr(version, name) for name in fields},
            }
            for version in person.history.order_by("history_date")
        ],
    }


ERASED = {"first_name": "Personne", "email": "", "phone": "", "notes": ""}


@transaction.atomic
def erase_person(*, person: Person, user) -> Person:
    """Anonymise the person and every earlier version of her record; her roles stay, nameless."""
    require_staff(user)
    values = {**ERASED, "last_name": f"effacée n° {person.pk}", "public_consent": False}
    update_record(person, user=user, data=values, reason="Effacement des données personnelles")
    Person.history.filter(id=person.pk).update(**values, consent_on=None)
    Person.all_objects.filter(pk=person.pk).update(consent_on=None)
    _log(person, user=user, action=PersonalDataAccess.Action.ERASURE)
    person.refresh_from_db()
    return person
