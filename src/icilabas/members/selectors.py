"""What a member's own page lists."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
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


def unpublished_work(*, user, limit: int = SHOWN_PER_KIND) -> list[dict]:
    """Drafts and submissions the user may act on, per kind (all of them for staff), latest
    change first."""
    sections = []
    for model in WORK_MODELS:
        records = model.objects.exclude(publication=Publication.PUBLISHED)
        records = _editable_by(records, user)
        records = list(records.order_by("-updated_at")[: limit + 1])
        if records:
            sections.append(
                {"meta": model._meta, "records": records[:limit], "more": len(records) > limit}
            )
    return sections


CONFIRMED_MODELS = (Organisation, Partnership, Project)


def _unconfirmed(model):
    """Published records neither confirmed nor changed for a year (the interval is a
    setting), counted from the start of today so that the day's counts share one key."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    cutoff = today - timedelta(days=settings.CONFIRMATION_INTERVAL_DAYS)
    return (
        model.objects.published()
        .filter(updated_at__lt=cutoff)
        .filter(Q(confirmed_at__isnull=True) | Q(confirmed_at__lt=cutoff))
    )


def stale_records(*, organisation_ids, limit: int = SHOWN_PER_KIND) -> list[dict]:
    """These organisations' records to confirm, per kind, oldest first."""
    if not organisation_ids:
        return []
    return _oldest_unconfirmed(
        lambda model: Q(
            pk__in=model._base_manager.filter(permissions.owned_q(model, organisation_ids)).values(
                "pk"
            )
        ),
        limit,
    )


def records_to_confirm(*, user, limit: int = SHOWN_PER_KIND) -> list[dict]:
    """The records she may edit that nobody confirmed for a year, per kind, oldest first (Mon
    espace: inside `permissions.reading_only()` her records are a list of ids read once).
    Staff are shown the network's count, not a list."""
    if not permissions.organisation_ids(user):
        return []
    return _oldest_unconfirmed(lambda model: permissions.editable_q(model, user), limit)


def _oldest_unconfirmed(condition, limit: int) -> list[dict]:
    sections = []
    for model in CONFIRMED_MODELS:
        records = list(_unconfirmed(model).filter(condition(model)).order_by("updated_at")[:limit])
        if records:
            sections.append({"meta": model._meta, "records": records})
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


MY_RECORDS = 10  # per kind, most recently changed first


def my_records(*, user) -> list[dict]:
    """Her organisations' partnerships and projects, whatever their publication state, most
    recently changed first (for staff: the network's latest)."""
    sections = []
    for model in (Partnership, Project):
        records = model.objects.all()
        records = _editable_by(records, user)
        rows = list(records.order_by("-updated_at")[:MY_RECORDS])
        if rows:
            sections.append({"meta": model._meta, "records": rows})
    return sections


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
