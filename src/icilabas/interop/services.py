"""Importing IATI files into the registry, through the same services as every other write."""

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from icilabas.cooperation.models import Project
from icilabas.core.services import create_record, update_record
from icilabas.reference.models import Concept

from .iati import CRITICAL, ERROR, WARNING, Activity, IatiFileError, Problem, read_activities

# IATI ActivityStatus -> project status.
STATUSES = {
    "1": "identification",
    "2": "en_cours",
    "3": "en_cours",
    "4": "termine",
    "5": "annule",
    "6": "suspendu",
}
TITLE_LENGTH = Project._meta.get_field("title").max_length


@dataclass
class ImportReport:
    path: str
    created: int = 0
    updated: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return any(p.level in (CRITICAL, ERROR) for p in self.problems)


class _Rollback(Exception):
    pass


def _project_data(
    activity: Activity, source: str, sectors: dict[str, Concept], report: ImportReport
) -> dict:
    title = activity.text(activity.titles)
    if len(title) > TITLE_LENGTH:
        report.problems.append(Problem(WARNING, activity.line, "Titre tronqué à 250 caractères."))
        title = title[: TITLE_LENGTH - 1] + "…"
    data = {
        "title": title,
        "description": activity.text(activity.descriptions),
        "status": STATUSES.get(activity.status, "en_cours"),
        "start_on": activity.start,
        "end_on": activity.end,
        "iati_identifier": activity.identifier,
        "source": source,
        "country": "",
        "dac_sector": None,
    }
    if activity.status and activity.status not in STATUSES:
        report.problems.append(
            Problem(WARNING, activity.line, f"Statut IATI inconnu : « {activity.status} ».")
        )
    if activity.start and activity.end and activity.end < activity.start:
        report.problems.append(
            Problem(WARNING, activity.line, "Date de fin antérieure au début : fin ignorée.")
        )
        data["end_on"] = None
    for code in activity.countries:
        if code in countries:
            data["country"] = code
            break
        report.problems.append(Problem(WARNING, activity.line, f"Pays inconnu : « {code} »."))
    for vocabulary, code in activity.sectors:
        if vocabulary == "1" and code in sectors:
            data["dac_sector"] = sectors[code]
            break
        if vocabulary == "1":
            report.problems.append(
                Problem(WARNING, activity.line, f"Secteur CAD inconnu : « {code} ».")
            )
    return data


def import_iati(*, path: Path, user) -> ImportReport:
    """All or nothing per file: any critical problem or error leaves the registry unchanged."""
    path = Path(path)
    report = ImportReport(str(path))
    sectors = {c.code: c for c in Concept.objects.of("dac-sector")}
    try:
        with transaction.atomic():
            seen: set[str] = set()
            for activity in read_activities(path):
                if not activity.identifier or not activity.titles:
                    missing = "identifiant" if not activity.identifier else "titre"
                    report.problems.append(
                        Problem(ERROR, activity.line, f"Activité sans {missing}.")
                    )
                    continue
                if activity.identifier in seen:
                    report.problems.append(
                        Problem(
                            ERROR,
                            activity.line,
                            f"Identifiant en double dans le fichier : {activity.identifier}.",
                        )
                    )
                    continue
                seen.add(activity.identifier)
                source = f"IATI {path.name}" + (
                    f" ({activity.reporting_org})" if activity.reporting_org else ""
                )
                data = _project_data(activity, source, sectors, report)
                existing = Project.objects.filter(iati_identifier=activity.identifier).first()
                try:
                    if existing:
                        update_record(existing, user=user, data=data, reason="Import IATI")
                        report.updated += 1
                    else:
                        create_record(Project, user=user, data=data, reason="Import IATI")
                        report.created += 1
                except ValidationError as error:
                    for name, messages in error.message_dict.items():
                        report.problems.append(
                            Problem(ERROR, activity.line, f"{name} : {' '.join(messages)}")
                        )
            if report.refused:
                raise _Rollback
    except IatiFileError as error:
        report.problems.append(error.problem)
    except _Rollback:
        pass
    if report.refused:
        report.created = report.updated = 0
    return report
