"""Writes of the knowledge app beyond the generic ones (core.services)."""

from django.db import transaction

from icilabas.core.permissions import require_edit
from icilabas.core.services import create_record, soft_delete_record

from .models import GuideStep, StepCheck


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
