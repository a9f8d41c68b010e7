"""Readable history of a record: who changed what, when and why, with before/after values."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from .services import proposed_data

CHANGE_LABELS = {
    "+": _("Création"),
    "~": _("Modification"),
    "-": _("Suppression définitive"),
}
HIDDEN_FIELDS = {"updated_at", "created_at"}


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    history_id: int
    date: datetime
    user: str
    reason: str
    action: str
    changes: list[FieldChange] = field(default_factory=list)


def _display(record, field_name: str, value) -> str:
    model_field = record.instance_type._meta.get_field(field_name)
    if value in (None, ""):
        return "—"
    if hasattr(value, "pk"):
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if model_field.is_relation and model_field.many_to_one:
        target = model_field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target else f"#{value}"
    return str(value)


def _label(record, field_name: str) -> str:
    return str(record.instance_type._meta.get_field(field_name).verbose_name).capitalize()


def history_entries(instance, *, full: bool = True) -> list[HistoryEntry]:
    """Newest first; each entry lists the fields that changed since the previous version.
    Not `full` (a visitor): only the model's public fields, and neither who nor why."""
    entries = entries_of(
        instance.history.select_related("history_user").order_by("history_date"),
        shown=None if full else set(type(instance).public_fields or ()),
    )
    if not full:
        for entry in entries:
            entry.user = entry.reason = ""
    return entries


def compare_versions(
    instance, first_id: int, second_id: int, *, full: bool = True
) -> list[FieldChange] | None:
    """The fields that differ between two versions of a record (None if one is not its own)."""
    found = {v.history_id: v for v in instance.history.filter(history_id__in={first_id, second_id})}
    if first_id not in found or second_id not in found:
        return None
    older, newer = sorted((found[first_id], found[second_id]), key=lambda v: v.history_date)
    delta = newer.diff_against(older, excluded_fields=HIDDEN_FIELDS | {"deleted_at"})
    return [
        FieldChange(
            _label(newer, change.field),
            _display(newer, change.field, change.old),
            _display(newer, change.field, change.new),
        )
        for change in delta.changes
        if full or change.field in (type(instance).public_fields or ())
    ]


def histories_of(model, pks) -> dict[int, list[HistoryEntry]]:
    """The history of many records of one model in one query (moderation page)."""
    versions: dict[int, list] = {}
    for version in (
        model.history.filter(id__in=list(pks))
        .select_related("history_user")
        .order_by("history_date")
    ):
        versions.setdefault(version.id, []).append(version)
    return {pk: entries_of(records) for pk, records in versions.items()}


def entries_of(records, *, shown: set[str] | None = None) -> list[HistoryEntry]:
    """Entries from one record's historical versions, given oldest first (only the `shown`
    fields' changes, when given)."""
    entries = []
    previous = None
    for record in records:
        user = record.history_user
        entry = HistoryEntry(
            history_id=record.history_id,
            date=record.history_date,
            user=(user.get_full_name() or user.get_username()) if user else "système",
            reason=record.history_change_reason or "",
            action=CHANGE_LABELS.get(record.history_type, record.history_type),
        )
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=HIDDEN_FIELDS)
            for change in delta.changes:
                if change.field == "deleted_at":
                    entry.action = _("Mise à la corbeille") if change.new else _("Restauration")
                    continue
                if shown is not None and change.field not in shown:
                    continue
                entry.changes.append(
                    FieldChange(
                        _label(record, change.field),
                        _display(record, change.field, change.old),
                        _display(record, change.field, change.new),
                    )
                )
        entries.append(entry)
        previous = record
    return list(reversed(entries))


def _shown(field, value) -> str:
    if value in (None, "", []):
        return "—"
    if field.many_to_many:
        return ", ".join(str(item) for item in value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def proposed_changes(change) -> list[FieldChange]:
    """What a pending change would do to its record, field by field (current → proposed)."""
    record = change.record
    model = change.content_type.model_class()
    result = []
    for name, proposed in proposed_data(change).items():
        field = model._meta.get_field(name)
        if record is None:  # an addition: nothing stands there yet
            current = None
        elif field.many_to_many:
            current = list(getattr(record, name).all())
        else:
            current = getattr(record, name)
        result.append(
            FieldChange(
                str(field.verbose_name).capitalize(),
                _shown(field, current),
                _shown(field, proposed),
            )
        )
    return result
