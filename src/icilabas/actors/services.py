"""Writes of the actors domain. Names of organisations and partner authorities appear in the
search documents of other records (partnerships, projects), re-indexed when they change."""

import logging
import secrets
from collections.abc import Mapping

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from icilabas.core import search
from icilabas.core.mail import in_site_language, send_after_commit
from icilabas.core.permissions import require_edit, require_staff
from icilabas.core.services import create_record, update_record

from .models import ForeignAuthority, Involvement, Organisation, Person, PersonalDataAccess

logger = logging.getLogger(__name__)


class OrganisationServices:
    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(organisation, *, user, data: Mapping, reason: str = "Modification") -> Organisation:
        organisation = update_record(organisation, user=user, data=data, reason=reason)
        search.index_documents_showing(organisation)
        return organisation


class ForeignAuthorityServices:
    create = staticmethod(create_record)

    @staticmethod
    @transaction.atomic
    def update(authority, *, user, data: Mapping, reason: str = "Modification") -> ForeignAuthority:
        authority = update_record(authority, user=user, data=data, reason=reason)
        search.index_documents_showing(authority)
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


@transaction.atomic
def offer_involvement(
    *,
    organisation: Organisation,
    name: str,
    email: str,
    ways: list[str],
    phone: str = "",
    commune=None,
    message: str = "",
) -> Involvement:
    """A visitor offers her help. She consented on the form (the time is kept); she receives
    the link that erases her offer, and the organisation's public address is told."""
    involvement = Involvement(
        organisation=organisation,
        name=name,
        email=email,
        phone=phone,
        commune=commune,
        ways=[way for way in Involvement.Way.values if way in ways],
        message=message,
        consent_at=timezone.now(),
        erase_key=secrets.token_urlsafe(32),
    )
    involvement.full_clean()
    involvement.save()
    erase_link = settings.SITE_URL.rstrip("/") + reverse(
        "portal:involvement_erase", args=[involvement.erase_key]
    )
    wishes = "\n".join(f"- {label}" for label in involvement.get_ways_display())
    send_after_commit(
        subject=_("Votre proposition à %(organisation)s") % {"organisation": organisation.name},
        message=_(
            "Bonjour %(name)s,\n\nVotre proposition a été transmise à %(organisation)s, qui "
            "vous répondra directement :\n%(wishes)s\n\nPour effacer vos coordonnées à tout "
            "moment : %(link)s"
        )
        % {"name": name, "organisation": organisation.name, "wishes": wishes, "link": erase_link},
        to=[email],
    )
    with in_site_language():  # to the organisation, whatever the visitor's language
        send_after_commit(
            subject=_("Une personne souhaite s'impliquer avec %(organisation)s")
            % {"organisation": organisation.name},
            message=_(
                "%(name)s souhaite s'impliquer :\n%(wishes)s\n\nSes coordonnées et son message "
                "sont dans « Mon espace » de la plateforme : %(link)s"
            )
            % {
                "name": name,
                "wishes": wishes,
                "link": settings.SITE_URL.rstrip("/") + reverse("members:home"),
            },
            to=[organisation.email],
        )
    logger.info(
        "proposition d'engagement #%s pour %s",
        involvement.pk,
        organisation.pk,
        extra={"action": "engagement proposé", "object_id": involvement.pk},
    )
    return involvement


def mark_involvement_answered(*, involvement: Involvement, user) -> Involvement:
    require_edit(user, involvement.organisation)
    involvement.answered_at = timezone.now()
    involvement.save(update_fields=["answered_at"])
    return involvement


def erase_involvement(*, involvement: Involvement, user=None) -> None:
    """Gone for good, without history: from her link (no user) or by the organisation's
    editors."""
    if user is not None:
        require_edit(user, involvement.organisation)
    logger.info(
        "proposition d'engagement #%s effacée",
        involvement.pk,
        extra={"action": "engagement effacé", "object_id": involvement.pk},
    )
    involvement.delete()
