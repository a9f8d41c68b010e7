"""What a member's own page lists."""

from icilabas.actors.models import ForeignAuthority, Organisation, Person
from icilabas.cooperation.models import Partnership, Project
from icilabas.core import permissions
from icilabas.core.models import Publication

from .models import Invitation, Membership

WORK_MODELS = (Organisation, Partnership, Project, ForeignAuthority, Person)


def unpublished_work(*, user, limit: int = 50) -> list[dict]:
    """Drafts and submissions the user may act on, per kind (all of them for staff)."""
    sections = []
    for model in WORK_MODELS:
        records = model.objects.exclude(publication=Publication.PUBLISHED)
        if not permissions.is_staff(user):
            records = records.filter(
                pk__in=model._base_manager.filter(permissions.editable_q(model, user)).values("pk")
            )
        records = list(records.order_by("-updated_at")[:limit])
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
