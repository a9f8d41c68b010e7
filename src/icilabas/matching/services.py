"""Writes of the matching domain: remembering what editors decided about look-alikes."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from icilabas.actors.forms import OrganisationForm
from icilabas.actors.models import Position
from icilabas.cooperation import models as cooperation
from icilabas.cooperation.models import (
    ActionStep,
    BudgetLine,
    Commitment,
    Participation,
    Partnership,
    PartnershipDocument,
    Project,
)
from icilabas.cooperation.services import reindex
from icilabas.core.permissions import require_staff
from icilabas.core.services import create_record, restore_record, soft_delete_record, update_record
from icilabas.members.models import Invitation, Membership

from .models import (
    DuplicateCandidate,
    MatchDecision,
    OrganisationMerge,
    PartnershipMerge,
    ProjectMerge,
    ScanRun,
)
from .scan import clusters, scan, weak_bridges
from .selectors import candidate_records

logger = logging.getLogger(__name__)


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


def decisions_from_form(project, *, user, not_duplicate_of=(), related_to=()) -> int:
    """What the editor said on the project's form of the look-alikes it showed."""
    return record_decisions(
        project=project, user=user, different=not_duplicate_of, related=related_to
    )


SCAN_CHUNK = 5_000


def claim_scan(*, user) -> tuple[ScanRun, bool]:
    """The running scan, or a new one (True) to queue: the database lets only one run at a
    time (`matching_scanrun_one_running`), so two staff asking at once get the same."""
    require_staff(user)
    try:
        with transaction.atomic():
            return ScanRun.objects.create(started_by=user), True
    except IntegrityError:
        return ScanRun.objects.get(state=ScanRun.State.RUNNING), False


def end_scan(run: ScanRun, error: str) -> None:
    run.state = ScanRun.State.FAILED
    run.result = {"error": error}
    run.finished_at = timezone.now()
    run.save(update_fields=["state", "result", "finished_at"])
    run.progress.clear()


def run_scan(run_pk: int) -> None:
    run = ScanRun.objects.filter(pk=run_pk, state=ScanRun.State.RUNNING).first()
    if run is None:
        return  # removed or already ended: nothing to do, nothing to retry
    try:
        # The review queue keeps the reasons for every reader: in the registry's language.
        with translation.override(settings.LANGUAGE_CODE):
            run.result = scan_registry(progress=run.progress.write)
        run.state = ScanRun.State.DONE
    except Exception as error:  # the run must end in a state the page can show
        logger.exception("Analyse du registre n° %s interrompue", run_pk)
        run.state = ScanRun.State.FAILED
        run.result = {"error": error.__class__.__name__}
    run.finished_at = timezone.now()
    run.save()
    run.progress.clear()


def scan_registry(*, threshold: float = 0.5, progress=None) -> dict:
    """Score every live project against the others and replace the review queue with the pairs
    judged alike (pairs already decided are left out). `progress(done, total, step)` is called
    as records are read.

    Projects are read and scored outside any transaction: on SQLite a transaction holds the
    only write lock from its start (`transaction_mode` IMMEDIATE), and a scan of the whole
    registry would keep logins and edits waiting for as long. Only the queue's replacement is
    one transaction, short; a project deleted meanwhile is left out of it."""
    ids = list(Project.objects.order_by("pk").values_list("pk", flat=True))
    records = []
    for start in range(0, len(ids), SCAN_CHUNK):
        records += candidate_records(ids[start : start + SCAN_CHUNK])
        if progress:
            progress(min(start + SCAN_CHUNK, len(ids)), len(ids), "lecture")
    pairs, stats = scan(records, threshold=threshold)
    strong_groups = clusters(pairs)
    bridges = weak_bridges(pairs, strong_groups)
    groups = {member: number for number, group in enumerate(strong_groups, 1) for member in group}
    found = [
        DuplicateCandidate(
            project_a_id=min(int(pair.id_a), int(pair.id_b)),
            project_b_id=max(int(pair.id_a), int(pair.id_b)),
            probability=pair.probability,
            reasons=" ; ".join(pair.reasons),
            cluster=groups.get(pair.id_a, 0) if (pair.id_a, pair.id_b) not in bridges else 0,
            weak_bridge=(pair.id_a, pair.id_b) in bridges,
        )
        for pair in pairs
    ]
    with transaction.atomic():
        decided = set(MatchDecision.objects.values_list("project_a", "project_b"))
        still_there = set(Project.objects.values_list("pk", flat=True).iterator())
        queue = [
            candidate
            for candidate in found
            if (candidate.project_a_id, candidate.project_b_id) not in decided
            and candidate.project_a_id in still_there
            and candidate.project_b_id in still_there
        ]
        DuplicateCandidate.objects.all().delete()
        DuplicateCandidate.objects.bulk_create(queue, batch_size=2000)
    if progress:
        progress(len(ids), len(ids), "score")
    return {
        **stats,
        "queued": len(queue),
        "clusters": len(strong_groups),
        "weak_bridges": len(bridges),
    }


@transaction.atomic
def decide_candidate(*, candidate: DuplicateCandidate, user, decision: str) -> None:
    """Record the reviewer's decision and take the pair out of the queue."""
    require_staff(user)
    project = candidate.project_a
    other = [candidate.project_b]
    record_decisions(
        project=project,
        user=user,
        different=other if decision == MatchDecision.Decision.DIFFERENT else (),
        related=other if decision == MatchDecision.Decision.RELATED else (),
    )
    candidate.delete()


# Fields the kept project takes from the absorbed one when it has no value of its own.
MERGE_FIELDS = (
    "partnership",
    "summary",
    "description",
    "objectives",
    "start_on",
    "end_on",
    "country",
    "primary_theme",
    "dac_sector",
    "source",
)


def _project_links():
    """(model, field) of every registry record that belongs to a project."""
    return tuple(
        (model, "project")
        for model in (
            cooperation.SecondaryTheme,
            cooperation.ProjectLocation,
            cooperation.ActionStep,
            cooperation.Participation,
            cooperation.BudgetLine,
            cooperation.LocalImpact,
        )
    )


def _undo_reason(merge, user) -> str:
    """Check that `user` may undo this merge, once; the history reason of the undo."""
    require_staff(user)
    if merge.undone_at is not None:
        raise ValidationError(_("Cette fusion a déjà été annulée."))
    return f"Annulation de la fusion de « {merge.absorbed} » dans « {merge.kept} »"


def _empty(field):
    return None if field.null else ""


def _filled_from(kept, absorbed, names) -> dict:
    """The values `kept` lacks and `absorbed` has, among `names`."""
    data = {}
    for name in names:
        field = kept._meta.get_field(name)
        if field.value_from_object(kept) in (None, "") and field.value_from_object(
            absorbed
        ) not in (None, ""):
            data[name] = getattr(absorbed, name)
    return data


@transaction.atomic
def merge_projects(*, kept, absorbed, user) -> ProjectMerge:
    """Merge `absorbed` into `kept`: nothing is lost (empty fields of `kept` take the absorbed
    values, children move over, the absorbed record goes to the bin) and it can be undone."""

    require_staff(user)
    if kept.pk == absorbed.pk:
        raise ValidationError(_("Un projet ne peut pas être fusionné avec lui-même."))
    reason = f"Fusion de « {absorbed} » dans « {kept} »"
    data = _filled_from(kept, absorbed, MERGE_FIELDS)
    filled = list(data)
    added_sdgs = list(absorbed.sdgs.exclude(pk__in=kept.sdgs.all()).values_list("pk", flat=True))
    if added_sdgs:
        data["sdgs"] = [*kept.sdgs.all(), *absorbed.sdgs.filter(pk__in=added_sdgs)]
    moved, binned = _move_links(_project_links(), kept, absorbed, user=user, reason=reason)
    if data:
        update_record(kept, user=user, data=data, reason=reason)
    soft_delete_record(absorbed, user=user, reason=reason)
    DuplicateCandidate.objects.filter(
        models.Q(project_a=absorbed) | models.Q(project_b=absorbed)
    ).delete()
    return create_record(
        ProjectMerge,
        user=user,
        reason=reason,
        data={
            "kept": kept,
            "absorbed": absorbed,
            "moved": moved,
            "binned": binned,
            "filled_fields": filled,
            "added_sdgs": added_sdgs,
        },
    )


@transaction.atomic
def undo_merge(*, merge: ProjectMerge, user) -> ProjectMerge:
    """Put both projects back exactly as they were before the merge."""
    reason = _undo_reason(merge, user)
    absorbed = restore_record(merge.absorbed, user=user, reason=reason)
    _put_links_back(_project_links(), merge, absorbed, user=user, reason=reason)
    kept = merge.kept
    data = {name: _empty(kept._meta.get_field(name)) for name in merge.filled_fields}
    if merge.added_sdgs:
        data["sdgs"] = list(kept.sdgs.exclude(pk__in=merge.added_sdgs))
    if data:
        update_record(kept, user=user, data=data, reason=reason)
    return update_record(merge, user=user, data={"undone_at": timezone.now()}, reason=reason)


# ---------------------------------------------------------------- organisations

# Fields the kept organisation takes from the absorbed one when it has none: the form's (one
# declaration of them), but what names it and what staff decide (membership, trust), plus the
# IATI identifier an import gives.
ORGANISATION_MERGE_FIELDS = (
    *(
        name
        for name in OrganisationForm.Meta.fields
        if name not in ("name", "kind", "is_network_member", "trusted")
    ),
    "iati_identifier",
)


def _move_links(links, kept, absorbed, *, user, reason: str) -> tuple[dict, dict]:
    """Point every record linked to `absorbed` at `kept`, through the services. A record that
    cannot move (the kept one already has the same role) goes to the bin. Returns what moved
    and what was binned, as {"app.Model": [pk, …]}."""

    moved: dict[str, list[int]] = {}
    binned: dict[str, list[int]] = {}
    for model, field in links:
        for child in model.objects.filter(**{field: absorbed}):
            label = model._meta.label
            try:
                with transaction.atomic():
                    update_record(child, user=user, data={field: kept}, reason=reason)
                moved.setdefault(label, []).append(child.pk)
            except ValidationError:
                soft_delete_record(child, user=user, reason=reason)
                binned.setdefault(label, []).append(child.pk)
    return moved, binned


def _put_links_back(links, merge, absorbed, *, user, reason: str) -> None:
    """Undo `_move_links`: moved records point at `absorbed` again, binned ones come back."""
    from django.apps import apps

    fields = {model._meta.label: field for model, field in links}
    for label, ids in merge.moved.items():
        for child in apps.get_model(label).all_objects.filter(pk__in=ids):
            update_record(child, user=user, data={fields[label]: absorbed}, reason=reason)
    for label, ids in merge.binned.items():
        for child in apps.get_model(label).all_objects.filter(pk__in=ids):
            restore_record(child, user=user, reason=reason)


def _organisation_links():
    """(model, field) of every registry record that points at an organisation."""

    return (
        (Position, "organisation"),
        (Participation, "organisation"),
        (ActionStep, "owner"),
        (BudgetLine, "cofinancer"),
    )


def _reindex_partnerships(pks: list[int]) -> None:
    """Partner names appear in the search entries of partnerships and their projects."""
    reindex(
        partnerships=Partnership.objects.filter(pk__in=pks),
        projects=Project.objects.filter(partnership__in=pks),
    )


@transaction.atomic
def merge_organisations(*, kept, absorbed, user) -> OrganisationMerge:
    """Merge `absorbed` into `kept`: its partnerships, roles in projects, people, budget lines
    and members move over, the kept record's empty fields take its values, and it goes to the
    bin; everything is recorded so that the merge can be undone."""

    require_staff(user)
    if kept.pk == absorbed.pk:
        raise ValidationError(_("Une organisation ne peut pas être fusionnée avec elle-même."))
    reason = f"Fusion de « {absorbed} » dans « {kept} »"
    # The absorbed organisation's unique fields (SIREN…) are freed before the kept one takes
    # them: it goes to the bin first.
    soft_delete_record(absorbed, user=user, reason=reason)
    data = _filled_from(kept, absorbed, ORGANISATION_MERGE_FIELDS)
    moved, binned = _move_links(_organisation_links(), kept, absorbed, user=user, reason=reason)
    partnerships = []
    for partnership in Partnership.objects.filter(french_partners=absorbed):
        partners = [o for o in partnership.french_partners.all() if o.pk != absorbed.pk]
        shared = any(o.pk == kept.pk for o in partners)
        # The link to the binned organisation is not seen by the related manager: drop it.
        Partnership.french_partners.through.objects.filter(
            partnership=partnership, organisation=absorbed
        ).delete()
        update_record(
            partnership,
            user=user,
            data={"french_partners": partners if shared else [*partners, kept]},
            reason=reason,
        )
        partnerships.append([partnership.pk, shared])
    _reindex_partnerships([pk for pk, _shared in partnerships])
    memberships = []
    for membership in Membership.objects.filter(organisation=absorbed):
        if not Membership.objects.filter(user=membership.user, organisation=kept).exists():
            Membership.objects.filter(pk=membership.pk).update(organisation=kept)
            memberships.append(membership.pk)
    Invitation.objects.filter(organisation=absorbed, accepted_at__isnull=True).update(
        organisation=kept
    )
    if data:
        update_record(kept, user=user, data=data, reason=reason)
    return create_record(
        OrganisationMerge,
        user=user,
        reason=reason,
        data={
            "kept": kept,
            "absorbed": absorbed,
            "moved": moved,
            "binned": binned,
            "partnerships": partnerships,
            "memberships": memberships,
            "filled_fields": list(data),
        },
    )


@transaction.atomic
def undo_organisation_merge(*, merge: OrganisationMerge, user) -> OrganisationMerge:
    """Put both organisations back as they were before the merge."""

    reason = _undo_reason(merge, user)
    kept = merge.kept
    if merge.filled_fields:
        update_record(
            kept,
            user=user,
            data={n: _empty(kept._meta.get_field(n)) for n in merge.filled_fields},
            reason=reason,
        )
    absorbed = restore_record(merge.absorbed, user=user, reason=reason)
    _put_links_back(_organisation_links(), merge, absorbed, user=user, reason=reason)
    for pk, shared in merge.partnerships:
        partnership = Partnership.all_objects.get(pk=pk)
        partners = [o for o in partnership.french_partners.all() if shared or o.pk != kept.pk]
        update_record(
            partnership, user=user, data={"french_partners": [*partners, absorbed]}, reason=reason
        )
    _reindex_partnerships([pk for pk, _shared in merge.partnerships])
    Membership.objects.filter(pk__in=merge.memberships).update(organisation=absorbed)
    return update_record(merge, user=user, data={"undone_at": timezone.now()}, reason=reason)


# ---------------------------------------------------------------- partnerships

PARTNERSHIP_MERGE_FIELDS = (
    "signed_on",
    "first_convention_year",
    "duration_years",
    "end_on",
    "description",
    "source",
)


def _partnership_links():

    return (
        (Project, "partnership"),
        (Commitment, "partnership"),
        (PartnershipDocument, "partnership"),
    )


@transaction.atomic
def merge_partnerships(*, kept, absorbed, user) -> PartnershipMerge:
    """Merge `absorbed` into `kept`: its projects, commitments and documents move over, its
    French partners join, the kept record's empty fields take its values, and it goes to the
    bin; undoable."""

    require_staff(user)
    if kept.pk == absorbed.pk:
        raise ValidationError(_("Un partenariat ne peut pas être fusionné avec lui-même."))
    reason = f"Fusion de « {absorbed} » dans « {kept} »"
    data = _filled_from(kept, absorbed, PARTNERSHIP_MERGE_FIELDS)
    current = list(kept.french_partners.all())
    added = [o for o in absorbed.french_partners.all() if o not in current]
    if added:
        data["french_partners"] = [*current, *added]
    moved, binned = _move_links(_partnership_links(), kept, absorbed, user=user, reason=reason)
    soft_delete_record(absorbed, user=user, reason=reason)
    if data:
        update_record(kept, user=user, data=data, reason=reason)
    _reindex_partnerships([kept.pk])
    return create_record(
        PartnershipMerge,
        user=user,
        reason=reason,
        data={
            "kept": kept,
            "absorbed": absorbed,
            "moved": moved,
            "binned": binned,
            "added_partners": [o.pk for o in added],
            "filled_fields": [name for name in data if name != "french_partners"],
        },
    )


@transaction.atomic
def undo_partnership_merge(*, merge: PartnershipMerge, user) -> PartnershipMerge:
    """Put both partnerships back as they were before the merge."""

    reason = _undo_reason(merge, user)
    kept = merge.kept
    data = {n: _empty(kept._meta.get_field(n)) for n in merge.filled_fields}
    if merge.added_partners:
        data["french_partners"] = list(kept.french_partners.exclude(pk__in=merge.added_partners))
    if data:
        update_record(kept, user=user, data=data, reason=reason)
    absorbed = restore_record(merge.absorbed, user=user, reason=reason)
    _put_links_back(_partnership_links(), merge, absorbed, user=user, reason=reason)
    _reindex_partnerships([kept.pk, absorbed.pk])
    return update_record(merge, user=user, data={"undone_at": timezone.now()}, reason=reason)
