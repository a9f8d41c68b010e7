"""Look-alikes of a project in the registry, for the live check of the project form.

Candidates come from the index, never from a scan: projects at the same partner locality and
projects sharing title words (full-text index); they are then judged by the same scorer as the
batch scan, with the reasons in words.
"""

from dataclasses import dataclass

import numpy as np
from django.db.models import Q
from django.db.models.functions import Substr

from icilabas.actors.models import ForeignAuthority
from icilabas.cooperation.models import Partnership, Project, ProjectLocation
from icilabas.core import search
from icilabas.core.permissions import visible

from .batch import Columns
from .model import FIELDS, Model, default_model
from .models import MatchDecision, ScanRun
from .records import DESCRIPTION_CHARS, Rarity, Record
from .scan import Judgement, explain, probabilities

CANDIDATES_PER_SOURCE = 40
SHOWN_FROM = 0.3
NEAR_IDENTICAL_TITLE = 5  # title level (similarity >= 0.97) shown even when little else is typed


@dataclass(frozen=True)
class LookAlike:
    project: Project
    judgement: Judgement

    @property
    def percent(self) -> int:
        return round(self.judgement.probability * 100)

    @property
    def by_title(self) -> bool:
        """Shown for its near-identical title while too little is typed to say more."""
        return self.judgement.probability < SHOWN_FROM


def _worth_showing(probability: float, levels: np.ndarray) -> bool:
    """Likely enough; or, while the form says little yet (a title, a country), a title near
    enough that nothing typed contradicts."""
    if probability >= SHOWN_FROM:
        return True
    level = dict(zip(FIELDS, levels.tolist(), strict=True))
    contradicted = (
        level["locality"] == 0
        or level["country"] == 0
        or level["authority"] == 0
        or level["year"] == 0
    )
    return level["title"] >= NEAR_IDENTICAL_TITLE and not contradicted


def _candidate_ids(record: Record, exclude: int | None) -> list[int]:
    ids = search.objects_with_title_words(record.title, kind="project", limit=CANDIDATES_PER_SOURCE)
    if record.partner_locality:
        # Two simple indexed queries rather than one OR across joins (which scans).
        place = record.partner_locality
        authorities = ForeignAuthority.objects.filter(locality__iexact=place).values("pk")
        ids += list(
            Project.objects.filter(partnership__foreign_authority__in=authorities)
            .order_by("-pk")
            .values_list("pk", flat=True)[:CANDIDATES_PER_SOURCE]
        )
        ids += list(
            ProjectLocation.objects.filter(name__iexact=place)
            .order_by("-project_id")
            .values_list("project_id", flat=True)[:CANDIDATES_PER_SOURCE]
        )
    return [pk for pk in dict.fromkeys(ids) if pk != exclude]


def candidate_records(ids: list[int]) -> list[Record]:
    """Records of the candidates from three flat queries (no model instances: this runs on
    every keystroke pause of the project form)."""
    rows = list(
        Project.objects.filter(pk__in=ids)
        .annotate(  # only the start of the texts is compared (scan.DESCRIPTION_CHARS)
            summary_start=Substr("summary", 1, DESCRIPTION_CHARS * 2),
            description_start=Substr("description", 1, DESCRIPTION_CHARS * 2),
        )
        .values(
            "pk",
            "title",
            "summary_start",
            "description_start",
            "country",
            "start_on",
            "primary_theme__label",
            "partnership_id",
            "partnership__foreign_authority__locality",
        )
    )
    through = Partnership.french_partners.through
    first_partner: dict[int, str] = {}
    for partnership_id, name in (
        through.objects.filter(partnership_id__in={r["partnership_id"] for r in rows})
        .order_by("pk")
        .values_list("partnership_id", "organisation__name")
    ):
        first_partner.setdefault(partnership_id, name)
    first_location: dict[int, str] = {}
    for project_id, name in (
        ProjectLocation.objects.filter(project_id__in=[r["pk"] for r in rows])
        .order_by("pk")
        .values_list("project_id", "name")
    ):
        first_location.setdefault(project_id, name)
    return [
        Record(
            id=str(row["pk"]),
            title=row["title"],
            description=" ".join(filter(None, [row["summary_start"], row["description_start"]])),
            french_authority=first_partner.get(row["partnership_id"], ""),
            partner_locality=row["partnership__foreign_authority__locality"]
            or first_location.get(row["pk"], ""),
            partner_country=row["country"] or "",
            theme=row["primary_theme__label"] or "",
            start_year=row["start_on"].year if row["start_on"] else None,
        )
        for row in rows
    ]


def _decided_ids(project_pk: int | None) -> set[int]:
    if project_pk is None:
        return set()
    pairs = MatchDecision.objects.filter(Q(project_a=project_pk) | Q(project_b=project_pk))
    return {pk for pair in pairs.values_list("project_a", "project_b") for pk in pair} - {
        project_pk
    }


def look_alikes(
    record: Record,
    *,
    exclude: int | None = None,
    ignore: set[int] = frozenset(),
    limit: int = 5,
    viewer=None,
) -> list[LookAlike]:
    """Registered projects that may be the same as `record`, most likely first; without a
    `viewer`, every project (a scan), else only those the viewer may see."""
    skip = _decided_ids(exclude) | set(ignore)
    ids = [pk for pk in _candidate_ids(record, exclude) if pk not in skip]
    candidates = candidate_records(ids)
    if not candidates:
        return []
    records = [record, *candidates]
    rarity = Rarity(records)
    columns = Columns(records, rarity)
    others = np.arange(1, len(records))
    first = np.zeros_like(others)
    levels = columns.levels(first, others)
    scores = probabilities(registry_model(), levels, columns.thin_pairs(first, others))
    ranked = np.lexsort((-levels[:, FIELDS.index("title")], -scores))
    best = [k for k in ranked if _worth_showing(scores[k], levels[k])][:limit]
    projects = Project.objects.all() if viewer is None else visible(Project.objects.all(), viewer)
    shown = projects.in_bulk([int(candidates[k].id) for k in best])
    titles, descriptions = columns.shares(first[best], others[best])
    return [
        LookAlike(
            shown[int(candidates[k].id)],
            Judgement(
                float(scores[k]),
                explain(record, candidates[k], levels[k], (titles[n], descriptions[n])),
            ),
        )
        for n, k in enumerate(best)
        if int(candidates[k].id) in shown
    ]


def registry_model() -> Model:
    """The weights the last registry scan estimated on the registry's own records, else the
    default ones."""
    result = (
        ScanRun.objects.filter(state=ScanRun.State.DONE, result__has_key="model")
        .values_list("result", flat=True)
        .first()
    )
    return Model.from_dict(result["model"]) if result else default_model()
