"""Proposed links (see core.models.LinkRecord): those a user may decide on, and those her
organisations made that still wait."""

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Model

from . import permissions
from .models import PublishableRecord, RegistryModel
from .queries import stored_figures

PROPOSALS_SHOWN = 100


@dataclass
class Proposal:
    link: Model
    linked: Model
    may_accept: bool

    @property
    def may_refuse(self) -> bool:
        """A partnership stays its French partners' record: only its link can be accepted."""
        return not isinstance(self.link, PublishableRecord)

    @property
    def meta(self):
        return self.link._meta


def link_models() -> list[type[Model]]:
    return [m for m in apps.get_models() if issubclass(m, RegistryModel) and m.link_target]


def _unaccepted(model):
    return model._base_manager.filter(link_accepted=False, deleted_at__isnull=True)


def _waiting(model):
    # Every required foreign key: a link's name shows both its sides.
    return _unaccepted(model).select_related().order_by("-updated_at")


def _waiting_kinds() -> list[type[Model]]:
    """The kinds of link of which any waits at all, read once per registry version: mostly
    none does, and then nobody's page need look for hers."""
    labels = stored_figures(
        "links-waiting", lambda: [m._meta.label for m in link_models() if _unaccepted(m).exists()]
    )
    return [apps.get_model(label) for label in labels]


def _editable_linked(model, user):
    linked_model = model._meta.get_field(model.link_target).related_model
    editable = linked_model._base_manager.filter(permissions.editable_q(linked_model, user))
    return {f"{model.link_target}__in": editable.values("pk")}


def proposals_to_decide(user) -> list[Proposal]:
    """Links that wait for the user's word: to records she may change (all of them for staff)."""
    found = []
    for model in _waiting_kinds():
        waiting = _waiting(model)
        if not permissions.is_staff(user):
            waiting = waiting.filter(**_editable_linked(model, user))
        found += [
            Proposal(link, getattr(link, model.link_target), may_accept=True)
            for link in waiting[:PROPOSALS_SHOWN]
        ]
    return found


def proposals_made(user) -> list[Proposal]:
    """Links her organisations made to others' records, still waiting (she may withdraw them)."""
    if permissions.is_staff(user) or not permissions.organisation_ids(user):
        return []
    found = []
    for model in _waiting_kinds():
        ids = permissions.organisation_ids(user)
        waiting = (
            _waiting(model)
            .filter(pk__in=model._base_manager.filter(permissions.owned_q(model, ids)).values("pk"))
            .exclude(**_editable_linked(model, user))
        )
        found += [
            Proposal(link, getattr(link, model.link_target), may_accept=False)
            for link in waiting[:PROPOSALS_SHOWN]
        ]
    return found
