"""What duplicate detection adds to the registry's pages (registered in `apps.py`): for staff,
the records that may be the same organisation or partnership and the merges to undo; on a
partner authority's page, who else acts at that locality."""

from icilabas.core.permissions import is_staff

from .activity import active_actors
from .similar import similar_organisations, similar_partnerships


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
