"""Who may see and change what: the one rule the views, the API, imports and services obey.

Roles: visitors and members not attached to an organisation read published records; an
organisation editor also reads and changes the records of her organisations (each model names,
in `owner_lookups`, the ORM paths to the organisations that own it) and those she created; an
organisation admin also manages her organisation's editors; network staff do everything.
"""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext

from .models import PublishableRecord

_CACHE = "_icilabas_organisation_ids"
ADMIN_ROLE = "admin"  # the membership role that also manages the organisation's editors


@dataclass(frozen=True)
class MembershipPolicy:
    """What the rule needs from the app that holds memberships, which registers it at start-up
    (the kernel knows no domain app): the organisation model (with its `trusted` flag) and a
    user's (organisation id, role) pairs."""

    organisation_model: type[Model]
    memberships: Callable[[object], Iterable[tuple[int, str]]]


_policy: MembershipPolicy | None = None


def register_membership_policy(policy: MembershipPolicy) -> None:
    global _policy
    _policy = policy


def is_active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def is_staff(user) -> bool:
    return is_active(user) and user.is_staff


def organisation_ids(user, *, admin_only: bool = False) -> frozenset[int]:
    """The organisations the user edits (or administers), read once per request."""
    if not is_active(user):
        return frozenset()
    cache = getattr(user, _CACHE, None)
    if cache is None:
        pairs = set(_policy.memberships(user)) if _policy else set()
        cache = {
            admin: frozenset(org for org, role in pairs if not admin or role == ADMIN_ROLE)
            for admin in (False, True)
        }
        setattr(user, _CACHE, cache)
    return cache[admin_only]


def forget(user) -> None:
    """Drop the cached memberships after they change."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def accepted_links(model: type[Model], path: str) -> dict:
    """The conditions an owner path needs so that only accepted links count: each step that
    goes back from a record to the links pointing at it (a person's positions, a project's
    participations, a partner authority's partnerships) keeps the accepted ones."""
    conditions, steps, current = {}, [], model
    for name in path.split("__"):
        field = current._meta.get_field(name)
        steps.append(name)
        if not field.is_relation:
            break
        target = field.related_model
        if field.auto_created and not field.concrete and target.link_target == field.field.name:
            conditions["__".join([*steps, "link_accepted"])] = True
        current = target
    return conditions


def owner_path_q(model: type[Model], path: str, organisation_ids) -> Q:
    return Q(**{f"{path}__in": organisation_ids}, **accepted_links(model, path))


def owned_q(model: type[Model], organisation_ids) -> Q:
    """Records of `model` that belong to one of these organisations."""
    condition = Q(pk__in=[])
    for path in model.owner_lookups:
        condition |= owner_path_q(model, path, organisation_ids)
    return condition


def owned_by_anyone_q(model: type[Model]) -> Q:
    condition = Q(pk__in=[])
    for path in model.owner_lookups:
        condition |= Q(**{f"{path}__isnull": False}, **accepted_links(model, path))
    return condition


_read_only_memo: ContextVar[dict | None] = ContextVar("editable_ids_memo", default=None)
MEMO_LIMIT = 5000  # beyond, the condition stays a subquery (SQLite's bound parameters)


@contextmanager
def reading_only() -> Iterator[None]:
    """For a page that only reads (Mon espace) and asks "what may she edit?" many times:
    inside, the answer per model is read once, as ids. Never around a write: a record created
    inside would not be in the answer."""
    token = _read_only_memo.set({})
    try:
        yield
    finally:
        _read_only_memo.reset(token)


def editable_q(model: type[Model], user) -> Q:
    """Records of `model` an editor may change: owned by one of her organisations, or created
    by her and not yet tied to any organisation (a partner authority, a person)."""
    ids = organisation_ids(user)
    if not ids or getattr(model, "staff_only", False):
        return Q(pk__in=[])
    pks = remembered_ids(model, user)
    return Q(pk__in=pks) if pks is not None else _editable_subquery_q(model, user, ids)


def remembered_ids(model: type[Model], user) -> list[int] | None:
    """Inside `reading_only()`, the ids of the records of `model` she may edit, read once;
    None outside, or when there are too many to hold."""
    memo = _read_only_memo.get()
    if memo is None or not organisation_ids(user) or getattr(model, "staff_only", False):
        return None
    if (model, user.pk) not in memo:
        remember_editable(user, [model])
    return memo[(model, user.pk)]


def remember_editable(user, models: Iterable[type[Model]]) -> None:
    """Inside `reading_only()`: what she may edit of each of these models, read in one query
    (one round trip where each model's first question would cost one)."""
    memo, ids = _read_only_memo.get(), organisation_ids(user)
    if memo is None or not ids:
        return
    todo = tuple(
        m for m in models if (m, user.pk) not in memo and not getattr(m, "staff_only", False)
    )
    if not todo:
        return
    sql, params = _filled(
        _editable_union(todo, len(ids), connections[DEFAULT_DB_ALIAS].vendor), user, ids
    )
    found: dict[int, set] = {index: set() for index in range(len(todo))}
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        for pk, kind in cursor.fetchall():
            found[kind].add(pk)
    for index, model in enumerate(todo):
        pks = sorted(found[index])
        memo[(model, user.pk)] = pks if len(pks) <= MEMO_LIMIT else None


@lru_cache(maxsize=64)
def _editable_union(models: tuple[type[Model], ...], organisations: int, vendor: str):
    """The union `remember_editable` sends, compiled once per shape (these models, this many
    organisations, this engine): Django took longer to build and compile its dozen parts
    than the database to answer them."""
    return _compiled_with_stand_ins(
        lambda user_id, ids: [
            way.annotate(ownership_of=Value(index)).values_list("pk", "ownership_of")
            for index, model in enumerate(models)
            for way in _ways_of_owning(model, user_id, ids)
        ],
        organisations,
    )


@lru_cache(maxsize=256)
def _editable_pks(model: type[Model], organisations: int, vendor: str):
    """The pks of `model` an editor of this many organisations may change, as SQL compiled
    once per shape: `editable_q`'s subquery, asked on every page an editor opens."""
    return _compiled_with_stand_ins(
        lambda user_id, ids: [way.values("pk") for way in _ways_of_owning(model, user_id, ids)],
        organisations,
    )


def _compiled_with_stand_ins(parts_for: Callable, organisations: int):
    """(sql, params, slots) of the union of `parts_for(user, organisations)`, compiled with
    stand-ins no row has (the user -1, the organisations -2, -3…); `slots` says which
    parameter takes which value (0 the user, then her organisations in order)."""
    stand_ins = list(range(-1, -organisations - 2, -1))
    parts = parts_for(stand_ins[0], stand_ins[1:])
    union = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    sql, params = union.query.sql_with_params()
    slot_of = {stand_in: value for value, stand_in in enumerate(stand_ins)}
    slots = tuple(
        (position, slot_of[param])
        for position, param in enumerate(params)
        if type(param) is int and param in slot_of
    )
    return sql, tuple(params), slots


def _filled(compiled, user, ids) -> tuple[str, list]:
    """The compiled SQL with her values in place of the stand-ins."""
    sql, params, slots = compiled
    values = [user.pk, *sorted(ids)]
    params = list(params)
    for position, value in slots:
        params[position] = values[value]
    return sql, params


def _ways_of_owning(model: type[Model], user_id: int, ids) -> list[QuerySet]:
    """One small query per way of owning: each follows its own indexes (her organisations'
    links), where one query ORing them across joins read every record."""
    manager = model._base_manager
    ways = [
        manager.filter(owner_path_q(model, path, ids)).order_by() for path in model.owner_lookups
    ]
    if issubclass(model, PublishableRecord):
        tied = manager.filter(owned_by_anyone_q(model), pk=OuterRef("pk"))
        ways.append(manager.filter(created_by_id=user_id).exclude(Exists(tied)).order_by())
    return ways


def _editable_subquery_q(model: type[Model], user, ids) -> Q:
    sql, params = _filled(
        _editable_pks(model, len(ids), connections[DEFAULT_DB_ALIAS].vendor), user, ids
    )
    return Q(pk__in=RawSQL(sql, params, output_field=model._meta.pk))


def visible(queryset: QuerySet, user) -> QuerySet:
    """Published records for everyone, plus drafts the user may edit; staff see everything."""
    model = queryset.model
    if not issubclass(model, PublishableRecord) or is_staff(user):
        return queryset
    public = model.public_q()
    if not organisation_ids(user):
        return queryset.filter(public)
    own = model._base_manager.filter(editable_q(model, user)).values("pk")
    return queryset.filter(public | Q(pk__in=own))


def with_edit_right(queryset: QuerySet, user) -> QuerySet:
    """The records with whether this user may change them, read in the same query (a page
    that reads one record and asks `can_edit` about it: one query less). The annotation is
    named after the user: `can_edit` trusts it for her only."""
    model = queryset.model
    if is_staff(user) or not organisation_ids(user) or getattr(model, "staff_only", False):
        return queryset
    right = ExpressionWrapper(editable_q(model, user), output_field=BooleanField())
    return queryset.annotate(**{_edit_right(user): right})


def _edit_right(user) -> str:
    return f"editable_by_user_{user.pk}"


def owns(user, record: Model) -> bool:
    if record.pk is None or not organisation_ids(user):
        return False
    known = getattr(record, _edit_right(user), None)
    if known is not None:
        return known
    model = type(record)
    return model._base_manager.filter(editable_q(model, user), pk=record.pk).exists()


def can_edit(user, record: Model | None = None) -> bool:
    """Without a record: may the user create records at all (staff, or editor of some org)."""
    if is_staff(user):
        return True
    if record is None:
        return bool(organisation_ids(user))
    return owns(user, record)


def can_view(user, record: Model) -> bool:
    """Published records for everyone; a child record (a position, a budget line…) for those
    who may see every record it belongs to; a proposed link for both of its sides."""
    if isinstance(record, PublishableRecord):
        return record.is_public or can_edit(user, record)
    if getattr(record, "link_target", "") and not record.link_accepted:
        return can_edit(user, record) or can_edit(user, getattr(record, record.link_target))
    for field in record._meta.concrete_fields:
        if field.many_to_one and issubclass(field.related_model, PublishableRecord):
            parent = getattr(record, field.name)
            if parent is not None and not can_view(user, parent):
                return False
    return True


def sees_private_fields(user, record: Model) -> bool:
    """Only those who may change a record see its fields beyond `public_fields`, and who
    changed it and why."""
    return can_edit(user, record)


def is_trusted_for(user, record: Model) -> bool:
    """Staff, or an editor of an owner organisation that staff trust: changes skip review."""
    if is_staff(user):
        return True
    if _policy is None:
        return False
    Organisation = _policy.organisation_model
    model = type(record)
    owners = Organisation.objects.filter(trusted=True, pk__in=organisation_ids(user))
    if model is Organisation:
        return owners.filter(pk=record.pk).exists()
    return model._base_manager.filter(owned_q(model, owners.values("pk")), pk=record.pk).exists()


def require_edit(user, record: Model | None = None) -> None:
    if not can_edit(user, record):
        if not is_active(user):
            raise PermissionDenied(gettext("Connectez-vous pour modifier le registre."))
        raise PermissionDenied(
            "Vous ne pouvez modifier que les fiches de vos organisations."
            if record is not None
            else "Seuls l'équipe du réseau et les éditeurs d'une organisation membre peuvent "
            "modifier le registre."
        )


def require_staff(user) -> None:
    if not is_staff(user):
        raise PermissionDenied(gettext("Cette action est réservée à l'équipe du réseau."))


SCHEDULER_USERNAME = "icilabas-planificateur"
COMMAND_LINE_USERNAME = "icilabas-ligne-de-commande"


def system_account(*, username: str, first_name: str, last_name: str):
    """An author recorded in history for work no person does at the screen: staff, with no
    password, so nobody logs in as it."""
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"is_staff": True, "first_name": first_name, "last_name": last_name},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def scheduler_user():
    """The author of recurring work (emptying the bin…)."""
    return system_account(username=SCHEDULER_USERNAME, first_name="Tâches", last_name="planifiées")


def command_line_user():
    """The author of what an operator's command writes (an import run from the shell)."""
    return system_account(
        username=COMMAND_LINE_USERNAME, first_name="Ligne de", last_name="commande"
    )
