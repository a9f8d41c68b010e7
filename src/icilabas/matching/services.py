"""Writes of the matching domain: remembering what editors decided about look-alikes."""

from collections.abc import Iterable

from django.db import transaction

from icilabas.core.services import create_record

from .models import DuplicateCandidate, MatchDecision


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


SCAN_CHUNK = 5_000


@transaction.atomic
def scan_registry(*, threshold: float = 0.5, progress=None) -> dict:
    """Score every live project against the others and replace the review queue with the pairs
    judged alike (pairs already decided are left out). `progress(done, total, step)` is called
    as records are read."""
    from icilabas.cooperation.models import Project

    from .scan import clusters, scan
    from .selectors import candidate_records

    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    records = []
    for start in range(0, len(ids), SCAN_CHUNK):
        records += candidate_records(ids[start : start + SCAN_CHUNK])
        if progress:
            progress(min(start + SCAN_CHUNK, len(ids)), len(ids), "lecture")
    pairs, stats = scan(records, threshold=threshold)
    decided = set(MatchDecision.objects.values_list("project_a", "project_b"))
    groups = {member: number for number, group in enumerate(clusters(pairs), 1) for member in group}
    DuplicateCandidate.objects.all().delete()
    queue = []
    for pair in pairs:
        a, b = sorted((int(pair.id_a), int(pair.id_b)))
        if (a, b) in decided:
            continue
        queue.append(
            DuplicateCandidate(
                project_a_id=a,
                project_b_id=b,
                probability=pair.probability,
                reasons=" ; ".join(pair.reasons),
                cluster=groups.get(pair.id_a, 0),
            )
        )
    DuplicateCandidate.objects.bulk_create(queue, batch_size=2000)
    if progress:
        progress(len(ids), len(ids), "score")
    return {**stats, "queued": len(queue), "clusters": len(set(groups.values()))}


@transaction.atomic
def decide_candidate(*, candidate: DuplicateCandidate, user, decision: str) -> None:
    """Record the reviewer's decision and take the pair out of the queue."""
    project = candidate.project_a
    other = [candidate.project_b]
    record_decisions(
        project=project,
        user=user,
        different=other if decision == MatchDecision.Decision.DIFFERENT else (),
        related=other if decision == MatchDecision.Decision.RELATED else (),
    )
    candidate.delete()
