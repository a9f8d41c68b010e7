"""Look-alikes of an organisation or a partnership being typed: the same registry entry under
another spelling, so that editors open the existing record instead of creating a second one."""

from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext
from rapidfuzz import fuzz, process

from icilabas.actors.models import ForeignAuthority, Organisation
from icilabas.cooperation.models import Partnership
from icilabas.core.permissions import visible

from .normalize import authority_name, compact_place, place_name

NAME_CUTOFF = 85  # % of token-sort similarity of normalised names
TITLE_CUTOFF = 70


@dataclass(frozen=True)
class Similar:
    record: object
    percent: int
    reasons: list[str]


def similar_organisations(
    *,
    name: str,
    kind: str = "",
    siren: str = "",
    insee_code: str = "",
    exclude=None,
    viewer=None,
    limit=5,
) -> list[Similar]:
    """Same SIREN, or a name that is the same once "Ville de", articles, accents and hyphens
    are set aside (the same commune code makes a looser name enough). An organisation of
    another kind must have the same full name: a commune and its twinning committee share
    the place name only."""
    wanted = authority_name(name)
    if len(wanted) < 3 and not siren:
        return []
    rows = {
        pk: (row_name, row_kind, row_siren, insee)
        for pk, row_name, row_kind, row_siren, insee in visible(Organisation.objects.all(), viewer)
        .exclude(pk=exclude or 0)
        .values_list("pk", "name", "kind", "siren", "insee_code")
    }
    names = {pk: authority_name(row[0]) for pk, row in rows.items()}
    found: dict[int, Similar] = {}
    for _text, score, pk in process.extract(
        wanted, names, scorer=fuzz.token_sort_ratio, limit=20, score_cutoff=60
    ):
        row_name, row_kind, _siren, insee = rows[pk]
        if kind and row_kind != kind:
            score = fuzz.token_sort_ratio(place_name(name), place_name(row_name))
        same_place = bool(insee_code) and insee == insee_code and (not kind or row_kind == kind)
        if score >= NAME_CUTOFF or same_place:
            reasons = [gettext("noms proches à %(share)s %%") % {"share": round(score)}]
            if same_place:
                reasons.append(gettext("même commune (code INSEE %(code)s)") % {"code": insee_code})
            found[pk] = Similar(pk, round(score), reasons)
    if siren:
        for pk, row in rows.items():
            if row[2] == siren:
                earlier = found[pk].reasons if pk in found else []
                found[pk] = Similar(pk, 99, [gettext("même SIREN"), *earlier])
    return _records(Organisation, found, limit)


def similar_foreign_authorities(
    *, name: str, locality: str = "", country: str = "", exclude=None, viewer=None, limit=5
) -> list[Similar]:
    """Partner authorities of the same country whose locality or name is spelt alike: a
    locality typed "Fondiougne" finds Foundiougne's record, "tabezaou" finds Tabé Zalou's."""
    typed_place, typed_name = compact_place(locality), authority_name(name)
    if len(typed_place) < 3 and len(typed_name) < 3:
        return []
    rows = visible(ForeignAuthority.objects.all(), viewer).exclude(pk=exclude or 0)
    if country:
        rows = rows.filter(country=country)
    found: dict[int, Similar] = {}
    for pk, row_name, row_locality in rows.values_list("pk", "name", "locality"):
        reasons, score = [], 0
        if typed_place and row_locality:
            place_score = fuzz.ratio(typed_place, compact_place(row_locality))
            if place_score >= NAME_CUTOFF:
                reasons.append(
                    gettext("localités d'orthographe proche : %(place)s") % {"place": row_locality}
                )
                score = place_score
        if typed_name:
            name_score = fuzz.token_sort_ratio(typed_name, authority_name(row_name))
            if name_score >= NAME_CUTOFF:
                reasons.append(
                    gettext("noms proches à %(share)s %%") % {"share": round(name_score)}
                )
                score = max(score, name_score)
        if reasons:
            found[pk] = Similar(pk, round(score), reasons)
    return _records(ForeignAuthority, found, limit)


def similar_partnerships(
    *, title: str, foreign_authority_id, french_partner_ids, exclude=None, viewer=None, limit=5
) -> list[Similar]:
    """Partnerships with the same partner authority (or one at the same place), sharing a
    French partner or a close title."""
    authority = ForeignAuthority.objects.filter(pk=foreign_authority_id or 0).first()
    if authority is None:
        return []
    place = Q(pk=authority.pk)
    if authority.locality:
        place |= Q(country=authority.country, locality__iexact=authority.locality)
    same_place = ForeignAuthority.objects.filter(place)
    partners = {int(pk) for pk in french_partner_ids if str(pk).isdigit()}  # as typed
    found = {}
    candidates = (
        visible(Partnership.objects.all(), viewer)
        .exclude(pk=exclude or 0)
        .filter(foreign_authority__in=same_place)
        .select_related("foreign_authority")
        .prefetch_related("french_partners")[:200]
    )
    for partnership in candidates:
        reasons = []
        if partnership.foreign_authority_id == authority.pk:
            reasons.append(
                gettext("même autorité partenaire : %(name)s") % {"name": authority.name}
            )
        else:
            place = place_name(authority.locality)
            reasons.append(gettext("même localité partenaire : %(place)s") % {"place": place})
        common = [o for o in partnership.french_partners.all() if o.pk in partners]
        if common:
            names = ", ".join(o.name for o in common)
            reasons.append(gettext("partenaire français commun : %(names)s") % {"names": names})
        score = round(fuzz.token_sort_ratio(place_name(title), place_name(partnership.title)))
        if score >= TITLE_CUTOFF:
            reasons.append(gettext("intitulés proches à %(share)s %%") % {"share": score})
        if common or score >= TITLE_CUTOFF:
            percent = 95 if common and partnership.foreign_authority_id == authority.pk else 75
            found[partnership.pk] = Similar(partnership.pk, max(percent, score), reasons)
    return _records(Partnership, found, limit)


def _records(model, found: dict[int, Similar], limit: int) -> list[Similar]:
    best = sorted(found.values(), key=lambda s: -s.percent)[:limit]
    records = model.objects.in_bulk([s.record for s in best])
    return [Similar(records[s.record], s.percent, s.reasons) for s in best if s.record in records]
