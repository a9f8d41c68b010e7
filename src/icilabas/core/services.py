"""The generic write path every app service builds on.

Each save validates the whole record (so the API, imports and forms get the same errors), records
who changed what and why in the history, and keeps the search index current.
"""

import copy
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import bulk, extraction, files, mail, permissions, search
from .models import (
    VERSION,
    AttachedDocument,
    ImportedRecord,
    PendingChange,
    Publication,
    PublishableRecord,
    SpreadsheetImport,
)
from .permissions import require_edit

logger = logging.getLogger(__name__)
M = TypeVar("M", bound=models.Model)


def _split_fields(model: type[models.Model], data: Mapping) -> tuple[dict, dict]:
    many = {f.name for f in model._meta.many_to_many}
    plain = {k: v for k, v in data.items() if k not in many}
    related = {k: v for k, v in data.items() if k in many}
    return plain, related


def _disk_full_errors(instance) -> dict:
    message = gettext(
        "Le serveur n'a plus de place pour ce fichier : rien n'est enregistré. Réessayez plus "
        "tard, ou prévenez l'équipe du réseau."
    )
    names = [f.name for f in instance._meta.fields if isinstance(f, models.FileField)]
    return {name: message for name in names} or {"__all__": message}


def _save(instance: M, *, user, reason: str) -> M:
    instance.full_clean()
    instance._change_reason = reason
    if user is not None and user.is_authenticated:
        instance._history_user = user
    new_file = isinstance(instance, AttachedDocument) and _file_changed(instance)
    if new_file and not instance.file:
        instance.text = ""
    created = instance.pk is None
    try:
        instance.save()
    except OSError as error:
        if error.errno not in files.DISK_FULL:
            raise
        logger.error("disque plein : %s non enregistré", instance._meta.label_lower)
        raise ValidationError(_disk_full_errors(instance)) from error
    if new_file and instance.file:
        extraction.extract_later(instance)
    logger.info(
        "%s %s #%s",
        "création" if created else "modification",
        instance._meta.label_lower,
        instance.pk,
        extra={
            "action": "création" if created else "modification",
            "model": instance._meta.label_lower,
            "object_id": instance.pk,
            "actor": getattr(user, "pk", None),
            "reason": reason,
        },
    )
    return instance


def _file_changed(document: AttachedDocument) -> bool:
    """Whether the document's file is not the one stored (sent now, replaced or removed)."""
    stored = (
        type(document)._base_manager.filter(pk=document.pk).values_list("file", flat=True).first()
        if document.pk
        else None
    )
    return (document.file.name or "") != (stored or "") or not document.file._committed


def _check_staff_only(instance, data: Mapping, user) -> None:
    if permissions.is_staff(user):
        return
    for name in type(instance).staff_only_fields:
        if name in data and data[name] != getattr(instance, name):
            label = type(instance)._meta.get_field(name).verbose_name
            raise PermissionDenied(
                gettext("Seule l'équipe du réseau peut changer « %(label)s ».") % {"label": label}
            )


def _check_still_owned(instance, user) -> None:
    """An editor's record must stay hers: she cannot hand it to another organisation."""
    if not permissions.can_edit(user, instance):
        raise PermissionDenied(
            gettext(
                "Cette fiche doit rester rattachée à l'une de vos organisations "
                "(partenaire français, organisation pilote ou employeur)."
            )
        )


@transaction.atomic
def create_record(model: type[M], *, user, data: Mapping, reason: str = "Création", then=None) -> M:
    """Staff publish at once; an editor's record starts as a draft, unless her organisation is
    trusted. Nothing is kept if the new record does not belong to one of her organisations.

    `then(instance)` adds what ties the new record to its organisation (a project's lead)
    before that check."""
    require_edit(user)
    if model.staff_only:
        permissions.require_staff(user)
    plain, related = _split_fields(model, data)
    instance = model(**plain)
    _check_staff_only(model(), plain, user)
    if isinstance(instance, PublishableRecord) and permissions.is_active(user):
        instance.created_by = user
        if not permissions.is_staff(user):
            instance.publication = Publication.DRAFT
    _settle_link(instance, user=user, target_changed=True)
    if not isinstance(instance, PublishableRecord) and _reviewed(instance, user):
        instance.pending_change = _propose_addition(instance, user=user, data=plain, reason=reason)
        return instance
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
    _reindex_parent(instance)
    return instance


def _reindex_parent(instance) -> None:
    """A child's text is part of its parent's search document (a project's themes, impacts;
    a meeting's minutes and the quotes within them)."""
    parent = parent_of(instance)
    while parent is not None and not isinstance(parent, PublishableRecord):
        parent = parent_of(parent)
    if parent is not None:
        search.index(parent)


class EditConflict(Exception):
    """The record changed after the editor opened it: saving would silently undo the other
    change. `changes` says what changed meanwhile; `current` is the version to start from."""

    def __init__(self, instance, *, current: str, changes: list[tuple[str, str, str]]):
        self.instance, self.current, self.changes = instance, current, changes
        super().__init__(
            gettext(
                "« %(record)s » a été modifiée par quelqu'un d'autre pendant que vous la modifiiez."
            )
            % {"record": instance}
        )


def _shown(record, field) -> str:
    value = record._get_FIELD_display(field) if field.choices else getattr(record, field.name)
    return "—" if value in (None, "") else str(value)


def _changes_since(instance, version: str) -> list[tuple[str, str, str]]:
    """(field, value then, value now) for each field changed since `version`, from history."""
    current = type(instance)._base_manager.get(pk=instance.pk)
    try:
        then = instance.history.filter(updated_at=datetime.fromisoformat(version)).first()
    except ValueError:
        then = None
    if then is None:
        return []
    skipped = {"updated_at", "created_at", "deleted_at"}
    return [
        (str(field.verbose_name), _shown(then, field), _shown(current, field))
        for field in type(instance)._meta.concrete_fields
        if field.editable
        and field.name not in skipped
        and getattr(then, field.attname) != getattr(current, field.attname)
    ]


def _check_version(instance, version: str) -> None:
    """Lock the stored row and compare its version with the one the editor started from."""
    stored = (
        type(instance)
        ._base_manager.select_for_update()
        .filter(pk=instance.pk)
        .values_list("updated_at", flat=True)
        .first()
    )
    if stored is not None and stored.isoformat() != version:
        raise EditConflict(
            instance, current=stored.isoformat(), changes=_changes_since(instance, version)
        )


def update_record(instance: M, *, user, data: Mapping, reason: str = "Modification") -> M:
    """Save the change, or, for an editor's change to a published record of an organisation
    staff do not trust, keep it for review (`instance.pending_change`) and change nothing.
    With `data[VERSION]`, refuse (`EditConflict`) a change made from an older version."""
    data = dict(data)
    version = data.pop(VERSION, "") or ""
    with transaction.atomic():
        if version:
            _check_version(instance, version)
        return _update_record(instance, user=user, data=data, reason=reason)


def _update_record(instance: M, *, user, data: dict, reason: str) -> M:
    require_edit(user, instance)
    _check_staff_only(instance, data, user)
    plain, related = _split_fields(type(instance), data)
    target = type(instance).link_target
    if target:
        # Pointed at a record she may not change, a link becomes a proposal, left to that
        # record's owners rather than to staff. From the database: a bound form has already
        # written its values on `instance`.
        before = type(instance)._base_manager.values_list(f"{target}_id", flat=True)
        after = plain.get(target, getattr(instance, target))
        _settle_link(
            instance,
            user=user,
            target_changed=before.get(pk=instance.pk) != getattr(after, "pk", after),
            linked=after,
        )
    if _reviewed(instance, user):
        instance.pending_change = _propose(instance, user=user, data=data, reason=reason)
        return instance
    for name, value in plain.items():
        setattr(instance, name, value)
    _save(instance, user=user, reason=reason)
    for name, values in related.items():
        getattr(instance, name).set(values)
    if not permissions.is_staff(user):
        _check_still_owned(instance, user)
    search.index(instance)
    _reindex_parent(instance)
    return instance


def _settle_link(instance, *, user, target_changed: bool, linked=None) -> None:
    """A link made (or pointed elsewhere) by someone who may not change the linked record is a
    proposal: it gives her organisation nothing until the record's owners or staff accept it.
    Judged on the database as it stands, before this link counts."""
    name = type(instance).link_target
    if not name or (not target_changed and permissions.is_staff(user)):
        return
    linked = linked if linked is not None else getattr(instance, name)
    if target_changed or not instance.link_accepted:
        instance.link_accepted = linked is None or permissions.can_edit(user, linked)


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


def allowed_transitions(instance, user, *, editable: bool | None = None) -> list[str]:
    """The publication steps `user` may take on `instance`. `editable`: whether she may edit
    it, when the caller asked already (a record's page does: one query less)."""
    if not isinstance(instance, PublishableRecord) or instance.is_deleted:
        return []
    if editable is None:
        editable = permissions.can_edit(user, instance)
    names = []
    for name, (sources, _target, who, _reason) in TRANSITIONS.items():
        if instance.publication not in sources:
            continue
        if who == "staff" and not permissions.is_staff(user):
            continue
        if who == "owner" and not editable:
            continue
        names.append(name)
    if "submit" in names and permissions.is_trusted_for(user, instance):
        names[names.index("submit")] = "publish"
    return list(dict.fromkeys(names))


@transaction.atomic
def confirm_up_to_date(instance: M, *, user) -> M:
    """The yearly "still true?" check: records that the owner confirmed the record."""
    require_edit(user, instance)
    instance.confirmed_at = timezone.now()
    instance._change_reason = "Fiche confirmée à jour"
    instance._history_user = user
    instance.save(update_fields=["confirmed_at"])
    return instance


@transaction.atomic
def hard_delete_record(instance: M, *, user) -> None:
    """Delete for good a record that has sat in the bin long enough (staff only)."""
    from django.conf import settings
    from django.db.models import ProtectedError

    permissions.require_staff(user)
    if instance.deleted_at is None:
        raise ValidationError(
            _("Seule une fiche de la corbeille peut être supprimée définitivement.")
        )
    waited = timezone.now() - instance.deleted_at
    if waited.days < settings.HARD_DELETE_AFTER_DAYS:
        raise ValidationError(
            _(
                "Une fiche reste au moins %(days)s jours dans la corbeille "
                "avant de pouvoir être supprimée définitivement."
            )
            % {"days": settings.HARD_DELETE_AFTER_DAYS}
        )
    instance._change_reason = "Suppression définitive"
    instance._history_user = user
    try:
        instance.delete()
    except ProtectedError as error:
        names = ", ".join(sorted({str(obj) for obj in error.protected_objects})[:3])
        still_used = _("D’autres fiches en dépendent encore : %(names)s.")
        raise ValidationError(still_used % {"names": names}) from error


@transaction.atomic
def change_publication(instance: M, *, user, transition: str, note: str = "") -> M:
    """Move a record along the workflow; trusted editors' submissions are published at once."""
    if transition not in allowed_transitions(instance, user):
        if transition not in TRANSITIONS:
            raise PermissionDenied(gettext("Action de publication inconnue."))
        require_edit(user, instance)
        raise PermissionDenied(
            gettext("Cette action n'est pas possible pour cette fiche maintenant.")
        )
    _sources, target, _who, reason = TRANSITIONS[transition]
    if transition == "archive" and _reviewed(instance, user):
        instance.pending_change = _request(
            instance, user=user, action=PendingChange.Action.ARCHIVE, reason=note or reason
        )
        return instance
    _set_publication(instance, target, user=user, reason=f"{reason} — {note}" if note else reason)
    search.index(instance)
    return instance


def parent_of(instance):
    """The published record a child record belongs to (a budget line's project…), or None."""
    name = type(instance).parent_field
    return getattr(instance, name, None) if name else None


def _reviewed(instance, user) -> bool:
    """Does an editor's change wait for staff? Yes for a published record of an organisation
    staff do not trust, and for a child record of one (a commitment, a budget line…). A link
    still proposed is left to the linked record's owners (core.links)."""
    if permissions.is_staff(user):
        return False
    if isinstance(instance, PublishableRecord):
        return instance.is_published and not permissions.is_trusted_for(user, instance)
    if type(instance).link_target and not instance.link_accepted:
        return False
    parent = parent_of(instance)
    return (
        isinstance(parent, PublishableRecord)
        and parent.is_published
        and not permissions.is_trusted_for(user, parent)
    )


def _propose_addition(instance, *, user, data: Mapping, reason: str) -> PendingChange:
    """A child record an editor adds to a published record: checked now (she sees her errors
    on the form), kept whole for staff, written when they accept it."""
    instance.full_clean()
    parent = parent_of(instance)
    if not permissions.can_edit(user, parent):
        raise PermissionDenied(
            gettext(
                "Cette fiche doit rester rattachée à l'une de vos organisations "
                "(partenaire français, organisation pilote ou employeur)."
            )
        )
    model = type(instance)
    values = {}
    for name in data:
        field = model._meta.get_field(name)
        stored = getattr(instance, field.attname)
        if isinstance(field, models.FileField) and stored and not stored._committed:
            stored.save(stored.name, stored.file, save=False)  # kept for the reviewer
        values[field.name] = _serialise(field, instance)
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=None,
        action=PendingChange.Action.CREATE,
        values=values,
        reason=reason[:200],
        proposed_by=user,
    )


def _request(instance, *, user, action: str, reason: str) -> PendingChange:
    """Archiving or binning a published record, kept for staff like a change (once)."""
    content_type = ContentType.objects.get_for_model(type(instance))
    change, _created = PendingChange.objects.get_or_create(
        content_type=content_type,
        object_id=instance.pk,
        action=action,
        state=PendingChange.State.PENDING,
        defaults={"reason": reason[:200], "proposed_by": user},
    )
    return change


def _set_deleted(instance: M, *, deleted_at, user, reason: str) -> M:
    instance.deleted_at = deleted_at
    instance._change_reason = reason
    if user is not None and user.is_authenticated:
        instance._history_user = user
    instance.save(update_fields=["deleted_at", "updated_at"])
    return instance


@transaction.atomic
def soft_delete_record(instance: M, *, user, reason: str = "Suppression") -> M:
    """Put the record in the bin: hidden everywhere, restorable, its history kept. An
    editor's request to bin a published record waits for staff (`instance.pending_change`)."""
    require_edit(user, instance)
    if _reviewed(instance, user):
        instance.pending_change = _request(
            instance, user=user, action=PendingChange.Action.DELETE, reason=reason
        )
        return instance
    _set_deleted(instance, deleted_at=timezone.now(), user=user, reason=reason)
    search.unindex(instance)
    _reindex_parent(instance)
    return instance


@transaction.atomic
def restore_record(instance: M, *, user, reason: str = "Restauration") -> M:
    """Take a record out of the bin, unless a live record has taken its name meanwhile."""
    require_edit(user, instance)
    instance.deleted_at = None
    instance.full_clean()
    _set_deleted(instance, deleted_at=None, user=user, reason=reason)
    search.index(instance)
    _reindex_parent(instance)
    return instance


@transaction.atomic
def decide_link(link: M, *, user, accept: bool) -> M:
    """A proposed link: the linked record's owners or staff accept it; they, or whoever made
    it, turn it down (it goes to the bin, its history kept). A partnership is the French
    partners' own record: its link to the partner authority can only be accepted."""
    model = type(link)
    linked = getattr(link, model.link_target)
    deciders = permissions.is_staff(user) or permissions.can_edit(user, linked)
    if link.link_accepted:
        raise ValidationError(_("Ce rattachement est déjà accepté."))
    if accept:
        if not deciders:
            raise PermissionDenied(
                gettext(
                    "Seuls les éditeurs de « %(linked)s » ou l'équipe du réseau peuvent accepter "
                    "ce rattachement."
                )
                % {"linked": linked}
            )
        link.link_accepted = True
        _save(link, user=user, reason="Rattachement accepté")
    else:
        if isinstance(link, PublishableRecord) or not (
            deciders or permissions.can_edit(user, link)
        ):
            raise PermissionDenied(gettext("Vous ne pouvez pas refuser ce rattachement."))
        _set_deleted(link, deleted_at=timezone.now(), user=user, reason="Rattachement refusé")
    search.index(linked)
    return link


@dataclass
class BulkResult:
    created: int = 0
    updated: int = 0
    # (the caller's key of the row, {field: [messages]}) for every record refused
    errors: list[tuple[object, dict]] = field(default_factory=list)
    written_at: datetime | None = None  # the history date of the rows written


@dataclass
class BulkChecked:
    """Records checked for a bulk write and not written yet: new ones, stored ones changed,
    and the rows refused."""

    new: list = field(default_factory=list)
    changed: list = field(default_factory=list)
    errors: list[tuple[object, dict]] = field(default_factory=list)


def check_bulk_records(
    model: type[M],
    *,
    user,
    rows: Iterable[tuple[object, M]],
    update_fields: list[str],
    checked_fields: tuple[str, ...] = (),
) -> BulkChecked:
    """The same field validation and `clean()` rules as one record at a time, without
    writing (only reading: a file can be checked whole before anything is written).
    `checked_fields` are those the caller already checked against the reference data (a
    sector taken from the database, a country code looked up in the country list): checking
    them again row by row is most of the validation's time."""
    permissions.require_staff(user)
    checked = BulkChecked()
    unchanged = [f.name for f in model._meta.concrete_fields if f.name not in update_fields]
    for key, instance in rows:
        # A stored record's other fields come from the database: validating them again
        # would look up each of its foreign keys, a query per row.
        exclude = [*checked_fields, *(unchanged if instance.pk is not None else ())]
        try:
            instance.clean_fields(exclude=exclude)
            instance.clean()
        except ValidationError as error:
            checked.errors.append((key, error.message_dict))
            continue
        if instance.pk is None:
            if isinstance(instance, PublishableRecord):
                instance.created_by = user
            checked.new.append(instance)
        else:
            checked.changed.append(instance)
    return checked


@transaction.atomic
def write_checked_records(
    model: type[M], checked: BulkChecked, *, user, update_fields: list[str], reason: str
) -> BulkResult:
    """One insert and one update for the checked records, with their history and search
    entries written in bulk."""
    permissions.require_staff(user)
    now = timezone.now()
    for instance in checked.changed:
        instance.updated_at = now
    bulk.insert(model, checked.new)
    bulk.update(model, checked.changed, [*update_fields, "updated_at"])
    history = model.history.model
    for kind, instances in (("+", checked.new), ("~", checked.changed)):
        bulk.insert(
            history, _history_rows(history, instances, kind, user=user, reason=reason, now=now)
        )
    search.bulk_reindex(checked.changed)
    search.bulk_index(checked.new, created=True)
    return BulkResult(
        created=len(checked.new),
        updated=len(checked.changed),
        errors=checked.errors,
        written_at=now,
    )


@transaction.atomic
def undo_checked_write(
    model: type[M],
    result: BulkResult,
    *,
    created_ids: list[int],
    previous: list[M],
    update_fields: list[str],
    reason: str,
) -> None:
    """Take back one `write_checked_records` committed on its own when a later batch of the
    same file fails (a file written in short transactions stays all or nothing): the records
    it created go with their history and search entries, those it changed get back their
    `previous` values, and its history rows of them go too (the file never came in)."""
    search.unindex_records(model, created_ids)
    model._base_manager.filter(pk__in=created_ids).delete()
    history = model.history.model
    history.objects.filter(id__in=created_ids).delete()  # "+", and "-" of the delete above
    history.objects.filter(
        id__in=[record.pk for record in previous],
        history_date=result.written_at,
        history_change_reason=reason,
    ).delete()
    bulk.update(model, previous, [*update_fields, "updated_at"])
    search.bulk_reindex(previous)


BULK_BATCH = 500


def _history_rows(history_model, instances: list, kind: str, *, user, reason: str, now) -> list:
    """History rows ("+" created, "~" changed) as django-simple-history writes them (its
    own helpers insert them with `bulk_create`; see `core.bulk`)."""
    names = [field.attname for field in history_model.tracked_fields]
    return [
        history_model(
            history_date=now,
            history_user=user,
            history_change_reason=reason,
            history_type=kind,
            **{name: getattr(instance, name) for name in names},
        )
        for instance in instances
    ]


# What "restore this version" does not bring back: bookkeeping and the publication state.
NOT_REVERTED = {"id", "created_at", "updated_at", "deleted_at", "created_by", "publication"}


@transaction.atomic
def revert_to_version(instance: M, *, user, history_id: int) -> M:
    """Bring back the field values of an earlier version, as a new change (history kept)."""
    version = instance.history.filter(history_id=history_id).first()
    if version is None:
        raise ValidationError(_("Cette version n'existe pas pour cette fiche."))
    data = {
        field.attname: getattr(version, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.name not in NOT_REVERTED
    }
    date = timezone.localtime(version.history_date).strftime("%d/%m/%Y %H:%M")
    return update_record(instance, user=user, data=data, reason=f"Retour à la version du {date}")


def _serialise(field, holder) -> str | None:
    return None if field.value_from_object(holder) is None else field.value_to_string(holder)


def _deserialise(field, value):
    if value is None:
        return None
    if field.many_to_many:
        return [field.related_model._base_manager.get(pk=pk) for pk in value]
    if field.is_relation:
        return field.related_model._base_manager.filter(
            pk=field.target_field.to_python(value)
        ).first()
    return field.to_python(value)


def _stored_value(field, value):
    """The attribute value of a `_serialise`d one (a foreign key's id, not its record)."""
    if value is None:
        return None
    return (field.target_field if field.is_relation else field).to_python(value)


def _propose(instance, *, user, data: Mapping, reason: str) -> PendingChange | None:
    """Validate the change now (the editor sees her errors) and store only what differs."""
    model = type(instance)
    plain, related = _split_fields(model, data)
    # Compare with what is stored: a bound form has already written its values on `instance`.
    stored = model._base_manager.get(pk=instance.pk)
    proposed = copy.copy(stored)
    for name, value in plain.items():
        setattr(proposed, name, value)
    proposed.full_clean()
    values = {}
    for name in plain:
        field = model._meta.get_field(name)
        if _serialise(field, proposed) != _serialise(field, stored):
            values[field.name] = _serialise(field, proposed)
    for name, chosen in related.items():
        new = sorted(getattr(item, "pk", item) for item in chosen)
        if new != sorted(getattr(stored, name).values_list("pk", flat=True)):
            values[name] = new
    instance.refresh_from_db()
    if not values:
        return None
    if not _stays_owned(stored, values, user):
        raise PermissionDenied(
            gettext(
                "Cette fiche doit rester rattachée à l'une de vos organisations "
                "(partenaire français, organisation pilote ou employeur)."
            )
        )
    return PendingChange.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_id=instance.pk,
        values=values,
        reason=reason,
        proposed_by=user,
    )


def _stays_owned(stored, values: dict, user) -> bool:
    """Would the record still belong to one of the editor's organisations after the change?"""
    model = type(stored)
    if not any(path.split("__")[0] in values for path in model.owner_lookups):
        return True
    ids = permissions.organisation_ids(user)
    for path in model.owner_lookups:
        head, _, rest = path.partition("__")
        if head not in values:
            if model._base_manager.filter(
                permissions.owner_path_q(model, path, ids), pk=stored.pk
            ).exists():
                return True
            continue
        field = model._meta.get_field(head)
        new = values[head]
        targets = [int(pk) for pk in (new if field.many_to_many else [new]) if pk is not None]
        if not rest:
            if set(targets) & ids:
                return True
        elif field.related_model._base_manager.filter(
            permissions.owner_path_q(field.related_model, rest, ids), pk__in=targets
        ).exists():
            return True
    return False


def proposed_data(change: PendingChange) -> dict:
    model = change.content_type.model_class()
    return {
        name: _deserialise(model._meta.get_field(name), value)
        for name, value in change.values.items()
    }


@mail.in_site_language()
def _decision_email(change: PendingChange, *, applied: bool, note: str) -> tuple[str, str]:
    subject = (
        gettext("Votre modification de « %(subject)s » a été publiée")
        if applied
        else gettext("Votre modification de « %(subject)s » a été refusée")
    )
    message = (
        gettext(
            "Bonjour,\n\nL'équipe du réseau a validé et publié votre modification de "
            "« %(subject)s ».\n"
        )
        if applied
        else gettext(
            "Bonjour,\n\nL'équipe du réseau a refusé votre modification de « %(subject)s ».\n"
        )
    ) % {"subject": change.subject}
    if note:
        message += gettext("\nSa note : %(note)s\n") % {"note": note}
    return subject % {"subject": change.subject}, message


def _decide(change: PendingChange, *, user, state: str, note: str) -> None:
    change.state = state
    change.decided_by = user
    change.decided_at = timezone.now()
    change.note = note[:200]
    change.save(update_fields=["state", "decided_by", "decided_at", "note"])
    if change.proposed_by and change.proposed_by.email:
        subject, message = _decision_email(
            change, applied=state == PendingChange.State.APPLIED, note=note
        )
        mail.send_after_commit(subject=subject, message=message, to=[change.proposed_by.email])


@transaction.atomic
def apply_pending_change(change: PendingChange, *, user, note: str = "") -> PendingChange:
    permissions.require_staff(user)
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if change.state != PendingChange.State.PENDING:
        raise ValidationError(_("Cette proposition a déjà été traitée."))
    record = change.record
    if change.action != PendingChange.Action.CREATE and (record is None or record.is_deleted):
        raise ValidationError(_("La fiche concernée a été supprimée entre-temps."))
    author = change.proposed_by
    by = (author.get_full_name() or author.get_username()) if author else "un éditeur"
    reason = f"Proposition de {by} validée" + (f" — {change.reason}" if change.reason else "")
    if change.action == PendingChange.Action.CREATE:
        model = change.content_type.model_class()
        record = create_record(model, user=user, data=proposed_data(change), reason=reason[:200])
        change.object_id = record.pk
        change.save(update_fields=["object_id"])
    elif change.action == PendingChange.Action.DELETE:
        soft_delete_record(record, user=user, reason=reason[:200])
    elif change.action == PendingChange.Action.ARCHIVE:
        if record.publication != Publication.PUBLISHED:
            raise ValidationError(_("La fiche n'est plus publiée : rien à archiver."))
        _set_publication(record, Publication.ARCHIVED, user=user, reason=reason[:200])
        search.index(record)
    else:
        update_record(record, user=user, data=proposed_data(change), reason=reason[:200])
    _decide(change, user=user, state=PendingChange.State.APPLIED, note=note)
    return change


@transaction.atomic
def reject_pending_change(change: PendingChange, *, user, note: str = "") -> PendingChange:
    permissions.require_staff(user)
    change = PendingChange.objects.select_for_update().get(pk=change.pk)
    if change.state != PendingChange.State.PENDING:
        raise ValidationError(_("Cette proposition a déjà été traitée."))
    _decide(change, user=user, state=PendingChange.State.REJECTED, note=note)
    return change


def save_spreadsheet_job(job: SpreadsheetImport, *, user) -> SpreadsheetImport:
    """A big spreadsheet's job, stored before the worker checks or imports its file."""
    permissions.require_staff(user)
    job.save()
    return job


def end_spreadsheet_job(
    job: SpreadsheetImport,
    *,
    state: str,
    message: str = "",
    preview: dict | None = None,
    counts: dict | None = None,
) -> SpreadsheetImport:
    """What the worker's check or import of a big spreadsheet came to, kept for the job's page
    (the job is bookkeeping, not a registry record: no history). Only a checked file waits for
    more."""
    job.state, job.message = state, message
    if preview is not None:
        job.preview = preview
    if counts is not None:
        job.counts = counts
    with transaction.atomic():
        if state != SpreadsheetImport.State.CHECKED:
            job.finished_at = timezone.now()
            job.written.all().delete()  # imported whole, or taken back: nothing left to undo
        job.save()
    job.progress.clear()
    return job


def stored_state(instance: models.Model) -> dict:
    """A record's values as stored, its many-to-many lists included, in a form JSON keeps:
    what `undo_import` puts back if the import about to change it is taken back."""
    model = type(instance)
    stored = model._base_manager.get(pk=instance.pk)
    state = {
        concrete.attname: _serialise(concrete, stored)
        for concrete in model._meta.concrete_fields
        if not concrete.primary_key
    }
    for many in model._meta.many_to_many:
        state[many.name] = list(getattr(stored, many.name).values_list("pk", flat=True))
    return state


def journal_import(job: SpreadsheetImport, written: list[tuple[models.Model, dict | None]]) -> None:
    """Note, inside the transaction that wrote them, the records an import wrote: each
    with its `stored_state` before the import (None for a record it created)."""
    stamps: dict[type, dict[int, datetime]] = {}
    for model in {type(instance) for instance, _before in written}:
        ids = [instance.pk for instance, _before in written if type(instance) is model]
        stamps[model] = dict(model._base_manager.filter(pk__in=ids).values_list("pk", "updated_at"))
    ImportedRecord.objects.bulk_create(
        ImportedRecord(
            job=job,
            content_type=ContentType.objects.get_for_model(instance),
            object_id=instance.pk,
            before=before,
            written_at=stamps[type(instance)][instance.pk],
        )
        for instance, before in written
    )


UNDONE_IMPORT = "Import de tableur annulé"


def undo_import(job: SpreadsheetImport, *, user) -> int:
    """Take back what an import written in short transactions committed (its
    `ImportedRecord`s), newest first and itself in short transactions, each forgetting what
    it undid (an undo cut short goes on at the next call): records it created are deleted,
    records it changed get their values back, unless someone changed them since (hers stay).
    Both are recorded in the history. Returns how many records were taken back."""
    entries = list(job.written.select_related("content_type").order_by("-pk"))
    for _done in bulk.in_short_transactions(
        entries,
        lambda entry: _undo_written(entry, user=user),
        end_batch=lambda undone: ImportedRecord.objects.filter(pk__in=undone).delete(),
    ):
        pass
    if entries:
        logger.info("import de tableur n° %s annulé : %s fiche(s)", job.pk, len(entries))
    return len(entries)


def _undo_written(entry: ImportedRecord, *, user) -> int:
    model = entry.content_type.model_class()
    record = model._base_manager.filter(pk=entry.object_id).first()
    if record is None:
        return entry.pk
    record._change_reason = UNDONE_IMPORT
    if user is not None:
        record._history_user = user
    if entry.before is None:
        search.unindex(record)
        try:
            record.delete()
        except models.ProtectedError:  # another record points at it since: to the bin
            _set_deleted(record, deleted_at=timezone.now(), user=user, reason=UNDONE_IMPORT)
        _reindex_parent(record)
        return entry.pk
    if record.updated_at != entry.written_at:
        logger.warning(
            "import de tableur n° %s annulé : %s #%s changé depuis, laissé tel quel",
            entry.job_id,
            model._meta.label_lower,
            record.pk,
        )
        return entry.pk
    many = {related.name for related in model._meta.many_to_many}
    fields = {concrete.attname: concrete for concrete in model._meta.concrete_fields}
    for name, value in entry.before.items():
        if name not in many:
            setattr(record, name, _stored_value(fields[name], value))
    record.save()
    for name in many & entry.before.keys():
        getattr(record, name).set(entry.before[name])
    search.index(record)
    search.index_documents_showing(record)  # a partnership shows its partners' names
    _reindex_parent(record)
    return entry.pk
