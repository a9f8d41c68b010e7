"""The generic write path every app service builds on.

Each save validates the whole record (so the API, imports and forms get the same errors), records
who changed what and why in the history, and keeps the search index current.
"""

from collections.abc import Mapping
from typing import TypeVar

from django.db import models, transaction
from django.utils import timezone

from . import search
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


@transaction.atomic
def create_record(model: type[M], *, user, data: Mapping, reason: str = "Création") -> M:
    require_edit(user)
    plain, related = _split_fields(model, data)
    instance = model(**plain)
    _save(instance, user=user, reason=reason)
    for name, values in related.items():
        getattr(instance, name).set(values)
    search.index(instance)
    return instance


@transaction.atomic
def update_record(instance: M, *, user, data: Mapping, reason: str = "Modification") -> M:
    require_edit(user)
    plain, related = _split_fields(type(instance), data)
    for name, value in plain.items():
        setattr(instance, name, value)
    _save(instance, user=user, reason=reason)
    for name, values in related.items():
        getattr(instance, name).set(values)
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
    require_edit(user)
    _set_deleted(instance, deleted_at=timezone.now(), user=user, reason=reason)
    search.unindex(instance)
    return instance


@transaction.atomic
def restore_record(instance: M, *, user, reason: str = "Restauration") -> M:
    """Take a record out of the bin, unless a live record has taken its name meanwhile."""
    require_edit(user)
    instance.deleted_at = None
    instance.full_clean()
    _set_deleted(instance, deleted_at=None, user=user, reason=reason)
    search.index(instance)
    return instance
