"""The generic write path every app service builds on.

Each save validates the whole record (so the API, imports and forms get the same errors), records
who changed what and why in the history, and keeps the search index current.
"""

from collections.abc import Mapping
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from . import permissions, search
from .models import Publication, PublishableRecord
from .permissions import require_edit

M = TypeVar("M", bound=models.Model)


def _split_fields(model: type[models.Model], data: Mapping) -> tuple[dict, dict]:
    many = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in many}
    related = {k: v for k, v in data.items() if k in many}
    return plain, related


def _save(instance: M, *, user, reason: str) -> M:
    instance.full_clean()
    instance._change_reason = reason
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.save()
    return instance


def _check_staff_only(instance, data: Mapping, user) -> None:
    if permissions.is_staff(user):
        return
    for name in type(instance).staff_only_fields:
        if name in data and data[name] != getattr(instance, name):
            label = type(instance)._meta.get_field(name).verbose_name
            raise PermissionDenied(f"Seule l'équipe du réseau peut changer « {label} ».")


def _check_still_owned(instance, user) -> None:
    """An editor's record must stay hers: she cannot hand it to another organisation."""
    if not permissions.can_edit(user, instance):
        raise PermissionDenied(
            "Cette fiche doit rester rattachée à l'une de vos organisations "
            "(partenaire français, organisation pilote ou employeur)."
        )


@transaction.atomic
def create_record(model: type[M], *, user, data: Mapping, reason: str = "Création", then=None) -> M:
    """Staff publish at once; an editor's record starts as a draft, unless her organisation is
    trusted. Nothing is kept if the new record does not belong to one of her organisations.

    `then(instance)` adds what ties the new record to its organisation (a project's lead)
    before that check."""
    require_edit(user)
    plain, related = _split_fields(model, data)
    instance = model(**plain)
    _check_staff_only(model(), plain, user)
    if isinstance(instance, PublishableRecord) and permissions.is_active(user):
        instance.created_by = user
        if not permissions.is_staff(user):
            instance.publication = Publication.DRAFT
    _save(instance, user=user, reason=reason)
    for name, values in related.items():
        getattr(instance, name).set(values)
    if then is not None:
        then(instance)
    if not permissions.is_staff(user):
        _check_still_owned(instance, user)
        if isinstance(instance, PublishableRecord) and permissions.is_trusted_for(user, instance):
            _set_publication(instance, Publication.PUBLISHED, user=user, reason="Publication")
    search.index(instance)
    return instance


@transaction.atomic
def update_record(instance: M, *, user, data: Mapping, reason: str = "Modification") -> M:
    require_edit(user, instance)
    _check_staff_only(instance, data, user)
    plain, related = _split_fields(type(instance), data)
    for name, value in plain.items():
        setattr(instance, name, value)
    _save(instance, user=user, reason=reason)
    for name, values in related.items():
        getattr(instance, name).set(values)
    if not permissions.is_staff(user):
        _check_still_owned(instance, user)
    search.index(instance)
    return instance


def _set_publication(instance, state: str, *, user, reason: str) -> None:
    instance.publication = state
    instance._change_reason = reason
    if permissions.is_active(user):
        instance._history_user = user
    instance.save(update_fields=["publication", "updated_at"])


# The publication workflow: (from states, to state, who may, history reason).
TRANSITIONS = {
    "submit": ({Publication.DRAFT}, Publication.SUBMITTED, "owner", "Soumis à validation"),
    "publish": (
        {Publication.DRAFT, Publication.SUBMITTED, Publication.ARCHIVED},
        Publication.PUBLISHED,
        "staff",
        "Publication",
    ),
    "return": (
        {Publication.SUBMITTED, Publication.PUBLISHED},
        Publication.DRAFT,
        "staff",
        "Renvoyé en brouillon",
    ),
    "archive": ({Publication.PUBLISHED}, Publication.ARCHIVED, "owner", "Archivage"),
}


def allowed_transitions(instance, user) -> list[str]:
    if not isinstance(instance, PublishableRecord) or instance.is_deleted:
        return []
    names = []
    for name, (sources, _target, who, _reason) in TRANSITIONS.items():
        if instance.publication not in sources:
            continue
        if who == "staff" and not permissions.is_staff(user):
            continue
        if who == "owner" and not permissions.can_edit(user, instance):
            continue
        names.append(name)
    if "submit" in names and permissions.is_trusted_for(user, instance):
        names[names.index("submit")] = "publish"
    return list(dict.fromkeys(names))


@transaction.atomic
def change_publication(instance: M, *, user, transition: str, note: str = "") -> M:
    """Move a record along the workflow; trusted editors' submissions are published at once."""
    if transition not in allowed_transitions(instance, user):
        if transition not in TRANSITIONS:
            raise PermissionDenied("Action de publication inconnue.")
        require_edit(user, instance)
        raise PermissionDenied("Cette action n'est pas possible pour cette fiche maintenant.")
    _sources, target, _who, reason = TRANSITIONS[transition]
    _set_publication(instance, target, user=user, reason=f"{reason} — {note}" if note else reason)
    search.index(instance)
    return instance


def _set_deleted(instance: M, *, deleted_at, user, reason: str) -> M:
    instance.deleted_at = deleted_at
    instance._change_reason = reason
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.save(update_fields=["deleted_at", "updated_at"])
    return instance


@transaction.atomic
def soft_delete_record(instance: M, *, user, reason: str = "Suppression") -> M:
    """Put the record in the bin: hidden everywhere, restorable, its history kept."""
    require_edit(user, instance)
    _set_deleted(instance, deleted_at=timezone.now(), user=user, reason=reason)
    search.unindex(instance)
    return instance


@transaction.atomic
def restore_record(instance: M, *, user, reason: str = "Restauration") -> M:
    """Take a record out of the bin, unless a live record has taken its name meanwhile."""
    require_edit(user, instance)
    instance.deleted_at = None
    instance.full_clean()
    _set_deleted(instance, deleted_at=None, user=user, reason=reason)
    search.index(instance)
    return instance


# What "restore this version" does not bring back: bookkeeping and the publication state.
NOT_REVERTED = {"id", "created_at", "updated_at", "deleted_at", "created_by", "publication"}


@transaction.atomic
def revert_to_version(instance: M, *, user, history_id: int) -> M:
    """Bring back the field values of an earlier version, as a new change (history kept)."""
    version = instance.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError("Cette version n'existe pas pour cette fiche.")
    data = {
        field.attname: getattr(version, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.name not in NOT_REVERTED
    }
    date = timezone.localtime(version.history_date).strftime("%d/%m/%Y %H:%M")
    return update_record(instance, user=user, data=data, reason=f"Retour à la version du {date}")
