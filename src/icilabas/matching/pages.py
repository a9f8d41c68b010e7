"""What duplicate detection adds to the registry's pages (registered in `apps.py`): for staff,
the records that may be the same organisation or partnership and the merges to undo; on a
partner authority's page, who else acts at that locality; in Mon espace, the look-alikes the
last scan found for her projects."""

from django.db.models import Q

from icilabas.cooperation.models import Project
from icilabas.core.permissions import editable_q, is_staff, organisation_ids, visible

from .activity import active_actors
from .models import DuplicateCandidate
from .similar import similar_organisations, similar_partnerships

FLAGGED_SHOWN = 10


def _merges(record):
    return record.merges.filter(undone_at__isnull=True).select_related("absorbed")


def organisation_look_alikes(organisation, *, viewer) -> dict:
    if not is_staff(viewer):
        return {}
    return {
        "similar": similar_organisations(
            name=organisation.name,
            kind=organisation.kind,
            siren=organisation.siren,
            insee_code=organisation.insee_code,
            exclude=organisation.pk,
            viewer=viewer,
        ),
        "merges": _merges(organisation),
    }


def partnership_look_alikes(partnership, *, viewer) -> dict:
    if not is_staff(viewer):
        return {}
    return {
        "similar": similar_partnerships(
            title=partnership.title,
            foreign_authority_id=partnership.foreign_authority_id,
            french_partner_ids=[o.pk for o in partnership.french_partners.all()],
            exclude=partnership.pk,
            viewer=viewer,
        ),
        "merges": _merges(partnership),
    }


def project_merges(project, *, viewer) -> dict:
    return {"merges": _merges(project)}


def others_here(authority, *, viewer) -> dict:
    return {
        "others_here": active_actors(
            country=authority.country.code,
            locality=authority.locality,
            near=(authority.latitude, authority.longitude),
            limit=10,
        )
    }


def flagged_look_alikes(*, viewer) -> dict | None:
    """Mon espace: the pairs of the last registry scan, awaiting the network's decision, in
    which one of her projects takes part (for staff: how many await). A look-alike she may
    not see (another organisation's draft) is shown without its title."""
    if is_staff(viewer):
        return {"staff": True, "awaiting": DuplicateCandidate.objects.count()}
    if not organisation_ids(viewer):
        return None
    mine = Project._base_manager.filter(editable_q(Project, viewer)).values("pk")
    pairs = (
        DuplicateCandidate.objects.filter(Q(project_a__in=mine) | Q(project_b__in=mine))
        .filter(project_a__deleted_at__isnull=True, project_b__deleted_at__isnull=True)
        .select_related("project_a", "project_b")
        .order_by("-probability", "pk")
    )
    shown = list(pairs[: FLAGGED_SHOWN + 1])
    if not shown:
        return None
    ids = {p.project_a_id for p in shown} | {p.project_b_id for p in shown}
    hers = set(
        Project._base_manager.filter(editable_q(Project, viewer), pk__in=ids).values_list(
            "pk", flat=True
        )
    )
    seen = set(visible(Project.objects.filter(pk__in=ids), viewer).values_list("pk", flat=True))
    rows = []
    for pair in shown[:FLAGGED_SHOWN]:
        mine_first = pair.project_a_id in hers
        own, other = (
            (pair.project_a, pair.project_b) if mine_first else (pair.project_b, pair.project_a)
        )
        rows.append(
            {
                "own": own,
                "other": other if other.pk in seen else None,
                "percent": pair.percent,
                "reasons": pair.reasons,
            }
        )
    return {"staff": False, "rows": rows, "more": len(shown) > FLAGGED_SHOWN}
