"""Writes of the matching domain: remembering what editors decided about look-alikes."""

from collections.abc import Iterable

from django.db import transaction

from icilabas.core.services import create_record

from .models import MatchDecision


@transaction.atomic
def record_decisions(*, project, user, different: Iterable = (), related: Iterable = ()) -> int:
    """Store "different" and "related" decisions between `project` and others (once a pair)."""
    stored = 0
    for decision, others in (
        (MatchDecision.Decision.DIFFERENT, different),
        (MatchDecision.Decision.RELATED, related),
    ):
        for other in others:
            if other.pk == project.pk:
                continue
            a, b = sorted((project, other), key=lambda p: p.pk)
            if MatchDecision.objects.filter(project_a=a, project_b=b).exists():
                continue
            create_record(
                MatchDecision,
                user=user,
                data={"project_a": a, "project_b": b, "decision": decision},
                reason="Décision sur des projets semblables",
            )
            stored += 1
    return stored
