"""What a member's own page lists."""

from datetime import timedelta
from operator import attrgetter

from django.conf import settings
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.utils import timezone

from icilabas.actors.models import ForeignAuthority, Involvement, Organisation, Person
from icilabas.cooperation.models import Partnership, Project
from icilabas.cooperation.selectors import conventions_ending
from icilabas.core import jobs, permissions
from icilabas.core.models import PendingChange, Publication
from icilabas.core.queries import stored_count, stored_figures

from .models import Invitation, Membership

WORK_MODELS = (Organisation, Partnership, Project, ForeignAuthority, Person)


def _editable_by(records, user):
    """The records she may edit (all of them for staff)."""
    if permissions.is_staff(user):
        return records
    return records.filter(permissions.editable_q(records.model, user))


SHOWN_PER_KIND = 15  # Mon espace is a summary: the latest, and whether there are more
MY_RECORDS = 10  # her partnerships and projects, most recently changed first
MY_RECORD_MODELS = (Partnership, Project)
CONFIRMED_MODELS = (Organisation, Partnership, Project)
READ_WHOLE = 100  # a kind of which she may edit at most this many is read once (`my_lists`)


def _confirmation_due(model) -> Q:
    """Published records neither confirmed nor changed for a year (the interval is a
    setting), counted from the start of today so that the day's counts share one key."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    cutoff = today - timedelta(days=settings.CONFIRMATION_INTERVAL_DAYS)
    return (
        model.public_q()
        & Q(updated_at__lt=cutoff)
        & (Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
    )


def _unconfirmed(model):
    return model.objects.filter(_confirmation_due(model))


def my_lists(*, user) -> dict[str, list[dict]]:
    """Mon espace's lists, per kind: `work`, the drafts and submissions she may act on (the
    network's for staff), latest change first; `stale`, her records to confirm, oldest
    first (staff see the network's count instead); `mine`, her partnerships and projects
    whatever their state (the network's for staff), latest change first.

    Inside `permissions.reading_only()`, a kind of which she may edit at most READ_WHOLE
    records is read in one query and its lists drawn from it: each list's own query cost
    about a millisecond to build, send and read for a handful of rows."""
    lists = {"work": [], "stale": [], "mine": []}
    to_confirm = bool(permissions.organisation_ids(user))
    for model in WORK_MODELS:
        ids = None if permissions.is_staff(user) else permissions.remembered_ids(model, user)
        if ids is not None and len(ids) <= READ_WHOLE:
            due = (
                ExpressionWrapper(_confirmation_due(model), output_field=BooleanField())
                if model in CONFIRMED_MODELS
                else Value(False)
            )
            records = model.objects.filter(pk__in=ids).annotate(due=due)
            records = list(records.order_by("-updated_at"))
            drafts = [r for r in records if r.publication != Publication.PUBLISHED]
            stale = sorted((r for r in records if r.due), key=attrgetter("updated_at"))
            latest = records
        else:
            mine = _editable_by(model.objects.all(), user).order_by("-updated_at")
            drafts = mine.exclude(publication=Publication.PUBLISHED)[: SHOWN_PER_KIND + 1]
            stale = latest = ()
            if to_confirm and model in CONFIRMED_MODELS:
                stale = _unconfirmed(model).filter(permissions.editable_q(model, user))
                stale = stale.order_by("updated_at")[: SHOWN_PER_KIND + 1]
            if model in MY_RECORD_MODELS:
                latest = mine[: MY_RECORDS + 1]
        _add(lists["work"], model, list(drafts), SHOWN_PER_KIND)
        if to_confirm:
            _add(lists["stale"], model, list(stale), SHOWN_PER_KIND)
        if model in MY_RECORD_MODELS:
            _add(lists["mine"], model, list(latest), MY_RECORDS)
    return lists


def _add(sections: list[dict], model, records: list, limit: int) -> None:
    if records:
        sections.append(
            {"meta": model._meta, "records": records[:limit], "more": len(records) > limit}
        )


def stale_records(*, organisation_ids, limit: int = SHOWN_PER_KIND) -> list[dict]:
    """These organisations' records to confirm, per kind, oldest first (the yearly
    campaign's e-mails)."""
    if not organisation_ids:
        return []
    sections = []
    for model in CONFIRMED_MODELS:
        owned = model._base_manager.filter(permissions.owned_q(model, organisation_ids))
        records = list(
            _unconfirmed(model).filter(pk__in=owned.values("pk")).order_by("updated_at")[:limit]
        )
        _add(sections, model, records, limit)
    return sections


def managed_memberships(*, user):
    memberships = Membership.objects.select_related("user", "organisation").order_by(
        "organisation__name", "user__last_name", "user__email"
    )
    if permissions.is_staff(user):
        return memberships
    return memberships.filter(organisation__in=permissions.organisation_ids(user, admin_only=True))


def pending_invitations(*, user):
    invitations = Invitation.objects.filter(accepted_at__isnull=True).select_related("organisation")
    if not permissions.is_staff(user):
        invitations = invitations.filter(
            organisation__in=permissions.organisation_ids(user, admin_only=True)
        )
    return invitations.order_by("-created_at")


def involvement_offers(*, user):
    """Visitors' offers of help to the organisations the user edits, unanswered first."""
    return (
        Involvement.objects.filter(organisation_id__in=permissions.organisation_ids(user))
        .select_related("organisation", "commune")
        .order_by("answered_at", "-created_at")
    )


def my_proposals(*, user, limit: int = 10):
    """Her changes kept for the network's review, waiting or decided, latest first."""
    return (
        PendingChange.objects.filter(proposed_by=user)
        .select_related("content_type")
        .order_by("-proposed_at")[:limit]
    )


def my_conventions_ending(*, user):
    """Her organisations' running conventions ending within 90 days (all, for staff)."""
    return conventions_ending(_editable_by(Partnership.objects.all(), user))


def network_figures() -> dict:
    """What awaits the network's staff: changes and submissions to review, records nobody
    confirmed for a year, the background work that failed this week, the registry's size."""
    return {
        **stored_figures("network", _registry_figures),
        "failed_jobs": jobs.recent_failures(),
        "pending_changes": PendingChange.objects.filter(state=PendingChange.State.PENDING).count(),
    }


def _registry_figures() -> dict:
    return {
        "submitted": sum(
            stored_count(model.objects.filter(publication=Publication.SUBMITTED))
            for model in WORK_MODELS
        ),
        "stale": sum(stored_count(_unconfirmed(model)) for model in CONFIRMED_MODELS),
        "projects": stored_count(Project.objects.all()),
        "organisations": stored_count(Organisation.objects.all()),
    }
