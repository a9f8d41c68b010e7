"""Writes of the knowledge app beyond the generic ones (core.services)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from icilabas.core.permissions import can_view, is_staff, require_edit
from icilabas.core.services import create_record, soft_delete_record

from .models import GuideStep, StepCheck, Term, TermComment


@transaction.atomic
def toggle_check(*, project, step: GuideStep, item: int, user) -> bool:
    """Tick a guide's checklist item for a project, or untick it; True when it is now ticked.
    Only those who may change the project may."""
    require_edit(user, project)
    ticked = StepCheck.objects.filter(project=project, step=step, item=item).first()
    if ticked is not None:
        soft_delete_record(ticked, user=user, reason="Point décoché")
        return False
    create_record(
        StepCheck,
        user=user,
        data={"project": project, "step": step, "item": item},
        reason="Point coché",
    )
    return True


def post_comment(*, term: Term, user, text: str) -> TermComment:
    """A member's comment on a term she may see (editors of an organisation and staff)."""
    require_edit(user)
    if not can_view(user, term):
        raise PermissionDenied(gettext("Ce terme n'est pas visible."))
    comment = TermComment(term=term, author=user, text=text)
    comment.full_clean()
    comment._history_user = user
    comment.save()
    return comment


def withdraw_comment(*, comment: TermComment, user) -> TermComment:
    """Withdrawn by its author or by staff; the text stays in the history."""
    if not (is_staff(user) or (user.is_authenticated and comment.author_id == user.pk)):
        raise PermissionDenied(
            gettext("Seuls l'auteur du commentaire et l'équipe du réseau peuvent le retirer.")
        )
    comment.withdrawn_at = timezone.now()
    comment._history_user = user
    comment.save(update_fields=["withdrawn_at"])
    return comment
